"""The arbitration tier: application, acceptance, service, hearings, suspension and extension, the award.

Dates are Asia/Shanghai calendar dates; each step writes one audit entry and keeps the clocks per spec.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from disputes import deadlines
from disputes.errors import ActionForbidden, DomainError, NotAllowedInState
from disputes.final_award import finality_of_item
from disputes.models import (
    ArbitralClosure,
    Arbitration,
    Award,
    AwardItem,
    Case,
    ClockEvent,
    ClockEventKind,
    ClosureKind,
    Hearing,
    MinimumWage,
)
from disputes.permissions import can_approve_for_commission
from disputes.services.audit import record_event
from disputes.services.clocks import apply_clock_event, begin_clock, end_open_clocks, open_clock
from disputes.services.closure import close_case
from disputes.services.counters import bump

AWARD = "arbitration.award"
RESTART_REASONS = {
    "counterclaim": _("反申请合并审理"),
    "claims_changed": _("增加或变更仲裁请求"),
    "party_added": _("追加当事人"),
    "case_transferred": _("移送管辖案件受理"),
}


def _today() -> date:
    return timezone.localdate()


def _not_future(day: date) -> None:
    if day > _today():
        raise DomainError(_("日期不能晚于今天。"), code="date_in_future")


def current_arbitration(case: Case) -> Arbitration:
    arbitration = case.arbitrations.current()
    if arbitration is None:
        raise NotAllowedInState(_("该案件没有仲裁申请。"), code="no_arbitration")
    return arbitration


def _accepted(case: Case) -> Arbitration:
    arbitration = current_arbitration(case)
    if arbitration.accepted_on is None or arbitration.closed_on is not None:
        raise NotAllowedInState(_("仲裁案件尚未受理或已结案。"), code="not_in_proceedings")
    return arbitration


# --- application and acceptance -------------------------------------------------------------------------


def receive_arbitration(case: Case, received_at: datetime | None = None) -> Arbitration:
    """The application reaches the tribunal; `arbitration.acceptance` runs from receipt (quiet)."""
    assert case.current_organization is not None
    arbitration = Arbitration.objects.create(
        case=case, tribunal=case.current_organization, received_at=received_at or timezone.now()
    )
    begin_clock(case, "arbitration.acceptance", timezone.localdate(arbitration.received_at))
    return arbitration


@transaction.atomic
def accept_arbitration(case: Case, *, by: Any, on: date | None = None) -> Arbitration:
    """受理 on `on` (default today; a decision registered late may be dated back to receipt at the earliest):
    the award, service and panel-notice clocks start from the acceptance day."""
    arbitration = current_arbitration(case)
    if arbitration.accepted_on or arbitration.refused_on:
        raise NotAllowedInState(_("该仲裁申请已经处理。"), code="already_decided")
    if arbitration.supplement_requested_at and not arbitration.supplement_completed_on:
        raise NotAllowedInState(_("申请人尚未完成补正。"), code="supplement_pending")
    today = on or _today()
    _not_future(today)
    if today < timezone.localdate(arbitration.received_at):
        raise DomainError(_("受理日不能早于收到申请之日。"), code="accepted_before_received")
    arbitration.accepted_on = today
    arbitration.number = f"闵劳人仲（{today.year}）办字第{case.pk:06d}号"
    arbitration.save(update_fields=["accepted_on", "number"])
    bump(case, "arbitration_accepted", today)
    if case.mediations.filter(accepted_at__isnull=False).exists():
        bump(case, "arbitration_accepted_after_mediation", today)
    end_open_clocks(case, ("arbitration.acceptance",), today, outcome="met")
    for rule in (AWARD, "arbitration.service", "arbitration.panel_notice"):
        begin_clock(case, rule, today)
    record_event(
        case, "arbitration_accepted", actor=by, after={"number": arbitration.number, "accepted_on": str(today)}
    )
    return arbitration


@transaction.atomic
def request_supplement(case: Case, *, by: Any, note: str = "") -> Arbitration:
    """补正: the applicant must complete the application; acceptance counts again once it is done."""
    arbitration = current_arbitration(case)
    if arbitration.accepted_on or arbitration.refused_on:
        raise NotAllowedInState(_("该仲裁申请已经处理。"), code="already_decided")
    arbitration.supplement_requested_at, arbitration.supplement_completed_on = timezone.now(), None
    arbitration.save(update_fields=["supplement_requested_at", "supplement_completed_on"])
    record_event(case, "supplement_requested", actor=by, note=note)
    return arbitration


@transaction.atomic
def complete_supplement(case: Case, completed_on: date, *, by: Any) -> Arbitration:
    """补正完成: `arbitration.acceptance` counts again from the completion day (Law 29; Rules 29–30)."""
    _not_future(completed_on)
    arbitration = current_arbitration(case)
    if not arbitration.supplement_requested_at or arbitration.supplement_completed_on:
        raise NotAllowedInState(_("没有待完成的补正。"), code="no_supplement_pending")
    arbitration.supplement_completed_on = completed_on
    arbitration.save(update_fields=["supplement_completed_on"])
    _restart_or_renew(case, "arbitration.acceptance", completed_on, by=by)
    record_event(case, "supplement_completed", actor=by, after={"completed_on": str(completed_on)})
    return arbitration


def _restart_or_renew(case: Case, rule: str, on: date, *, by: Any) -> None:
    """A restart on the ledger while the period runs; once it has run out, a fresh clock from `on`."""
    clock = open_clock(case, rule)
    if clock is not None and clock.due_on is not None and on <= clock.due_on:
        apply_clock_event(clock, ClockEvent(kind=ClockEventKind.RESTART, on=on), by=by)
        return
    end_open_clocks(case, (rule,), on, outcome="missed")
    begin_clock(case, rule, on)


@transaction.atomic
def refuse_arbitration(case: Case, reason: str, *, by: Any) -> Arbitration:
    """不予受理 with its reason (not a closure): the applicant may then sue."""
    if not reason.strip():
        raise DomainError(_("不予受理须说明理由。"), code="reason_required")
    arbitration = current_arbitration(case)
    if arbitration.accepted_on or arbitration.refused_on:
        raise NotAllowedInState(_("该仲裁申请已经处理。"), code="already_decided")
    arbitration.refused_on, arbitration.refusal_reason = _today(), reason.strip()
    arbitration.save(update_fields=["refused_on", "refusal_reason"])
    end_open_clocks(case, ("arbitration.acceptance",), _today(), outcome="met")
    record_event(case, "arbitration_refused", actor=by, note=reason.strip())
    return arbitration


# --- service, defence, restarts ----------------------------------------------------------------------------


@transaction.atomic
def record_service(case: Case, served_on: date, *, by: Any) -> Arbitration:
    """The respondent received the application copy: service is done and `arbitration.defence` starts."""
    _not_future(served_on)
    arbitration = _accepted(case)
    if arbitration.served_on:
        raise NotAllowedInState(_("已记录送达。"), code="already_served")
    arbitration.served_on = served_on
    arbitration.save(update_fields=["served_on"])
    end_open_clocks(case, ("arbitration.service",), served_on, outcome="met")
    begin_clock(case, "arbitration.defence", served_on)
    record_event(case, "application_served", actor=by, after={"served_on": str(served_on)})
    return arbitration


@transaction.atomic
def record_defence(case: Case, received_on: date, *, by: Any) -> Arbitration:
    _not_future(received_on)
    arbitration = _accepted(case)
    arbitration.defence_received_on = received_on
    arbitration.save(update_fields=["defence_received_on"])
    end_open_clocks(case, ("arbitration.defence",), received_on, outcome="met")
    record_event(case, "defence_received", actor=by, after={"received_on": str(received_on)})
    return arbitration


@transaction.atomic
def notify_panel(case: Case, on: date, *, by: Any) -> None:
    """The parties were told who sits on the tribunal (Law 32)."""
    _not_future(on)
    _accepted(case)
    end_open_clocks(case, ("arbitration.panel_notice",), on, outcome="met")
    record_event(case, "panel_notified", actor=by, after={"on": str(on)})


@transaction.atomic
def restart_award_limit(case: Case, reason: str, on: date, *, by: Any) -> Any:
    """Rules 46: a counterclaim merged, claims added or changed, a party added, a transfer: 45 days again."""
    if reason not in RESTART_REASONS:
        raise DomainError(_("未知的重新计算事由。"), code="invalid_reason")
    _accepted(case)
    clock = open_clock(case, AWARD)
    if clock is None:
        raise NotAllowedInState(_("审理期限未在计算。"), code="no_award_clock")
    event = ClockEvent(kind=ClockEventKind.RESTART, on=on, reason=str(RESTART_REASONS[reason]))
    clock = apply_clock_event(clock, event, by=by)
    record_event(case, f"award_limit_restarted_{reason}", actor=by, after={"on": str(on), "due_on": str(clock.due_on)})
    return clock


# --- hearings --------------------------------------------------------------------------------------------


@transaction.atomic
def schedule_hearing(case: Case, hearing_on: date, *, by: Any, notice_served_on: date | None = None) -> Hearing:
    """Refused when the notice leaves fewer than `arbitration.hearing_notice` days before the hearing."""
    arbitration = _accepted(case)
    served = notice_served_on or _today()
    _not_future(served)
    latest = deadlines.compute("arbitration.hearing_notice", hearing_on).due
    if latest is None or served > latest:
        message = format_lazy(
            _("开庭通知至少应在开庭前五日送达：{hearing} 开庭，最迟应于 {latest} 送达。"),
            hearing=hearing_on,
            latest=latest,
        )
        raise DomainError(message, code="hearing_notice_too_short")
    hearing = Hearing.objects.create(arbitration=arbitration, scheduled_on=hearing_on, notice_served_on=served)
    end_open_clocks(case, ("arbitration.hearing_notice", "arbitration.postponement_request"), served, outcome="stopped")
    begin_clock(case, "arbitration.hearing_notice", hearing_on)
    begin_clock(case, "arbitration.postponement_request", hearing_on)
    record_event(
        case, "hearing_scheduled", actor=by, after={"hearing_on": str(hearing_on), "notice_served_on": str(served)}
    )
    return hearing


def _next_hearing(arbitration: Arbitration) -> Hearing:
    hearing = arbitration.hearings.filter(held_on__isnull=True, postponed_on__isnull=True).last()
    if hearing is None:
        raise NotAllowedInState(_("没有待开庭的安排。"), code="no_hearing_scheduled")
    return hearing


@transaction.atomic
def request_postponement(case: Case, requested_on: date, *, by: Any) -> Hearing:
    """A party asks to postpone; in time only up to `arbitration.postponement_request` before the hearing."""
    _not_future(requested_on)
    hearing = _next_hearing(_accepted(case))
    latest = deadlines.compute("arbitration.postponement_request", hearing.scheduled_on).due
    if latest is None or requested_on > latest:
        raise DomainError(_("延期开庭申请应在开庭三日前提出，已逾期。"), code="postponement_out_of_time")
    hearing.postponed_on = requested_on
    hearing.save(update_fields=["postponed_on"])
    end_open_clocks(
        case, ("arbitration.hearing_notice", "arbitration.postponement_request"), requested_on, outcome="stopped"
    )
    record_event(case, "hearing_postponed", actor=by, after={"hearing_on": str(hearing.scheduled_on)})
    return hearing


@transaction.atomic
def record_hearing(case: Case, held_on: date, *, by: Any, applicant_present: bool, respondent_present: bool) -> Hearing:
    """An absent applicant is deemed to withdraw (Law 36); an absent respondent may get a default award."""
    _not_future(held_on)
    arbitration = _accepted(case)
    hearing = _next_hearing(arbitration)
    hearing.held_on, hearing.applicant_present, hearing.respondent_present = (
        held_on,
        applicant_present,
        respondent_present,
    )
    hearing.save(update_fields=["held_on", "applicant_present", "respondent_present"])
    end_open_clocks(case, ("arbitration.hearing_notice", "arbitration.postponement_request"), held_on, outcome="met")
    if not applicant_present:
        _close_arbitration(case, arbitration, ArbitralClosure.DEEMED_WITHDRAWN, held_on, ClosureKind.DEEMED_WITHDRAWN)
    record_event(
        case,
        "hearing_held",
        actor=by,
        after={
            "held_on": str(held_on),
            "applicant_present": applicant_present,
            "respondent_present": respondent_present,
            "tier": case.tier,
        },
    )
    return hearing


# --- suspension, resumption, extension (the director approves) -----------------------------------------------


def _award_clock(case: Case) -> Any:
    _accepted(case)
    clock = open_clock(case, AWARD)
    if clock is None:
        raise NotAllowedInState(_("审理期限未在计算。"), code="no_award_clock")
    return clock


@transaction.atomic
def suspend_proceedings(case: Case, on: date, reason: str, *, by: Any) -> Any:
    """中止审理 (Rules 47), decided by the commission's director."""
    if not can_approve_for_commission(by, case):
        raise ActionForbidden(_("中止审理须经仲裁委员会主任批准。"), code="director_approval_required")
    if not reason.strip():
        raise DomainError(_("中止审理须说明理由。"), code="reason_required")
    event = ClockEvent(kind=ClockEventKind.SUSPEND, on=on, reason=reason.strip(), approved_by=by)
    clock = apply_clock_event(_award_clock(case), event, by=by)
    record_event(case, "proceedings_suspended", actor=by, after={"on": str(on)}, note=reason.strip())
    return clock


