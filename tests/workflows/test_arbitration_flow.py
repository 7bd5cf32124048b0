"""End to end through the API: arbitration and litigation continue the same case and process."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS

from disputes import deadlines, demo
from disputes.models import Case, Organization
from disputes.roles import Role
from tests.factories import staff
from tests.workflows.conftest import Driver, clocks, events
from workflows.tasks import fire_workflow_timers
from workflows.timers import expiry_moment

pytestmark = pytest.mark.django_db
WAGES = {"category": "unpaid_wages", "amount": "12000.00"}  # ≤ 12 × 2,740: final
COMPENSATION = {"category": "economic_compensation", "amount": "60000.00"}  # above: not final
EARLY = {"knew_of_infringement_on": "2026-01-05", "employment_ended_on": "2026-01-04"}  # before the March filings


def at(day: str) -> Any:
    return time_machine.travel(f"{day} 10:00 +0800", tick=False)


def due(case_id: int, rule: str) -> date | None:
    return Case.objects.get(pk=case_id).clocks.filter(rule=rule).order_by("-id").first().due_on  # type: ignore[union-attr]


def open_nodes(case_id: int) -> set[str]:
    tasks = Task.objects.filter(process__case__id=case_id, status__in=["NEW", "ASSIGNED", "SCHEDULED"])
    return {task.flow_task.name for task in tasks}


@pytest.fixture
def qibao_arbitrator(organizations: dict[str, Organization]) -> Any:
    return staff(Role.ARBITRATOR, organizations["qibao-tribunal"], username="arb-qibao")


def direct_arbitration(driver: Driver, worker: Any, clerk: Any, day: str = "2026-03-02") -> int:
    with at(day):
        case_id = int(driver.file(worker, tier="arbitration", **EARLY)["id"])
        driver.act(clerk, case_id, "accept_arbitration")
    return case_id


def test_failed_mediation_through_award_to_the_revocation_window_lapsing(
    driver: Driver, worker_user: Any, mediator: Any, clerk: Any, arbitrator: Any, employer_user: Any
) -> None:
    with at("2026-03-02"):
        case_id = int(driver.file(worker_user, tier="mediation", **EARLY)["id"])
        driver.act(mediator, case_id, "accept_mediation")
        driver.act(mediator, case_id, "record_mediation_outcome", outcome="failed")
        assert open_nodes(case_id) == {"accept_application"}
        assert clocks(case_id)["arbitration.acceptance"] == "running"
        body = driver.act(clerk, case_id, "accept_arbitration")
    assert body["arbitration"]["number"].startswith("闵劳人仲（2026）")
    assert due(case_id, "arbitration.award") == deadlines.compute("arbitration.award", date(2026, 3, 2)).due
    assert {"arbitration.service", "arbitration.panel_notice"} <= set(clocks(case_id))
    with at("2026-03-04"):
        driver.act(arbitrator, case_id, "claim")
        driver.act(arbitrator, case_id, "record_service", on="2026-03-04")
        driver.act(arbitrator, case_id, "notify_panel", on="2026-03-04")
    assert due(case_id, "arbitration.defence") == deadlines.compute("arbitration.defence", date(2026, 3, 4)).due
    with at("2026-03-05"):
        driver.act(arbitrator, case_id, "record_defence", on="2026-03-05")
        driver.act(arbitrator, case_id, "schedule_hearing", hearing_on="2026-03-20")
    with at("2026-03-20"):
        driver.act(
            arbitrator, case_id, "record_hearing", held_on="2026-03-20", applicant_present=True, respondent_present=True
        )
    with at("2026-03-26"):
        body = driver.act(
            arbitrator, case_id, "issue_award", decided_on="2026-03-25", served_on="2026-03-26", items=[WAGES]
        )
    [award] = body["arbitration"]["awards"]
    assert [item["final"] for item in award["items"]] == [True]
    assert body["arbitration"]["closure"] == "award" and body["tier"] == "arbitration"
    assert clocks(case_id)["arbitration.award"] == "met"
    assert {"litigation.suit", "litigation.employer_revocation"} <= set(clocks(case_id))
    timer = Task.objects.get(process__case__id=case_id, flow_task__endswith="await_litigation__timeout")
    assert timer.scheduled == expiry_moment(due(case_id, "litigation.employer_revocation"))
    lapse = due(case_id, "litigation.employer_revocation")
    assert lapse is not None
    with at(str(lapse + timedelta(days=1))):
        assert fire_workflow_timers.delay().get() == 1
    case = Case.objects.get(pk=case_id)
    assert (case.tier, case.closure_kind) == ("closed", "arbitral_award")
    assert case.process is not None and case.process.status == PROCESS.DONE
    assert events(case_id)[-1] == "award_took_effect"


def test_direct_arbitration_is_received_from_the_filing(driver: Driver, worker_user: Any, clerk: Any) -> None:
    with at("2026-03-02"):
        case_id = int(driver.file(worker_user, tier="arbitration", **EARLY)["id"])
    assert clocks(case_id)["arbitration.acceptance"] == "running"
    assert due(case_id, "arbitration.acceptance") == deadlines.compute("arbitration.acceptance", date(2026, 3, 2)).due
    assert open_nodes(case_id) == {"accept_application"}
    assert Case.objects.get(pk=case_id).current_organization.code == "xinzhuang-tribunal"  # type: ignore[union-attr]


def test_refused_application_then_the_applicant_sues(driver: Driver, worker_user: Any, clerk: Any) -> None:
    with at("2026-03-02"):
        case_id = int(driver.file(worker_user, tier="arbitration", **EARLY)["id"])
        body = driver.act(clerk, case_id, "refuse_arbitration", reason="不属于劳动争议受案范围")
    assert body["arbitration"]["refused_on"] == "2026-03-02" and body["tier"] == "arbitration"
    assert body["closed_at"] is None  # a refusal is not a closure
    with at("2026-03-10"):
        body = driver.act(worker_user, case_id, "record_suit_after_refusal", filed_on="2026-03-10")
    assert body["tier"] == "litigation"
    assert open_nodes(case_id) == set()


def test_supplement_then_acceptance_restarts_the_acceptance_clock(driver: Driver, worker_user: Any, clerk: Any) -> None:
    with at("2026-03-02"):
        case_id = int(driver.file(worker_user, tier="arbitration", **EARLY)["id"])
        driver.act(clerk, case_id, "request_supplement", reason="缺少劳动关系证明")
    assert open_nodes(case_id) == {"await_supplement"}
    with at("2026-03-04"):
        driver.act(worker_user, case_id, "complete_supplement", on="2026-03-04")
    clock = Case.objects.get(pk=case_id).clocks.get(rule="arbitration.acceptance")
    assert [e.kind for e in clock.events.all()] == ["restart"]
    assert clock.due_on == deadlines.compute("arbitration.acceptance", date(2026, 3, 4)).due
    with at("2026-03-05"):
        driver.act(clerk, case_id, "accept_arbitration")
    assert clocks(case_id)["arbitration.acceptance"] == "met"


def test_suspension_and_extension_then_award_inside_the_adjusted_limit(
    driver: Driver, worker_user: Any, clerk: Any, arbitrator: Any, director: Any
) -> None:
    case_id = direct_arbitration(driver, worker_user, clerk)
    original = due(case_id, "arbitration.award")
    with at("2026-03-10"):
        driver.act(director, case_id, "suspend_proceedings", on="2026-03-10", reason="公告送达")
    assert due(case_id, "arbitration.award") is None
    with at("2026-03-20"):
        driver.act(arbitrator, case_id, "resume_proceedings", on="2026-03-20")
        driver.act(director, case_id, "extend_award_limit", days=15, reason="案情复杂")
    adjusted = due(case_id, "arbitration.award")
    assert adjusted is not None and original is not None and adjusted > original + timedelta(days=24)
    expected = deadlines.compute(
        "arbitration.award",
        date(2026, 3, 2),
        deadlines.ledger_from_arguments(date(2026, 3, 2), ["2026-03-10:2026-03-20"], "15@2026-03-20"),
    ).due
    assert adjusted == expected
    with at(str(original + timedelta(days=3))):  # after the original limit, inside the adjusted one
        driver.act(
            arbitrator,
            case_id,
            "issue_award",
            decided_on=str(original + timedelta(days=3)),
            served_on=str(original + timedelta(days=3)),
            items=[WAGES],
        )
    assert clocks(case_id)["arbitration.award"] == "met"
    audit = Case.objects.get(pk=case_id).clocks.get(rule="arbitration.award").events.get(kind="extend")
    assert audit.approved_by == director


def test_counterclaim_restarts_the_award_clock(driver: Driver, worker_user: Any, clerk: Any, arbitrator: Any) -> None:
    case_id = direct_arbitration(driver, worker_user, clerk)
    with at("2026-03-16"):
        body = driver.act(arbitrator, case_id, "restart_award_limit", reason="counterclaim", on="2026-03-16")
    assert due(case_id, "arbitration.award") == deadlines.compute("arbitration.award", date(2026, 3, 16)).due
    assert events(case_id)[-1] == "award_limit_restarted_counterclaim"
    assert body["tier"] == "arbitration"


def test_pre_hearing_mediation_statement_closes_the_case(
    driver: Driver, worker_user: Any, clerk: Any, arbitrator: Any
) -> None:
    case_id = direct_arbitration(driver, worker_user, clerk)
    with at("2026-03-12"):
        body = driver.act(arbitrator, case_id, "record_arbitral_mediation", on="2026-03-12")
    assert (body["tier"], body["closure_kind"], body["arbitration"]["closure"]) == (
        "closed",
        "arbitral_mediation",
        "mediation",
    )
    assert open_nodes(case_id) == set()


def test_absent_applicant_is_deemed_to_withdraw(driver: Driver, worker_user: Any, clerk: Any, arbitrator: Any) -> None:
    case_id = direct_arbitration(driver, worker_user, clerk)
    with at("2026-03-05"):
        driver.act(arbitrator, case_id, "schedule_hearing", hearing_on="2026-03-20")
    with at("2026-03-20"):
        body = driver.act(
            arbitrator,
            case_id,
            "record_hearing",
            held_on="2026-03-20",
            applicant_present=False,
            respondent_present=True,
        )
    assert (body["closure_kind"], body["arbitration"]["closure"]) == ("deemed_withdrawn", "deemed_withdrawn")
    assert Case.objects.get(pk=case_id).process.status == PROCESS.DONE  # type: ignore[union-attr]


def test_mixed_award_opens_both_litigation_windows(
    driver: Driver, worker_user: Any, clerk: Any, arbitrator: Any, employer_user: Any
) -> None:
    case_id = direct_arbitration(driver, worker_user, clerk)
    Case.objects.get(pk=case_id).respondents.get().representatives.add(employer_user)
    with at("2026-04-01"):
        body = driver.act(
            arbitrator,
            case_id,
            "issue_award",
            decided_on="2026-04-01",
            served_on="2026-04-01",
            items=[WAGES, COMPENSATION],
        )
    assert [item["final"] for item in body["arbitration"]["awards"][0]["items"]] == [True, False]
    assert clocks(case_id)["litigation.suit"] == clocks(case_id)["litigation.employer_revocation"] == "running"
    with at("2026-04-08"):
        body = driver.act(
            employer_user, case_id, "record_court_filing", kind="employer_revocation", filed_on="2026-04-08"
        )
        assert body["tier"] == "litigation"
        driver.act(worker_user, case_id, "record_court_filing", kind="worker_suit", filed_on="2026-04-08")
    assert open_nodes(case_id) == {"court_stage"}
    with at("2026-06-01"):
        driver.act(clerk, case_id, "record_court_decision", outcome="revocation_rejected", decided_on="2026-06-01")
        assert open_nodes(case_id) == {"court_stage"}
        body = driver.act(worker_user, case_id, "record_court_decision", outcome="judgment", decided_on="2026-06-01")
    assert (body["tier"], body["closure_kind"]) == ("closed", "court_decision")
    assert open_nodes(case_id) == set()


def test_employer_cannot_sue_over_final_items_only(
    driver: Driver, worker_user: Any, clerk: Any, arbitrator: Any, employer_user: Any
) -> None:
    case_id = direct_arbitration(driver, worker_user, clerk)
    Case.objects.get(pk=case_id).respondents.get().representatives.add(employer_user)
    with at("2026-04-01"):
        driver.act(arbitrator, case_id, "issue_award", decided_on="2026-04-01", served_on="2026-04-01", items=[WAGES])
        error = driver.act(
            employer_user, case_id, "record_court_filing", expect=400, kind="employer_suit", filed_on="2026-04-01"
        )["error"]
    assert error["code"] == "final_award_not_suable"


def test_collective_case_with_representatives_goes_to_the_commission_court_first_in_queue(
    driver: Driver, worker_user: Any, clerk: Any, organizations: Any
) -> None:
    with at("2026-03-02"):
        single = int(driver.file(worker_user, key="single", tier="arbitration", **EARLY)["id"])
        rng = random.Random(9)
        claimants = [
            {
                "name": demo.person_name(rng),
                "id_number": demo.id_number(rng),
                "mobile": demo.mobile(rng),
                "is_representative": i < 3,
            }
            for i in range(10)
        ]
        collective = driver.file(clerk, key="collective", tier="arbitration", claimants=claimants, **EARLY)
    assert collective["is_collective"] and collective["current_organization"]["name"] == "闵行区劳动人事争议仲裁院"
    assert sum(c["is_representative"] for c in collective["claimants"]) == 3
    from workflows.queues import organization_queue

    queue = [Case.objects.get(process_id=t.process_id).pk for t in organization_queue(clerk)]
    assert queue == [collective["id"], single]
    workers = [c["id"] for c in collective["claimants"]][3:8]
    body = driver.act(clerk, collective["id"], "elect_representatives", workers=workers)
    assert sum(c["is_representative"] for c in body["claimants"]) == 5


def test_hearing_date_with_short_notice_is_refused(
    driver: Driver, worker_user: Any, clerk: Any, arbitrator: Any
) -> None:
    case_id = direct_arbitration(driver, worker_user, clerk)
    with at("2026-03-13"):  # Friday; a hearing on Friday 03-20 needs notice by Thursday 03-12
        error = driver.act(arbitrator, case_id, "schedule_hearing", expect=400, hearing_on="2026-03-20")["error"]
        assert error["code"] == "hearing_notice_too_short"
        assert "2026-03-12" in error["message_zh"] and "2026-03-12" in error["message_en"]
        driver.act(arbitrator, case_id, "schedule_hearing", hearing_on="2026-03-23")


def test_late_postponement_request_is_refused(driver: Driver, worker_user: Any, clerk: Any, arbitrator: Any) -> None:
    case_id = direct_arbitration(driver, worker_user, clerk)
    with at("2026-03-05"):
        driver.act(arbitrator, case_id, "schedule_hearing", hearing_on="2026-03-20")
    with at("2026-03-18"):
        error = driver.act(arbitrator, case_id, "request_postponement", expect=400, on="2026-03-18")["error"]
    assert error["code"] == "postponement_out_of_time"


def test_another_tribunals_arbitrator_gets_404(
    driver: Driver, worker_user: Any, clerk: Any, qibao_arbitrator: Any
) -> None:
    case_id = direct_arbitration(driver, worker_user, clerk)
    driver.act(qibao_arbitrator, case_id, "record_service", expect=404, on="2026-03-02")
    from tests.conftest import client_for

    assert client_for(qibao_arbitrator).get(f"/api/v1/cases/{case_id}/").status_code == 404


def test_only_the_director_approves_an_extension(
    driver: Driver, worker_user: Any, clerk: Any, arbitrator: Any, director: Any
) -> None:
    case_id = direct_arbitration(driver, worker_user, clerk)
    with at("2026-03-20"):
        for user in (arbitrator, clerk):
            error = driver.act(user, case_id, "extend_award_limit", expect=403, days=10, reason="复杂")["error"]
            assert error["code"] == "director_approval_required"
        driver.act(director, case_id, "extend_award_limit", days=10, reason="复杂")
