"""The worker portal: server-rendered pages for signing up, filing online and following a case from a phone."""
