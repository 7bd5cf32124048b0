"""Workflows: the viewflow processes that carry a case through the tiers, and their timers."""
