"""Task lists by organization: viewflow filters by permission only, Leye by the case's organization.

Each staff task carries a stamp `{"organization", "collective", "case", "case_number"}` in `Task.data`
(workflows.nodes.queue_stamp); the lists filter and sort on its JSON paths, which PostgreSQL indexes (migration
0004) in exactly that form, and name the case from it without a join.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db.models import F, QuerySet
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from disputes.permissions import sees_every_case, staff_scope_ids
from disputes.roles import Role, has_role

WORKING_ROLES = (Role.MEDIATOR, Role.MEDIATION_LEAD, Role.ARBITRATOR, Role.ARBITRATION_CLERK, Role.COMMISSION_DIRECTOR)
# Collective disputes first in every list (Law 7), then the oldest — the order of the queue and inbox indexes.
PRIORITY = (F("data__collective").desc(), "created", "id")
# A page of a task list: viewflow's list pages show 25 rows, and the API pages alike.
PAGE_SIZE = 25
# What a list row shows: the task, its step, when it arrived, whether collective, and the case it belongs to.
ROW_FIELDS = ("id", "process_id", "flow_task", "status", "created", "collective", "case_id", "case_number")


def _staff(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.filter(flow_task_type="HUMAN")


NO_QUEUE: tuple[int, ...] = ()


def _scope(user: Any) -> tuple[int, ...] | None:
    """The organizations whose queue the user reads: None for every one (leaders), NO_QUEUE for none."""
    if sees_every_case(user):
        return None
    if not has_role(user, *WORKING_ROLES):
        return NO_QUEUE
    return tuple(sorted(staff_scope_ids(user)))


def _queued(scope: tuple[int, ...] | None) -> QuerySet[Task]:
    """Unclaimed staff tasks of the scope's organizations (of all, for None)."""
    tasks = _staff(Task.objects.filter(status=STATUS.NEW))
    return tasks if scope is None else tasks.filter(data__organization__in=scope)


def _claimed(owner_id: int) -> QuerySet[Task]:
    return _staff(Task.objects.filter(owner_id=owner_id, status__in=(STATUS.ASSIGNED, STATUS.STARTED)))


def organization_queue(user: Any) -> QuerySet[Task]:
    """Unclaimed staff tasks of the cases held by the user's organization (everything, read-only, for leaders)."""
    scope = _scope(user)
    if scope == NO_QUEUE:
        return Task.objects.none()
    # No owner join: a queued task has none.
    return _queued(scope).select_related("process").order_by(*PRIORITY)


def inbox(user: Any) -> QuerySet[Task]:
    """Tasks assigned to the user and not yet done (the reader is their owner: no owner join)."""
    return _claimed(user.pk).select_related("process").order_by(*PRIORITY)


def organization_inbox(user: Any) -> QuerySet[Task]:
    """For leads: every claimed task in the organization, to reassign."""
    scope = sorted(staff_scope_ids(user))
    tasks = _staff(Task.objects.filter(status=STATUS.ASSIGNED, data__organization__in=scope))
    return tasks.select_related("process").order_by(*PRIORITY)


def archive(user: Any) -> QuerySet[Task]:
    """Tasks the user finished."""
    return (
        _staff(Task.objects.filter(owner=user, finished__isnull=False)).select_related("process").order_by("-finished")
    )


def _rows(tasks: QuerySet[Task]) -> QuerySet[Task, dict[str, Any]]:
    """The list's columns only, as dicts: no model instances to build (the stamp is read whole, see `_row`)."""
    return tasks.order_by(*PRIORITY).values("id", "process_id", "flow_task", "status", "created", "data")


def _row(values: dict[str, Any]) -> dict[str, Any]:
    """A list row (ROW_FIELDS) from `_rows`' values: the stamp names the case and says whether it is collective."""
    stamp = values.pop("data") or {}
    return {**values, "collective": stamp.get("collective", 0), "case_id": stamp.get("case"),
            "case_number": stamp.get("case_number", "")}  # fmt: skip


def queue_rows(user: Any) -> QuerySet[Task, dict[str, Any]]:
    """The user's organization queue as `_rows` values, most urgent first."""
    scope = _scope(user)
    return _rows(Task.objects.none() if scope == NO_QUEUE else _queued(scope))


def inbox_rows(user: Any) -> QuerySet[Task, dict[str, Any]]:
    """The user's inbox as `_rows` values, most urgent first."""
    return _rows(_claimed(user.pk))


# The pages are read far more often than their shape changes: a page's query depends only on the scope (or the
# owner) and the page size, so it is built once and run afresh (`.all()`) on each read.
@lru_cache(maxsize=1024)
def _queue_page_query(scope: tuple[int, ...] | None, limit: int) -> QuerySet[Task, dict[str, Any]]:
    return _rows(_queued(scope))[:limit]


@lru_cache(maxsize=4096)
def _inbox_page_query(owner_id: int, limit: int) -> QuerySet[Task, dict[str, Any]]:
    return _rows(_claimed(owner_id))[:limit]


def queue_page(user: Any, limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    """The first page of the user's queue as list rows (ROW_FIELDS): one statement."""
    scope = _scope(user)
    return [] if scope == NO_QUEUE else [_row(values) for values in _queue_page_query(scope, limit).all()]


def inbox_page(user: Any, limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    """The first page of the user's inbox as list rows (ROW_FIELDS): one statement."""
    return [_row(values) for values in _inbox_page_query(user.pk, limit).all()]
