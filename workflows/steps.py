"""The human steps of a case's process, one function each: the REST actions and the staff pages call these.

Each step finds the case's open task for its node (409 when there is none), checks the same predicates
as the API (403 for a visible case), then runs the domain service and advances the flow under the
flow lock, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from disputes import permissions
from disputes.errors import ActionForbidden, NotAllowedInState
from disputes.models import Case, Tier
from disputes.services import agreements, arbitration, litigation, mediation
from disputes.services.mediation import AgreementDetails
from workflows.nodes import queue_stamp

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.SCHEDULED)
MEDIATION_NODES = ("accept_mediation", "mediate", "follow_up")
ARBITRATION_NODES = ("accept_application", "hear_case")
STAFF_NODES = MEDIATION_NODES + ARBITRATION_NODES
ARBITRATION_TIERS = (Tier.ARBITRATION, Tier.LITIGATION)


def staff_checks(case: Case) -> tuple[Callable[[Any, Case], bool], Callable[[Any, Case], bool]]:
    """Who works the case's staff tasks, and who assigns them, in its current tier."""
    if case.tier in ARBITRATION_TIERS:
        return permissions.can_handle_arbitration, permissions.can_assign_arbitration
    return permissions.can_mediate, permissions.can_lead_mediation


def _note_claim(case: Case, task: Task, owner: Any, by: Any) -> None:
    if task.flow_task.name == "hear_case":
        arbitration.assign_arbitrator(case, owner, by=by)
    else:
        mediation.record_claim(case, owner, by=by)


def flow() -> Any:
    from workflows.flows import DisputeFlow

    return DisputeFlow


def open_task(case: Case, *names: str) -> Task:
    """The case's open task at one of the named nodes, or 409."""
    nodes = [getattr(flow(), name) for name in names]
    task = Task.objects.filter(process_id=case.process_id, flow_task__in=nodes, status__in=OPEN).order_by("id").first()
    if task is None:
        raise NotAllowedInState(_("案件当前不在这一步。"), code="step_not_available")
    return task


def _still_open(task: Task) -> None:
    """Under the flow lock: a concurrent request may have completed the step while this one waited."""
    if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
        raise NotAllowedInState(_("这一步刚被他人处理，请刷新后再试。"), code="step_taken")


def deny() -> None:
    raise ActionForbidden(_("您不能在本案中执行这一步。"), code="action_forbidden")


def require(check: Callable[[Any, Case], bool], user: Any, case: Case) -> None:
    """403 unless `check` allows the user on this (visible) case."""
    if not check(user, case):
        deny()


def run_handle(case: Case, node: str, check: Callable[[Any, Case], bool], user: Any, **kwargs: Any) -> None:
    """Complete a waiting (Handle) step taken by a party or by staff for them."""
    require(check, user, case)
    task = open_task(case, node)
    try:
        getattr(flow(), node).run(task, by=user, **kwargs)
    except (TransitionNotAllowed, FlowLockFailed):
        raise NotAllowedInState(_("这一步刚被他人处理，请刷新后再试。"), code="step_taken") from None


def claim(case: Case, user: Any) -> Task:
    """A mediator (or arbitration staff) takes the organization's open task for the case into their inbox."""
    require(staff_checks(case)[0], user, case)
    task = open_task(case, *STAFF_NODES)
    try:
        with task.activation() as activation:
            if activation.task.status != STATUS.NEW:
                raise NotAllowedInState(_("该任务已被其他调解员认领。"), code="already_claimed")
            activation.assign(user)
            _note_claim(case, task, user, user)
    except FlowLockFailed:
        raise NotAllowedInState(_("该任务已被其他调解员认领。"), code="already_claimed") from None
    return task


def assign(case: Case, mediator: Any, user: Any) -> Task:
    """A lead (or a clerk) assigns or reassigns the open task to a colleague of the organization."""
    works, leads = staff_checks(case)
    require(leads, user, case)
    task = open_task(case, *STAFF_NODES)
    if not works(mediator, case):
        raise ActionForbidden(_("只能指派给本组织的调解员。"), code="not_a_mediator_here")
    with task.activation() as activation:
        if activation.task.status == STATUS.NEW:
            activation.task.owner = mediator
            activation.task.status = STATUS.ASSIGNED
            activation.task.save()
        else:
            activation.reassign(mediator)
        _note_claim(case, task, mediator, user)
    return task