@transaction.atomic
def resume_proceedings(case: Case, on: date, *, by: Any) -> Any:
    clock = apply_clock_event(_award_clock(case), ClockEvent(kind=ClockEventKind.RESUME, on=on), by=by)
    record_event(case, "proceedings_resumed", actor=by, after={"on": str(on), "due_on": str(clock.due_on)})
    return clock


@transaction.atomic
def extend_award_limit(case: Case, days: int, reason: str, *, by: Any) -> Any:
    """Extension by at most 15 days, approved in writing by the director before the limit expires."""
    if not can_approve_for_commission(by, case):
        raise ActionForbidden(_("延长审理期限须经仲裁委员会主任批准。"), code="director_approval_required")
    if not reason.strip():
        raise DomainError(_("延长审理期限须说明理由。"), code="reason_required")
    event = ClockEvent(kind=ClockEventKind.EXTEND, on=_today(), days=days, reason=reason.strip(), approved_by=by)
    clock = apply_clock_event(_award_clock(case), event, by=by)
    record_event(
        case, "award_limit_extended", actor=by, after={"days": days, "due_on": str(clock.due_on)}, note=reason.strip()
    )
    return clock


# --- closing the arbitration ---------------------------------------------------------------------------------


def decide_for_closure_rate(case: Case, arbitration: Arbitration, on_time: bool, day: date) -> None:
    """Count the case once for the closure rate, on its decision day (spec/metrics.md §2)."""
    if arbitration.decided_on is not None:
        return
    arbitration.decided_on, arbitration.decided_on_time = day, on_time
    arbitration.save(update_fields=["decided_on", "decided_on_time"])
    bump(case, "arbitration_on_time" if on_time else "arbitration_late", day)


