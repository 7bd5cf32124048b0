"""Pushes to websocket groups. Callers schedule these with transaction.on_commit, never mid-transaction."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

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
