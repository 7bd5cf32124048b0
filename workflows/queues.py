"""Task lists by organization: viewflow filters by permission only, Leye by the case's organization."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from disputes.permissions import sees_every_case, staff_scope_ids
from disputes.roles import Role, has_role

WORKING_ROLES = (Role.MEDIATOR, Role.MEDIATION_LEAD, Role.ARBITRATOR, Role.ARBITRATION_CLERK, Role.COMMISSION_DIRECTOR)
# Collective disputes first in every list (Law 7), then the oldest.
PRIORITY = ("-process__case__is_collective", "created", "id")


def _human(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.filter(flow_task_type="HUMAN").select_related("process", "owner")


def organization_queue(user: Any) -> QuerySet[Task]:
    """Unclaimed staff tasks of the cases held by the user's organization (everything, read-only, for leaders)."""
    tasks = Task.objects.filter(status=STATUS.NEW)
    if sees_every_case(user):
        return _human(tasks).order_by(*PRIORITY)
    if not has_role(user, *WORKING_ROLES):
        return Task.objects.none()
    scope = staff_scope_ids(user)
    return _human(tasks.filter(process__case__current_organization_id__in=scope)).order_by(*PRIORITY)


def inbox(user: Any) -> QuerySet[Task]:
    """Tasks assigned to the user and not yet done."""
    return _human(Task.objects.filter(owner=user, status__in=(STATUS.ASSIGNED, STATUS.STARTED))).order_by(*PRIORITY)


def organization_inbox(user: Any) -> QuerySet[Task]:
    """For leads: every claimed task in the organization, to reassign."""
    scope = staff_scope_ids(user)
    tasks = Task.objects.filter(status=STATUS.ASSIGNED, process__case__current_organization_id__in=scope)
    return _human(tasks).order_by(*PRIORITY)


def archive(user: Any) -> QuerySet[Task]:
    """Tasks the user finished."""
    return _human(Task.objects.filter(owner=user, finished__isnull=False)).order_by("-finished")
