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
