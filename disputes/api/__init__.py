"""The REST API under /api/v1/: conventions in the README (errors, idempotency, actions)."""
