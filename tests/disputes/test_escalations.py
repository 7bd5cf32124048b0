"""Escalations walk real cases through their clocks: each alert tells the right people once, on its day."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail

from disputes.models import Alert, Case, Employer, Organization
from disputes.roles import Role
from disputes.services import alerts, escalations
from realtime.models import Notification
from tests.conftest import Driver, client_for
from tests.factories import staff
from workflows.tasks import fire_workflow_timers

pytestmark = pytest.mark.django_db
EARLY = {"knew_of_infringement_on": "2026-01-05", "employment_ended_on": "2026-01-04"}
WAGES = {"category": "unpaid_wages", "amount": "12000.00"}


class BrokenGateway:
    def send(self, mobile: str, text: str) -> None:
        raise ConnectionError("gateway down")


@pytest.fixture
def bystanders(organizations: dict[str, Organization]) -> list[Any]:
    """Staff of another tribunal: never told of a Xinzhuang case."""
    return [
        staff(Role.ARBITRATION_CLERK, organizations["qibao-tribunal"], username="clerk-qibao"),
        staff(Role.ARBITRATOR, organizations["qibao-tribunal"], username="arb-qibao"),
    ]


def at(day: str) -> Any:
    return time_machine.travel(f"{day} 09:00 +0800", tick=False)


@contextmanager
def on(day: str, capture: Any) -> Iterator[None]:
    """At 09:00 Shanghai time on `day`, running after-commit work (deliveries) as a real commit would.

    Only sweeps and timers run this way: the metric counters keep one after-commit flush per transaction,
    and a test's captured callbacks stay listed after they ran, so requests are left uncaptured.
    """
    with at(day), capture(execute=True):
        yield


def sweep(day: str, capture: Any) -> None:
    with on(day, capture):
        alerts.sweep_clocks()
        alerts.sweep_clocks()  # an overlapping beat tells no one again


def told(case_id: int, rule: str | None = None) -> list[tuple[str, str, str]]:
    """(recipient, kind, alert level) of the case's in-app notifications, oldest first."""
    rows = []
    for n in Notification.objects.filter(case_id=case_id, channel="in_app").select_related("recipient").order_by("id"):
        alert = (
            Alert.objects.filter(pk=n.dedupe_key.split(":")[1]).first() if n.dedupe_key.startswith("alert:") else None
        )
        if rule is None or (alert is not None and alert.clock.rule == rule):
            rows.append((n.recipient.username, n.kind, alert.level if alert else ""))
    return rows


def direct_arbitration(driver: Driver, worker: Any, clerk: Any, accept: bool = True) -> int:
    with at("2026-03-02"):
        case_id = int(driver.file(worker, tier="arbitration", **EARLY)["id"])
        if accept:
            driver.act(clerk, case_id, "accept_arbitration")
    return case_id


