"""On PostgreSQL: two mediators claiming one task at the same moment — exactly one wins, the other gets 409."""

from __future__ import annotations

from typing import Any

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from disputes.models import CaseEvent
from tests.conftest import Driver, client_for
from tests.services.test_postgres import run_together

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_mediators_claim_the_same_task_and_exactly_one_wins(
    driver: Driver, worker_user: Any, mediator: Any, second_mediator: Any
) -> None:
    case_id = driver.file(worker_user, tier="mediation")["id"]

    def claim_as(user: Any) -> Any:
        return lambda: client_for(user).post(f"/api/v1/cases/{case_id}/claim/", {}, format="json")

    responses = run_together(claim_as(mediator), claim_as(second_mediator))
    assert sorted(r.status_code for r in responses) == [200, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["error"]["code"] == "already_claimed"
    task = Task.objects.get(process__case__id=case_id, flow_task_type="HUMAN")
    assert task.status == STATUS.ASSIGNED
    assert CaseEvent.objects.filter(case_id=case_id, kind="mediator_assigned").count() == 1


def test_two_clerks_accept_the_same_application_and_exactly_one_acceptance_is_recorded(
    driver: Driver, worker_user: Any, clerk: Any, organizations: Any
) -> None:
    from disputes.roles import Role
    from tests.factories import staff

    other_clerk = staff(Role.ARBITRATION_CLERK, organizations["mh-arbitration-court"], username="clerk-2")
    case_id = driver.file(worker_user, tier="arbitration")["id"]

    def accept_as(user: Any) -> Any:
        return lambda: client_for(user).post(f"/api/v1/cases/{case_id}/accept_arbitration/", {}, format="json")

    responses = run_together(accept_as(clerk), accept_as(other_clerk))
    assert sorted(r.status_code for r in responses) == [200, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["error"]["code"] in ("step_taken", "assigned_to_other")
    assert CaseEvent.objects.filter(case_id=case_id, kind="arbitration_accepted").count() == 1
