"""Websocket consumers: authorize on connect with the API's predicates, then only forward."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from disputes.models import Case, CaseEvent
from realtime.broadcast import case_group

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


class CaseConsumer(AsyncJsonWebsocketConsumer):
    """The live audit log of one case: catch-up from ?after=<event id>, then each new event in order."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.case_id = int(self.scope["url_route"]["kwargs"]["case_id"])
        if not await self._visible(user):
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.channel_layer.group_add(case_group(self.case_id), self.channel_name)
        await self.accept()
        self.last_sent = self._after_param()
        await self._send_events_since()

    def _after_param(self) -> int:
        query = parse_qs(self.scope.get("query_string", b"").decode())
        after = query.get("after", ["0"])[0]
        return int(after) if after.isdigit() else 0

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "last_sent"):
            await self.channel_layer.group_discard(case_group(self.case_id), self.channel_name)

    async def case_event(self, message: dict[str, Any]) -> None:
        if message["event_id"] > self.last_sent:
            await self._send_events_since()

    async def _send_events_since(self) -> None:
        # Reading from the database (not the message) keeps order and fills any gap a lost push left.
        for payload in await self._events_after(self.last_sent):
            await self.send_json(payload)
            self.last_sent = payload["id"]

    @database_sync_to_async
    def _visible(self, user: Any) -> bool:
        return Case.objects.visible_to(user).filter(pk=self.case_id).exists()

    @database_sync_to_async
    def _events_after(self, event_id: int) -> list[dict[str, Any]]:
        events = CaseEvent.objects.filter(case_id=self.case_id, pk__gt=event_id).select_related("actor").order_by("pk")
        return [_event_payload(e) for e in events[:500]]
