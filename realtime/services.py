"""Writes of the mediation room: post a message, record the mediation outcome; both push after commit."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disputes.errors import ActionForbidden, DomainError
from disputes.models import Case
from disputes.services.mediation import AgreementDetails
from realtime.models import RoomMessage
from realtime.permissions import is_room_mediator, room_role
from workflows import steps

MAX_BODY_CHARS = 2000
RATE_WINDOW = timedelta(seconds=60)

logger = logging.getLogger(__name__)


class RateLimited(DomainError):
    """Too many messages from one user in one room within the last minute (the API answers 429)."""

    default_code = "rate_limited"


def room_group(case_id: int) -> str:
    return f"room.{case_id}"


def _push(case_id: int, message: dict[str, Any]) -> None:
    """Send to the room's group; scheduled with on_commit only. A lost push is filled by the next read."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(room_group(case_id), message)
    except Exception:
        logger.exception("push to room %s failed: %s", case_id, message["type"])


def broadcast_room_message(case_id: int, message_id: int) -> None:
    """Tell the room that message `message_id` exists; each reader reads it from the database."""
    _push(case_id, {"type": "room.message", "message_id": message_id})


def broadcast_room_outcome(case_id: int, outcome: str) -> None:
    _push(case_id, {"type": "room.outcome", "outcome": outcome})


def messages_per_minute() -> int:
    return int(getattr(settings, "ROOM_MESSAGES_PER_MINUTE", 20))


def _clean_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise DomainError(_("消息内容不能为空。"), code="message_empty")
    if len(text) > MAX_BODY_CHARS:
        raise DomainError(_("消息过长，最多2000个字符。"), code="message_too_long")
    return text


def _check_rate(case: Case, author: Any) -> None:
    since = timezone.now() - RATE_WINDOW
    if RoomMessage.objects.filter(case=case, author=author, created_at__gt=since).count() >= messages_per_minute():
        raise RateLimited(_("发送过于频繁，请稍后再试。"))


@transaction.atomic
def post_message(case: Case, author: Any, body: str) -> RoomMessage:
    """Save a message from a party or the mediator, then (after commit) tell the room it exists.

    The body is stored as plain text, stripped, 1–2,000 characters; each author may post at most
    ROOM_MESSAGES_PER_MINUTE messages per room in any 60 seconds.
    """
    role = room_role(author, case)
    if role is None:
        raise ActionForbidden(_("您不能在本案调解室发言。"), code="action_forbidden")
    text = _clean_body(body)
    # One writer per room at a time: ids then commit in order, so a reader reading "after the last id"
    # never skips a message, and the rate count cannot be raced past. (A no-op on SQLite, which locks anyway.)
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).first()
    _check_rate(case, author)
    message = RoomMessage.objects.create(case=case, author=author, author_role=role, body=text)
    transaction.on_commit(lambda: broadcast_room_message(message.case_id, message.pk))
    return message


@transaction.atomic
def record_outcome_in_room(
    case: Case, user: Any, outcome: str, note: str = "", agreement: AgreementDetails | None = None
) -> None:
    """The room's mediator records the mediation outcome (the "mediate" step); the room hears of it after commit."""
    if not is_room_mediator(user, case):
        raise ActionForbidden(_("只有本案调解员可以在调解室记录调解结果。"), code="action_forbidden")
    steps.run_staff_step(case, "mediate", user, lambda c: steps.perform_outcome(c, user, outcome, note, agreement))
    transaction.on_commit(lambda: broadcast_room_outcome(case.pk, outcome))
