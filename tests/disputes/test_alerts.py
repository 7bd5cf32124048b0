"""The deadline watch walks a clock through every level: each alert once, at the right moment, again if moved."""

from __future__ import annotations

import importlib
import io
import threading
from collections.abc import Iterator
from datetime import date
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection, connections, transaction

from disputes import deadlines, tasks
from disputes.calendar import YearCalendar
from disputes.errors import ActionForbidden, NotAllowedInState
from disputes.models import Alert, Case, Clock
from disputes.services import alerts
from disputes.services.calendar import publish_calendar_year
from disputes.services.clocks import extend_clock, resume_clock, start_clock, stop_clock, suspend_clock
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
START = date(2026, 3, 2)  # award due 2026-04-16 (Thursday)


def at(day: str) -> Any:
    return time_machine.travel(f"{day} 09:00 +0800", tick=False)


@pytest.fixture
def award(organizations: Any) -> Clock:
    case = CaseFactory.create(current_organization=organizations["qibao-tribunal"])
    with at("2026-03-02"):
        return start_clock(case, "arbitration.award", START)


def levels(clock: Clock) -> list[tuple[str, str]]:
    return [(a.level, str(a.due_on)) for a in Alert.objects.filter(clock=clock).order_by("id")]


def next_alert_on(clock: Clock) -> str | None:
    clock.refresh_from_db()
    return str(clock.next_alert_on) if clock.next_alert_on else None


def award_clocks(count: int) -> list[Clock]:
    """`count` award clocks of new cases, started on START (due 2026-04-16)."""
    with at("2026-03-02"):
        return [start_clock(CaseFactory.create(), "arbitration.award", START) for _ in range(count)]


@pytest.fixture
def claimed() -> Iterator[list[int]]:
    """How many clocks each sweep batch read: the sweep's rows, counted."""
    counts: list[int] = []
    real = alerts._sweep_batch

    def counting(*args: Any) -> tuple[int, list[int]]:
        read, raised = real(*args)
        counts.append(read)
        return read, raised

    with mock.patch.object(alerts, "_sweep_batch", counting):
        yield counts


def test_an_award_clock_walks_through_every_level_once(award: Clock) -> None:
    assert (award.due_on, next_alert_on(award)) == (date(2026, 4, 16), "2026-04-13")
    walk = [
        ("2026-04-10", "2026-04-13", []),  # four working days left: not yet
        ("2026-04-13", "2026-04-15", [("due_in_3", "2026-04-16")]),
        ("2026-04-14", "2026-04-15", [("due_in_3", "2026-04-16")]),  # still three or fewer but above one
        ("2026-04-15", "2026-04-16", [("due_in_3", "2026-04-16"), ("due_in_1", "2026-04-16")]),
        (
            "2026-04-16",
            "2026-04-17",
            [("due_in_3", "2026-04-16"), ("due_in_1", "2026-04-16"), ("due_today", "2026-04-16")],
        ),
        (
            "2026-04-17",
            None,
            [
                ("due_in_3", "2026-04-16"),
                ("due_in_1", "2026-04-16"),
                ("due_today", "2026-04-16"),
                ("overdue", "2026-04-16"),
            ],
        ),
    ]
    for day, following, expected in walk:
        with at(day):
            alerts.sweep_clocks()
            alerts.sweep_clocks()  # overlapping beats change nothing
        assert (levels(award), next_alert_on(award)) == (expected, following), day


def test_a_moved_deadline_alerts_again_and_closes_the_stale_alert(award: Clock, clerk: Any) -> None:
    with at("2026-04-13"):
        assert len(alerts.sweep_clocks()) == 1
        extend_clock(award, 10, date(2026, 4, 13), by=clerk)
    stale = Alert.objects.get(clock=award)
    assert stale.status == "closed"
    award.refresh_from_db()
    assert (
        award.due_on
        == deadlines.compute(
            "arbitration.award", START, deadlines.ledger_from_arguments(START, [], "10@2026-04-13")
        ).due
        == date(2026, 4, 27)
    )
    assert next_alert_on(award) == "2026-04-22"  # three working days before Monday 27 April
    for day in ("2026-04-21", "2026-04-22", "2026-04-24", "2026-04-27", "2026-04-28", "2026-05-06"):
        with at(day):
            alerts.sweep_clocks()
            alerts.sweep_clocks()
    assert levels(award) == [
        ("due_in_3", "2026-04-16"),
        ("due_in_3", "2026-04-27"),
        ("due_in_1", "2026-04-27"),
        ("due_today", "2026-04-27"),
        ("overdue", "2026-04-27"),
    ]
    assert set(Alert.objects.filter(clock=award, status="open").values_list("due_on", flat=True)) == {date(2026, 4, 27)}


