"""After commit, live pages are told what changed: task lists of a task's organization, alert desks of alerts."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from viewflow.workflow.models import Task

from disputes.models import Alert, Clock
from disputes.services.clocks import clock_moved
from realtime.broadcast import broadcast_alerts, broadcast_queue_change


@receiver(post_save, sender=Task, dispatch_uid="realtime_task_saved")
def task_saved(sender: Any, instance: Task, **kwargs: Any) -> None:
    if instance.flow_task_type != "HUMAN":
        return
    from disputes.models import Case

    organization_id = (
        Case.objects.filter(process_id=instance.process_id).values_list("current_organization_id", flat=True).first()
    )
    task_id = instance.pk
    transaction.on_commit(lambda: broadcast_queue_change(organization_id, task_id))


@receiver(post_save, sender=Alert, dispatch_uid="realtime_alert_saved")
def alert_saved(sender: Any, instance: Alert, **kwargs: Any) -> None:
    """Acknowledged, assigned, resolved (the sweep's own inserts are announced by the sweep)."""
    alert_id = instance.pk
    transaction.on_commit(lambda: broadcast_alerts([alert_id]))


@receiver(clock_moved, dispatch_uid="realtime_alert_clock_moved")
def alert_clock_moved(
    sender: Any, clock: Clock | None = None, clocks: list[Clock] | None = None, **kwargs: Any
) -> None:
    """A clock that moved or ended may have closed its alerts (with a bulk update, which sends no post_save)."""
    moved = [c.pk for c in clocks or ([clock] if clock else [])]
    alert_ids = list(Alert.objects.filter(clock_id__in=moved).values_list("pk", flat=True)[:100])
    if alert_ids:
        transaction.on_commit(lambda: broadcast_alerts(alert_ids))
