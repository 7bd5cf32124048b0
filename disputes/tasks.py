"""Periodic housekeeping of the disputes domain, run by Celery beat (or the embedded ticker)."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone


@shared_task(name="disputes.tasks.purge_idempotency_keys", acks_late=True)
def purge_idempotency_keys() -> int:
    """Delete stored idempotent responses older than IDEMPOTENCY_KEY_TTL; returns how many."""
    from disputes.models import IdempotencyKey

    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - settings.IDEMPOTENCY_KEY_TTL).delete()
    return deleted