def test_suspended_clocks_are_skipped_and_met_clocks_close_their_alerts(award: Clock, clerk: Any) -> None:
    with at("2026-04-13"):
        alerts.sweep_clocks()
        stop_clock(award, date(2026, 4, 13), by=clerk, completed=True)
    assert (Alert.objects.get(clock=award).status, next_alert_on(award)) == ("closed", None)
    other = CaseFactory.create()
    with at("2026-03-02"):
        suspended = start_clock(other, "arbitration.award", START)
        suspend_clock(suspended, date(2026, 3, 2), by=clerk)
    assert next_alert_on(suspended) is None
    with at("2026-04-20"):
        alerts.sweep_clocks()
    assert not Alert.objects.filter(clock=suspended).exists()


def test_a_resumed_clock_alerts_on_its_new_due_date(clerk: Any) -> None:
    [clock] = award_clocks(1)
    with at("2026-03-10"):
        suspend_clock(clock, date(2026, 3, 10), by=clerk)
    with at("2026-03-20"):
        resumed = resume_clock(clock, date(2026, 3, 20), by=clerk)  # ten days added: Sunday 26 April, rolled on
    assert (resumed.due_on, next_alert_on(clock)) == (date(2026, 4, 27), "2026-04-22")
    with at("2026-04-22"):
        alerts.sweep_clocks()
    assert levels(clock) == [("due_in_3", "2026-04-27")]


def test_overdue_clocks_are_not_read_again_by_later_sweeps(claimed: list[int]) -> None:
    clocks = award_clocks(3)
    with at("2026-04-17"):
        assert len(alerts.sweep_clocks()) == 3
    assert claimed == [3]
    for day in ("2026-04-20", "2026-04-21", "2026-05-15"):
        with at(day):
            assert alerts.sweep_clocks() == []
            assert not Clock.objects.alert_due_by(date.fromisoformat(day)).exists()
    assert claimed == [3, 0, 0, 0]
    assert [c.state for c in Clock.objects.filter(pk__in=[c.pk for c in clocks])] == ["running"] * 3


def test_a_clock_is_read_only_on_the_days_it_changes_level(award: Clock, claimed: list[int]) -> None:
    for day in ("2026-04-08", "2026-04-10", "2026-04-13", "2026-04-14", "2026-04-15", "2026-04-16", "2026-04-17"):
        with at(day):
            alerts.sweep_clocks()
    assert claimed == [0, 0, 1, 0, 1, 1, 1]


def test_a_sweep_after_missed_days_raises_only_the_current_level_once(award: Clock) -> None:
    with at("2026-04-15"):  # the sweeps of 13 and 14 April never ran
        alerts.sweep_clocks()
    with at("2026-04-22"):  # nor those of 16 to 21 April
        alerts.sweep_clocks()
        alerts.sweep_clocks()
    assert levels(award) == [("due_in_1", "2026-04-16"), ("overdue", "2026-04-16")]


