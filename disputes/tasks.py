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


@shared_task(name="disputes.tasks.roll_up_metric_counters", acks_late=True)
def roll_up_metric_counters() -> int:
    """Fold appended metric deltas into per-day rows; returns how many were folded."""
    from disputes.services.counters import roll_up

    return roll_up()


@shared_task(name="disputes.tasks.count_late_arbitrations", acks_late=True)
def count_late_arbitrations() -> int:
    """Count open arbitrations past their award limit as late, on the day the limit ran out."""
    from disputes.services.arbitration import count_late_arbitrations as count

    return count()


@shared_task(name="disputes.tasks.reconcile_metric_counters", acks_late=True)
def reconcile_metric_counters() -> int:
    """Recount every counter (and the closure forecast's clock counts) from the source rows, log and repair
    drift; returns how many differed."""
    import logging

    from disputes.services.forecast import reconcile_forecast
    from disputes.services.reconcile import reconcile

    drifts = reconcile(repair=True)
    for drift in drifts:
        logging.getLogger(__name__).warning("metric drift repaired: %s", drift)
    forecast = reconcile_forecast(repair=True)
    for key, (kept, recounted) in forecast.items():
        logging.getLogger(__name__).warning("forecast drift repaired: %s kept %s, recounted %s", key, kept, recounted)
    return len(drifts) + len(forecast)


@shared_task(name="disputes.tasks.sweep_clocks", acks_late=True)
def sweep_clocks() -> int:
    """Raise the deadline alerts due today; returns how many (idempotent: each clock, level and due date alerts once).

    A worker killed mid-sweep loses only its open batch: those clocks stay due, and the requeued message or the
    next beat's sweep raises them.
    """
    from disputes.services.alerts import sweep_clocks as sweep

    return len(sweep())


@shared_task(name="disputes.tasks.purge_orphan_evidence_files", acks_late=True)
def purge_orphan_evidence_files() -> int:
    """Delete evidence files no row names (their transaction rolled back after the write); returns how many."""
    from disputes.services.evidence import purge_orphan_evidence_files as purge

    return purge()


# The employer-invitation tasks live in their own module; importing it here registers them with the worker.
from disputes import invitation_tasks  # noqa: E402, F401