def _close_arbitration(case: Case, arbitration: Arbitration, closure: str, on: date, case_closure: str | None) -> None:
    arbitration.closure, arbitration.closed_on = closure, on
    arbitration.save(update_fields=["closure", "closed_on"])
    limit = open_clock(case, AWARD)
    due_on = limit.due_on if limit else None
    late = due_on is not None and on > due_on
    decide_for_closure_rate(case, arbitration, not late, due_on if late and due_on else on)
    end_open_clocks(case, (AWARD,), on, outcome="met")
    end_open_clocks(
        case,
        (
            "arbitration.service",
            "arbitration.panel_notice",
            "arbitration.defence",
            "arbitration.hearing_notice",
            "arbitration.postponement_request",
        ),
        on,
        outcome="stopped",
    )
    if case_closure:
        close_case(case, case_closure)


@transaction.atomic
def record_arbitral_mediation(case: Case, signed_on: date, *, by: Any) -> Arbitration:
    """Pre-hearing mediation: an arbitral 调解书 signed by both parties closes the case."""
    _not_future(signed_on)
    arbitration = _accepted(case)
    _close_arbitration(case, arbitration, ArbitralClosure.MEDIATION, signed_on, ClosureKind.ARBITRAL_MEDIATION)
    record_event(case, "arbitral_mediation_signed", actor=by, after={"signed_on": str(signed_on)})
    return arbitration