def test_a_failed_batch_leaves_its_clocks_due_for_the_next_sweep(monkeypatch: Any) -> None:
    clocks = award_clocks(5)
    monkeypatch.setattr(alerts, "SWEEP_BATCH", 2)
    real, calls = alerts._plan, []

    def failing_second(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(*args)

    with at("2026-04-13"), mock.patch.object(alerts, "_plan", failing_second), pytest.raises(RuntimeError):
        alerts.sweep_clocks()
    assert Alert.objects.count() == 2  # the first batch committed, the second rolled back
    with at("2026-04-13"):
        assert len(alerts.sweep_clocks()) == 3
    assert sorted(Alert.objects.values_list("clock_id", flat=True)) == sorted(c.pk for c in clocks)


def test_a_clock_moved_between_the_read_and_the_claim_keeps_its_new_day(award: Clock, clerk: Any) -> None:
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL locks the clocks it reads (FOR UPDATE SKIP LOCKED): tested with two connections")
    real = alerts._plan

    def moved_meanwhile(*args: Any) -> Any:
        extend_clock(award, 10, date(2026, 4, 13), by=clerk)  # as a request committing just then would
        return real(*args)

    with at("2026-04-13"), mock.patch.object(alerts, "_plan", moved_meanwhile):
        assert alerts.sweep_clocks() == []
    assert (next_alert_on(award), Alert.objects.filter(clock=award).exists()) == ("2026-04-22", False)


def _in_thread(target: Any) -> threading.Thread:
    def run() -> None:
        try:
            target()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sweeps_raise_each_alert_once(monkeypatch: Any) -> None:
    clocks = award_clocks(12)
    monkeypatch.setattr(alerts, "SWEEP_BATCH", 3)
    monkeypatch.setattr(alerts, "announce_alerts", lambda alert_ids: None)
    start, raised = threading.Barrier(3), []

    def sweep() -> None:
        start.wait(10)
        raised.append(alerts.sweep_clocks(date(2026, 4, 13)))

    threads = [_in_thread(sweep) for _ in range(3)]
    for thread in threads:
        thread.join(30)
    assert sorted(pk for ids in raised for pk in ids) == sorted(Alert.objects.values_list("pk", flat=True))
    assert sorted(Alert.objects.values_list("clock_id", flat=True)) == sorted(c.pk for c in clocks)


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sweep_skips_a_clock_another_transaction_holds_and_the_next_sweep_takes_it(monkeypatch: Any) -> None:
    held, free = award_clocks(2)
    monkeypatch.setattr(alerts, "announce_alerts", lambda alert_ids: None)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction.atomic():
            Clock.objects.select_for_update().get(pk=held.pk)  # as an extension being recorded would
            holding.set()
            release.wait(15)

    holder = _in_thread(hold)
    assert holding.wait(10)
    try:
        first = alerts.sweep_clocks(date(2026, 4, 13))  # without SKIP LOCKED this would wait for the holder
    finally:
        release.set()
        holder.join(30)
    second = alerts.sweep_clocks(date(2026, 4, 13))
    assert [Alert.objects.get(pk=pk).clock_id for pk in first + second] == [free.pk, held.pk]


def test_the_sweep_task_returns_how_many_alerts_it_raised(award: Clock) -> None:
    with at("2026-04-13"):
        assert tasks.sweep_clocks.delay().get() == 1
        assert tasks.sweep_clocks.delay().get() == 0


def test_raised_alerts_are_announced_after_commit(
    award: Clock, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    announced: list[list[int]] = []
    monkeypatch.setattr(alerts, "announce_alerts", announced.append)
    with at("2026-04-13"), django_capture_on_commit_callbacks(execute=False) as callbacks:
        raised = alerts.sweep_clocks()
        assert announced == []
    for callback in callbacks:
        callback()
    assert announced == [raised]


# A 2027 with a New Year's holiday running into Monday 4 January and a make-up Saturday on 9 January.
YEAR_2027 = YearCalendar(
    2027,
    {date(2027, 1, 1): "元旦", date(2027, 1, 2): "元旦", date(2027, 1, 3): "元旦", date(2027, 1, 4): "元旦"},
    frozenset({date(2027, 1, 9)}),
    source="测试用 2027 安排",
)


def test_publishing_a_year_moves_the_alert_with_the_due_date_and_closes_the_stale_one() -> None:
    with at("2026-12-22"):
        clock = start_clock(CaseFactory.create(), "arbitration.defence", date(2026, 12, 22))
    assert (clock.due_on, clock.provisional, next_alert_on(clock)) == (date(2027, 1, 5), True, "2027-01-04")
    with at("2027-01-04"):
        alerts.sweep_clocks()  # on the Monday–Friday basis, one working day left
        publish_calendar_year(YEAR_2027)
    clock.refresh_from_db()
    assert (clock.due_on, next_alert_on(clock)) == (date(2027, 1, 7), "2027-01-06")
    assert Alert.objects.get(clock=clock, due_on=date(2027, 1, 5)).status == "closed"
    with at("2027-01-06"):
        alerts.sweep_clocks()
    assert levels(clock) == [("due_in_1", "2027-01-05"), ("due_in_1", "2027-01-07")]


def test_publishing_a_year_brings_a_warning_forward_though_the_due_date_stays() -> None:
    with at("2026-11-23"):
        clock = start_clock(CaseFactory.create(), "arbitration.award", date(2026, 11, 23))
    # 45 days: Thursday 7 January 2027, a working day either way; three working days before it: the 4th,
    # and with 1–4 January off, 31 December.
    assert (clock.due_on, next_alert_on(clock)) == (date(2027, 1, 7), "2027-01-04")
    with at("2026-12-30"):
        publish_calendar_year(YEAR_2027)  # no longer provisional, due the same day
    assert (Clock.objects.get(pk=clock.pk).due_on, next_alert_on(clock)) == (date(2027, 1, 7), "2026-12-31")
    with at("2026-12-31"):
        alerts.sweep_clocks()
    assert levels(clock) == [("due_in_3", "2027-01-07")]


def test_the_migration_fills_the_next_alert_day_of_running_clocks_once() -> None:
    migration = importlib.import_module("disputes.migrations.0012_clock_next_alert")
    alerted, behind = award_clocks(2)  # due 16 April
    with at("2026-04-01"):
        later = start_clock(CaseFactory.create(), "arbitration.award", date(2026, 4, 1))
        unwatched = start_clock(CaseFactory.create(), "litigation.suit", date(2026, 4, 1))
    stored_at_start = next_alert_on(later)
    with at("2026-04-14"):
        alerts.sweep_clocks()
    with at("2026-04-17"):
        alerts.sweep_clocks()
    Alert.objects.filter(clock=behind).exclude(level="due_in_3").delete()  # as if last swept on 14 April
    Clock.objects.update(next_alert_on=None)
    with at("2026-04-20"):
        migration.fill_next_alert_days(django_apps, None)
    days = [next_alert_on(clock) for clock in (alerted, behind, later, unwatched)]
    # Overdue and alerted: nothing more. Overdue, not alerted: due now. Far off: its first warning. No rule: none.
    assert days == [None, "2026-04-17", stored_at_start, None]


def test_a_rule_newly_watched_alerts_after_the_reschedule_command(settings: Any) -> None:
    with at("2026-04-01"):
        suit = start_clock(CaseFactory.create(), "litigation.suit", date(2026, 4, 1))  # due 16 April, not watched
    assert next_alert_on(suit) is None
    settings.ALERT_WORKING_DAYS_BEFORE = {**settings.ALERT_WORKING_DAYS_BEFORE, "litigation.suit": (1,)}
    with at("2026-04-10"):
        call_command("reschedule_alerts", stdout=io.StringIO())
    assert next_alert_on(suit) == "2026-04-15"
    with at("2026-04-15"):
        alerts.sweep_clocks()
    assert levels(suit) == [("due_in_1", "2026-04-16")]
    settings.ALERT_WORKING_DAYS_BEFORE = {
        k: v for k, v in settings.ALERT_WORKING_DAYS_BEFORE.items() if k != "litigation.suit"
    }
    with at("2026-04-15"):
        assert alerts.reschedule_alert_days() == 1
    assert next_alert_on(suit) is None


def test_staff_acknowledge_assign_and_resolve(
    award: Clock, organizations: Any, clerk: Any, qibao_mediator: Any
) -> None:
    from disputes.roles import Role
    from tests.factories import staff

    arbitrator = staff(Role.ARBITRATOR, organizations["qibao-tribunal"], username="arb-qibao")
    with at("2026-04-13"):
        [alert_id] = alerts.sweep_clocks()
        alert = Alert.objects.get(pk=alert_id)
        alerts.acknowledge_alert(alert, by=clerk)
        alerts.assign_alert(alert, arbitrator, by=clerk)
        with pytest.raises(ActionForbidden):
            alerts.resolve_alert(alert, by=qibao_mediator)
        resolved = alerts.resolve_alert(alert, by=arbitrator)
        assert (resolved.status, resolved.resolved_by, resolved.assigned_to) == ("resolved", arbitrator, arbitrator)
        with pytest.raises(NotAllowedInState):
            alerts.acknowledge_alert(alert, by=clerk)


def test_only_open_alerts_of_visible_cases_are_listed(award: Clock, clerk: Any, qibao_mediator: Any) -> None:
    with at("2026-04-13"):
        alerts.sweep_clocks()
    assert alerts.open_alerts_visible_to(clerk).count() == 1
    assert alerts.open_alerts_visible_to(qibao_mediator).count() == 0
    assert Case.objects.count() == 1


def test_alert_api_lists_and_acts_and_hides_other_organizations(award: Clock, clerk: Any, qibao_mediator: Any) -> None:
    from tests.conftest import client_for

    with at("2026-04-13"):
        [alert_id] = alerts.sweep_clocks()
        listed = client_for(clerk).get("/api/v1/alerts/").json()["results"]
        assert [(a["id"], a["level"], a["rule"]) for a in listed] == [(alert_id, "due_in_3", "arbitration.award")]
        assert client_for(qibao_mediator).get("/api/v1/alerts/").json()["results"] == []
        assert client_for(qibao_mediator).post(f"/api/v1/alerts/{alert_id}/acknowledge/").status_code == 404
        body = client_for(clerk).post(f"/api/v1/alerts/{alert_id}/resolve/").json()
    assert body["status"] == "resolved"
