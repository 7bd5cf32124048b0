"""Background work of employer invitations: deliver one (retried with backoff), re-send the due ones.

Every task takes IDs, acknowledges late and is idempotent: a redelivered message finds the work done.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(bind=True, name="disputes.invitation_tasks.deliver_invitation", acks_late=True, max_retries=None)
def deliver_invitation(self: Any, delivery_id: int) -> str:
    """Send one invitation delivery; a failure is retried after its backoff, until the attempts run out.

    Eager Celery (the embedded default) would retry inline without the countdown: there the row waits
    for `retry_due_invitation_deliveries`.
    """
    from disputes.services.invitation_delivery import deliver

    outcome = deliver(delivery_id)
    if outcome.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="disputes.invitation_tasks.retry_due_invitation_deliveries", acks_late=True)
def retry_due_invitation_deliveries() -> int:
    """Queue every invitation delivery whose retry is due (or whose worker was lost); returns how many."""
    from disputes.services.invitation_delivery import due_delivery_ids

    ids = due_delivery_ids()
    for delivery_id in ids:
        deliver_invitation.delay(delivery_id)
    return len(ids)
