"""Pushes to websocket groups. Callers schedule these with transaction.on_commit, never mid-transaction."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)


def case_group(case_id: int) -> str:
    return f"case.{case_id}"


def broadcast_case_event(case_id: int, event_id: int) -> None:
    """Tell a case's watchers that audit event `event_id` exists; they read it from the database."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(case_group(case_id), {"type": "case.event", "event_id": event_id})
    except Exception:
        logger.exception("broadcast of case %s event %s failed", case_id, event_id)


METRICS_GROUP = "metrics.district"


def metrics_group(street_id: int | None) -> str:
    return f"metrics.street.{street_id}" if street_id else METRICS_GROUP


def broadcast_metrics(street_ids: list[int]) -> None:
    """Counters of these streets changed (after commit): their groups and the district's get the new figures.

    Returns at once; the process's publisher thread reads and sends the reports (MetricsPublisher).
    """
    metrics_publisher.notify(street_ids)


def metrics_frame(report: dict[str, Any]) -> str:
    """The websocket frame of a report, encoded once for every socket that shows it."""
    return json.dumps({"type": "metrics", **report})


def publish_reports(street_ids: list[int | None]) -> int:
    """Send each group (None: the district) its current report in one metrics.changed message; a group
    nobody watches gets none (its report is not even read). Returns how many messages were sent."""
    from disputes.metric_report import current_report

    layer = get_channel_layer()
    if layer is None:
        return 0
    groups = {metrics_group(street_id): street_id for street_id in street_ids}
    messages = []
    for group in _delivery.watched(layer, list(groups)):
        generation, report = current_report(groups[group])
        text = metrics_frame(report)
        messages.append((group, {"type": "metrics.changed", "group": group, "generation": generation, "text": text}))
    if messages:
        _delivery.send(layer, messages)
    return len(messages)


class _Delivery:
    """Where a publisher's group_send runs. The in-memory layer's queues belong to the consumers' event loop,
    so its sends are handed to that loop; a Redis layer is sent on the sending thread's own loop, which keeps
    its connections from one send to the next (async_to_sync would open new ones each time)."""

    def __init__(self) -> None:
        self.consumer_loop: asyncio.AbstractEventLoop | None = None
        self._own = threading.local()

    def watched(self, layer: Any, groups: list[str]) -> list[str]:
        """The groups with members (all of them when the layer cannot tell, or from inside an event loop)."""
        if isinstance(layer, InMemoryChannelLayer):
            loop = self.consumer_loop
            running = loop is not None and loop.is_running()
            return [group for group in groups if running and layer.groups.get(group)]
        if not hasattr(layer, "group_size") or _running_loop() is not None:
            return groups

        async def sizes() -> list[int]:
            return [await layer.group_size(group) for group in groups]

        return [group for group, size in zip(groups, self._own_loop().run_until_complete(sizes()), strict=True) if size]

    def send(self, layer: Any, messages: list[tuple[str, dict[str, Any]]]) -> None:
        async def send_all() -> None:
            for group, message in messages:
                await layer.group_send(group, message)

        running = _running_loop()
        if isinstance(layer, InMemoryChannelLayer):
            loop = self.consumer_loop
            if loop is not None and loop.is_running():
                sent = asyncio.run_coroutine_threadsafe(send_all(), loop)
                if loop is not running:  # waiting from inside that loop would block it
                    sent.result(timeout=10)
            return
        if running is not None:  # called from async code (a test's flush): send beside it
            running.create_task(send_all())
            return
        self._own_loop().run_until_complete(send_all())

    def _own_loop(self) -> asyncio.AbstractEventLoop:
        own = getattr(self._own, "loop", None)
        if own is None:
            own = self._own.loop = asyncio.new_event_loop()
        return own


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


_delivery = _Delivery()


def consumers_run_on(loop: asyncio.AbstractEventLoop) -> None:
    """A metrics consumer's event loop: where in-memory pushes are delivered (one process, one loop)."""
    _delivery.consumer_loop = loop


Publish = Callable[[list[int | None]], int]  # sends the groups of these streets; returns the messages sent


