"""Websocket consumers: authorize on connect with the API's predicates, then only forward."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from disputes.api.alerts import AlertFilters, level_counts
from disputes.api.errors import INVALID_INPUT_MESSAGE, BilingualInputError, in_both
from disputes.api.validation import validated_input
from disputes.errors import DomainError
from disputes.models import Case, CaseEvent
from disputes.services.mediation import AgreementDetails, AgreementItemDetails
from realtime.api import RoomMessageSerializer
from realtime.broadcast import (
    ALERTS_GROUP,
    QUEUE_ALL,
    case_group,
    consumers_run_on,
    metrics_frame,
    metrics_group,
    queue_group,
)
from realtime.fanout import local_groups
from realtime.models import RoomMessage
from realtime.permissions import can_read_room
from realtime.services import post_message, record_outcome_in_room, room_group
from workflows.api import MediationOutcomeInput

# Close codes: 4401 not signed in, 4404 not visible (the same answer as the API's 404).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404


def _event_payload(event: CaseEvent) -> dict[str, Any]:
    return {
        "type": "case_event",
        "id": event.pk,
        "kind": event.kind,
        "at": event.at.isoformat(),
        "actor": event.actor.get_username() if event.actor else None,
        "before": event.before,
        "after": event.after,
        "note": event.note,
    }


def _after_id(scope: dict[str, Any]) -> int:
    """The ?after=<id> a client resumes from (0: from the start)."""
    query = parse_qs(scope.get("query_string", b"").decode())
    after = query.get("after", ["0"])[0]
    return int(after) if after.isdigit() else 0


class CaseStreamConsumer(AsyncJsonWebsocketConsumer):
    """One case's ordered stream (its audit log, its mediation room): authorize, join the case's group, send
    everything after ?after=<id> from the database, then again on each push.

    Reading from the database, not the push, keeps id order and fills any gap a lost push left. A subclass
    says who may read (`may_read`), which group (`group_of`) and what comes after an id (`rows_after`).
    """

    case_id: int
    last_sent: int
    # What each stream declares (the last two run in a worker thread, with the database).
    group_of: Callable[[int], str]
    may_read: Callable[[Any], bool]
    rows_after: Callable[[int], list[dict[str, Any]]]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.case_id = int(self.scope["url_route"]["kwargs"]["case_id"])
        if not await database_sync_to_async(self.may_read)(user):
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.channel_layer.group_add(self.group_of(self.case_id), self.channel_name)
        await self.accept()
        self.last_sent = _after_id(self.scope)
        await self.send_since()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "last_sent"):
            await self.channel_layer.group_discard(self.group_of(self.case_id), self.channel_name)

    async def pushed(self, row_id: int) -> None:
        if row_id > self.last_sent:
            await self.send_since()

    async def send_since(self) -> None:
        for payload in await database_sync_to_async(self.rows_after)(self.last_sent):
            await self.send_json(payload)
            self.last_sent = payload["id"]


class CaseConsumer(CaseStreamConsumer):
    """The live audit log of one case: catch-up from ?after=<event id>, then each new event in order."""

    def group_of(self, case_id: int) -> str:
        return case_group(case_id)

    def may_read(self, user: Any) -> bool:
        return Case.objects.visible_to(user).filter(pk=self.case_id).exists()

    def rows_after(self, row_id: int) -> list[dict[str, Any]]:
        events = CaseEvent.objects.filter(case_id=self.case_id, pk__gt=row_id).select_related("actor").order_by("pk")
        return [_event_payload(e) for e in events[:500]]

    async def case_event(self, message: dict[str, Any]) -> None:
        await self.pushed(message["event_id"])


# --- the online mediation room --------------------------------------------------------------------------------

ROOM_CATCH_UP_LIMIT = 500


def _agreement_details(data: dict[str, Any] | None) -> AgreementDetails | None:
    if not data:
        return None
    items = [AgreementItemDetails(**item) for item in data["items"]]
    return AgreementDetails(signed_on=data["signed_on"], items=items)


def _error_frame(error: DomainError | BilingualInputError) -> dict[str, Any]:
    if isinstance(error, BilingualInputError):
        zh, en = in_both(INVALID_INPUT_MESSAGE)
        return {"type": "error", "code": "invalid_input", "message_zh": zh, "message_en": en}
    zh, en = in_both(error.message)
    return {"type": "error", "code": error.code, "message_zh": zh, "message_en": en}


class RoomConsumer(CaseStreamConsumer):
    """A case's mediation room: catch-up from ?after=<message id>, then each new message in id order.

    Frames out: {"type": "message", "id", "author", "author_role", "body", "html_body", "created_at"},
    {"type": "outcome", "outcome"} and {"type": "error", "code", "message_zh", "message_en"}.
    `body` is plain text, never HTML: a page shows it with `textContent` (never innerHTML); `html_body`
    is the same text already escaped, with <br> line breaks, for clients that can only insert markup.
    Frames in: {"body": "..."} posts; {"action": "record_outcome", "outcome", "note", "agreement"} is the
    mediator recording the mediation outcome. Both go through realtime.services; nothing is saved here.
    """

    def group_of(self, case_id: int) -> str:
        return room_group(case_id)

    def may_read(self, user: Any) -> bool:
        case = Case.objects.filter(pk=self.case_id).first()
        return case is not None and can_read_room(user, case)

    def rows_after(self, row_id: int) -> list[dict[str, Any]]:
        messages = RoomMessage.objects.filter(case_id=self.case_id, pk__gt=row_id).select_related("author")
        rows = messages.order_by("pk")[:ROOM_CATCH_UP_LIMIT]
        return [{"type": "message", **RoomMessageSerializer(m).data} for m in rows]

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            content = {}
        try:
            if content.get("action") == "record_outcome":
                await self._record_outcome(content)
            else:
                await self._post(content.get("body"))
        except (DomainError, BilingualInputError) as error:
            await self.send_json(_error_frame(error))

    async def room_message(self, message: dict[str, Any]) -> None:
        await self.pushed(message["message_id"])

    async def room_outcome(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "outcome", "outcome": message["outcome"]})

    # The case is read afresh for each command: the outcome moves it on while the room stays open.
    @database_sync_to_async
    def _post(self, body: Any) -> None:
        if not isinstance(body, str):
            raise DomainError(INVALID_INPUT_MESSAGE, code="invalid_input")
        post_message(Case.objects.get(pk=self.case_id), self.scope["user"], body)

    @database_sync_to_async
    def _record_outcome(self, content: dict[str, Any]) -> None:
        data = validated_input(MediationOutcomeInput, content)
        case, agreement = Case.objects.get(pk=self.case_id), _agreement_details(data["agreement"])
        record_outcome_in_room(case, self.scope["user"], data["outcome"], data["note"], agreement)


class CoalescedPush:
    """Coalesce bursts: at most one push per `push_interval()` (METRICS_PUSH_INTERVAL) per socket, never a
    lost change.

    A consumer calls `changed()` on each change message and implements `send_current(not_before)`.
    """

    # What a consumer sends when the interval allows: its current figures, if newer than `not_before`.
    send_current: Callable[[float], Awaitable[None]]
    push: asyncio.Task[None] | None = None
    latest_change = 0.0
    _last_sent = 0.0

    def push_interval(self) -> float:
        return settings.METRICS_PUSH_INTERVAL

    async def changed(self) -> None:
        self.latest_change = time.monotonic()
        if self.push is not None and not self.push.done():
            return  # the push on its way sends this change too
        if self._last_sent + self.push_interval() <= self.latest_change:
            await self.send_now(not_before=self.latest_change)  # nothing to wait for: no task needed
            return
        # Messages are handled one at a time, so the wait runs beside them, not inside the handler.
        self.push = asyncio.create_task(self._push_soon())

    async def _push_soon(self) -> None:
        """Send once the interval allows; again if a change arrived while this one was being read."""
        while True:
            wait = self._last_sent + self.push_interval() - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            covered = self.latest_change
            await self.send_now(not_before=covered)
            if self.latest_change <= covered:
                return

    async def send_now(self, not_before: float = 0.0) -> None:
        self._last_sent = time.monotonic()
        await self.send_current(not_before)

    def stop_pushing(self) -> None:
        if self.push is not None:
            self.push.cancel()


class MetricsConsumer(CoalescedPush, AsyncJsonWebsocketConsumer):
    """Live figures for the district or one street: sends the current report, then each newer one.

    The publisher sends a group its report in the message (already encoded), so a change costs the sockets
    no database read; the process receives it once for all its sockets (realtime.fanout). Reports carry the
    counters' generation: one older than the report last held (sent late by another process) is ignored, so
    a socket never goes back to figures without a change it showed.
    """

    held: tuple[int | None, str] | None = None  # (generation, frame) of the newest report received
    shown: str | None = None  # the frame last sent

    def push_interval(self) -> float:
        # Each publishing process already spaces a group's reports by METRICS_PUSH_INTERVAL; the socket's own
        # limit only caps what several processes send together, and must not delay one process's rounds.
        return settings.METRICS_PUSH_INTERVAL / 2

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if not await self._is_staff(user):
            await self.close(code=CLOSE_NOT_FOUND)
            return
        kwargs = self.scope["url_route"]["kwargs"]
        self.street_id: int | None = kwargs.get("street_id")
        self.group = metrics_group(self.street_id)
        consumers_run_on(asyncio.get_running_loop())
        await self.accept()
        await local_groups(self.channel_layer).join(self.group, self)  # before the read: no change falls between
        self._hold(*await self._current())
        await self.send_now()

    async def disconnect(self, code: int) -> None:
        self.stop_pushing()
        if hasattr(self, "group"):
            await local_groups(self.channel_layer).leave(self.group, self)

    async def metrics_changed(self, message: dict[str, Any]) -> None:
        if "text" in message:
            newer = self._hold(message.get("generation"), message["text"])
        else:  # a bare notice (an older sender): read the report, from the process's cache when current
            newer = self._hold(*await self._current())
        if newer:
            await self.changed()

    def _hold(self, generation: int | None, frame: str) -> bool:
        """Keep this report unless the one held is newer; True if it was kept."""
        before = self.held[0] if self.held is not None else None
        if generation is not None and before is not None and generation <= before:
            return False
        self.held = (generation, frame)
        return True

    async def send_current(self, not_before: float) -> None:
        if self.held is not None and self.held[1] != self.shown:
            self.shown = self.held[1]
            await self.send(text_data=self.shown)

    @database_sync_to_async
    def _is_staff(self, user: Any) -> bool:
        from disputes.roles import STAFF_ROLES, has_role

        return bool(user.is_superuser or has_role(user, *STAFF_ROLES))

    @database_sync_to_async
    def _current(self) -> tuple[int | None, str]:
        from disputes.metric_report import current_report

        generation, report = current_report(self.street_id)
        return generation, metrics_frame(report)


class QueueConsumer(AsyncJsonWebsocketConsumer):
    """Tells a staff member's task-list pages that a task of their organization (or beneath it) changed."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.groups_joined = await self._groups(user)
        if not self.groups_joined:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def queue_changed(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "queue_changed", "task": message["task"]})

    @database_sync_to_async
    def _groups(self, user: Any) -> list[str]:
        from disputes.permissions import sees_every_case, staff_scope_ids

        if sees_every_case(user):
            return [QUEUE_ALL]
        return [queue_group(org) for org in sorted(staff_scope_ids(user))]


