"""Task lists by organization: viewflow filters by permission only, Leye by the case's organization."""

from __future__ import annotations

from typing import Any

from django.db.models import BigIntegerField, F, IntegerField, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from disputes.permissions import sees_every_case, staff_scope_ids
from disputes.roles import Role, has_role

WORKING_ROLES = (Role.MEDIATOR, Role.MEDIATION_LEAD, Role.ARBITRATOR, Role.ARBITRATION_CLERK, Role.COMMISSION_DIRECTOR)
# Collective disputes first in every list (Law 7), then the oldest — read from the task's own stamp.
PRIORITY = (F("queue_collective").desc(), "created", "id")  # the order of the workflows_task_queue index


def _stamped(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Organization and collective flag as stamped on the task (see workflows.nodes.queue_stamp)."""
    return tasks.annotate(
        queue_organization=Cast(KT("data__organization"), BigIntegerField()),
        queue_collective=Cast(KT("data__collective"), IntegerField()),
    )


def _human(tasks: QuerySet[Task]) -> QuerySet[Task]:
    # No owner join: a queued task has none, and an inbox's owner is the reader.
    return tasks.filter(flow_task_type="HUMAN").select_related("process")


def organization_queue(user: Any) -> QuerySet[Task]:
    """Unclaimed staff tasks of the cases held by the user's organization (everything, read-only, for leaders)."""
    tasks = _stamped(Task.objects.filter(status=STATUS.NEW))
    if sees_every_case(user):
        return _human(tasks).order_by(*PRIORITY)
    if not has_role(user, *WORKING_ROLES):
        return Task.objects.none()
    scope = staff_scope_ids(user)
    return _human(tasks.filter(queue_organization__in=scope)).order_by(*PRIORITY)


def inbox(user: Any) -> QuerySet[Task]:
    """Tasks assigned to the user and not yet done."""
    tasks = _stamped(Task.objects.filter(owner=user, status__in=(STATUS.ASSIGNED, STATUS.STARTED)))
    return _human(tasks).order_by(*PRIORITY)


def organization_inbox(user: Any) -> QuerySet[Task]:
    """For leads: every claimed task in the organization, to reassign."""
    scope = staff_scope_ids(user)
    tasks = _stamped(Task.objects.filter(status=STATUS.ASSIGNED)).filter(queue_organization__in=scope)
    return _human(tasks).order_by(*PRIORITY)


def archive(user: Any) -> QuerySet[Task]:
    """Tasks the user finished."""
    return _human(Task.objects.filter(owner=user, finished__isnull=False)).order_by("-finished")
