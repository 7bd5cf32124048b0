"""Period arithmetic: where a rule's period ends, what the ledger adds to it, and whether it rolls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from disputes.calendar import OfficialCalendar
from disputes.clock.ledger import _Ledger
from disputes.clock.rules import ClockSettings, Rule


@dataclass(frozen=True)
class _Span:
    """period_end = base + length; raw = period_end + added days; due = raw after any roll."""

    period_end: date
    raw: date
    due: date


def _period_end(spec: Rule, base: date, calendar: OfficialCalendar) -> date:
    if spec.unit == "natural":
        return base + timedelta(spec.length)
    if spec.unit == "working":
        return calendar.nth_working_day_after(base, spec.length)
    if spec.unit == "year":
        return _years_after(base, spec.length)
    if spec.unit == "working_backwards":
        return calendar.nth_working_day_before(base, spec.length) - timedelta(1)
    return base - timedelta(spec.length + 1)


def _years_after(day: date, years: int) -> date:
    # 民法典 202: with no matching day the period ends on the month's last day (29 Feb → 28 Feb).
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 2, 28)


def _rolls(spec: Rule, settings: ClockSettings) -> bool:
    if spec.unit not in ("natural", "year"):
        return False
    return spec.code != "arbitration.award" or settings.award_limit_rolls_forward


def _span(spec: Rule, ledger: _Ledger, calendar: OfficialCalendar, settings: ClockSettings) -> _Span:
    period_end = _period_end(spec, ledger.base, calendar)
    raw = period_end + timedelta(ledger.suspended_days + ledger.extension_days)
    due = calendar.next_working_day_on_or_after(raw) if _rolls(spec, settings) else raw
    return _Span(period_end, raw, due)


def _unpublished_years(
    spec: Rule, ledger: _Ledger, span: _Span, calendar: OfficialCalendar, settings: ClockSettings
) -> tuple[int, ...]:
    """The unpublished years whose working days decided the answer (none while suspended)."""
    base = ledger.base
    if ledger.open_since is not None or spec.unit == "natural_backwards":
        return ()
    if spec.unit == "working":
        return calendar.unpublished_years(base + timedelta(1), span.due)
    if spec.unit == "working_backwards":
        return calendar.unpublished_years(span.due + timedelta(1), base - timedelta(1))
    return calendar.unpublished_years(span.raw, span.due) if _rolls(spec, settings) else ()
