"""Notifications: created once, delivered after commit per channel, retried with backoff, pushed, listed."""

from __future__ import annotations

import itertools
import json
import logging
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import time_machine
from asgiref.sync import async_to_sync
from celery.exceptions import Retry
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disputes.models import Case
from realtime import notifications
from realtime.models import Notification, NotificationStatus
from realtime.notifications import compose, notify
from realtime.sms import HttpSmsGateway, SmsGatewayError
from realtime.tasks import deliver_notification, retry_due_notifications
from tests.conftest import client_for
from tests.factories import CaseFactory, UserFactory

NOW = "2026-11-20 10:00 +0800"


class BrokenGateway:
    def send(self, mobile: str, text: str) -> None:
        raise ConnectionError("gateway down")


def hello(kind: str = "test") -> notifications.Message:
    return compose(kind, _("裁决已生效"), _("审查受理期限届满"), link="/api/v1/cases/1/")


def send(users: list[Any], channels: list[str], key: str, capture: Any) -> list[Notification]:
    """Notify inside a transaction and run what its commit would run (the delivery tasks)."""
    with capture(execute=True), transaction.atomic():
        created = notify(users, hello(), channels=channels, dedupe=key)
    return [Notification.objects.get(pk=n.pk) for n in created]


# --- creation and the backends ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_notify_writes_both_languages_once_per_recipient_and_channel(
    worker_user: Any, clerk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = send([worker_user, clerk, clerk], ["in_app", "sms"], "k1", django_capture_on_commit_callbacks)
    assert sorted((n.recipient.username, n.channel) for n in first) == [
        ("clerk", "in_app"),
        ("clerk", "sms"),
        ("rider", "in_app"),
        ("rider", "sms"),
    ]
    assert (first[0].title, first[0].title_en) == ("裁决已生效", "The award has taken effect")
    assert send([worker_user, clerk], ["in_app", "sms"], "k1", django_capture_on_commit_callbacks) == []
    assert Notification.objects.count() == 4


