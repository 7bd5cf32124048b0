"""The case websocket: authorized like the API, catches up from the database, then pushes in order."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from config.asgi import application
from disputes.models import Case, Street
from disputes.services.cases import withdraw_case
from tests.disputes.test_services_cases import filing

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


async def connect(user: Any, case_id: int, after: int = 0) -> tuple[WebsocketCommunicator, bool, Any]:
    from channels.routing import URLRouter

    from realtime.routing import websocket_urlpatterns

    path = f"/ws/cases/{case_id}/?after={after}"
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    connected, code = await communicator.connect(timeout=3)
    return communicator, connected, code


@database_sync_to_async
def open_demo_case(user: Any) -> Case:
    from disputes.services.cases import open_case

    return open_case(filing(Street.objects.get(code="xinzhuang")), by=user)


async def test_claimant_gets_the_log_then_live_events_in_order(worker_user: Any, organizations: Any) -> None:
    case = await open_demo_case(worker_user)
    communicator, connected, _code = await connect(worker_user, case.pk)
    assert connected
    first = await communicator.receive_json_from(timeout=3)
    assert first["kind"] == "case_opened"
    await database_sync_to_async(withdraw_case)(case, by=worker_user, reason="和解")
    second = await communicator.receive_json_from(timeout=3)
    assert (second["kind"], second["note"]) == ("case_withdrawn", "和解")
    assert second["id"] > first["id"]
    await communicator.disconnect()


async def test_reconnect_catches_up_from_the_last_seen_event(worker_user: Any, organizations: Any) -> None:
    case = await open_demo_case(worker_user)
    communicator, _connected, _code = await connect(worker_user, case.pk)
    seen = await communicator.receive_json_from(timeout=3)
    await communicator.disconnect()
    await database_sync_to_async(withdraw_case)(case, by=worker_user)  # happens while offline
    again, connected, _code = await connect(worker_user, case.pk, after=seen["id"])
    assert connected
    assert (await again.receive_json_from(timeout=3))["kind"] == "case_withdrawn"
    assert await again.receive_nothing(timeout=0.3)
    await again.disconnect()


async def test_other_streets_mediator_is_refused_like_a_404(
    worker_user: Any, qibao_mediator: Any, organizations: Any
) -> None:
    case = await open_demo_case(worker_user)
    _communicator, connected, code = await connect(qibao_mediator, case.pk)
    assert (connected, code) == (False, 4404)


async def test_anonymous_is_refused(worker_user: Any, organizations: Any) -> None:
    case = await open_demo_case(worker_user)
    _communicator, connected, code = await connect(AnonymousUser(), case.pk)
    assert (connected, code) == (False, 4401)


async def test_the_full_asgi_stack_rejects_foreign_origins(worker_user: Any, organizations: Any) -> None:
    case = await open_demo_case(worker_user)
    communicator = WebsocketCommunicator(
        application, f"/ws/cases/{case.pk}/", headers=[(b"origin", b"http://evil.example")]
    )
    connected, _code = await communicator.connect(timeout=3)
    assert not connected
