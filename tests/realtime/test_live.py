"""Live metrics and live task lists over websockets: authorized like the API, pushed after commit."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from realtime.routing import websocket_urlpatterns
from tests.conftest import Driver

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


async def connect(user: Any, path: str) -> tuple[WebsocketCommunicator, bool, Any]:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    connected, code = await communicator.connect(timeout=3)
    return communicator, connected, code


def rate(message: dict[str, Any], key: str) -> tuple[int, int]:
    found = next(r for r in message["rates"] if r["key"] == key)
    return found["numerator"], found["denominator"]


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
async def test_metrics_socket_sends_the_figures_then_each_change(
    leader: Any, driver: Driver, worker_user: Any, mediator: Any
) -> None:
    communicator, connected, _code = await connect(leader, "/ws/metrics/")
    assert connected
    first = await communicator.receive_json_from(timeout=3)
    assert first["type"] == "metrics" and rate(first, "efficacy") == (0, 0)
    case = await database_sync_to_async(driver.file)(worker_user, tier="mediation")
    await database_sync_to_async(driver.act)(mediator, case["id"], "accept_mediation")
    update = await communicator.receive_json_from(timeout=3)
    assert rate(update, "efficacy") == (0, 1)
    await communicator.disconnect()


async def test_street_metrics_socket_and_refusals(leader: Any, worker_user: Any, xinzhuang: Any) -> None:
    communicator, connected, _code = await connect(leader, f"/ws/metrics/streets/{xinzhuang.pk}/")
    assert connected and (await communicator.receive_json_from(timeout=3))["street"] == xinzhuang.pk
    await communicator.disconnect()
    _communicator, connected, code = await connect(worker_user, "/ws/metrics/")
    assert (connected, code) == (False, 4404)


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
async def test_queue_socket_tells_the_organization_and_no_other(
    driver: Driver, worker_user: Any, mediator: Any, qibao_mediator: Any, second_mediator: Any
) -> None:
    ours, connected, _code = await connect(second_mediator, "/ws/queues/")
    theirs, connected_too, _code = await connect(qibao_mediator, "/ws/queues/")
    assert connected and connected_too
    case = await database_sync_to_async(driver.file)(worker_user, tier="mediation")
    assert (await ours.receive_json_from(timeout=3))["type"] == "queue_changed"  # a task appeared
    await database_sync_to_async(driver.act)(mediator, case["id"], "claim")
    assert (await ours.receive_json_from(timeout=3))["type"] == "queue_changed"  # someone else claimed it
    assert await theirs.receive_nothing(timeout=0.5)
    await ours.disconnect()
    await theirs.disconnect()


async def test_queue_socket_refuses_parties(worker_user: Any) -> None:
    _communicator, connected, code = await connect(worker_user, "/ws/queues/")
    assert (connected, code) == (False, 4404)


async def test_a_burst_of_changes_is_coalesced_and_the_last_figure_is_shown(leader: Any, xinzhuang: Any) -> None:
    from datetime import date

    from django.db import transaction

    from disputes.services.counters import bump_street

    communicator, connected, _code = await connect(leader, "/ws/metrics/")
    assert connected
    await communicator.receive_json_from(timeout=3)

    def burst() -> None:
        for _ in range(6):
            with transaction.atomic():
                bump_street(xinzhuang.pk, "mediation_accepted", date.today())

    await database_sync_to_async(burst)()
    received = []
    while not await communicator.receive_nothing(timeout=1.5):
        received.append(await communicator.receive_json_from(timeout=1))
    assert 1 <= len(received) <= 3  # six changes, at most one push per half second
    assert rate(received[-1], "efficacy") == (0, 6)
    await communicator.disconnect()
