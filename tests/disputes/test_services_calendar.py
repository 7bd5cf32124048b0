"""The official calendar as data: loaded by migration, published by year, re-projecting open clocks."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest
import time_machine
from django.core.management import CommandError, call_command

from disputes.calendar import YearCalendar
from disputes.errors import DomainError
from disputes.models import CalendarYear, Case, CaseEvent, Clock
from disputes.services.calendar import publish_calendar_year, unpublish_calendar_year
from disputes.services.clocks import start_clock
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).resolve().parents[2] / "disputes/data/calendar-2027.example.json"
# A 2027 with a New Year's holiday running into Monday 4 January and a make-up Saturday on 9 January.
YEAR_2027 = YearCalendar(
    2027,
    {date(2027, 1, 1): "元旦", date(2027, 1, 2): "元旦", date(2027, 1, 3): "元旦", date(2027, 1, 4): "元旦"},
    frozenset({date(2027, 1, 9)}),
    source="测试用 2027 安排",
)


@pytest.fixture(autouse=True)
def today_is_30_december_2026() -> Any:
    with time_machine.travel("2026-12-30 10:00 +0800", tick=False):
        yield


@pytest.fixture
def case(db: Any) -> Case:
    return CaseFactory.create(knew_of_infringement_on=date(2026, 1, 5))


def test_migration_loads_every_official_year_from_2004_to_2026() -> None:
    calendar = CalendarYear.objects.official_calendar()
    assert calendar.published_years == tuple(range(2004, 2027))
    for day in (date(2004, 1, 1) + timedelta(days=n) for n in range(0, 8400, 7)):
        assert calendar.is_working_day(day) == chinese_calendar.is_workday(day), day


def test_an_unpublished_year_is_provisional_monday_to_friday_until_published(case: Case) -> None:
    # 2026-12-22 + 10 working days on a Monday–Friday basis: 2027-01-05 (Tuesday).
    clock = start_clock(case, "arbitration.defence", date(2026, 12, 22))
    assert (clock.due_on, clock.provisional) == (date(2027, 1, 5), True)
    moved = publish_calendar_year(YEAR_2027)
    clock.refresh_from_db()
    # With 2027-01-01 and 01-04 off and Saturday 01-09 worked, the tenth working day is 2027-01-07.
    assert (moved, clock.due_on, clock.provisional) == (1, date(2027, 1, 7), False)
    audit = CaseEvent.objects.filter(case=case, kind="clocks_reprojected").get()
    assert audit.after["clocks"][0]["due_on_before"] == "2027-01-05"
    assert audit.after["clocks"][0]["due_on"] == "2027-01-07"


def test_publishing_leaves_unaffected_clocks_alone(case: Case) -> None:
    clock = start_clock(case, "arbitration.service", date(2026, 12, 1))  # due 2026-12-08
    publish_calendar_year(YEAR_2027)
    clock.refresh_from_db()
    assert (clock.due_on, clock.provisional) == (date(2026, 12, 8), False)
    assert not CaseEvent.objects.filter(kind="clocks_reprojected").exists()


def test_one_audit_entry_per_case_however_many_clocks_move(case: Case) -> None:
    start_clock(case, "arbitration.defence", date(2026, 12, 22))
    start_clock(case, "arbitration.acceptance", date(2026, 12, 28))
    assert publish_calendar_year(YEAR_2027) == 2
    assert CaseEvent.objects.filter(case=case, kind="clocks_reprojected").count() == 1


def test_withdrawing_a_year_makes_its_clocks_provisional_again(case: Case) -> None:
    publish_calendar_year(YEAR_2027)
    clock = start_clock(case, "arbitration.defence", date(2026, 12, 22))
    assert not clock.provisional
    unpublish_calendar_year(2027)
    clock.refresh_from_db()
    assert (clock.due_on, clock.provisional) == (date(2027, 1, 5), True)


def test_a_day_cannot_belong_to_two_years() -> None:
    clash = YearCalendar(2027, {date(2026, 12, 31): "元旦"}, frozenset())
    publish_calendar_year(YearCalendar(2026, {date(2026, 12, 31): "测试"}, frozenset(), source="x"))
    with pytest.raises(DomainError) as caught:
        publish_calendar_year(clash)
    assert caught.value.code == "day_listed_twice"
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_load_calendar_command_publishes_the_example_file(case: Case) -> None:
    clock = start_clock(case, "arbitration.defence", date(2026, 12, 22))
    out = StringIO()
    call_command("load_calendar", str(EXAMPLE), stdout=out)
    assert "2027: 3 rest days" in out.getvalue() and "1 open clocks re-projected" in out.getvalue()
    assert CalendarYear.objects.get(year=2027).days.get(day=date(2027, 1, 1)).holiday_name == "元旦"
    clock.refresh_from_db()
    assert not clock.provisional


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        json.dumps({"year": 2027, "rest_days": ["2027-13-01"], "make_up_working_days": []}),
        json.dumps({"year": 2027, "rest_days": []}),
        json.dumps({"year": 2027, "rest_days": [], "make_up_working_days": ["2027-01-06"]}),
    ],
)
def test_load_calendar_refuses_a_bad_file_with_status_2(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CommandError) as caught:
        call_command("load_calendar", str(path))
    assert caught.value.returncode == 2
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_official_calendar_cache_follows_the_database() -> None:
    before = CalendarYear.objects.official_calendar()
    assert not before.is_published(2027)
    publish_calendar_year(YEAR_2027)
    after = CalendarYear.objects.official_calendar()
    assert after.is_published(2027) and not after.is_working_day(date(2027, 1, 4))
    assert CalendarYear.objects.official_calendar() is after
    assert Clock.objects.count() == 0