@pytest.mark.django_db
def test_in_app_delivery_pushes_to_the_recipients_group_only(
    worker_user: Any, clerk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    layer = get_channel_layer()
    mine = async_to_sync(layer.new_channel)()
    theirs = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(f"user.{worker_user.pk}", mine)
    async_to_sync(layer.group_add)(f"user.{clerk.pk}", theirs)
    [notification] = send([worker_user], ["in_app"], "k2", django_capture_on_commit_callbacks)
    assert async_to_sync(layer.receive)(mine) == {"type": "notification.new", "id": notification.pk}
    assert (notification.status, notification.attempts) == ("sent", 1)
    assert [a.ok for a in notification.delivery_attempts.all()] == [True]
    assert theirs not in layer.channels or layer.channels[theirs].empty()


@pytest.mark.django_db
def test_email_goes_through_djangos_backend_and_a_missing_address_is_skipped(
    worker_user: Any, clerk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    clerk.email = "clerk@court.example"
    clerk.save()
    skipped, sent = sorted(
        send([clerk, worker_user], ["email"], "k3", django_capture_on_commit_callbacks), key=lambda n: n.recipient_id
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [(["clerk@court.example"], "裁决已生效")]
    assert "http://localhost:8000/api/v1/cases/1/" in mail.outbox[0].body and "The award" in mail.outbox[0].body
    assert (sent.recipient, sent.status) == (clerk, "sent")
    assert (skipped.status, skipped.last_error, skipped.attempts) == (
        "skipped",
        "the recipient has no email address",
        0,
    )


@pytest.mark.django_db
def test_sms_reaches_a_workers_mobile_and_skips_staff_without_one(
    worker_user: Any, clerk: Any, caplog: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with caplog.at_level(logging.INFO, logger="realtime.sms"):
        texts = send([worker_user, clerk], ["sms"], "k4", django_capture_on_commit_callbacks)
    by_user = {n.recipient.username: n for n in texts}
    assert by_user["rider"].status == "sent"
    assert "SMS to 13812345678: 【乐业】裁决已生效：审查受理期限届满" in caplog.text
    assert (by_user["clerk"].status, by_user["clerk"].last_error) == ("skipped", "the recipient has no mobile number")


# --- the HTTP gateway -------------------------------------------------------------------------------------


class StubGateway(BaseHTTPRequestHandler):
    answer = 200
    received: list[tuple[str, dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        StubGateway.received.append((self.headers["Authorization"], body))
        self.send_response(StubGateway.answer)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def stub_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    StubGateway.received, StubGateway.answer = [], 200
    yield f"http://127.0.0.1:{server.server_address[1]}/send"
    server.shutdown()
    server.server_close()


def test_http_gateway_posts_json_with_the_token_and_raises_on_errors(stub_url: str) -> None:
    gateway = HttpSmsGateway(url=stub_url, token="s3cret", timeout=2)
    gateway.send("13812345678", "您好")
    assert StubGateway.received == [("Bearer s3cret", {"mobile": "13812345678", "text": "您好"})]
    StubGateway.answer = 503
    with pytest.raises(SmsGatewayError, match="503"):
        gateway.send("13812345678", "您好")
    with pytest.raises(SmsGatewayError, match="unreachable"):
        HttpSmsGateway(url="http://127.0.0.1:9/send", token="", timeout=1).send("13812345678", "您好")


@pytest.mark.django_db
def test_http_gateway_is_chosen_by_settings(
    worker_user: Any, stub_url: str, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SMS_GATEWAY, settings.SMS_HTTP_URL, settings.SMS_HTTP_TOKEN = "realtime.sms.HttpSmsGateway", stub_url, "t"
    [text] = send([worker_user], ["sms"], "k5", django_capture_on_commit_callbacks)
    assert text.status == "sent"
    assert StubGateway.received[0][1]["mobile"] == "13812345678"


# --- failures, retries, claims ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failing_gateway_is_retried_with_backoff_then_marked_failed(
    worker_user: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SMS_GATEWAY = "tests.realtime.test_notifications.BrokenGateway"
    settings.NOTIFICATION_MAX_RETRIES, settings.NOTIFICATION_RETRY_BASE_SECONDS = 2, 60
    with time_machine.travel(NOW, tick=False) as clock:
        [text] = send([worker_user], ["sms"], "k6", django_capture_on_commit_callbacks)
        start = timezone.now()
        assert (text.status, text.attempts, text.next_attempt_at) == ("pending", 1, start + timedelta(seconds=60))
        assert deliver_notification.delay(text.pk).get() == "not_due"  # eager: no inline retry loop
        clock.shift(timedelta(seconds=59))
        assert retry_due_notifications.delay().get() == 0
        clock.shift(timedelta(seconds=1))
        assert retry_due_notifications.delay().get() == 1
        text.refresh_from_db()
        assert (text.status, text.attempts, text.next_attempt_at) == (
            "pending",
            2,
            timezone.now() + timedelta(seconds=120),
        )
        clock.shift(timedelta(seconds=120))
        assert retry_due_notifications.delay().get() == 1
        clock.shift(timedelta(days=1))
        assert retry_due_notifications.delay().get() == 0
    text.refresh_from_db()
    assert (text.status, text.attempts, text.last_error) == ("failed", 3, "ConnectionError: gateway down")
    attempts = list(text.delivery_attempts.values_list("at", "ok"))
    assert [ok for _at, ok in attempts] == [False, False, False]
    assert [b[0] - a[0] for a, b in itertools.pairwise(attempts)] == [
        timedelta(seconds=60),
        timedelta(seconds=120),
    ]


@pytest.mark.django_db
def test_on_a_worker_a_failure_is_requeued_with_its_backoff_as_countdown(
    worker_user: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.SMS_GATEWAY = "tests.realtime.test_notifications.BrokenGateway"
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 30
    with transaction.atomic():
        [text] = notify([worker_user], hello(), channels=["sms"], dedupe="k12")
    countdowns: list[float] = []

    def retry(countdown: float) -> Exception:
        countdowns.append(countdown)
        return Retry(when=countdown)

    monkeypatch.setattr(deliver_notification, "retry", retry)
    deliver_notification.push_request(is_eager=False, retries=0)  # as a worker runs it
    try:
        with pytest.raises(Retry):
            deliver_notification.run(text.pk)
        with time_machine.travel(timezone.now() + timedelta(seconds=30)), pytest.raises(Retry):
            deliver_notification.run(text.pk)
    finally:
        deliver_notification.pop_request()
    assert countdowns == [30.0, 60.0]


@pytest.mark.django_db
def test_a_failed_delivery_leaves_the_case_transaction_committed(
    worker_user: Any, organizations: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    def crash(notification_id: int) -> notifications.Outcome:
        raise RuntimeError("worker bug")

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        case = CaseFactory.create()
        notify([worker_user], hello(), channels=["sms"], dedupe="k7", case=case)
        monkeypatch.setattr(notifications, "deliver", crash)  # even a task that blows up stays out of the case
    assert Case.objects.filter(pk=case.pk).exists()
    assert Notification.objects.get(dedupe_key=f"k7:{worker_user.pk}:sms").status == "pending"


@pytest.mark.django_db
def test_a_claim_is_taken_once_and_a_lost_worker_is_reclaimed_after_the_lease(worker_user: Any) -> None:
    with transaction.atomic():
        [notification] = notify([worker_user], hello(), channels=["in_app"], dedupe="k8")
    now = timezone.now()
    assert notifications.claim(notification.pk, now) is not None
    assert notifications.claim(notification.pk, now) is None  # a second worker finds it taken
    assert notifications.deliver(notification.pk).status == "not_due"
    later = now + notifications.CLAIM_LEASE + timedelta(seconds=1)
    assert notifications.due_notification_ids(later) == [notification.pk]
    assert notifications.claim(notification.pk, later) is not None
    Notification.objects.filter(pk=notification.pk).update(status=NotificationStatus.SENT)
    assert notifications.deliver(notification.pk).status == "not_due"
    assert notification.delivery_attempts.count() == 0


# --- the REST API -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_lists_the_users_in_app_notifications_and_marks_them_read(
    worker_user: Any, clerk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    send([worker_user, clerk], ["in_app", "email"], "k9", django_capture_on_commit_callbacks)
    send([worker_user], ["in_app"], "k10", django_capture_on_commit_callbacks)
    api = client_for(worker_user)
    listed = api.get("/api/v1/notifications/").json()["results"]
    assert [n["kind"] for n in listed] == ["test", "test"] and listed[0]["id"] > listed[1]["id"]
    assert listed[0]["title_en"] == "The award has taken effect" and listed[0]["read_at"] is None
    read = api.post(f"/api/v1/notifications/{listed[1]['id']}/read/").json()
    assert read["read_at"] is not None
    assert api.post(f"/api/v1/notifications/{listed[1]['id']}/read/").json()["read_at"] == read["read_at"]
    assert [n["id"] for n in api.get("/api/v1/notifications/?unread=true").json()["results"]] == [listed[0]["id"]]
    assert api.post("/api/v1/notifications/read_all/").json() == {"read": 1}
    assert api.get("/api/v1/notifications/?unread=true").json()["results"] == []


@pytest.mark.django_db
def test_another_users_notification_is_a_404(
    worker_user: Any, clerk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    [theirs] = send([clerk], ["in_app"], "k11", django_capture_on_commit_callbacks)
    api = client_for(worker_user)
    assert api.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client_for(clerk).get(f"/api/v1/notifications/{theirs.pk}/").status_code == 200


# --- the websocket ----------------------------------------------------------------------------------------


async def connect(user: Any, query: str = "") -> tuple[WebsocketCommunicator, bool, Any]:
    from realtime.routing import websocket_urlpatterns

    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/notifications/{query}")
    communicator.scope["user"] = user
    connected, code = await communicator.connect(timeout=3)
    return communicator, connected, code


@database_sync_to_async
def notify_now(users: list[Any], key: str) -> list[int]:
    with transaction.atomic():
        return [n.pk for n in notify(users, hello(), channels=["in_app"], dedupe=key)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_socket_catches_up_unread_then_pushes_only_the_users_own() -> None:
    alice = await database_sync_to_async(UserFactory.create)(username="alice")
    bob = await database_sync_to_async(UserFactory.create)(username="bob")
    [seen, unread] = await notify_now([alice], "w1") + await notify_now([alice], "w2")
    await database_sync_to_async(Notification.objects.filter(pk=seen).update)(read_at=timezone.now())
    mine, connected, _code = await connect(alice)
    theirs, _connected, _code = await connect(bob)
    assert connected
    assert (await mine.receive_json_from(timeout=3))["id"] == unread
    assert await mine.receive_nothing(timeout=0.2)
    [new] = await notify_now([alice], "w3")
    frame = await mine.receive_json_from(timeout=3)
    assert (frame["type"], frame["id"], frame["title"]) == ("notification", new, "裁决已生效")
    assert await theirs.receive_nothing(timeout=0.3)
    await database_sync_to_async(notifications.mark_all_notifications_read)(alice)
    assert await mine.receive_json_from(timeout=3) == {"type": "read", "ids": [unread, new]}
    await mine.disconnect()
    await theirs.disconnect()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_socket_resumes_after_the_last_id_and_refuses_anonymous() -> None:
    alice = await database_sync_to_async(UserFactory.create)(username="alice")
    [first, second] = await notify_now([alice], "r1") + await notify_now([alice], "r2")
    again, connected, _code = await connect(alice, f"?after={first}")
    assert connected and (await again.receive_json_from(timeout=3))["id"] == second
    await again.disconnect()
    _communicator, connected, code = await connect(AnonymousUser())
    assert (connected, code) == (False, 4401)
