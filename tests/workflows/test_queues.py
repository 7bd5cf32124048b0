"""Task lists: the organization's queue and the inbox, cut to the organization, collective first, one query a page."""

from __future__ import annotations

import random
from typing import Any

import pytest
import time_machine
from django.db import connection

from disputes import demo
from tests.conftest import Driver, client_for
from workflows.queues import PAGE_SIZE, inbox_page, organization_queue, queue_page

pytestmark = [pytest.mark.django_db]
MORNING = "2026-11-16 10:00 +0800"


def file_mediation(driver: Driver, worker_user: Any, count: int) -> list[int]:
    with time_machine.travel(MORNING, tick=False):
        return [int(driver.file(worker_user, key=f"k{i}", tier="mediation")["id"]) for i in range(count)]


def test_queue_page_lists_the_organizations_unclaimed_tasks_oldest_first(
    driver: Driver, worker_user: Any, mediator: Any, qibao_mediator: Any
) -> None:
    cases = file_mediation(driver, worker_user, 3)
    rows = queue_page(mediator)
    assert [r["case_id"] for r in rows] == cases
    assert {r["flow_task"].name for r in rows} == {"accept_mediation"} and {r["status"] for r in rows} == {"NEW"}
    assert all(r["case_number"].startswith("MH-2026-") and r["collective"] == 0 for r in rows)
    assert queue_page(qibao_mediator) == []


def test_claimed_task_leaves_the_queue_for_the_claimants_inbox(
    driver: Driver, worker_user: Any, mediator: Any, second_mediator: Any
) -> None:
    first, second = file_mediation(driver, worker_user, 2)
    driver.act(mediator, first, "claim")
    assert [r["case_id"] for r in queue_page(second_mediator)] == [second]
    assert [r["case_id"] for r in inbox_page(mediator)] == [first]
    assert inbox_page(second_mediator) == []


def test_collective_dispute_heads_the_court_clerks_queue(driver: Driver, worker_user: Any, clerk: Any) -> None:
    early = {"knew_of_infringement_on": "2026-01-05"}
    with time_machine.travel(MORNING, tick=False):
        single = int(driver.file(worker_user, key="single", tier="arbitration", **early)["id"])
        rng = random.Random(3)
        claimants = [
            {
                "name": demo.person_name(rng),
                "id_number": demo.id_number(rng),
                "mobile": demo.mobile(rng),
                "is_representative": i < 3,
            }
            for i in range(10)
        ]
        collective = int(driver.file(clerk, key="many", tier="arbitration", claimants=claimants, **early)["id"])
    assert [r["case_id"] for r in queue_page(clerk)] == [collective, single]
    assert [r["collective"] for r in queue_page(clerk)] == [1, 0]


def test_a_page_is_one_query_however_many_tasks(
    driver: Driver, worker_user: Any, mediator: Any, django_assert_num_queries: Any
) -> None:
    file_mediation(driver, worker_user, 2)
    mediator.refresh_from_db()
    queue_page(mediator)  # the user's scope is read once and kept on the user
    with django_assert_num_queries(1):
        assert len(queue_page(mediator)) == 2
    file_mediation(driver, worker_user, PAGE_SIZE + 3)
    with django_assert_num_queries(1):
        assert len(queue_page(mediator)) == PAGE_SIZE


def test_queue_and_inbox_api_show_rows_with_their_workbench_links(
    driver: Driver, worker_user: Any, mediator: Any, qibao_mediator: Any
) -> None:
    (case,) = file_mediation(driver, worker_user, 1)
    (row,) = client_for(mediator).get("/api/v1/tasks/queue/").json()
    assert row["case"] == case and row["step"] == "accept_mediation" and row["title"] == "调解组织受理"
    assert row["url"] == f"/workbench/cases/dispute/{row['url'].split('/')[4]}/accept_mediation/{row['id']}/"
    assert client_for(qibao_mediator).get("/api/v1/tasks/queue/").json() == []
    driver.act(mediator, case, "claim")
    assert [r["case"] for r in client_for(mediator).get("/api/v1/tasks/inbox/").json()] == [case]
    assert client_for(worker_user).get("/api/v1/tasks/queue/").status_code == 403


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the list indexes are PostgreSQL expression indexes")
@pytest.mark.parametrize(
    ("who", "index"),
    [("mediator", "workflows_task_queue_by_org"), ("leader", "workflows_task_queue_all")],
)
def test_queue_reads_its_index_in_order_without_a_sort(
    who: str, index: str, request: pytest.FixtureRequest, driver: Driver, worker_user: Any
) -> None:
    file_mediation(driver, worker_user, 2)
    user = request.getfixturevalue(who)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        plan = organization_queue(user)[:PAGE_SIZE].explain()
    assert index in plan and "Sort" not in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the list indexes are PostgreSQL expression indexes")
def test_inbox_reads_its_index_in_order_without_a_sort(driver: Driver, worker_user: Any, mediator: Any) -> None:
    (case,) = file_mediation(driver, worker_user, 1)
    driver.act(mediator, case, "claim")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        from workflows.queues import inbox

        plan = inbox(mediator)[:PAGE_SIZE].explain()
    assert "workflows_task_inbox_by_owner" in plan and "Sort" not in plan, plan
