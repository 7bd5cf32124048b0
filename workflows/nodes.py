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
