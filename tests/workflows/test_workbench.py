"""The staff workbench (viewflow's frontend): lists cut to the organization, steps done through forms."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client
from viewflow.workflow.models import Task

from disputes.models import Case
from tests.workflows.conftest import Driver, events

pytestmark = [pytest.mark.django_db]
BASE = "/workbench/cases/dispute"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def filed(driver: Driver, worker_user: Any) -> dict[str, Any]:
    with time_machine.travel("2026-11-16 10:00 +0800", tick=False):
        case = driver.file(worker_user, tier="mediation")
    task = Task.objects.get(process__case__id=case["id"], flow_task_type="HUMAN")
    return {"case": case, "process": task.process_id, "task": task.pk}


def test_queue_shows_the_organizations_tasks_only(filed: dict[str, Any], mediator: Any, qibao_mediator: Any) -> None:
    link = f"{filed['process']}/{filed['task']}"
    assert link in signed_in(mediator).get(f"{BASE}/queue/").content.decode()
    assert link not in signed_in(qibao_mediator).get(f"{BASE}/queue/").content.decode()


def test_other_streets_mediator_gets_404_on_the_process_and_its_task(
    filed: dict[str, Any], qibao_mediator: Any
) -> None:
    client = signed_in(qibao_mediator)
    assert client.get(f"{BASE}/{filed['process']}/").status_code == 404
    task_url = f"{BASE}/{filed['process']}/accept_mediation/{filed['task']}"
    for suffix in ("/detail/", "/assign/", "/execute/"):
        assert client.get(task_url + suffix).status_code == 404, suffix
    assert client.post(task_url + "/assign/").status_code == 404
    assert Task.objects.get(pk=filed["task"]).owner_id is None


def test_workers_and_employers_never_see_staff_pages(
    filed: dict[str, Any], worker_user: Any, employer_user: Any
) -> None:
    for user in (worker_user, employer_user):
        client = signed_in(user)
        for url in ("/workbench/", f"{BASE}/queue/", f"{BASE}/{filed['process']}/"):
            assert client.get(url, follow=True).status_code in (403, 404), (user, url)


def test_mediator_claims_and_accepts_through_the_forms(filed: dict[str, Any], mediator: Any) -> None:
    client = signed_in(mediator)
    task_url = f"{BASE}/{filed['process']}/accept_mediation/{filed['task']}"
    with time_machine.travel("2026-11-17 10:00 +0800", tick=False):
        client.post(task_url + "/assign/")
        assert Task.objects.get(pk=filed["task"]).owner == mediator
        page = client.get(task_url + "/execute/")
        assert page.status_code == 200 and "受理决定" in page.content.decode()
        client.post(task_url + "/execute/", {"decision": "accept", "reason": ""})
    case = Case.objects.get(pk=filed["case"]["id"])
    assert case.mediations.get().accepted_at is not None
    assert events(case.pk)[-1] == "mediation_accepted"


def test_decline_without_reason_is_shown_on_the_form(filed: dict[str, Any], mediator: Any) -> None:
    client = signed_in(mediator)
    task_url = f"{BASE}/{filed['process']}/accept_mediation/{filed['task']}"
    client.post(task_url + "/assign/")
    response = client.post(task_url + "/execute/", {"decision": "decline", "reason": ""})
    assert "不予受理须说明理由" in response.content.decode()
    assert Case.objects.get(pk=filed["case"]["id"]).mediations.get().declined_at is None


def test_flow_chart_is_drawn(mediator: Any, organizations: Any) -> None:
    response = signed_in(mediator).get(f"{BASE}/chart/")
    assert response.status_code == 200 and "<svg" in response.content.decode()