class AlertDeskConsumer(CoalescedPush, AsyncJsonWebsocketConsumer):
    """The alert desk's live counts: open alerts per level (of the filters in the query string), sent on
    connect and again after alerts change; the page then reloads its list. Staff only."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if not await self._may_use_desk(user):
            await self.close(code=CLOSE_NOT_FOUND)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode())
        self.filters = AlertFilters.lenient({name: values[0] for name, values in query.items()})
        await self.channel_layer.group_add(ALERTS_GROUP, self.channel_name)
        await self.accept()
        await self.send_now()

    async def disconnect(self, code: int) -> None:
        self.stop_pushing()
        if hasattr(self, "filters"):
            await self.channel_layer.group_discard(ALERTS_GROUP, self.channel_name)

    async def alerts_changed(self, message: dict[str, Any]) -> None:
        await self.changed()

    async def send_current(self, not_before: float) -> None:
        counts = await self._counts()
        await self.send_json({"type": "alert_counts", "counts": counts, "total": sum(counts.values())})

    @database_sync_to_async
    def _may_use_desk(self, user: Any) -> bool:
        from realtime.desk import can_use_desk

        return can_use_desk(user)

    @database_sync_to_async
    def _counts(self) -> dict[str, int]:
        return level_counts(self.scope["user"], self.filters)
