"""On the real PostgreSQL: the database guards the audit log, and concurrent writers cannot duplicate."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection, connections, transaction

from disputes.models import Case, CaseEvent, Street
from disputes.services.cases import open_case
from tests.conftest import client_for, filing_payload
from tests.disputes.test_services_cases import filing

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def run_together(*calls: Callable[[], Any]) -> list[Any]:
    """Start the calls at the same moment on separate threads (each with its own connection)."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_database_refuses_to_update_or_delete_audit_rows(clerk: Any, organizations: Any) -> None:
    assert connection.vendor == "postgresql"
    case = open_case(filing(Street.objects.get(code="xinzhuang")), by=clerk)
    for statement in ("UPDATE disputes_caseevent SET kind = 'forged'", "DELETE FROM disputes_caseevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert [e.kind for e in CaseEvent.objects.filter(case=case)] == ["case_opened"]


def test_concurrent_retries_with_one_key_create_one_case(worker_user: Any, organizations: Any) -> None:
    street = Street.objects.get(code="xinzhuang")

    def post() -> Any:
        return client_for(worker_user).post(
            "/api/v1/cases/", filing_payload(street), format="json", HTTP_IDEMPOTENCY_KEY="same-key"
        )

    responses = run_together(post, post, post)
    assert [r.status_code for r in responses] == [201, 201, 201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == 1


def test_concurrent_withdrawals_close_once_and_answer_409(worker_user: Any, organizations: Any) -> None:
    case = open_case(filing(Street.objects.get(code="xinzhuang")), by=worker_user)

    def withdraw() -> Any:
        return client_for(worker_user).post(f"/api/v1/cases/{case.pk}/withdraw/", {}, format="json")

    statuses = sorted(r.status_code for r in run_together(withdraw, withdraw))
    assert statuses == [200, 409]
    assert CaseEvent.objects.filter(case=case, kind="case_withdrawn").count() == 1
