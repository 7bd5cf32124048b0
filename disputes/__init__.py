"""Disputes: the domain of Leye — cases, parties, organizations, clocks and their services."""
