"""A staff task node whose queue is the case's organization, using the API's predicates."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from viewflow.utils import is_owner
from viewflow.workflow import flow

from disputes.models import Case
from disputes.permissions import (
    can_assign_arbitration,
    can_handle_arbitration,
    can_lead_mediation,
    can_mediate,
)


def case_of(task: Any) -> Case:
    return Case.objects.get(process_id=task.process_id)


def visible_case_or_404(user: Any, process_id: int) -> Case:
    """The process's case if the user may see it; otherwise 404, as the API answers."""
    case = Case.objects.visible_to(user).filter(process_id=process_id).first()
    if case is None:
        raise Http404
    return case


class MediationTask(flow.View):
    """Claimable by mediators of the organization that holds the case; leads assign and release."""

    def can_assign(self, user: Any, task: Any) -> bool:
        case = visible_case_or_404(user, task.process_id)
        return task.owner_id is None and can_mediate(user, case)

    def can_execute(self, user: Any, task: Any) -> bool:
        case = visible_case_or_404(user, task.process_id)
        return bool(is_owner(task.owner, user)) and can_mediate(user, case)

    def can_unassign(self, user: Any, task: Any) -> bool:
        case = visible_case_or_404(user, task.process_id)
        if task.owner_id is None:
            return False
        return bool(is_owner(task.owner, user)) or can_lead_mediation(user, case)


class ArbitrationTask(MediationTask):
    """Claimable by the arbitrators and clerks of the tribunal or court; clerks and the director assign."""

    def can_assign(self, user: Any, task: Any) -> bool:
        case = visible_case_or_404(user, task.process_id)
        return task.owner_id is None and can_handle_arbitration(user, case)

    def can_execute(self, user: Any, task: Any) -> bool:
        case = visible_case_or_404(user, task.process_id)
        return bool(is_owner(task.owner, user)) and can_handle_arbitration(user, case)

    def can_unassign(self, user: Any, task: Any) -> bool:
        case = visible_case_or_404(user, task.process_id)
        if task.owner_id is None:
            return False
        return bool(is_owner(task.owner, user)) or can_assign_arbitration(user, case)


def queue_stamp(process_id: int) -> dict[str, Any]:
    """What a staff task's queue is filtered and sorted on, kept on the task row so one index serves it."""
    fields = ("pk", "number", "current_organization_id", "is_collective")
    row = Case.objects.filter(process_id=process_id).values(*fields).first()
    if row is None:
        return {}
    # 1/0 rather than a JSON boolean: both databases cast it to an integer alike. The case's id and number
    # (both fixed once the case is opened) let a list row name its case without joining the case.
    return {
        "organization": row["current_organization_id"],
        "collective": int(row["is_collective"]),
        "case": row["pk"],
        "case_number": row["number"],
    }


class StampedActivation(flow.View.activation_class):
    """Creates the task with its queue stamp (organization, collective) in `Task.data`."""

    @classmethod
    def create(cls, flow_task: Any, prev_activation: Any, token: Any, data: Any = None, seed: Any = None) -> Any:
        stamped = {**(data or {}), **queue_stamp(prev_activation.process.pk)}
        return super().create(flow_task, prev_activation, token, data=stamped, seed=seed)


MediationTask.activation_class = StampedActivation
