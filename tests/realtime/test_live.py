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


@pytest.fixture(autouse=True)
def fresh_reads() -> Any:
    """The flush between tests leaves no trace in the counters' generation: start without cached reads."""
    from disputes.metric_report import forget_cached

    forget_cached()
    yield
    forget_cached()


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


# --- the publisher: coalescing, never losing the last change --------------------------------------------


class Recorder:
    """A publish function that records each call's groups and time; it can be made slow or failing."""

    def __init__(self, slow: float = 0.0, failures: int = 0) -> None:
        import threading

        self.calls: list[tuple[float, list[int | None]]] = []
        self.slow, self.failures = slow, failures
        self.done = threading.Event()

    def __call__(self, streets: list[int | None]) -> int:
        import time

        if self.failures:
            self.failures -= 1
            raise ConnectionError("layer down")
        self.calls.append((time.monotonic(), streets))
        time.sleep(self.slow)
        self.done.set()
        return len(streets)


def wait_for_calls(recorder: Recorder, count: int, timeout: float = 5.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while len(recorder.calls) < count and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_burst_goes_at_once_then_each_group_once_per_interval() -> None:
    from realtime.broadcast import MetricsPublisher

    recorder = Recorder()
    publisher = MetricsPublisher(recorder, interval=0.3)
    publisher.notify([1])
    assert recorder.done.wait(2)
    for street in (2, 1, 3, 2):
        publisher.notify([street])
    wait_for_calls(recorder, 3)
    (first_at, first), (_second_at, second), (third_at, third) = recorder.calls
    assert first == [None, 1]  # the first change after a quiet spell goes at once
    assert second == [2, 3]  # so do groups not sent before
    assert third == [None, 1] and third_at - first_at >= 0.29  # the district and street 1: once, an interval on
    assert publisher.sent == 6


def test_a_change_during_a_send_is_sent_again_after_it() -> None:
    import time

    from realtime.broadcast import MetricsPublisher

    recorder = Recorder(slow=0.2)
    publisher = MetricsPublisher(recorder, interval=0.05)
    publisher.notify([7])
    assert recorder.done.wait(2)
    publisher.notify([7])  # committed while the first report was being read and sent
    wait_for_calls(recorder, 2)
    assert [streets for _at, streets in recorder.calls] == [[None, 7], [None, 7]]
    time.sleep(0.3)
    assert len(recorder.calls) == 2  # and nothing more without a change


def test_a_failed_send_is_retried_until_it_goes() -> None:
    from realtime.broadcast import MetricsPublisher

    recorder = Recorder(failures=2)
    publisher = MetricsPublisher(recorder, interval=0.02)
    publisher.notify([4])
    wait_for_calls(recorder, 1)
    assert [streets for _at, streets in recorder.calls] == [[None, 4]]


def test_flush_sends_what_waits_for_its_interval_now() -> None:
    from realtime.broadcast import MetricsPublisher

    recorder = Recorder()
    publisher = MetricsPublisher(recorder, interval=60)
    publisher.notify([5])
    wait_for_calls(recorder, 1)
    publisher.notify([6])
    publisher.flush()  # a command ending before the interval: its last change still goes out
    assert [streets for _at, streets in recorder.calls] == [[None, 5], [None, 6]]


# --- the consumer: the figures come in the message ---------------------------------------------------------


async def test_a_socket_shows_the_figures_in_the_message_and_never_an_older_report(leader: Any) -> None:
    from channels.layers import get_channel_layer

    from realtime.broadcast import METRICS_GROUP

    communicator, connected, _code = await connect(leader, "/ws/metrics/")
    assert connected
    first = await communicator.receive_json_from(timeout=3)
    layer = get_channel_layer()

    def frame(denominator: int) -> str:
        import json

        rates = [{**r, "denominator": denominator} if r["key"] == "efficacy" else r for r in first["rates"]]
        return json.dumps({**first, "rates": rates})

    generation = 2**62  # above any generation the test's cache holds
    await layer.group_send(METRICS_GROUP, {"type": "metrics.changed", "generation": generation, "text": frame(7)})
    assert rate(await communicator.receive_json_from(timeout=3), "efficacy")[1] == 7  # no database read needed
    stale = {"type": "metrics.changed", "generation": generation - 1, "text": frame(3)}
    await layer.group_send(METRICS_GROUP, stale)  # read earlier, delivered late by another process
    assert await communicator.receive_nothing(timeout=1)
    await communicator.disconnect()


async def test_the_process_joins_a_group_once_for_all_its_sockets_and_leaves_with_the_last(
    leader: Any, xinzhuang: Any
) -> None:
    from channels.layers import get_channel_layer

    from realtime.broadcast import METRICS_GROUP, metrics_group

    layer = get_channel_layer()
    district = [(await connect(leader, "/ws/metrics/"))[0] for _ in range(3)]
    street, connected, _code = await connect(leader, f"/ws/metrics/streets/{xinzhuang.pk}/")
    assert connected
    for communicator in [*district, street]:
        await communicator.receive_json_from(timeout=3)
    assert len(layer.groups[METRICS_GROUP]) == 1 and len(layer.groups[metrics_group(xinzhuang.pk)]) == 1
    [hub] = layer.groups[METRICS_GROUP]
    assert layer.groups[metrics_group(xinzhuang.pk)].keys() == {hub}  # one channel for the process's groups
    frame = '{"type": "metrics", "rates": []}'
    message = {"type": "metrics.changed", "group": METRICS_GROUP, "generation": 2**62, "text": frame}
    await layer.group_send(METRICS_GROUP, message)
    for communicator in district:
        assert await communicator.receive_from(timeout=3) == frame
    assert await street.receive_nothing(timeout=0.5)  # another group's report
    for communicator in [*district, street]:
        await communicator.disconnect()
    assert not layer.groups.get(METRICS_GROUP) and not layer.groups.get(metrics_group(xinzhuang.pk))
