"""The limitation period at filing (Law 27): a countdown, a warning when expired, never a refusal."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from disputes.limitation import limitation_warnings
from disputes.models import Case, Street
from disputes.services.cases import ClaimItemDetails, open_case
from tests.disputes.test_services_cases import filing

pytestmark = pytest.mark.django_db
WAGES = [ClaimItemDetails("unpaid_wages", Decimal("8000"))]
COMPENSATION = [ClaimItemDetails("economic_compensation", Decimal("20000"))]


@pytest.fixture(autouse=True)
def today_is_28_november_2026() -> Any:
    with time_machine.travel("2026-11-28 10:00 +0800", tick=False):
        yield


def open_with(clerk: Any, street: Street, **changes: Any) -> Case:
    case = open_case(replace(filing(street), **changes), by=clerk)
    return Case.objects.prefetch_related("clocks", "claim_items").get(pk=case.pk)


def limitation(case: Case) -> Any:
    return case.clocks.get(rule="limitation")


def test_filing_in_time_interrupts_the_period_and_a_new_year_runs(
    clerk: Any, xinzhuang: Street, organizations: Any
) -> None:
    case = open_with(clerk, xinzhuang, claim_items=COMPENSATION, knew_of_infringement_on=date(2026, 3, 2))
    clock = limitation(case)
    assert (clock.state, clock.started_on, clock.due_on) == ("running", date(2026, 3, 2), date(2027, 11, 29))
    assert clock.events.get().kind == "restart"
    assert limitation_warnings(case) == []
    assert case.events.get().after["limitation"]["due_on"] == "2027-11-29"


def test_expired_limitation_is_a_warning_not_a_refusal(clerk: Any, xinzhuang: Street, organizations: Any) -> None:
    case = open_with(
        clerk,
        xinzhuang,
        claim_items=COMPENSATION,
        knew_of_infringement_on=date(2025, 6, 3),
        employment_ended_on=date(2025, 6, 3),
    )
    clock = limitation(case)
    assert (clock.state, clock.ended_on) == ("missed", date(2026, 6, 3))
    [warning] = limitation_warnings(case)
    assert warning["code"] == "limitation_expired" and "2026-06-03" in warning["message_zh"]


def test_unpaid_wages_count_from_the_end_of_employment(clerk: Any, xinzhuang: Street, organizations: Any) -> None:
    case = open_with(
        clerk,
        xinzhuang,
        claim_items=WAGES,
        knew_of_infringement_on=date(2024, 1, 5),
        employment_ended_on=date(2026, 1, 5),
    )
    assert limitation(case).started_on == date(2026, 1, 5)
    assert limitation(case).state == "running"


def test_unpaid_wages_while_employed_have_no_limitation_clock(
    clerk: Any, xinzhuang: Street, organizations: Any
) -> None:
    case = open_with(
        clerk, xinzhuang, claim_items=WAGES, knew_of_infringement_on=date(2023, 1, 5), employment_ended_on=None
    )
    assert not case.clocks.exists()
    assert [w["code"] for w in limitation_warnings(case)] == ["limitation_not_running"]


def test_the_earliest_claim_sets_the_limitation(clerk: Any, xinzhuang: Street, organizations: Any) -> None:
    case = open_with(
        clerk,
        xinzhuang,
        claim_items=WAGES + COMPENSATION,
        knew_of_infringement_on=date(2026, 2, 1),
        employment_ended_on=date(2026, 4, 1),
    )
    assert limitation(case).started_on == date(2026, 2, 1)


def test_limitation_from_29_february_ends_on_28_february(clerk: Any, xinzhuang: Street, organizations: Any) -> None:
    with time_machine.travel("2024-02-29 15:00 +0800", tick=False):  # filed the same day: nothing to interrupt
        case = open_with(
            clerk,
            xinzhuang,
            claim_items=COMPENSATION,
            knew_of_infringement_on=date(2024, 2, 29),
            employment_ended_on=None,
        )
    clock = limitation(case)
    assert (clock.started_on, clock.due_on) == (date(2024, 2, 29), date(2025, 2, 28))
    assert not clock.events.exists()


def test_interruption_on_a_saturday_rolls_past_the_dragon_boat_festival(
    clerk: Any, xinzhuang: Street, organizations: Any
) -> None:
    with time_machine.travel("2024-06-01 10:00 +0800", tick=False):
        case = open_with(
            clerk,
            xinzhuang,
            claim_items=COMPENSATION,
            knew_of_infringement_on=date(2024, 2, 29),
            employment_ended_on=None,
        )
    # Restarted on Saturday 2024-06-01: 2025-06-01 is a Sunday inside 端午节 (05-31 to 06-02) → 06-03.
    assert limitation(case).due_on == date(2025, 6, 3)