def close_on_withdrawal(case: Case) -> None:
    """The applicant withdrew during proceedings: the arbitration closes as withdrawn (quiet)."""
    arbitration = case.arbitrations.current()
    if arbitration is not None and arbitration.accepted_on and not arbitration.closed_on:
        _close_arbitration(case, arbitration, ArbitralClosure.WITHDRAWN, _today(), None)


@dataclass(frozen=True)
class AwardItemDetails:
    category: str
    amount: Decimal | None = None
    granted: bool = True
    description: str = ""


@transaction.atomic
def issue_award(
    case: Case,
    items: list[AwardItemDetails],
    *,
    by: Any,
    decided_on: date,
    served_on: date,
    is_partial: bool = False,
) -> Award:
    """The award, judged final or not item by item; it opens the litigation windows from service."""
    _not_future(served_on)
    if served_on < decided_on:
        raise DomainError(_("送达日不能早于裁决日。"), code="served_before_decided")
    arbitration = _accepted(case)
    if not items:
        raise DomainError(_("裁决须至少包含一项。"), code="award_items_required")
    hearing = arbitration.hearings.filter(held_on__isnull=False).last()
    award = Award.objects.create(
        arbitration=arbitration,
        decided_on=decided_on,
        served_on=served_on,
        is_partial=is_partial,
        by_default=bool(hearing and hearing.respondent_present is False),
    )
    _store_items(award, items, decided_on)
    closure = ArbitralClosure.PARTIAL_AWARD if is_partial else ArbitralClosure.AWARD
    _close_arbitration(case, arbitration, closure, decided_on, None)
    begin_clock(case, "litigation.suit", served_on)
    if award.has_final_items:
        begin_clock(case, "litigation.employer_revocation", served_on)
    record_event(
        case,
        "award_issued",
        actor=by,
        after={
            "decided_on": str(decided_on),
            "final_items": sum(1 for i in award.items.all() if i.final),
            "items": award.items.count(),
        },
    )
    return award


