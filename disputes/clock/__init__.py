"""Statutory deadline arithmetic: the rule catalogue, the event ledger and explained due dates."""

from disputes.clock.compute import ClockResult, compute_due
from disputes.clock.explain import STEP_TEXTS, Step
from disputes.clock.ledger import LEDGER_MESSAGES, Event, EventKind, Extend, LedgerError, Restart, Suspend
from disputes.clock.rules import DEFAULT_SETTINGS, RULES, ClockSettings, Rule, Unit, resolve_rule

__all__ = [
    "DEFAULT_SETTINGS",
    "LEDGER_MESSAGES",
    "RULES",
    "STEP_TEXTS",
    "ClockResult",
    "ClockSettings",
    "Event",
    "EventKind",
    "Extend",
    "LedgerError",
    "Restart",
    "Rule",
    "Step",
    "Suspend",
    "Unit",
    "compute_due",
    "resolve_rule",
]
