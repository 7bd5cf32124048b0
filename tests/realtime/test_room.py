"""The online mediation room: parties and mediator talk in order, saved first, refused to everyone else."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction

from disputes.models import Case
from realtime import services
from realtime.models import RoomMessage
from realtime.routing import websocket_urlpatterns
from realtime.services import post_message
from tests.conftest import Driver, client_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCRIPT = "<script>alert('x')</script>\n第二行 & more"


@pytest.fixture
def room(driver: Driver, worker_user: Any, employer_user: Any, mediator: Any) -> int:
    """A case filed online by the worker, its mediation accepted by `mediator`, the employer represented."""
    with time_machine.travel("2026-11-16 10:00 +0800", tick=False):
        case = driver.file(worker_user, tier="mediation")
        driver.act(mediator, case["id"], "accept_mediation")
    Case.objects.get(pk=case["id"]).respondents.get().representatives.add(employer_user)
    return int(case["id"])


async def join(user: Any, case_id: int, after: int = 0) -> tuple[WebsocketCommunicator, bool, Any]:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/cases/{case_id}/room/?after={after}")
    communicator.scope["user"] = user
    connected, code = await communicator.connect(timeout=3)
    return communicator, connected, code


async def say(communicator: WebsocketCommunicator, body: str) -> None:
    await communicator.send_json_to({"body": body})


async def next_frame(communicator: WebsocketCommunicator) -> dict[str, Any]:
    return dict(await communicator.receive_json_from(timeout=3))


def stored(case_id: int) -> list[str]:
    return list(RoomMessage.objects.filter(case_id=case_id).order_by("id").values_list("body", flat=True))


def post_http(user: Any, case_id: int, body: str, key: str | None = "msg-1") -> Any:
    headers: dict[str, Any] = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client_for(user).post(f"/api/v1/cases/{case_id}/messages/", {"body": body}, format="json", **headers)


async def test_worker_employer_and_mediator_see_each_others_messages_in_order(
    room: int, worker_user: Any, employer_user: Any, mediator: Any
) -> None:
    people = [worker_user, employer_user, mediator]
    rooms = [(await join(user, room))[0] for user in people]
    for speaker, body in zip(rooms, ["我要求支付工资", "公司同意分期", "请双方确认金额"], strict=True):
        await say(speaker, body)
        for listener in rooms:
            assert (await next_frame(listener))["body"] == body
    history = await database_sync_to_async(lambda: list(RoomMessage.objects.filter(case_id=room).order_by("id")))()
    assert [m.author_role for m in history] == ["worker", "employer", "mediator"]
    assert [m.author_id for m in history] == [u.pk for u in people]
    for listener in rooms:
        assert await listener.receive_nothing(timeout=0.2)
        await listener.disconnect()


async def test_a_message_frame_carries_id_author_role_and_time(room: int, worker_user: Any) -> None:
    communicator, _connected, _code = await join(worker_user, room)
    await say(communicator, "  你好  ")
    frame = await next_frame(communicator)
    assert frame["type"] == "message"
    assert (frame["author"], frame["author_role"], frame["body"]) == ("rider", "worker", "你好")
    assert frame["created_at"] and isinstance(frame["id"], int)
    await communicator.disconnect()


def test_a_message_is_pushed_only_after_its_transaction_commits(
    room: int, worker_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pushes: list[tuple[int, bool]] = []

    def spy(case_id: int, message_id: int) -> None:
        pushes.append((message_id, connection.in_atomic_block))

    monkeypatch.setattr(services, "broadcast_room_message", spy)
    with transaction.atomic():
        message = post_message(Case.objects.get(pk=room), worker_user, "先保存，后推送")
        assert pushes == []
    assert pushes == [(message.pk, False)]


async def test_a_received_message_is_already_in_the_database(room: int, worker_user: Any, mediator: Any) -> None:
    listener, _connected, _code = await join(mediator, room)
    await database_sync_to_async(post_message)(
        await database_sync_to_async(Case.objects.get)(pk=room), worker_user, "在吗"
    )
    frame = await next_frame(listener)
    assert await database_sync_to_async(lambda: RoomMessage.objects.get(pk=frame["id"]).body)() == "在吗"
    await listener.disconnect()


async def test_reconnect_with_after_catches_up_exactly_the_missed_messages(
    room: int, worker_user: Any, employer_user: Any
) -> None:
    communicator, _connected, _code = await join(worker_user, room)
    await say(communicator, "第一条")
    seen = await next_frame(communicator)
    await communicator.disconnect()
    case = await database_sync_to_async(Case.objects.get)(pk=room)
    for body in ("离线时的第二条", "离线时的第三条"):  # said while the worker is away
        await database_sync_to_async(post_message)(case, employer_user, body)
    again, connected, _code = await join(worker_user, room, after=seen["id"])
    assert connected
    missed = [await next_frame(again), await next_frame(again)]
    assert [m["body"] for m in missed] == ["离线时的第二条", "离线时的第三条"]
    assert seen["id"] < missed[0]["id"] < missed[1]["id"]
    assert await again.receive_nothing(timeout=0.3)
    await again.disconnect()


async def test_joining_without_after_replays_the_whole_room(room: int, worker_user: Any, mediator: Any) -> None:
    case = await database_sync_to_async(Case.objects.get)(pk=room)
    await database_sync_to_async(post_message)(case, mediator, "调解安排在周三")
    communicator, _connected, _code = await join(worker_user, room)
    assert (await next_frame(communicator))["body"] == "调解安排在周三"
    await communicator.disconnect()


@pytest.fixture(params=["qibao_mediator", "other_worker_user", "second_mediator"])
def outsider(request: Any) -> Any:
    """Another street's mediator, an unrelated worker, and a colleague who is not the case's mediator."""
    return request.getfixturevalue(request.param)


async def test_outsiders_are_refused_the_room_like_a_404(room: int, outsider: Any) -> None:
    _communicator, connected, code = await join(outsider, room)
    assert (connected, code) == (False, 4404)


def test_outsiders_get_404_over_http(room: int, outsider: Any) -> None:
    assert client_for(outsider).get(f"/api/v1/cases/{room}/messages/").status_code == 404
    assert post_http(outsider, room, "让我进去").status_code == 404
    assert stored(room) == []


def test_a_case_that_does_not_exist_is_404(room: int, worker_user: Any) -> None:
    assert client_for(worker_user).get(f"/api/v1/cases/{room + 1000}/messages/").status_code == 404


async def test_anonymous_is_refused_with_4401(room: int) -> None:
    _communicator, connected, code = await join(AnonymousUser(), room)
    assert (connected, code) == (False, 4401)


async def test_the_mediation_lead_reads_the_room_but_cannot_post(room: int, lead: Any, worker_user: Any) -> None:
    communicator, connected, _code = await join(lead, room)
    assert connected
    case = await database_sync_to_async(Case.objects.get)(pk=room)
    await database_sync_to_async(post_message)(case, worker_user, "负责人也能看到")
    assert (await next_frame(communicator))["body"] == "负责人也能看到"
    await say(communicator, "我来说两句")
    assert (await next_frame(communicator))["code"] == "action_forbidden"
    assert await database_sync_to_async(stored)(room) == ["负责人也能看到"]
    await communicator.disconnect()


async def test_oversized_and_empty_messages_are_refused_and_nothing_is_stored(room: int, worker_user: Any) -> None:
    communicator, _connected, _code = await join(worker_user, room)
    await say(communicator, "长" * 2001)
    too_long = await next_frame(communicator)
    assert (too_long["type"], too_long["code"]) == ("error", "message_too_long")
    assert too_long["message_zh"] and too_long["message_en"]
    await say(communicator, " \n\t ")
    assert (await next_frame(communicator))["code"] == "message_empty"
    await communicator.send_json_to({"body": 42})
    assert (await next_frame(communicator))["code"] == "invalid_input"
    assert await database_sync_to_async(stored)(room) == []
    await say(communicator, "长" * 2000)  # exactly the limit is fine
    assert len((await next_frame(communicator))["body"]) == 2000
    await communicator.disconnect()


def test_oversized_and_empty_messages_are_400_over_http(room: int, worker_user: Any) -> None:
    too_long = post_http(worker_user, room, "长" * 2001, key="long")
    empty = post_http(worker_user, room, "   ", key="empty")
    assert (too_long.status_code, too_long.json()["error"]["code"]) == (400, "message_too_long")
    assert (empty.status_code, empty.json()["error"]["code"]) == (400, "message_empty")
    assert stored(room) == []


async def test_the_rate_limit_refuses_the_excess_message(
    room: int, worker_user: Any, mediator: Any, settings: Any
) -> None:
    settings.ROOM_MESSAGES_PER_MINUTE = 2
    communicator, _connected, _code = await join(worker_user, room)
    for body in ("一", "二"):
        await say(communicator, body)
        last = await next_frame(communicator)
        assert last["body"] == body
    await say(communicator, "三")
    assert (await next_frame(communicator))["code"] == "rate_limited"
    assert await database_sync_to_async(stored)(room) == ["一", "二"]
    mediator_room, _connected, _code = await join(mediator, room, after=last["id"])
    await say(mediator_room, "调解员不受劳动者的限额影响")  # the limit is per person per room
    assert (await next_frame(mediator_room))["author_role"] == "mediator"
    await communicator.disconnect()
    await mediator_room.disconnect()


def test_the_rate_limit_is_429_over_http(room: int, worker_user: Any, settings: Any) -> None:
    settings.ROOM_MESSAGES_PER_MINUTE = 2
    assert [post_http(worker_user, room, b, key=b).status_code for b in ("一", "二")] == [201, 201]
    refused = post_http(worker_user, room, "三", key="三")
    assert (refused.status_code, refused.json()["error"]["code"]) == (429, "rate_limited")
    assert refused.headers["Retry-After"] == "60"
    assert stored(room) == ["一", "二"]


def test_the_rate_limit_counts_only_the_last_minute(room: int, worker_user: Any, settings: Any) -> None:
    settings.ROOM_MESSAGES_PER_MINUTE = 1
    with time_machine.travel("2026-11-18 09:00:00 +0800", tick=False):
        assert post_http(worker_user, room, "早上好", key="a").status_code == 201
    with time_machine.travel("2026-11-18 09:00:59 +0800", tick=False):
        assert post_http(worker_user, room, "还在吗", key="b").status_code == 429
    with time_machine.travel("2026-11-18 09:01:01 +0800", tick=False):
        assert post_http(worker_user, room, "还在吗", key="c").status_code == 201


async def test_script_comes_back_as_plain_text_and_escaped_html(room: int, worker_user: Any) -> None:
    communicator, _connected, _code = await join(worker_user, room)
    await say(communicator, SCRIPT)
    frame = await next_frame(communicator)
    assert frame["body"] == SCRIPT
    assert frame["html_body"] == "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>第二行 &amp; more"
    await communicator.disconnect()


def test_script_over_http_is_plain_text_and_escaped_html(room: int, worker_user: Any) -> None:
    posted = post_http(worker_user, room, SCRIPT).json()
    listed = client_for(worker_user).get(f"/api/v1/cases/{room}/messages/").json()
    assert posted["body"] == listed[0]["body"] == SCRIPT
    assert "<script>" not in listed[0]["html_body"] and "&lt;script&gt;" in listed[0]["html_body"]


def test_http_post_retried_with_the_same_key_stores_one_message(room: int, worker_user: Any) -> None:
    first, retry = (
        post_http(worker_user, room, "请尽快安排", key="k1"),
        post_http(worker_user, room, "请尽快安排", key="k1"),
    )
    assert (first.status_code, retry.status_code) == (201, 201)
    assert first.json() == retry.json() and retry.headers["Idempotent-Replayed"] == "true"
    assert stored(room) == ["请尽快安排"]


def test_http_post_without_an_idempotency_key_is_refused(room: int, worker_user: Any) -> None:
    response = post_http(worker_user, room, "没有键", key=None)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "idempotency_key_required")
    assert stored(room) == []


def test_http_list_gives_the_messages_after_an_id_in_order(
    room: int, worker_user: Any, employer_user: Any, mediator: Any
) -> None:
    ids = [
        post_http(user, room, body, key=body).json()["id"]
        for user, body in ((worker_user, "甲"), (employer_user, "乙"), (mediator, "丙"))
    ]
    everything = client_for(employer_user).get(f"/api/v1/cases/{room}/messages/").json()
    assert [(m["id"], m["author_role"]) for m in everything] == list(
        zip(ids, ["worker", "employer", "mediator"], strict=True)
    )
    later = client_for(mediator).get(f"/api/v1/cases/{room}/messages/", {"after": ids[0]}).json()
    assert [m["body"] for m in later] == ["乙", "丙"]


async def test_the_mediator_records_failure_from_the_room_and_the_case_goes_to_arbitration(
    room: int, worker_user: Any, employer_user: Any, mediator: Any
) -> None:
    rooms = [(await join(user, room))[0] for user in (worker_user, employer_user, mediator)]
    with time_machine.travel("2026-11-20 10:00 +0800", tick=False):
        await rooms[2].send_json_to({"action": "record_outcome", "outcome": "failed", "note": "双方分歧较大"})
        for listener in rooms:
            assert await next_frame(listener) == {"type": "outcome", "outcome": "failed"}
    case = await database_sync_to_async(Case.objects.get)(pk=room)
    assert case.tier == "arbitration"
    mediation = await database_sync_to_async(lambda: case.mediations.get())()
    assert (mediation.outcome, mediation.note) == ("failed", "双方分歧较大")
    await say(rooms[2], "已转仲裁，请留意通知")  # the room stays open to its people after the hand-over
    assert (await next_frame(rooms[0]))["body"] == "已转仲裁，请留意通知"
    for listener in rooms:
        await listener.disconnect()


async def test_only_the_cases_mediator_may_record_the_outcome(room: int, worker_user: Any, mediator: Any) -> None:
    worker_room, _connected, _code = await join(worker_user, room)
    mediator_room, _connected, _code = await join(mediator, room)
    await worker_room.send_json_to({"action": "record_outcome", "outcome": "failed"})
    assert (await next_frame(worker_room))["code"] == "action_forbidden"
    await mediator_room.send_json_to({"action": "record_outcome", "outcome": "settled-by-magic"})
    assert (await next_frame(mediator_room))["code"] == "invalid_input"
    assert await mediator_room.receive_nothing(timeout=0.2)
    assert (await database_sync_to_async(Case.objects.get)(pk=room)).tier == "mediation"
    await worker_room.disconnect()
    await mediator_room.disconnect()
