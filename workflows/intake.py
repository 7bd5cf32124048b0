"""One window for every filing (一口受理): the case is opened and its process started, or neither."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from disputes.models import Case
from disputes.services.cases import CaseFiling, case_withdrawn, open_case
from disputes.services.invitations import invite_on_filing


@transaction.atomic
def file_case(filing: CaseFiling, *, by: Any) -> Case:
    """Open the case (online or at the window) and start its process in the same transaction."""
    from workflows.flows import DisputeFlow

    case = open_case(filing, by=by)
    DisputeFlow.start.run(case=case, by=by)
    case.refresh_from_db()
    invite_on_filing(case, filing.respondents, by=by)  # the employer hears of it by SMS/email, after commit
    return case


@receiver(case_withdrawn, dispatch_uid="workflows_end_process_on_withdrawal")
def end_process_on_withdrawal(sender: Any, case: Case, **kwargs: Any) -> None:
    """A withdrawn case leaves its process: waiting tasks are cancelled; with none running, it ends."""
    if case.process_id is None:
        return
    open_tasks = Task.objects.filter(
        process_id=case.process_id, status__in=(STATUS.NEW, STATUS.ASSIGNED, STATUS.SCHEDULED)
    )
    for task in open_tasks:
        task.flow_task.activation_class(task).cancel()
    process = case.process
    if process is not None and not Task.objects.filter(process=process, finished__isnull=True).exists():
        process.status = PROCESS.CANCELED
        process.save(update_fields=["status"])
