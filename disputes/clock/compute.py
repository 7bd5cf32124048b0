"""Due dates: compute_due replays the ledger, counts the period and returns an explained ClockResult."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, partial

from disputes.calendar import OfficialCalendar
from disputes.clock.explain import Step, _explain
from disputes.clock.ledger import Event
from disputes.clock.period import _span, _unpublished_years
from disputes.clock.replay import _replay
from disputes.clock.rules import DEFAULT_SETTINGS, ClockSettings, Unit, resolve_rule


@dataclass(frozen=True)
class ClockResult:
    """A computed due date (Asia/Shanghai calendar date) and how it was reached."""

    rule: str
    start: date
    due: date | None
    unit: Unit
    length: int
    basis: str
    provisional: bool
    provisional_years: tuple[int, ...]
    suspended_since: date | None
    events: tuple[Event, ...]
    discarded_events: tuple[Event, ...]
    _explain: Callable[[], tuple[Step, ...]] = field(repr=False, compare=False)

    @cached_property
    def steps(self) -> tuple[Step, ...]:
        """The explanation, in words a clerk can check; rendered on first use (sweeps need only ``due``)."""
        return self._explain()

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form; ``due`` is None while a suspension is open."""
        return {
            "rule": self.rule,
            "start": self.start.isoformat(),
            "due": None if self.due is None else self.due.isoformat(),
            "unit": self.unit,
            "length": self.length,
            "basis": self.basis,
            "provisional": self.provisional,
            "provisional_years": list(self.provisional_years),
            "suspended_since": None if self.suspended_since is None else self.suspended_since.isoformat(),
            "events": [event.to_dict() for event in self.events],
            "discarded_events": [event.to_dict() for event in self.discarded_events],
            "steps": [{"zh": step.zh, "en": step.en} for step in self.steps],
        }


def compute_due(
    rule: str,
    start: date,
    events: Sequence[Event] = (),
    *,
    calendar: OfficialCalendar,
    settings: ClockSettings = DEFAULT_SETTINGS,
) -> ClockResult:
    """Due date of ``rule`` started on ``start`` with ledger ``events``, explained.

    Dates are Asia/Shanghai calendar dates; lengths count natural days, official working days
    or years as the rule's unit says. For backwards rules ``start`` is the hearing date and the
    answer is the latest date still in time. Raises LedgerError for an invalid ledger.
    """
    spec = resolve_rule(rule, settings)
    ledger = _replay(spec, start, events, calendar, settings)
    span = _span(spec, ledger, calendar, settings)
    years = _unpublished_years(spec, ledger, span, calendar, settings)
    return ClockResult(
        rule=spec.code,
        start=start,
        due=None if ledger.open_since is not None else span.due,
        unit=spec.unit,
        length=spec.length,
        basis=spec.basis,
        provisional=bool(years),
        provisional_years=years,
        suspended_since=ledger.open_since,
        events=ledger.effective(),
        discarded_events=tuple(ledger.discarded),
        _explain=partial(_explain, spec, start, ledger, span, years, calendar, settings),
    )