class MetricsPublisher:
    """Sends changed groups their reports from one thread per process, off the request thread.

    At most one message per group per METRICS_PUSH_INTERVAL: the first change after a quiet spell goes at
    once, later ones wait for the interval and go together. The last change is never lost: a group is taken
    off the pending set before its report is read, so a change committed after that read is pending again
    and sent after the interval. A failed send is retried, backing off up to 30 s.
    """

    def __init__(self, publish: Publish = publish_reports, interval: float | None = None) -> None:
        self._publish, self._interval = publish, interval
        self.reset()

    def reset(self) -> None:
        """A fresh state (also in a forked child: the parent's lock and thread do not exist there)."""
        self._wake = threading.Condition()
        self._pending: set[int | None] = set()
        self._next_at: dict[int | None, float] = {}  # monotonic time a group may be sent again
        self._failures = 0
        self._thread: threading.Thread | None = None
        self.sent = 0  # group messages sent by this process

    @property
    def interval(self) -> float:
        return settings.METRICS_PUSH_INTERVAL if self._interval is None else self._interval

    def notify(self, street_ids: list[int]) -> None:
        with self._wake:
            self._pending.update([None, *street_ids])
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="metrics-publisher", daemon=True)
                self._thread.start()
            self._wake.notify()

    def flush(self) -> None:
        """Send every pending group now, in the caller's thread (before a process exits; tests)."""
        with self._wake:
            due, self._pending = sorted(self._pending, key=lambda street: street or 0), set()
        if due:
            self._send(due)

    def _take_due(self) -> tuple[list[int | None], float | None]:
        """Under the lock: the pending groups whose interval has passed (marked sent now), and the wait for the rest."""
        now = time.monotonic()
        due = sorted((s for s in self._pending if self._next_at.get(s, 0.0) <= now), key=lambda street: street or 0)
        self._pending.difference_update(due)
        for street in due:
            self._next_at[street] = now + self.interval
        waits = [self._next_at[s] - now for s in self._pending]
        return due, min(waits, default=None)

    def _run(self) -> None:
        while True:
            with self._wake:
                due, wait = self._take_due()
                while not due:
                    self._wake.wait(wait)
                    due, wait = self._take_due()
            self._send(due)
            connections.close_all()  # this thread's own: a connection is not kept between rounds

    def _send(self, streets: list[int | None]) -> None:
        try:
            sent = self._publish(streets)
        except Exception:
            logger.exception("metrics publish for streets %s failed; retrying", streets)
            with self._wake:
                self._failures += 1
                later = time.monotonic() + min(30.0, self.interval * 2**self._failures)
                self._pending.update(streets)
                self._next_at.update(dict.fromkeys(streets, later))
            return
        self._failures = 0
        self.sent += sent


metrics_publisher = MetricsPublisher()
os.register_at_fork(after_in_child=metrics_publisher.reset)


@atexit.register
def _publish_pending_at_exit() -> None:
    """A command that changed counters publishes them before the process ends (best effort)."""
    with contextlib.suppress(Exception):
        metrics_publisher.flush()


QUEUE_ALL = "queue.all"


def queue_group(organization_id: int) -> str:
    return f"queue.{organization_id}"


def broadcast_queue_change(organization_id: int | None, task_id: int) -> None:
    """A task of the organization appeared, was claimed or changed state: its task lists refresh."""
    layer = get_channel_layer()
    if layer is None:
        return
    groups = [QUEUE_ALL] + ([queue_group(organization_id)] if organization_id else [])
    try:
        for group in groups:
            async_to_sync(layer.group_send)(group, {"type": "queue.changed", "task": task_id})
    except Exception:
        logger.exception("queue broadcast for organization %s failed", organization_id)


ALERTS_GROUP = "alerts.desk"


def broadcast_alerts(alert_ids: list[int]) -> None:
    """New alerts were raised: the alert desks refresh their lists and counts."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(ALERTS_GROUP, {"type": "alerts.changed", "alerts": alert_ids[:100]})
    except Exception:
        logger.exception("alert broadcast failed")
