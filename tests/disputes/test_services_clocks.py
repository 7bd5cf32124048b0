"""Clock services: each ledger event validated by the calculator, stored with the derived due date, audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from disputes.errors import DomainError, NotAllowedInState
from disputes.models import Case, Clock, ClockEvent, ClockState
from disputes.services.clocks import (
    clock_moved,
    extend_clock,
    restart_clock,
    resume_clock,
    start_clock,
    stop_clock,
    suspend_clock,
)
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today_is_1_december_2025() -> Any:
    with time_machine.travel("2025-12-01 10:00 +0800", tick=False):
        yield


@pytest.fixture
def case(db: Any) -> Case:
    return CaseFactory.create(knew_of_infringement_on=date(2025, 1, 2))


@pytest.fixture
def award(case: Case) -> Clock:
    return start_clock(case, "arbitration.award", date(2025, 3, 3))


def test_award_clock_starts_with_its_due_date(award: Clock) -> None:
    assert (award.state, award.due_on, award.provisional) == ("running", date(2025, 4, 17), False)
    assert award.case.events.get().kind == "clock_started"


def test_suspension_then_resumption_moves_the_due_date_as_the_spec_example(award: Clock, clerk: Any) -> None:
    suspended = suspend_clock(award, date(2025, 3, 10), by=clerk, reason="公告送达")
    assert (suspended.state, suspended.due_on, suspended.suspended_since) == ("suspended", None, date(2025, 3, 10))
    resumed = resume_clock(award, date(2025, 3, 20), by=clerk)
    assert (resumed.state, resumed.due_on, resumed.suspended_since) == ("running", date(2025, 4, 27), None)
    kinds = list(award.case.events.values_list("kind", flat=True))
    assert kinds == ["clock_started", "clock_suspend", "clock_resume"]
    last = award.case.events.last()
    assert last is not None and (last.before["due_on"], last.after["due_on"]) == (None, "2025-04-27")


def test_two_suspensions_and_an_extension_add_up(award: Clock, clerk: Any, organizations: Any) -> None:
    suspend_clock(award, date(2025, 3, 10), by=clerk)
    resume_clock(award, date(2025, 3, 20), by=clerk)  # +10 → 04-27 (make-up Sunday)
    suspend_clock(award, date(2025, 4, 1), by=clerk)
    resume_clock(award, date(2025, 4, 4), by=clerk)  # +3 → 04-30
    clock = extend_clock(award, 15, date(2025, 4, 20), by=clerk, approved_by=clerk)  # +15 → 05-15
    assert clock.due_on == date(2025, 5, 15)
    assert ClockEvent.objects.filter(clock=award).count() == 5


def test_restart_discards_earlier_suspensions(award: Clock, clerk: Any) -> None:
    suspend_clock(award, date(2025, 3, 10), by=clerk)
    resume_clock(award, date(2025, 3, 20), by=clerk)
    clock = restart_clock(award, date(2025, 4, 1), by=clerk, reason="追加请求")
    assert clock.due_on == date(2025, 5, 16)  # 2025-04-01 + 45 = 05-16, a Friday


@pytest.mark.parametrize(
    ("act", "code"),
    [
        (lambda c, u: extend_clock(c, 16, date(2025, 4, 1), by=u), "extension_exceeds_maximum"),
        (lambda c, u: extend_clock(c, 5, date(2025, 4, 18), by=u), "extension_after_due"),
        (lambda c, u: suspend_clock(c, date(2025, 3, 1), by=u), "suspension_before_start"),
        (lambda c, u: suspend_clock(c, date(2025, 4, 18), by=u), "suspension_after_due"),
        (lambda c, u: restart_clock(c, date(2025, 3, 2), by=u), "restart_before_start"),
        (lambda c, u: restart_clock(c, date(2025, 4, 18), by=u), "restart_after_due"),
    ],
)
def test_invalid_events_are_refused_with_their_code_and_nothing_is_stored(
    award: Clock, clerk: Any, act: Any, code: str
) -> None:
    with pytest.raises(DomainError) as caught:
        act(award, clerk)
    assert caught.value.code == code
    award.refresh_from_db()
    assert (award.due_on, award.events.count(), award.case.events.count()) == (date(2025, 4, 17), 0, 1)


def test_overlapping_suspension_and_restart_while_suspended_are_refused(award: Clock, clerk: Any) -> None:
    suspend_clock(award, date(2025, 3, 10), by=clerk)
    with pytest.raises(DomainError) as overlap:
        suspend_clock(award, date(2025, 3, 12), by=clerk)
    with pytest.raises(DomainError) as restart:
        restart_clock(award, date(2025, 3, 15), by=clerk)
    assert (overlap.value.code, restart.value.code) == ("suspension_overlap", "restart_while_suspended")


def test_resumption_before_the_suspension_is_refused(award: Clock, clerk: Any) -> None:
    suspend_clock(award, date(2025, 3, 10), by=clerk)
    with pytest.raises(DomainError) as caught:
        resume_clock(award, date(2025, 3, 9), by=clerk)
    assert caught.value.code == "suspension_dates_reversed"


def test_events_on_rules_that_do_not_allow_them_are_refused(case: Case, clerk: Any) -> None:
    service = start_clock(case, "arbitration.service", date(2025, 3, 3))
    with pytest.raises(DomainError) as caught:
        suspend_clock(service, date(2025, 3, 4), by=clerk)
    assert caught.value.code == "event_not_allowed"


def test_future_dated_events_are_refused(award: Clock, clerk: Any) -> None:
    with pytest.raises(DomainError) as caught:
        suspend_clock(award, date(2025, 12, 2), by=clerk)
    assert caught.value.code == "date_in_future"


def test_resuming_a_running_clock_is_not_allowed(award: Clock, clerk: Any) -> None:
    with pytest.raises(NotAllowedInState):
        resume_clock(award, date(2025, 3, 20), by=clerk)


def test_stopped_clock_refuses_every_event(award: Clock, clerk: Any) -> None:
    stop_clock(award, date(2025, 4, 10), by=clerk, completed=True)
    award.refresh_from_db()
    assert (award.state, award.ended_on) == (ClockState.MET, date(2025, 4, 10))
    with pytest.raises(NotAllowedInState):
        extend_clock(award, 5, date(2025, 4, 11), by=clerk)


def test_completion_after_the_due_date_is_missed(award: Clock, clerk: Any) -> None:
    assert stop_clock(award, date(2025, 4, 18), by=clerk, completed=True).state == ClockState.MISSED


def test_withdrawal_stops_a_clock(award: Clock, clerk: Any) -> None:
    assert stop_clock(award, date(2025, 3, 18), by=clerk, completed=False).state == ClockState.STOPPED


def test_backwards_clock_may_start_on_a_future_hearing_date(case: Case) -> None:
    notice = start_clock(case, "arbitration.hearing_notice", date(2026, 3, 16))
    assert notice.due_on == date(2026, 3, 8)  # the spec's example: a Sunday, no roll


def test_forward_clock_cannot_start_in_the_future(case: Case) -> None:
    with pytest.raises(DomainError) as caught:
        start_clock(case, "arbitration.award", date(2025, 12, 2))
    assert caught.value.code == "date_in_future"


def test_unknown_rule_is_refused(case: Case) -> None:
    with pytest.raises(DomainError) as caught:
        start_clock(case, "arbitration.appeal", date(2025, 3, 3))
    assert caught.value.code == "unknown_rule"


def test_every_move_is_signalled_for_the_flow_timers(award: Clock, clerk: Any) -> None:
    moved: list[Clock] = []

    def receiver(sender: Any, clock: Clock, **kwargs: Any) -> None:
        moved.append(clock)

    clock_moved.connect(receiver)
    try:
        extend_clock(award, 10, date(2025, 4, 1), by=clerk, approved_by=clerk)
    finally:
        clock_moved.disconnect(receiver)
    assert [c.due_on for c in moved] == [date(2025, 4, 27)]  # 04-17 + 10 = a make-up working Sunday