def _store_items(award: Award, items: list[AwardItemDetails], decided_on: date) -> None:
    wage = MinimumWage.objects.in_force(settings.MINIMUM_WAGE_REGION, decided_on)
    if wage is None:
        raise DomainError(_("裁决日没有可用的最低工资标准。"), code="no_minimum_wage")
    for item in items:
        if item.amount is not None and item.amount < 0:
            raise DomainError(_("金额不能为负数。"), code="negative_amount")
        test = finality_of_item(item.category, item.amount, wage.monthly_amount)
        AwardItem.objects.create(
            award=award,
            category=item.category,
            amount=item.amount,
            granted=item.granted,
            description=item.description,
            final=test.final,
            finality_reason=test.reason_zh,
        )


def current_award(case: Case) -> Award:
    award = Award.objects.filter(arbitration__case=case).order_by("-id").first()
    if award is None:
        raise NotAllowedInState(_("该案件尚无裁决。"), code="no_award")
    return award


@transaction.atomic
def assign_arbitrator(case: Case, arbitrator: Any, *, by: Any) -> Arbitration:
    """The arbitrator who hears the case (claimed, or assigned by a clerk)."""
    current = _accepted(case)
    before = {"arbitrator": current.arbitrator_id}
    current.arbitrator = arbitrator
    current.save(update_fields=["arbitrator"])
    record_event(case, "arbitrator_assigned", actor=by, before=before, after={"arbitrator": arbitrator.pk})
    return current


@transaction.atomic
def count_late_arbitrations(today: date | None = None) -> int:
    """Open arbitrations whose award limit has run out count as late on that day (once each)."""
    today = today or _today()
    late = (
        Arbitration.objects.filter(
            decided_on__isnull=True,
            accepted_on__isnull=False,
            closed_on__isnull=True,
            case__clocks__rule=AWARD,
            case__clocks__state="running",
            case__clocks__due_on__lt=today,
        )
        .select_related("case")
        .select_for_update(of=("self",))
    )
    counted = 0
    for arbitration in late:
        clock = open_clock(arbitration.case, AWARD)
        if clock is not None and clock.due_on is not None and clock.due_on < today:
            decide_for_closure_rate(arbitration.case, arbitration, False, clock.due_on)
            counted += 1
    return counted
