"""Alert levels as pure values: the level on a day, the first day of each level, the next alert day."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disputes.alert_levels import level_entries, level_of, next_alert_on, pending_alert_on
from disputes.calendar import OfficialCalendar, year_from_chinesecalendar

D = date
AWARD = (3, 1)


@lru_cache(maxsize=1)
def official_calendar() -> OfficialCalendar:
    return OfficialCalendar(year_from_chinesecalendar(year) for year in (2025, 2026))


@pytest.fixture(scope="module")
def calendar() -> OfficialCalendar:
    return official_calendar()


@pytest.mark.parametrize(
    ("due_on", "thresholds", "entries"),
    [
        # An ordinary Thursday: Monday, Wednesday, the day itself, Friday.
        (D(2026, 4, 16), AWARD, [(D(2026, 4, 13), "due_in_3"), (D(2026, 4, 15), "due_in_1")]),
        # The first working day after National Day: the warnings fall before the holiday.
        (D(2026, 10, 8), AWARD, [(D(2026, 9, 28), "due_in_3"), (D(2026, 9, 30), "due_in_1")]),
        # Monday after a make-up working Saturday (2026-10-10): one working day left from that Saturday.
        (D(2026, 10, 12), AWARD, [(D(2026, 10, 8), "due_in_3"), (D(2026, 10, 10), "due_in_1")]),
        # A natural-day period due on a Sunday: the last working day before it is the Friday.
        (D(2026, 4, 19), (1,), [(D(2026, 4, 17), "due_in_1")]),
        # Thresholds listed in any order, repeated: the same levels.
        (D(2026, 4, 16), (1, 3, 1), [(D(2026, 4, 13), "due_in_3"), (D(2026, 4, 15), "due_in_1")]),
        # No working-day warning configured: due today and overdue only.
        (D(2026, 4, 16), (), []),
    ],
)
def test_each_level_begins_on_its_working_day_then_due_today_then_overdue(
    calendar: OfficialCalendar, due_on: date, thresholds: tuple[int, ...], entries: list[tuple[date, str]]
) -> None:
    expected = [*entries, (due_on, "due_today"), (due_on + timedelta(days=1), "overdue")]
    assert list(level_entries(due_on, thresholds, calendar)) == expected


@pytest.mark.parametrize(
    ("today", "level"),
    [
        (D(2026, 9, 25), None),  # a holiday Friday: four working days left (28, 29, 30 Sept, 8 Oct)
        (D(2026, 9, 28), "due_in_3"),
        (D(2026, 9, 29), "due_in_3"),
        (D(2026, 9, 30), "due_in_1"),
        (D(2026, 10, 3), "due_in_1"),  # inside the holiday: still one working day left
        (D(2026, 10, 8), "due_today"),
        (D(2026, 10, 9), "overdue"),
        (D(2027, 3, 1), "overdue"),
    ],
)
def test_level_of_an_award_due_after_national_day(calendar: OfficialCalendar, today: date, level: str | None) -> None:
    assert level_of(D(2026, 10, 8), today, AWARD, calendar) == level


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (D(2026, 4, 1), D(2026, 4, 13)),
        (D(2026, 4, 12), D(2026, 4, 13)),
        (D(2026, 4, 13), D(2026, 4, 15)),
        (D(2026, 4, 14), D(2026, 4, 15)),
        (D(2026, 4, 15), D(2026, 4, 16)),
        (D(2026, 4, 16), D(2026, 4, 17)),
        (D(2026, 4, 17), None),  # overdue: nothing more to alert
        (D(2026, 5, 30), None),
    ],
)
def test_next_alert_day_is_the_first_level_after_the_day_swept(
    calendar: OfficialCalendar, after: date, expected: date | None
) -> None:
    assert next_alert_on(D(2026, 4, 16), AWARD, calendar, after=after) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 3, 2), D(2026, 4, 13)),  # far off: the first warning's day
        (D(2026, 4, 13), D(2026, 4, 13)),  # at due_in_3 since today: the sweep raises it
        (D(2026, 4, 14), D(2026, 4, 13)),  # at due_in_3 since yesterday: still raised (once) by the sweep
        (D(2026, 4, 16), D(2026, 4, 16)),
        (D(2026, 4, 20), D(2026, 4, 17)),  # moved onto an overdue date: the sweep raises overdue
    ],
)
def test_a_clock_that_starts_or_moves_stores_the_day_of_its_current_level(
    calendar: OfficialCalendar, today: date, expected: date
) -> None:
    assert pending_alert_on(D(2026, 4, 16), AWARD, calendar, today=today) == expected


days = st.dates(min_value=D(2025, 1, 10), max_value=D(2026, 12, 20))
thresholds = st.lists(st.integers(min_value=1, max_value=6), max_size=3).map(tuple)


@given(due_on=days, today=days, watched=thresholds)
def test_the_level_on_any_day_is_the_last_level_begun_by_then(
    due_on: date, today: date, watched: tuple[int, ...]
) -> None:
    calendar = official_calendar()
    begun = [level for day, level in level_entries(due_on, watched, calendar) if day <= today]
    assert level_of(due_on, today, watched, calendar) == (begun[-1] if begun else None)


@given(due_on=days, today=days, watched=thresholds)
def test_the_level_changes_on_the_next_alert_day_and_not_before(
    due_on: date, today: date, watched: tuple[int, ...]
) -> None:
    calendar = official_calendar()
    following = next_alert_on(due_on, watched, calendar, after=today)
    now = level_of(due_on, today, watched, calendar)
    if following is None:
        assert now == "overdue"
        return
    assert following > today
    assert level_of(due_on, following - timedelta(days=1), watched, calendar) == now
    assert level_of(due_on, following, watched, calendar) != now


@given(due_on=days, today=days, watched=thresholds)
def test_the_stored_day_has_come_exactly_when_the_clock_is_at_a_level(
    due_on: date, today: date, watched: tuple[int, ...]
) -> None:
    calendar = official_calendar()
    pending = pending_alert_on(due_on, watched, calendar, today=today)
    at_level = level_of(due_on, today, watched, calendar) is not None
    assert (pending <= today) == at_level
    if at_level:
        assert level_of(due_on, pending, watched, calendar) == level_of(due_on, today, watched, calendar)
