"""End to end through the API: every path of the first tiers, one audit entry per step, clocks per spec."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from disputes.models import Case, Employer, Organization, OrganizationKind
from disputes.roles import Role
from tests.factories import UserFactory, WorkerFactory, staff
from tests.workflows.conftest import Driver, clocks, events
from workflows.tasks import fire_workflow_timers
from workflows.timers import expiry_moment

pytestmark = pytest.mark.django_db
AGREEMENT = {
    "signed_on": "2026-11-20",
    "items": [
        {
            "description": "被申请人支付拖欠工资 8000 元",
            "amount": "8000.00",
            "pay_by": "2026-11-30",
            "category": "unpaid_wages",
        },
    ],
}


def process_of(case_id: int) -> Any:
    return Case.objects.get(pk=case_id).process


def open_nodes(case_id: int) -> set[str]:
    tasks = Task.objects.filter(process=process_of(case_id), status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.SCHEDULED])
    return {task.flow_task.name for task in tasks}


@pytest.fixture
def respondent_user(driver: Driver, employer_user: Any) -> Any:
    return employer_user


def represent(case_id: int, user: Any) -> None:
    Case.objects.get(pk=case_id).respondents.get().representatives.add(user)


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
def test_online_filing_retried_with_the_same_key_gives_one_case_and_one_process(
    driver: Driver, worker_user: Any
) -> None:
    first, retry = driver.file(worker_user, tier="mediation"), driver.file(worker_user, tier="mediation")
    assert first["id"] == retry["id"]
    assert Case.objects.count() == 1 and Task.objects.filter(flow_task_type="HUMAN").count() == 1
    assert open_nodes(first["id"]) == {"accept_mediation"}


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
def test_settled_in_negotiation(driver: Driver, worker_user: Any, employer_user: Any) -> None:
    case = driver.file(worker_user, tier="negotiation")
    assert clocks(case["id"]) == {"limitation": "running", "negotiation.response": "running"}
    assert open_nodes(case["id"]) == {"negotiate", "negotiate__timeout"}
    represent(case["id"], employer_user)
    body = driver.act(employer_user, case["id"], "negotiation_outcome", outcome="settled", note="已当面结清")
    assert (body["tier"], body["closure_kind"]) == ("closed", "negotiation_settlement")
    assert clocks(case["id"])["negotiation.response"] == "met"
    assert process_of(case["id"]).status == PROCESS.DONE
    assert events(case["id"]) == ["case_opened", "negotiation_concluded"]


def test_employer_silent_is_deemed_unwilling_and_the_worker_chooses_mediation(
    driver: Driver, worker_user: Any, organizations: Any
) -> None:
    with time_machine.travel("2026-11-02 10:00 +0800", tick=False):  # Monday; 5 days → Sat 11-07 → Mon 11-09
        case = driver.file(worker_user, tier="negotiation")
    timer = Task.objects.get(process=process_of(case["id"]), flow_task__endswith="negotiate__timeout")
    assert timer.scheduled == expiry_moment(date(2026, 11, 9))
    with time_machine.travel("2026-11-09 23:00 +0800", tick=False):
        assert fire_workflow_timers.delay().get() == 0  # the last day is not over yet
    with time_machine.travel("2026-11-10 00:05 +0800", tick=False):
        assert fire_workflow_timers.delay().get() == 1
        assert clocks(case["id"])["negotiation.response"] == "missed"
        assert open_nodes(case["id"]) == {"choose_next"}
        body = driver.act(worker_user, case["id"], "choose_next", choice="mediation")
    assert (body["tier"], body["current_organization"]["id"]) == ("mediation", organizations["xinzhuang-mediation"].pk)
    assert open_nodes(case["id"]) == {"accept_mediation"}
    assert events(case["id"]) == ["case_opened", "negotiation_concluded", "mediation_requested"]


@time_machine.travel("2026-11-20 10:00 +0800", tick=False)
def test_mediation_accepted_and_settled_with_payment_performed(driver: Driver, worker_user: Any, mediator: Any) -> None:
    case = driver.file(worker_user, tier="mediation")
    driver.act(mediator, case["id"], "claim")
    driver.act(mediator, case["id"], "accept_mediation")
    assert open_nodes(case["id"]) == {"mediate", "mediate__timeout"}
    driver.act(mediator, case["id"], "record_mediation_outcome", outcome="agreement", agreement=AGREEMENT)
    assert open_nodes(case["id"]) == {"follow_up"}
    assert clocks(case["id"])["mediation.window"] == "met"
    assert {"agreement.arbitral_review", "agreement.judicial_confirmation"} <= set(clocks(case["id"]))
    body = driver.act(mediator, case["id"], "record_payment", performance="performed", amount_paid="8000.00")
    assert (body["tier"], body["closure_kind"]) == ("closed", "mediation_agreement")
    assert process_of(case["id"]).status == PROCESS.DONE
    assert events(case["id"]) == [
        "case_opened",
        "mediator_assigned",
        "mediation_accepted",
        "mediation_concluded",
        "payment_followed_up",
    ]


@time_machine.travel("2026-11-20 10:00 +0800", tick=False)
def test_agreement_not_performed_takes_the_payment_order_route(driver: Driver, worker_user: Any, mediator: Any) -> None:
    case = driver.file(worker_user, tier="mediation")
    driver.act(mediator, case["id"], "accept_mediation")  # claims it on the way
    driver.act(mediator, case["id"], "record_mediation_outcome", outcome="agreement", agreement=AGREEMENT)
    driver.act(mediator, case["id"], "record_payment", performance="not_performed", note="电话回访，未支付")
    assert open_nodes(case["id"]) == {"choose_remedy"}
    body = driver.act(worker_user, case["id"], "choose_remedy", route="payment_order")
    assert body["tier"] == "litigation"
    assert process_of(case["id"]).status == PROCESS.DONE
    assert events(case["id"])[-2:] == ["payment_followed_up", "payment_order_route"]


@time_machine.travel("2026-11-20 10:00 +0800", tick=False)
def test_failed_mediation_is_handed_to_arbitration(
    driver: Driver, worker_user: Any, mediator: Any, organizations: Any
) -> None:
    case = driver.file(worker_user, tier="mediation")
    driver.act(mediator, case["id"], "accept_mediation")
    body = driver.act(mediator, case["id"], "record_mediation_outcome", outcome="failed", note="双方分歧较大")
    assert (body["tier"], body["current_organization"]["id"]) == ("arbitration", organizations["xinzhuang-tribunal"].pk)
    assert clocks(case["id"])["mediation.window"] == "stopped"
    assert events(case["id"])[-2:] == ["mediation_concluded", "handed_to_arbitration"]
    assert open_nodes(case["id"]) == {"accept_application"}  # the same process goes on in arbitration


def test_expired_mediation_window_offers_arbitration_and_the_worker_accepts(
    driver: Driver, worker_user: Any, mediator: Any
) -> None:
    with time_machine.travel("2026-11-02 10:00 +0800", tick=False):  # window: 15 days → Tue 11-17
        case = driver.file(worker_user, tier="mediation")
        driver.act(mediator, case["id"], "accept_mediation")
    with time_machine.travel("2026-11-18 08:00 +0800", tick=False):
        assert fire_workflow_timers.delay().get() == 1
        assert open_nodes(case["id"]) == {"mediate", "offer_escalation"}
        assert clocks(case["id"])["mediation.window"] == "missed"
        body = driver.act(worker_user, case["id"], "decide_escalation", accept=True)
    assert body["tier"] == "arbitration"
    assert open_nodes(case["id"]) == {"accept_application"}
    assert events(case["id"])[-2:] == ["escalation_offered", "handed_to_arbitration"]


def test_declined_escalation_lets_mediation_go_on(driver: Driver, worker_user: Any, mediator: Any) -> None:
    with time_machine.travel("2026-11-02 10:00 +0800", tick=False):
        case = driver.file(worker_user, tier="mediation")
        driver.act(mediator, case["id"], "accept_mediation")
    with time_machine.travel("2026-11-18 08:00 +0800", tick=False):
        fire_workflow_timers.delay().get()
        driver.act(worker_user, case["id"], "decide_escalation", accept=False)
        assert open_nodes(case["id"]) == {"mediate"}
        agreement = {**AGREEMENT, "signed_on": "2026-11-18"}
        driver.act(mediator, case["id"], "record_mediation_outcome", outcome="agreement", agreement=agreement)
    assert open_nodes(case["id"]) == {"follow_up"}


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
def test_enterprise_committee_declines_and_the_worker_chooses_arbitration(
    driver: Driver, worker_user: Any, organizations: Any
) -> None:
    employer = Employer.objects.create(name="上海闵达网络科技有限公司", credit_code="91350100M000100Y43")
    committee = Organization.objects.create(
        code="ent-1", name="闵达公司劳动争议调解委员会", kind=OrganizationKind.ENTERPRISE_COMMITTEE, employer=employer
    )
    committee_mediator = staff(Role.MEDIATOR, committee, username="ent-mediator")
    case = driver.file(worker_user, tier="mediation", organization=committee.pk)
    assert clocks(case["id"]) == {
        "limitation": "running",
        "mediation.acceptance": "running",
        "mediation.window": "running",
    }
    acceptance = Case.objects.get(pk=case["id"]).clocks.get(rule="mediation.acceptance")
    assert acceptance.due_on == date(2026, 11, 19)  # three working days
    driver.act(committee_mediator, case["id"], "decline_mediation", reason="不属于本委员会受理范围")
    assert clocks(case["id"])["mediation.acceptance"] == "met"
    assert clocks(case["id"])["mediation.window"] == "stopped"
    assert open_nodes(case["id"]) == {"choose_next"}
    body = driver.act(worker_user, case["id"], "choose_next", choice="arbitration")
    assert body["tier"] == "arbitration"


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
def test_gig_worker_online_mediation_with_the_consent_extension(driver: Driver, mediator: Any) -> None:
    rider = UserFactory.create(roles=[Role.WORKER], username="rider-gig")
    WorkerFactory.create(user=rider, id_number="11010519491231002X", is_gig_worker=True, platform="美团")
    case = driver.file(rider, tier="mediation")
    assert "mediation.window" not in clocks(case["id"])  # the gig window starts at acceptance
    driver.act(mediator, case["id"], "accept_mediation")
    window = Case.objects.get(pk=case["id"]).clocks.get(rule="mediation.gig_window")
    assert window.due_on == date(2026, 12, 1)
    driver.act(mediator, case["id"], "extend_gig_window", days=10, both_parties_consent=True)
    window.refresh_from_db()
    assert window.due_on == date(2026, 12, 11)
    timer = Task.objects.get(process=process_of(case["id"]), flow_task__endswith="mediate__timeout")
    assert timer.scheduled == expiry_moment(date(2026, 12, 11))
    refused = driver.act(mediator, case["id"], "extend_gig_window", expect=400, days=6, both_parties_consent=True)
    assert refused["error"]["code"] == "extension_exceeds_maximum"


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
def test_lead_reroutes_the_case_to_another_street(
    driver: Driver, worker_user: Any, mediator: Any, qibao_mediator: Any, lead: Any, organizations: Any
) -> None:
    case = driver.file(worker_user, tier="mediation")
    driver.act(mediator, case["id"], "claim")
    driver.act(lead, case["id"], "reroute", organization=organizations["qibao-mediation"].pk, reason="用工地实为七宝镇")
    assert (
        driver.act(qibao_mediator, case["id"], "claim")["current_organization"]["name"] == "七宝镇劳动人事争议调解中心"
    )
    driver.act(mediator, case["id"], "accept_mediation", expect=404)
    assert events(case["id"]).count("case_rerouted") == 1


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
def test_lead_assigns_and_reassigns(
    driver: Driver, worker_user: Any, mediator: Any, second_mediator: Any, lead: Any
) -> None:
    case = driver.file(worker_user, tier="mediation")
    driver.act(lead, case["id"], "assign", mediator=mediator.pk)
    driver.act(lead, case["id"], "assign", mediator=second_mediator.pk)
    assert driver.act(mediator, case["id"], "accept_mediation", expect=409)["error"]["code"] == "assigned_to_other"
    driver.act(second_mediator, case["id"], "accept_mediation")


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
def test_claimed_task_cannot_be_claimed_again(
    driver: Driver, worker_user: Any, mediator: Any, second_mediator: Any
) -> None:
    case = driver.file(worker_user, tier="mediation")
    driver.act(mediator, case["id"], "claim")
    assert driver.act(second_mediator, case["id"], "claim", expect=409)["error"]["code"] == "already_claimed"


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
def test_step_not_allowed_in_the_current_state_is_409_and_changes_nothing(
    driver: Driver, worker_user: Any, mediator: Any
) -> None:
    case = driver.file(worker_user, tier="mediation")
    before = events(case["id"])
    error = driver.act(mediator, case["id"], "record_payment", expect=409, performance="performed")["error"]
    assert error["code"] == "step_not_available"
    assert events(case["id"]) == before


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
def test_withdrawal_ends_the_process(driver: Driver, worker_user: Any) -> None:
    case = driver.file(worker_user, tier="mediation")
    driver.act(worker_user, case["id"], "withdraw", reason="已私下解决")
    assert open_nodes(case["id"]) == set()
    assert process_of(case["id"]).status == PROCESS.CANCELED
    assert clocks(case["id"])["mediation.window"] == "stopped"
