"""Background work of notifications: deliver one (retried with backoff), re-send due ones, escalate alerts.

Every task takes IDs, acknowledges late and is idempotent: a redelivered message finds the work done.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone


@shared_task(bind=True, name="realtime.tasks.deliver_notification", acks_late=True, max_retries=None)
def deliver_notification(self: Any, notification_id: int) -> str:
    """Deliver one notification; a failure is retried after its backoff, until the attempts run out.

    Eager Celery (the embedded default) would run a retry at once, inline, without its countdown (or raise
    `Retry` into the caller when eager tasks propagate): there the row waits for `retry_due_notifications`.
    """
    from realtime.notifications import deliver

    outcome = deliver(notification_id)
    if outcome.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="realtime.tasks.retry_due_notifications", acks_late=True)
def retry_due_notifications() -> int:
    """Queue every notification whose retry is due (or whose worker was lost); returns how many."""
    from realtime.notifications import due_notification_ids

    ids = due_notification_ids(timezone.now())
    for notification_id in ids:
        deliver_notification.delay(notification_id)
    return len(ids)


@shared_task(name="realtime.tasks.escalate_alerts", acks_late=True)
def escalate_alerts(alert_ids: list[int]) -> int:
    """Tell the right people of newly raised deadline alerts; returns how many notifications were created."""
    from disputes.services.escalations import escalate_alerts as escalate

    return len(escalate(alert_ids))