def test_acceptance_alerts_the_clerk_then_on_its_last_day_the_clerks_and_the_director(
    driver: Driver,
    worker_user: Any,
    clerk: Any,
    director: Any,
    arbitrator: Any,
    bystanders: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    clerk.email = "clerk@court.example"
    clerk.save()
    case_id = direct_arbitration(driver, worker_user, clerk, accept=False)
    assert Case.objects.get(pk=case_id).clocks.get(rule="arbitration.acceptance").due_on == date(2026, 3, 9)
    rule = "arbitration.acceptance"
    walk = [
        ("2026-03-05", []),
        ("2026-03-06", [("clerk", "deadline_alert", "due_in_1")]),  # Friday: one working day left
        ("2026-03-08", []),
        (
            "2026-03-09",
            [("clerk", "acceptance_last_day", "due_today"), ("director", "acceptance_last_day", "due_today")],
        ),
        ("2026-03-10", [("clerk", "deadline_overdue", "overdue"), ("director", "deadline_overdue", "overdue")]),
    ]
    seen: list[tuple[str, str, str]] = []
    for day, new in walk:
        sweep(day, django_capture_on_commit_callbacks)
        seen += new
        assert told(case_id, rule) == seen, day
    last_day = Notification.objects.filter(case_id=case_id, kind="acceptance_last_day", recipient=clerk)
    assert {(n.channel, n.status) for n in last_day} == {("in_app", "sent"), ("email", "sent"), ("sms", "skipped")}
    assert last_day.get(channel="sms").last_error == "the recipient has no mobile number"
    assert [m.to for m in mail.outbox] == [["clerk@court.example"]]
    assert "审查受理期限届满" in f"{mail.outbox[0].subject} {mail.outbox[0].body}"


def test_award_limit_asks_the_arbitrator_to_decide_then_after_an_extension_only_alerts(
    driver: Driver,
    worker_user: Any,
    clerk: Any,
    director: Any,
    arbitrator: Any,
    bystanders: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case_id = direct_arbitration(driver, worker_user, clerk)
    with at("2026-03-03"):
        driver.act(arbitrator, case_id, "claim")
    award = Case.objects.get(pk=case_id).clocks.get(rule="arbitration.award")
    assert award.due_on == date(2026, 4, 16)
    rule = "arbitration.award"
    for day, expected in [
        ("2026-04-10", []),
        ("2026-04-13", [("arb-xinzhuang", "award_decision", "due_in_3")]),
        ("2026-04-14", [("arb-xinzhuang", "award_decision", "due_in_3")]),
    ]:
        sweep(day, django_capture_on_commit_callbacks)
        assert told(case_id, rule) == expected, day
    decision = Notification.objects.get(case_id=case_id, kind="award_decision", channel="in_app")
    assert "2026-04-16" in decision.body and decision.link == f"/api/v1/cases/{case_id}/"

    with at("2026-04-14"):
        driver.act(director, case_id, "extend_award_limit", days=10, reason="案情复杂")
    award.refresh_from_db()
    assert award.due_on is not None and award.due_on >= date(2026, 4, 26)
    for day in ["2026-04-15", "2026-04-16", "2026-04-17"]:
        sweep(day, django_capture_on_commit_callbacks)
    assert told(case_id, rule) == [("arb-xinzhuang", "award_decision", "due_in_3")]  # the old date tells no one

    moment = date(2026, 4, 18)
    while moment <= award.due_on + timedelta(days=1):
        sweep(str(moment), django_capture_on_commit_callbacks)
        moment += timedelta(days=1)
    assert told(case_id, rule) == [
        ("arb-xinzhuang", "award_decision", "due_in_3"),
        ("arb-xinzhuang", "deadline_alert", "due_in_3"),  # an extension was decided: no longer a question
        ("arb-xinzhuang", "deadline_alert", "due_in_1"),
        ("arb-xinzhuang", "deadline_alert", "due_today"),
        ("arb-xinzhuang", "deadline_overdue", "overdue"),
        ("director", "deadline_overdue", "overdue"),
    ]
    moved = Alert.objects.filter(clock=award).exclude(due_on=date(2026, 4, 16))
    assert set(moved.values_list("due_on", flat=True)) == {award.due_on}


def test_award_decision_goes_to_the_clerks_while_no_arbitrator_is_assigned(
    driver: Driver, worker_user: Any, clerk: Any, bystanders: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case_id = direct_arbitration(driver, worker_user, clerk)
    sweep("2026-04-13", django_capture_on_commit_callbacks)
    assert told(case_id, "arbitration.award") == [("clerk", "award_decision", "due_in_3")]


def test_escalating_the_same_alerts_again_tells_no_one_twice(
    driver: Driver, worker_user: Any, clerk: Any, director: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case_id = direct_arbitration(driver, worker_user, clerk, accept=False)
    with on("2026-03-09", django_capture_on_commit_callbacks):
        raised = alerts.sweep_clocks()
    count = Notification.objects.filter(case_id=case_id).count()
    assert count == 6  # clerk and director, each in-app, email and SMS
    with on("2026-03-09", django_capture_on_commit_callbacks):
        assert escalations.escalate_alerts(raised) == []
    assert Notification.objects.filter(case_id=case_id).count() == count


def mediation_case(driver: Driver, worker_user: Any, mediator: Any) -> int:
    with at("2026-11-02"):  # the window: 15 days, to Tuesday 11-17
        case_id = int(driver.file(worker_user, tier="mediation")["id"])
        driver.act(mediator, case_id, "accept_mediation")
    return case_id


def test_expired_mediation_window_tells_the_worker_with_the_one_click_escalation(
    driver: Driver, worker_user: Any, mediator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case_id = mediation_case(driver, worker_user, mediator)
    sweep("2026-11-16", django_capture_on_commit_callbacks)
    assert told(case_id) == [("med-xinzhuang", "deadline_alert", "due_in_1")]
    warning = Notification.objects.get(case_id=case_id, kind="deadline_alert")
    assert (warning.title, warning.title_en) == ("期限预警：调解期限", "Deadline alert: Mediation window")
    assert "2026-11-17届满（剩余1个工作日）" in warning.body and "(working days left: 1)" in warning.body_en
    with on("2026-11-18", django_capture_on_commit_callbacks):
        assert fire_workflow_timers.delay().get() == 1
        fire_workflow_timers.delay().get()
    offer = Notification.objects.get(case_id=case_id, kind="escalation_offered", channel="in_app")
    assert offer.recipient == worker_user
    assert "2026-11-17" in offer.body and "申请仲裁" in offer.title
    assert "labour-dispute arbitration" in offer.body_en
    assert offer.action == {
        "method": "POST",
        "url": f"/api/v1/cases/{case_id}/decide_escalation/",
        "body": {"accept": True},
        "label_zh": "一键申请仲裁",
        "label_en": "Apply for arbitration",
    }
    text = Notification.objects.get(case_id=case_id, kind="escalation_offered", channel="sms")
    assert (text.recipient, text.status, text.attempts) == (worker_user, "sent", 1)
    assert Notification.objects.filter(kind="escalation_offered").count() == 2  # in-app and SMS, once
    with at("2026-11-18"):
        response = client_for(worker_user).post(offer.action["url"], offer.action["body"], format="json")
    assert (response.status_code, response.json()["tier"]) == (200, "arbitration")


def test_a_failing_gateway_or_notification_never_holds_the_case_back(
    driver: Driver,
    worker_user: Any,
    mediator: Any,
    settings: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SMS_GATEWAY = "tests.disputes.test_escalations.BrokenGateway"
    first = mediation_case(driver, worker_user, mediator)
    with on("2026-11-18", django_capture_on_commit_callbacks):
        assert fire_workflow_timers.delay().get() == 1
    assert Case.objects.get(pk=first).events.filter(kind="escalation_offered").exists()
    text = Notification.objects.get(case_id=first, channel="sms")
    assert (text.status, text.attempts, text.last_error) == ("pending", 1, "ConnectionError: gateway down")

    def broken(*args: Any, **kwargs: Any) -> list[Notification]:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(escalations, "notify", broken)
    with at("2026-11-02"):
        second = int(driver.file(worker_user, key="file-2", tier="mediation", facts="另一起纠纷")["id"])
        driver.act(mediator, second, "accept_mediation")
    with on("2026-11-18", django_capture_on_commit_callbacks):
        assert fire_workflow_timers.delay().get() == 1
    assert Case.objects.get(pk=second).events.filter(kind="escalation_offered").exists()
    assert not Notification.objects.filter(case_id=second).exists()


def test_lapsed_litigation_windows_give_the_award_effect_and_tell_both_parties(
    driver: Driver,
    worker_user: Any,
    employer_user: Any,
    clerk: Any,
    arbitrator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case_id = direct_arbitration(driver, worker_user, clerk)
    Employer.objects.get(cases=case_id).representatives.add(employer_user)
    with at("2026-03-26"):
        driver.act(arbitrator, case_id, "claim")
        driver.act(arbitrator, case_id, "issue_award", decided_on="2026-03-25", served_on="2026-03-26", items=[WAGES])
    lapse = Case.objects.get(pk=case_id).clocks.get(rule="litigation.employer_revocation").due_on
    assert lapse is not None
    with on(str(lapse + timedelta(days=1)), django_capture_on_commit_callbacks):
        assert fire_workflow_timers.delay().get() == 1
        assert fire_workflow_timers.delay().get() == 0
    case = Case.objects.get(pk=case_id)
    assert (case.tier, case.closure_kind) == ("closed", "arbitral_award")
    effective = Notification.objects.filter(case_id=case_id, kind="award_effective").order_by("recipient_id")
    assert [(n.recipient, n.channel, n.status) for n in effective] == [
        (worker_user, "in_app", "sent"),
        (employer_user, "in_app", "sent"),
    ]
    assert str(lapse + timedelta(days=1)) in effective[0].body
