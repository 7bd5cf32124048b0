"""Filings received asynchronously, on real services: a Celery worker registers them; beat catches up lost ones."""

from __future__ import annotations

from typing import Any

import pytest
from celery import Celery
from django.conf import settings

from disputes.api.serializers import CaseFilingSerializer
from disputes.api.validation import validated_input
from disputes.api.views import _filing_from
from disputes.models import Case, Filing, FilingState
from tests.conftest import filing_payload
from tests.services.test_deadline_watch import Cluster, cluster  # noqa: F401 - the fixture, shared

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def receipts(user: Any, street: Any, count: int) -> list[int]:
    """Receipts stored as `receive_filing` stores them, with no task sent for them (a lost wake-up)."""
    ids = []
    for n in range(count):
        filing = _filing_from(validated_input(CaseFilingSerializer, filing_payload(street, facts=f"第{n}件")))
        ids.append(Filing.objects.create(filed_by=user, payload=filing.to_json()).pk)
    return ids


def all_registered(ids: list[int]) -> bool:
    return Filing.objects.filter(pk__in=ids, state=FilingState.REGISTERED).count() == len(ids)


def test_a_worker_woken_once_registers_every_waiting_receipt_once(
    cluster: Cluster,  # noqa: F811
    worker_user: Any,
    xinzhuang: Any,
    organizations: Any,
) -> None:
    ids = receipts(worker_user, xinzhuang, 3)
    cluster.worker("intake-1")
    cluster.worker("intake-2")
    app = Celery(broker=settings.REDIS_URL)
    for _wake in range(2):  # two wake-ups for the same receipts: each is still registered once
        app.send_task("workflows.tasks.drain_filings")
    cluster.wait(lambda: all_registered(ids), "the receipts to be registered")
    cases = Case.objects.filter(filing__pk__in=ids)
    assert cases.count() == 3 and sorted(cases.values_list("facts", flat=True)) == ["第0件", "第1件", "第2件"]


def test_beat_registers_a_receipt_whose_wake_up_was_lost(
    cluster: Cluster,  # noqa: F811
    worker_user: Any,
    xinzhuang: Any,
    organizations: Any,
) -> None:
    ids = receipts(worker_user, xinzhuang, 1)
    cluster.env |= {"FILING_CATCH_UP_SECONDS": "1", "FILING_CATCH_UP_AFTER_SECONDS": "1"}
    cluster.worker("intake")
    cluster.beat("beat")
    cluster.wait(lambda: all_registered(ids), "the catch-up sweep to register the receipt")


def test_a_receipt_is_registered_while_another_of_the_same_filer_is_being_registered(
    worker_user: Any, xinzhuang: Any, organizations: Any
) -> None:
    import threading

    from django.db import connection, transaction

    from workflows import intake

    first, second = receipts(worker_user, xinzhuang, 2)
    claimed, release = threading.Event(), threading.Event()

    def another_worker() -> None:  # holds its claim on the first receipt, as while registering it
        try:
            with transaction.atomic():
                assert intake._claim(first) is not None
                claimed.set()
                release.wait(30)
        finally:
            connection.close()

    holder = threading.Thread(target=another_worker)
    holder.start()
    try:
        assert claimed.wait(30)
        assert intake.register_filing(first) is None  # skipped: being registered elsewhere
        assert intake.register_filing(second) is not None  # not held up by its filer's other receipt
    finally:
        release.set()
        holder.join(30)
    assert dict(Filing.objects.values_list("pk", "state")) == {first: "received", second: "registered"}
