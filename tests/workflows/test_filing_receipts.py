"""Filings received now and registered a moment later: 202 receipts, the intake worker, the catch-up sweep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from disputes.models import Case, Filing, FilingState, IdempotencyKey, Street
from disputes.services.cases import filing_from_json
from realtime.models import Notification
from tests.conftest import filing_payload
from tests.factories import UserFactory
from workflows.intake import CATCH_UP_AFTER, register_filing, register_waiting_filings

pytestmark = pytest.mark.django_db
CASES = "/api/v1/cases/"
RECEIVED_AT = datetime(2026, 11, 27, 15, 59, tzinfo=UTC)  # 23:59 in Shanghai, the 27th


def file_async(client: Any, street: Street, key: str = "async-1", **overrides: Any) -> Any:
    payload = filing_payload(street, **overrides)
    return client.post(CASES, payload, format="json", HTTP_IDEMPOTENCY_KEY=key, HTTP_PREFER="respond-async")


@pytest.fixture
def registered(django_capture_on_commit_callbacks: Any) -> Any:
    """File asynchronously and run what the commit hands on: the intake task, eager as in the embedded default."""

    def file(client: Any, street: Street, key: str = "async-1", **overrides: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return file_async(client, street, key, **overrides)

    return file


def test_async_filing_answers_202_with_its_receipt_and_registers_the_case(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any, registered: Any
) -> None:
    client = api(worker_user)
    response = registered(client, xinzhuang)
    assert response.status_code == 202, response.content
    receipt = response.json()
    assert receipt["state"] == "received" and receipt["case"] is None
    assert response["Location"] == receipt["url"] == f"/api/v1/filings/{receipt['id']}/"
    assert response["Preference-Applied"] == "respond-async"
    followed = client.get(response["Location"]).json()
    assert followed["state"] == "registered"
    case = client.get(followed["case_url"]).json()
    assert case["channel"] == "online" and case["claimants"][0]["id_number"] == "11010519491231002X"


def test_the_case_is_dated_when_the_filing_was_received_not_when_it_was_registered(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(RECEIVED_AT, tick=False), django_capture_on_commit_callbacks(execute=False):
        receipt_id = file_async(api(worker_user), xinzhuang).json()["id"]
    with time_machine.travel(RECEIVED_AT + timedelta(minutes=5), tick=False):  # past midnight in Shanghai
        receipt = register_filing(receipt_id)
    assert receipt is not None and receipt.case is not None
    assert receipt.case.filed_at == RECEIVED_AT
    interruption = receipt.case.clocks.get(rule="limitation").events.get(kind="restart")
    assert interruption.on.isoformat() == "2026-11-27"  # the limitation was interrupted the day it was received


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"claim_items": [{"category": "unpaid_wages", "amount": "-1.00"}]}, "claim_items.0.amount", "negative_amount"),
        ({"workplace_street": 999999}, "workplace_street", "unknown_street"),
        ({"claimants": [{"name": "王小明", "id_number": "110105194912310021", "mobile": "13812345678"}]},
         "claimants.0.id_number", None),
        ({"claimants": [{"name": "张三", "id_number": "110101199003077777", "mobile": "13912345678"}]},
         "claimants", "filer_not_claimant"),
    ],
)  # fmt: skip
def test_bad_async_filing_is_refused_at_once_and_nothing_is_stored(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any, overrides: Any, field: str, code: str | None
) -> None:
    response = file_async(api(worker_user), xinzhuang, **overrides)
    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    assert field in fields, fields
    if code:
        assert code in {error["code"] for error in fields[field]}
    assert not Filing.objects.exists() and not Case.objects.exists()


def test_a_filing_refused_at_registration_is_rejected_with_its_reasons_and_the_filer_told(
    api: Any, other_worker_user: Any, xinzhuang: Street, organizations: Any, registered: Any
) -> None:
    newcomer = UserFactory.create(roles=["worker"], username="newcomer")  # no worker record of their own yet
    taken = other_worker_user.worker  # this ID number belongs to another account
    claimant = {"name": taken.name, "id_number": taken.id_number, "mobile": taken.mobile}
    response = registered(api(newcomer), xinzhuang, claimants=[claimant])
    assert response.status_code == 202, response.content
    receipt = api(newcomer).get(response["Location"]).json()
    assert receipt["state"] == "rejected" and receipt["case"] is None
    assert receipt["errors"]["fields"]["claimants.0"][0]["code"] == "worker_has_other_account"
    assert receipt["errors"]["message_en"]
    assert not Case.objects.exists()
    told = Notification.objects.get(recipient=newcomer, channel="in_app")
    assert told.kind == "filing_rejected" and told.link == response["Location"]


def test_a_retried_async_filing_stores_one_receipt(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any, registered: Any
) -> None:
    client = api(worker_user)
    first, retry = registered(client, xinzhuang), registered(client, xinzhuang)
    assert (first.status_code, retry.status_code) == (202, 202)
    assert retry["Idempotent-Replayed"] == "true" and retry["Location"] == first["Location"]
    assert retry.json()["id"] == first.json()["id"]
    assert (first.json()["state"], retry.json()["state"]) == ("received", "registered")  # the receipt as it is now
    assert Filing.objects.count() == Case.objects.count() == IdempotencyKey.objects.count() == 1


def test_another_users_receipt_is_404(
    api: Any, worker_user: Any, other_worker_user: Any, xinzhuang: Street, organizations: Any, registered: Any
) -> None:
    location = registered(api(worker_user), xinzhuang)["Location"]
    assert api(other_worker_user).get(location).status_code == 404
    assert api(other_worker_user).get("/api/v1/filings/").json()["results"] == []
    assert len(api(worker_user).get("/api/v1/filings/").json()["results"]) == 1


def test_a_receipt_is_registered_once(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        receipt_id = file_async(api(worker_user), xinzhuang).json()["id"]
    assert register_filing(receipt_id) is not None
    assert register_filing(receipt_id) is None  # a redelivered task finds it settled
    assert Case.objects.count() == 1


def test_catch_up_registers_receipts_whose_task_was_lost_and_leaves_fresh_ones(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        with time_machine.travel(RECEIVED_AT, tick=False):
            lost = file_async(api(worker_user), xinzhuang, "lost").json()["id"]
        with time_machine.travel(RECEIVED_AT + CATCH_UP_AFTER, tick=False):
            fresh = file_async(api(worker_user), xinzhuang, "fresh", facts="另一件事").json()["id"]
    assert register_waiting_filings(now=RECEIVED_AT + CATCH_UP_AFTER + timedelta(seconds=1)) == 1
    states = dict(Filing.objects.values_list("pk", "state"))
    assert states == {lost: FilingState.REGISTERED, fresh: FilingState.RECEIVED}


def test_a_filing_reads_back_as_it_was_written(worker_user: Any, xinzhuang: Street) -> None:
    from disputes.api.serializers import CaseFilingSerializer
    from disputes.api.validation import validated_input
    from disputes.api.views import _filing_from

    payload = filing_payload(xinzhuang, received_at="2026-11-20T08:30:00.123456+08:00", organization=None)
    filing = _filing_from(validated_input(CaseFilingSerializer, payload))
    assert filing_from_json(filing.to_json()) == filing
    assert filing_from_json(filing.to_json()).claim_items[0].amount == Decimal("12000.00")


def test_one_intake_task_is_sent_for_a_burst_of_filings(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any, monkeypatch: Any
) -> None:
    from workflows import intake, tasks

    sent: list[int] = []
    monkeypatch.setattr(tasks.drain_filings, "delay", lambda: sent.append(1))
    for _receipt in range(3):
        intake.wake_intake()  # three receipts committed before the task ran
    assert sent == [1]
    assert intake.drain_waiting_filings() == 0  # the task drops the key before it looks ...
    intake.wake_intake()  # ... so a receipt committed after its last look sends the next task
    assert sent == [1, 1]


def test_a_receipt_that_fails_unexpectedly_does_not_hold_up_the_others(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any, monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    from workflows import intake

    with django_capture_on_commit_callbacks(execute=False):
        broken = file_async(api(worker_user), xinzhuang, "broken").json()["id"]
        fine = file_async(api(worker_user), xinzhuang, "fine", facts="另一件事").json()["id"]
    real = intake.register_filing

    def register(filing_id: int) -> Any:
        if filing_id == broken:
            raise RuntimeError("database hiccup")
        return real(filing_id)

    monkeypatch.setattr(intake, "register_filing", register)
    assert intake.drain_waiting_filings() == 1
    assert dict(Filing.objects.values_list("pk", "state")) == {broken: "received", fine: "registered"}


def test_an_async_retry_with_another_body_is_refused_and_stores_nothing(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any, registered: Any
) -> None:
    client = api(worker_user)
    registered(client, xinzhuang)
    response = registered(client, xinzhuang, facts="另一件事")
    assert response.status_code == 400 and response.json()["error"]["code"] == "idempotency_key_reused"
    assert Filing.objects.count() == 1


def test_a_key_used_for_a_synchronous_filing_replays_that_case_not_a_new_receipt(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any
) -> None:
    client, payload = api(worker_user), filing_payload(xinzhuang)
    first = client.post(CASES, payload, format="json", HTTP_IDEMPOTENCY_KEY="both-ways")
    retry = file_async(client, xinzhuang, "both-ways")
    assert (first.status_code, retry.status_code) == (201, 201) and retry.json() == first.json()
    assert not Filing.objects.exists() and Case.objects.count() == 1


def test_an_async_key_past_its_lifetime_files_anew(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any, settings: Any
) -> None:
    client = api(worker_user)
    with time_machine.travel(RECEIVED_AT, tick=False):
        first = file_async(client, xinzhuang, "old")
    with time_machine.travel(RECEIVED_AT + settings.IDEMPOTENCY_KEY_TTL + timedelta(seconds=1), tick=False):
        second = file_async(client, xinzhuang, "old", facts="另一件事")
    assert (first.status_code, second.status_code) == (202, 202) and "Idempotent-Replayed" not in second
    assert first.json()["id"] != second.json()["id"] and Filing.objects.count() == 2
    assert Filing.objects.get(pk=first.json()["id"]).idempotency_key is None  # the old key row went with its age
