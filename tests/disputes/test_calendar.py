"""The official calendar: chinesecalendar import, working-day arithmetic, unpublished years."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from disputes.calendar import HolidayRun, OfficialCalendar, YearCalendar, year_from_chinesecalendar

PUBLISHED = range(2004, 2027)
D = date


@lru_cache(maxsize=1)
def official_calendar() -> OfficialCalendar:
    return OfficialCalendar(year_from_chinesecalendar(year) for year in PUBLISHED)


@pytest.fixture(scope="session")
def calendar() -> OfficialCalendar:
    return official_calendar()


def test_2025_holidays_are_named_in_chinese_including_their_weekend_days() -> None:
    rest_days = year_from_chinesecalendar(2025).rest_days
    assert rest_days[D(2025, 1, 1)] == "元旦"
    assert rest_days[D(2025, 1, 28)] == "春节"
    assert rest_days[D(2025, 2, 2)] == "春节"  # a Sunday inside the Spring Festival
    assert rest_days[D(2025, 4, 4)] == "清明节"
    assert rest_days[D(2025, 5, 1)] == "劳动节"
    assert rest_days[D(2025, 5, 31)] == "端午节"  # a Saturday
    assert rest_days[D(2025, 10, 6)] == "中秋节"
    assert rest_days[D(2025, 10, 8)] == "国庆节"
    assert D(2025, 10, 11) not in rest_days
    assert D(2025, 3, 8) not in rest_days  # an ordinary Saturday is not listed


def test_2025_make_up_working_days_are_the_worked_weekends() -> None:
    assert year_from_chinesecalendar(2025).make_up_working_days == {
        D(2025, 1, 26),
        D(2025, 2, 8),
        D(2025, 4, 27),
        D(2025, 9, 28),
        D(2025, 10, 11),
    }


def test_2015_victory_day_holiday_and_its_make_up_sunday() -> None:
    year = year_from_chinesecalendar(2015)
    assert year.rest_days[D(2015, 9, 3)] == "抗战胜利纪念日"
    assert year.rest_days[D(2015, 9, 4)] == "抗战胜利纪念日"
    assert D(2015, 9, 6) in year.make_up_working_days


def test_year_outside_chinesecalendar_data_is_refused() -> None:
    with pytest.raises(ValueError, match="2027"):
        year_from_chinesecalendar(2027)


def test_official_calendar_agrees_with_chinesecalendar_on_every_day_2004_to_2026(calendar: OfficialCalendar) -> None:
    day, disagreements = D(2004, 1, 1), []
    while day <= D(2026, 12, 31):
        if calendar.is_working_day(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += timedelta(1)
    assert disagreements == []


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 9, 28), True),  # Sunday, make-up for National Day
        (D(2025, 9, 30), True),
        (D(2025, 10, 1), False),  # National Day
        (D(2025, 10, 6), False),  # Mid-autumn Festival inside the eight-day holiday
        (D(2025, 10, 8), False),  # Wednesday, last holiday day
        (D(2025, 10, 9), True),
        (D(2025, 10, 11), True),  # Saturday, make-up for National Day
        (D(2025, 10, 12), False),  # ordinary Sunday
        (D(2026, 2, 14), True),  # Saturday, make-up for Spring Festival
        (D(2026, 2, 16), False),  # Monday in the nine-day Spring Festival
        (D(2026, 2, 23), False),
        (D(2026, 2, 24), True),
        (D(2026, 1, 4), True),  # Sunday, make-up for New Year's Day
        (D(2024, 12, 31), True),
        (D(2025, 1, 1), False),  # New Year's Day, a Wednesday
    ],
)
def test_official_working_days(calendar: OfficialCalendar, day: date, working: bool) -> None:
    assert calendar.is_working_day(day) is working


def test_make_up_days_and_holiday_names_are_reported(calendar: OfficialCalendar) -> None:
    assert calendar.is_make_up_working_day(D(2025, 9, 28))
    assert not calendar.is_make_up_working_day(D(2025, 9, 27))
    assert calendar.holiday_name(D(2026, 2, 17)) == "春节"
    assert calendar.holiday_name(D(2025, 9, 28)) is None
    assert calendar.holiday_name(D(2025, 3, 8)) is None


def test_unpublished_year_uses_monday_to_friday(calendar: OfficialCalendar) -> None:
    assert not calendar.is_published(2027)
    assert calendar.is_published(2026)
    assert calendar.is_working_day(D(2027, 1, 1))  # a Friday; 元旦 is not known yet
    assert not calendar.is_working_day(D(2027, 1, 2))
    assert calendar.unpublished_years(D(2026, 12, 1), D(2027, 1, 4)) == (2027,)


def test_publishing_2027_changes_its_working_days() -> None:
    published_2027 = YearCalendar(2027, {D(2027, 1, 1): "元旦"}, frozenset())
    calendar = OfficialCalendar([*(year_from_chinesecalendar(y) for y in PUBLISHED), published_2027])
    assert calendar.is_published(2027)
    assert not calendar.is_working_day(D(2027, 1, 1))
    assert calendar.next_working_day_on_or_after(D(2027, 1, 1)) == D(2027, 1, 4)


@pytest.mark.parametrize(
    ("after", "n", "expected"),
    [
        (D(2025, 9, 30), 1, D(2025, 10, 9)),  # over the whole National Day holiday
        (D(2025, 9, 26), 1, D(2025, 9, 28)),  # the make-up Sunday counts
        (D(2025, 1, 24), 3, D(2025, 2, 5)),  # make-up Sunday 01-26, Monday 01-27, then after 春节
        (D(2025, 12, 31), 1, D(2026, 1, 4)),  # 元旦 2026 is Thu–Sat, Sunday 01-04 is worked
        (D(2003, 12, 30), 2, D(2004, 1, 2)),  # from before the data (Mon–Fri) into 2004 (元旦)
        (D(2026, 12, 30), 2, D(2027, 1, 1)),  # into unpublished 2027 (Mon–Fri)
    ],
)
def test_nth_working_day_after(calendar: OfficialCalendar, after: date, n: int, expected: date) -> None:
    assert calendar.nth_working_day_after(after, n) == expected


def test_nth_working_day_before_skips_weekend_and_holiday(calendar: OfficialCalendar) -> None:
    assert calendar.nth_working_day_before(D(2026, 3, 16), 5) == D(2026, 3, 9)
    assert calendar.nth_working_day_before(D(2025, 10, 9), 3) == D(2025, 9, 28)


def test_next_working_day_on_or_after(calendar: OfficialCalendar) -> None:
    assert calendar.next_working_day_on_or_after(D(2025, 10, 1)) == D(2025, 10, 9)
    assert calendar.next_working_day_on_or_after(D(2025, 9, 28)) == D(2025, 9, 28)
    assert calendar.next_working_day_on_or_after(D(2027, 1, 2)) == D(2027, 1, 4)


def test_count_working_days_excludes_the_first_day(calendar: OfficialCalendar) -> None:
    assert calendar.count_working_days(D(2025, 9, 30), D(2025, 10, 11)) == 3
    assert calendar.count_working_days(D(2025, 10, 11), D(2025, 9, 30)) == 0
    assert calendar.count_working_days(D(2024, 12, 31), D(2025, 12, 31)) == 248  # 2025 added two holidays


def test_adjacent_holidays_merge_into_one_run(calendar: OfficialCalendar) -> None:
    runs = calendar.holiday_runs(D(2025, 9, 1), D(2025, 10, 31))
    assert runs == [HolidayRun(("国庆节", "中秋节"), D(2025, 10, 1), D(2025, 10, 8))]
    assert runs[0].name_en == "National Day and Mid-autumn Festival"


def test_year_calendar_refuses_a_weekday_make_up_day() -> None:
    with pytest.raises(ValueError, match="not a Saturday or Sunday"):
        YearCalendar(2027, {}, frozenset({D(2027, 1, 4)}))


def test_year_calendar_refuses_a_day_both_rest_and_worked() -> None:
    with pytest.raises(ValueError, match="both"):
        YearCalendar(2027, {D(2027, 1, 2): "元旦"}, frozenset({D(2027, 1, 2)}))


def test_year_calendar_refuses_a_day_of_a_distant_year() -> None:
    with pytest.raises(ValueError, match="does not belong"):
        YearCalendar(2027, {D(2025, 1, 1): "元旦"}, frozenset())


def test_a_rest_day_loaded_without_a_name_is_called_a_public_holiday() -> None:
    calendar = OfficialCalendar([YearCalendar(2027, {D(2027, 1, 1): ""}, frozenset())])
    assert calendar.holiday_name(D(2027, 1, 1)) == "节假日"
    assert calendar.holiday_runs(D(2026, 12, 31), D(2027, 1, 1))[0].name_en == "public holiday"


def test_official_calendar_refuses_a_year_listed_twice() -> None:
    with pytest.raises(ValueError, match="twice"):
        OfficialCalendar([year_from_chinesecalendar(2025), year_from_chinesecalendar(2025)])


def test_a_make_up_day_listed_in_the_next_years_notice_is_honoured() -> None:
    # The 2012 notice made Saturday 2011-12-31 a working day.
    calendar = OfficialCalendar([YearCalendar(2012, {D(2012, 1, 2): "元旦"}, frozenset({D(2011, 12, 31)}))])
    assert calendar.is_working_day(D(2011, 12, 31))
    assert not calendar.is_published(2011)


def _naive_working_day(day: date) -> bool:
    if day.year in PUBLISHED:
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


@given(start=st.dates(D(2002, 6, 1), D(2028, 6, 1)), n=st.integers(1, 60))
def test_nth_working_day_after_matches_a_day_by_day_count(calendar: OfficialCalendar, start: date, n: int) -> None:
    day, left = start, n
    while left:
        day += timedelta(1)
        left -= _naive_working_day(day)
    assert calendar.nth_working_day_after(start, n) == day
    assert calendar.count_working_days(start, day) == n


@given(start=st.dates(D(2002, 6, 1), D(2028, 6, 1)), n=st.integers(1, 60))
def test_nth_working_day_before_is_the_inverse_of_after(calendar: OfficialCalendar, start: date, n: int) -> None:
    before = calendar.nth_working_day_before(start, n)
    assert calendar.is_working_day(before)
    assert calendar.count_working_days(before, start - timedelta(1)) == n - 1
