"""Task rows change inside viewflow; after commit their organization's live task lists are told."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from viewflow.workflow.models import Task

from realtime.broadcast import broadcast_queue_change


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