def run_staff_step(case: Case, node: str, user: Any, perform: Callable[[Case], object]) -> None:
    """Do a staff step from the API: claim it if free, then perform it as its owner."""
    require(staff_checks(case)[0], user, case)
    task = open_task(case, node)
    with task.activation() as activation:
        _still_open(activation.task)
        if activation.task.status == STATUS.NEW:
            activation.assign(user)
            _note_claim(case, task, user, user)
        if activation.task.owner_id != user.pk:
            raise NotAllowedInState(_("该任务已由其他调解员办理。"), code="assigned_to_other")
        activation.start(None)
        perform(case)
        activation.execute()


def run_hearing_stage(case: Case, user: Any, perform: Callable[[Case], object]) -> None:
    """A step while the case is being heard (service, defence, hearings, clocks, the decision).

    Any of the tribunal's staff may record it; once the arbitration has closed, the hearing task is
    completed and the process moves on (to the litigation windows, or to its end).
    """
    require(permissions.can_handle_arbitration, user, case)
    task = open_task(case, "hear_case")
    with task.activation() as activation:
        _still_open(activation.task)
        if activation.task.status == STATUS.NEW:
            activation.assign(user)
            _note_claim(case, task, user, user)
        perform(case)
        if arbitration.current_arbitration(case).closed_on is not None:
            activation.start(None)
            activation.execute()


def record_court_filing(case: Case, user: Any, kind: str, filed_on: Any) -> None:
    """The first filing moves the process to the court stage; later ones are recorded there."""
    require(permissions.can_act_for_party, user, case)
    if Task.objects.filter(process_id=case.process_id, flow_task=flow().await_litigation, status__in=OPEN).exists():
        run_handle(case, "await_litigation", permissions.can_act_for_party, user, kind=kind, filed_on=filed_on)
        return
    open_task(case, "court_stage")
    litigation.record_court_filing(case, kind, filed_on, by=user)


def record_court_decision(case: Case, user: Any, outcome: str, decided_on: Any) -> None:
    """A decision on the last pending filing ends the court stage; earlier ones are recorded there."""
    require(permissions.can_act_for_party, user, case)
    open_task(case, "court_stage")
    if case.court_filings.filter(outcome="").count() == 1:
        run_handle(case, "court_stage", permissions.can_act_for_party, user, outcome=outcome, decided_on=decided_on)
    else:
        litigation.record_court_decision(case, outcome, decided_on, by=user)


def cancel_open_tasks(process: Any, except_task: Any = None) -> None:
    """Cancel every waiting task of the process (the case left this path)."""
    for task in Task.objects.filter(process=process, status__in=OPEN).exclude(pk=getattr(except_task, "pk", None)):
        task.flow_task.activation_class(task).cancel()


# --- what each staff step does (the same for the API and the staff pages) ---


def perform_acceptance(case: Case, user: Any, accept: bool, reason: str = "") -> None:
    if accept:
        mediation.accept_mediation(case, by=user)
    else:
        mediation.decline_mediation(case, reason, by=user)


def perform_application_decision(case: Case, user: Any, decision: str, reason: str = "") -> None:
    if decision == "accept":
        arbitration.accept_arbitration(case, by=user)
    elif decision == "supplement":
        arbitration.request_supplement(case, by=user, note=reason)
    else:
        arbitration.refuse_arbitration(case, reason, by=user)


def perform_outcome(
    case: Case, user: Any, outcome: str, note: str = "", agreement: AgreementDetails | None = None
) -> None:
    # An escalation offer still waiting for the worker lapses once the mediation has its outcome.
    for task in Task.objects.filter(process_id=case.process_id, flow_task=flow().offer_escalation, status__in=OPEN):
        task.flow_task.activation_class(task).cancel()
    mediation.record_mediation_outcome(case, outcome, by=user, note=note, agreement=agreement)


def perform_follow_up(case: Case, user: Any, performance: str, amount_paid: Any = None, note: str = "") -> None:
    agreements.record_payment_follow_up(case, performance, by=user, amount_paid=amount_paid, note=note)


def reroute(case: Case, organization: Any, reason: str, user: Any) -> None:
    """A lead reroutes the case; a claimed acceptance task returns to the new organization's queue."""
    mediation.reroute_case(case, organization, reason, by=user)
    stamp = queue_stamp(case.process_id or 0)
    for task in Task.objects.filter(process_id=case.process_id, flow_task=flow().accept_mediation, status__in=OPEN):
        task.data = {**(task.data or {}), **stamp}
        task.owner, task.status = None, STATUS.NEW  # back to the new organization's queue
        task.save(update_fields=["data", "owner", "status"])


def elect_representatives(case: Case, user: Any, worker_ids: list[int]) -> None:
    """Collective disputes: the claimants' 3–5 elected representatives (Rules 63)."""
    require(permissions.can_act_for_party, user, case)
    mediation.elect_representatives(case, worker_ids, by=user)
