"""The signed-in user's notification socket: unread ones (or those after ?after=<id>) first, then each new one.

Frames out: {"type": "notification", ...the API's fields} and {"type": "read", "ids": [...]} when the user
read some on another page. Nothing comes in; reading goes through the REST API.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from realtime.delivery import user_group
from realtime.models import Notification, NotificationChannel

CLOSE_UNAUTHENTICATED = 4401
CATCH_UP_LIMIT = 100


def _after_id(scope: dict[str, Any]) -> int:
    after = parse_qs(scope.get("query_string", b"").decode()).get("after", ["0"])[0]
    return int(after) if after.isdigit() else 0


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """Joins the user's own group only: no one else's notification can reach this socket."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user_id: int = user.pk
        await self.channel_layer.group_add(user_group(self.user_id), self.channel_name)
        await self.accept()
        self.last_sent = _after_id(self.scope)
        if self.last_sent:
            await self._send_since()
        else:
            await self._send_unread()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "last_sent"):
            await self.channel_layer.group_discard(user_group(self.user_id), self.channel_name)

    async def notification_new(self, message: dict[str, Any]) -> None:
        if message["id"] > self.last_sent:
            await self._send_since()

    async def notification_read(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "read", "ids": message["ids"]})

    async def _send_since(self) -> None:
        # Read from the database, not the push: id order holds and a lost push is filled in.
        for payload in await self._notifications_after(self.last_sent):
            await self.send_json(payload)
            self.last_sent = payload["id"]

    async def _send_unread(self) -> None:
        latest, unread = await self._unread()
        for payload in unread:
            await self.send_json(payload)
        self.last_sent = latest

    def _inbox(self) -> Any:
        rows = Notification.objects.filter(recipient_id=self.user_id, channel=NotificationChannel.IN_APP)
        return rows.select_related("case").order_by("pk")

    @database_sync_to_async
    def _notifications_after(self, notification_id: int) -> list[dict[str, Any]]:
        return _frames(self._inbox().filter(pk__gt=notification_id)[:CATCH_UP_LIMIT])

    @database_sync_to_async
    def _unread(self) -> tuple[int, list[dict[str, Any]]]:
        """The newest id now, and the unread ones up to it (later ones arrive with their push)."""
        latest = self._inbox().values_list("pk", flat=True).last() or 0
        unread = self._inbox().filter(pk__lte=latest, read_at__isnull=True).order_by("-pk")[:CATCH_UP_LIMIT]
        return latest, _frames(reversed(list(unread)))


def _frames(rows: Any) -> list[dict[str, Any]]:
    from realtime.notifications_api import NotificationSerializer

    return [{"type": "notification", **NotificationSerializer(n).data} for n in rows]
