"""The deadline watch walks a clock through every level: each alert once, at the right moment, again if moved."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from disputes import deadlines
from disputes.errors import ActionForbidden, NotAllowedInState
from disputes.models import Alert, Case, Clock
from disputes.services import alerts
from disputes.services.clocks import extend_clock, start_clock, stop_clock, suspend_clock
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


def test_an_award_clock_walks_through_every_level_once(award: Clock) -> None:
    assert award.due_on == date(2026, 4, 16)
    for day, expected in [
        ("2026-04-10", []),  # four working days left: not yet
        ("2026-04-13", [("due_in_3", "2026-04-16")]),
        ("2026-04-14", [("due_in_3", "2026-04-16")]),  # still three or fewer but above one
        ("2026-04-15", [("due_in_3", "2026-04-16"), ("due_in_1", "2026-04-16")]),
        ("2026-04-16", [("due_in_3", "2026-04-16"), ("due_in_1", "2026-04-16"), ("due_today", "2026-04-16")]),
        (
            "2026-04-17",
            [
                ("due_in_3", "2026-04-16"),
                ("due_in_1", "2026-04-16"),
                ("due_today", "2026-04-16"),
                ("overdue", "2026-04-16"),
            ],
        ),
    ]:
        with at(day):
            alerts.sweep_clocks()
            alerts.sweep_clocks()  # overlapping beats change nothing
        assert levels(award) == expected, day


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
    )
    with at("2026-04-23"):
        alerts.sweep_clocks()
    assert ("due_in_3", str(award.due_on)) in levels(award)


def test_suspended_clocks_are_skipped_and_met_clocks_close_their_alerts(award: Clock, clerk: Any) -> None:
    with at("2026-04-13"):
        alerts.sweep_clocks()
        stop_clock(award, date(2026, 4, 13), by=clerk, completed=True)
    assert Alert.objects.get(clock=award).status == "closed"
    other = CaseFactory.create()
    with at("2026-03-02"):
        suspended = start_clock(other, "arbitration.award", START)
        suspend_clock(suspended, date(2026, 3, 2), by=clerk)
    with at("2026-04-20"):
        alerts.sweep_clocks()
    assert not Alert.objects.filter(clock=suspended).exists()


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
