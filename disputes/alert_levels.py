"""Alert levels of a running clock: the level a due date is at on a day, and the days it enters each level.

Pure values: no ORM, no today. Days are Asia/Shanghai calendar dates. `thresholds` are the numbers of
official working days before the due date at which the clock's rule alerts (ALERT_WORKING_DAYS_BEFORE).
Levels, least urgent first: `due_in_<n>` for each threshold n (largest first), `due_today`, `overdue`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

DUE_TODAY = "due_today"
OVERDUE = "overdue"


class WorkingDays(Protocol):
    """The part of OfficialCalendar that alert levels read."""

    def nth_working_day_after(self, day: date, n: int) -> date: ...

    def nth_working_day_before(self, day: date, n: int) -> date: ...


def level_of(due_on: date, today: date, thresholds: tuple[int, ...], calendar: WorkingDays) -> str | None:
    """The alert level of a clock due on `due_on`, seen on `today`; None while it is still far off."""
    if due_on < today:
        return OVERDUE
    if due_on == today:
        return DUE_TODAY
    for n in sorted(thresholds):
        if due_on <= calendar.nth_working_day_after(today, n):
            return f"due_in_{n}"
    return None


def level_entries(due_on: date, thresholds: tuple[int, ...], calendar: WorkingDays) -> tuple[tuple[date, str], ...]:
    """Each level with the first day the clock is at it, in order.

    `due_in_<n>` begins on the n-th working day before the due date (on it, n working days or fewer are
    left), `due_today` on the due date, `overdue` the day after.
    """
    ahead = [(calendar.nth_working_day_before(due_on, n), f"due_in_{n}") for n in sorted(set(thresholds), reverse=True)]
    return (*ahead, (due_on, DUE_TODAY), (due_on + timedelta(days=1), OVERDUE))


def next_alert_on(due_on: date, thresholds: tuple[int, ...], calendar: WorkingDays, *, after: date) -> date | None:
    """The first day after `after` on which the clock enters a level; None when it is overdue by then."""
    return next((day for day, _level in level_entries(due_on, thresholds, calendar) if day > after), None)


def pending_alert_on(due_on: date, thresholds: tuple[int, ...], calendar: WorkingDays, *, today: date) -> date:
    """What a clock that starts or moves on `today` stores as its next alert day.

    The first day of the level it is at on `today` (so the next sweep raises that level), else the
    first day of its first level.
    """
    entries = level_entries(due_on, thresholds, calendar)
    entered = [day for day, _level in entries if day <= today]
    return entered[-1] if entered else entries[0][0]
