"""Who may take each step: another street's staff see nothing (404); a party may not take staff steps (403)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from tests.workflows.conftest import Driver, events

pytestmark = [pytest.mark.django_db]
STAFF_STEPS = [
    "claim",
    "accept_mediation",
    "decline_mediation",
    "record_mediation_outcome",
    "record_payment",
    "extend_gig_window",
    "assign",
    "reroute",
]
PAYLOADS: dict[str, dict[str, Any]] = {
    "decline_mediation": {"reason": "x"},
    "record_mediation_outcome": {"outcome": "failed"},
    "record_payment": {"performance": "performed"},
    "extend_gig_window": {"days": 1, "both_parties_consent": True},
    "assign": {"mediator": 1},
    "reroute": {"organization": 1, "reason": "x"},
}


@pytest.fixture
def case_id(driver: Driver, worker_user: Any) -> int:
    with time_machine.travel("2026-11-16 10:00 +0800", tick=False):
        return int(driver.file(worker_user, tier="mediation")["id"])


@pytest.mark.parametrize("action", [*STAFF_STEPS, "choose_next", "decide_escalation", "negotiation_outcome"])
def test_another_streets_mediator_gets_404_for_every_step(
    driver: Driver, case_id: int, qibao_mediator: Any, action: str
) -> None:
    error = driver.act(qibao_mediator, case_id, action, expect=404, **PAYLOADS.get(action, {}))["error"]
    assert error["code"] == "not_found"
    assert events(case_id) == ["case_opened"]


@pytest.mark.parametrize("action", STAFF_STEPS)
def test_the_worker_gets_403_on_staff_steps_of_their_own_case(
    driver: Driver, case_id: int, worker_user: Any, action: str
) -> None:
    error = driver.act(worker_user, case_id, action, expect=403, **PAYLOADS.get(action, {}))["error"]
    assert error["code"] in ("action_forbidden", "cannot_reroute")
    assert events(case_id) == ["case_opened"]


def test_a_mediator_cannot_answer_for_the_worker_elsewhere(driver: Driver, case_id: int, employer_user: Any) -> None:
    from disputes.models import Case

    Case.objects.get(pk=case_id).respondents.get().representatives.add(employer_user)
    driver.act(employer_user, case_id, "choose_next", expect=403, choice="arbitration")


def test_a_mediator_cannot_be_assigned_by_another_mediator(
    driver: Driver, case_id: int, mediator: Any, second_mediator: Any
) -> None:
    driver.act(mediator, case_id, "assign", expect=403, mediator=second_mediator.pk)
