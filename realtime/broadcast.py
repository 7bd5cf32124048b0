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


METRICS_GROUP = "metrics.district"


def metrics_group(street_id: int | None) -> str:
    return f"metrics.street.{street_id}" if street_id else METRICS_GROUP


def broadcast_metrics(street_ids: list[int]) -> None:
    """Tell the district's and the streets' metric watchers that counters changed (one hop for all)."""
    layer = get_channel_layer()
    if layer is None or not street_ids:
        return

    async def send() -> None:
        for group in [METRICS_GROUP, *(metrics_group(street) for street in street_ids)]:
            await layer.group_send(group, {"type": "metrics.changed"})

    try:
        async_to_sync(send)()
    except Exception:
        logger.exception("metrics broadcast for streets %s failed", street_ids)


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
