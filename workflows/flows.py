"""One process per case: intake → negotiation or mediation → arbitration → the people's court."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from disputes.models import (
    ArbitralClosure,
    Case,
    FilingKind,
    MediationOutcome,
    NegotiationOutcome,
    NonPerformanceRoute,
    Performance,
    Tier,
)
from disputes.roles import STAFF_ROLES, has_role
from disputes.services import agreements, arbitration, litigation, mediation
from workflows import views
from workflows.models import DisputeProcess
from workflows.nodes import ArbitrationTask, MediationTask, visible_case_or_404
from workflows.timers import clock_expiry


def _case(activation: Any) -> Case:
    return Case.objects.get(process_id=activation.process.pk)


class DisputeFlow(flow.Flow):
    """劳动争议处理流程 — one case through negotiation, mediation, arbitration and into court."""

    process_class = DisputeProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("劳动争议处理")
    process_description = _("协商、调解直至移送仲裁的全过程")
    summary_template = "{{ process.case.number }}"

    start = flow.StartHandle(this.start_case).Next(this.entry).Annotation(title=_("受理申请（一口受理）"))
    entry = (
        flow.Switch()
        .Case(this.negotiate, this.entered_negotiation)
        .Case(this.accept_mediation, this.entered_mediation)
        .Default(this.enter_arbitration)
        .Annotation(title=_("申请人选择的阶段"))
    )
    negotiate = (
        flow.Handle(this.conclude_negotiation)
        .OnTimeout(this.negotiation_expires, this.deem_unwilling, title=_("协商回应期限届满"))
        .Next(this.after_negotiation)
        .Annotation(title=_("协商"))
    )
    deem_unwilling = (
        flow.Function(this.negotiation_deemed_unwilling).Next(this.choose_next).Annotation(title=_("视为不愿协商"))
    )
    after_negotiation = (
        flow.If(this.negotiation_settled).Then(this.end_settled).Else(this.choose_next).Annotation(title=_("和解？"))
    )
    choose_next = flow.Handle(this.record_choice).Next(this.route_choice).Annotation(title=_("申请人选择下一步"))
    route_choice = (
        flow.Switch()
        .Case(this.accept_mediation, this.chose_mediation)
        .Case(this.enter_arbitration, this.chose_arbitration)
        .Default(this.end_withdrawn)
        .Annotation(title=_("调解、仲裁或撤回"))
    )
    accept_mediation = (
        MediationTask(views.AcceptMediationView.as_view())
        .Next(this.after_acceptance)
        .Annotation(title=_("调解组织受理"))
    )
    after_acceptance = (
        flow.If(this.mediation_accepted).Then(this.mediate).Else(this.choose_next).Annotation(title=_("受理？"))
    )
    mediate = (
        MediationTask(views.MediationOutcomeView.as_view())
        .Assign(this.case_mediator)
        .OnTimeout(this.mediation_expires, this.window_expired, interrupting=False, title=_("调解期限届满"))
        .Next(this.after_mediation)
        .Annotation(title=_("调解"))
    )
    window_expired = flow.Function(this.expire_window).Next(this.offer_escalation).Annotation(title=_("调解期满"))
    offer_escalation = (
        flow.Handle(this.answer_escalation).Next(this.after_offer).Annotation(title=_("告知申请仲裁的权利"))
    )
    after_offer = (
        flow.If(this.escalation_accepted)
        .Then(this.enter_arbitration)
        .Else(this.end_offer_declined)
        .Annotation(title=_("申请人选择仲裁？"))
    )
    after_mediation = (
        flow.Switch()
        .Case(this.follow_up, this.reached_agreement)
        .Case(this.end_withdrawn, this.mediation_withdrawn)
        .Default(this.enter_arbitration)
        .Annotation(title=_("调解结果"))
    )
    follow_up = (
        MediationTask(views.PaymentFollowUpView.as_view())
        .Assign(this.case_mediator)
        .Next(this.after_follow_up)
        .Annotation(title=_("履行回访"))
    )
    after_follow_up = (
        flow.If(this.agreement_performed)
        .Then(this.end_performed)
        .Else(this.choose_remedy)
        .Annotation(title=_("已履行？"))
    )
    choose_remedy = flow.Handle(this.record_remedy).Next(this.after_remedy).Annotation(title=_("支付令或仲裁"))
    after_remedy = (
        flow.If(this.remedy_is_arbitration)
        .Then(this.enter_arbitration)
        .Else(this.end_payment_order)
        .Annotation(title=_("救济途径"))
    )
    enter_arbitration = (
        flow.Function(this.hand_to_arbitration).Next(this.accept_application).Annotation(title=_("收到仲裁申请"))
    )
    end_settled = flow.End().Annotation(title=_("协商和解"))
    end_withdrawn = flow.End().Annotation(title=_("撤回"))
    end_offer_declined = flow.End().Annotation(title=_("继续调解"))
    end_performed = flow.End().Annotation(title=_("协议履行完毕"))
    end_payment_order = flow.End().Annotation(title=_("申请支付令"))
    accept_application = (
        ArbitrationTask(views.AcceptApplicationView.as_view())
        .Next(this.after_application)
        .Annotation(title=_("仲裁院审查受理"))
    )
    after_application = (
        flow.Switch()
        .Case(this.hear_case, this.application_accepted)
        .Case(this.await_supplement, this.supplement_requested)
        .Default(this.await_suit_after_refusal)
        .Annotation(title=_("受理、补正或不予受理"))
    )
    await_supplement = (
        flow.Handle(this.complete_supplement).Next(this.accept_application).Annotation(title=_("等待补正"))
    )
    await_suit_after_refusal = (
        flow.Handle(this.record_suit_after_refusal).Next(this.end_refused).Annotation(title=_("不予受理后起诉"))
    )
    hear_case = (
        ArbitrationTask(views.HearCaseView.as_view())
        .Next(this.after_decision)
        .Annotation(title=_("送达、答辩、开庭与裁决"))
    )
    after_decision = (
        flow.If(this.award_issued)
        .Then(this.await_litigation)
        .Else(this.end_arbitration_closed)
        .Annotation(title=_("裁决？"))
    )
    await_litigation = (
        flow.Handle(this.record_first_filing)
        .OnTimeout(this.windows_lapse, this.award_takes_effect, title=_("起诉和申请撤销期限届满"))
        .Next(this.court_stage)
        .Annotation(title=_("等待起诉或申请撤销"))
    )
    award_takes_effect = flow.Function(this.give_effect).Next(this.end_award_effective).Annotation(title=_("裁决生效"))
    court_stage = (
        flow.Handle(this.record_last_decision).Next(this.end_court_decided).Annotation(title=_("人民法院审理"))
    )
    end_refused = flow.End().Annotation(title=_("起诉"))
    end_arbitration_closed = flow.End().Annotation(title=_("仲裁结案"))
    end_award_effective = flow.End().Annotation(title=_("裁决生效结案"))
    end_court_decided = flow.End().Annotation(title=_("法院裁判结案"))

    def has_view_permission(self, user: Any, obj: Any = None) -> bool:
        """Staff pages for staff; one process only for those who may see its case (else 404)."""
        if not (user.is_authenticated and (user.is_superuser or has_role(user, *STAFF_ROLES))):
            return False
        if obj is not None:
            visible_case_or_404(user, obj.pk)
        return True

    # --- start and entry ---

    def start_case(self, activation: Any, case: Case, by: Any = None) -> DisputeProcess:
        activation.process.save()
        Case.objects.filter(pk=case.pk).update(process=activation.process)
        if case.tier == Tier.NEGOTIATION:
            mediation.start_negotiation(case, by=by)
        elif case.tier == Tier.MEDIATION:
            mediation.receive_for_mediation(case, received_at=case.filed_at)  # a window filing may be back-dated
        return activation.process

    def entered_negotiation(self, activation: Any) -> bool:
        return _case(activation).tier == Tier.NEGOTIATION

    def entered_mediation(self, activation: Any) -> bool:
        return _case(activation).tier == Tier.MEDIATION

    # --- negotiation ---

    def conclude_negotiation(self, activation: Any, outcome: str, by: Any, note: str = "") -> None:
        mediation.record_negotiation_outcome(_case(activation), outcome, by=by, note=note)

    def negotiation_expires(self, activation: Any) -> datetime:
        return clock_expiry(_case(activation), ("negotiation.response",))

    def negotiation_deemed_unwilling(self, activation: Any) -> None:
        mediation.deem_negotiation_unwilling(_case(activation))

    def negotiation_settled(self, activation: Any) -> bool:
        negotiation = _case(activation).negotiations.first()
        return bool(negotiation and negotiation.outcome == NegotiationOutcome.SETTLED)

    # --- the worker's choice ---

    def record_choice(self, activation: Any, choice: str, by: Any, organization: Any = None) -> None:
        case = _case(activation)
        if choice == "mediation":
            mediation.choose_mediation(case, by=by, organization=organization)
        elif choice == "withdraw":
            from disputes.services.cases import withdraw_case

            withdraw_case(case, by=by)
        activation.process.data = {**(activation.process.data or {}), "choice": choice}
        activation.process.save()

    def chose_mediation(self, activation: Any) -> bool:
        return (activation.process.data or {}).get("choice") == "mediation"

    def chose_arbitration(self, activation: Any) -> bool:
        return (activation.process.data or {}).get("choice") == "arbitration"

    # --- mediation ---

    def mediation_accepted(self, activation: Any) -> bool:
        latest = _case(activation).mediations.order_by("-received_at").first()
        return bool(latest and latest.accepted_at)

    def case_mediator(self, activation: Any) -> Any:
        """The mediator who took the case keeps it through mediation and follow-up."""
        latest = _case(activation).mediations.order_by("-received_at").first()
        return latest.mediator if latest else None

    def mediation_expires(self, activation: Any) -> datetime:
        return clock_expiry(_case(activation), mediation.WINDOW_RULES)

    def expire_window(self, activation: Any) -> None:
        mediation.offer_escalation(_case(activation))

    def answer_escalation(self, activation: Any, accept: bool, by: Any) -> None:
        case = _case(activation)
        if accept:
            from workflows.steps import cancel_open_tasks

            cancel_open_tasks(activation.process, except_task=activation.task)
        mediation.decide_escalation(case, accept, by=by)
        activation.process.data = {**(activation.process.data or {}), "escalate": accept}
        activation.process.save()

    def escalation_accepted(self, activation: Any) -> bool:
        return bool((activation.process.data or {}).get("escalate"))

    def reached_agreement(self, activation: Any) -> bool:
        return self._latest_outcome(activation) == MediationOutcome.AGREEMENT

    def mediation_withdrawn(self, activation: Any) -> bool:
        return self._latest_outcome(activation) == MediationOutcome.WITHDRAWN

    def _latest_outcome(self, activation: Any) -> str:
        latest = _case(activation).mediations.order_by("-received_at").first()
        return latest.outcome if latest else ""

    # --- agreement ---

    def agreement_performed(self, activation: Any) -> bool:
        latest = _case(activation).agreements.order_by("-id").first()
        return bool(latest and latest.performance == Performance.PERFORMED)

    def record_remedy(self, activation: Any, route: str, by: Any) -> None:
        agreements.choose_remedy(_case(activation), route, by=by)

    def remedy_is_arbitration(self, activation: Any) -> bool:
        latest = _case(activation).agreements.order_by("-id").first()
        return bool(latest and latest.non_performance_route == NonPerformanceRoute.ARBITRATION)

    # --- arbitration tier entry ---

    def hand_to_arbitration(self, activation: Any) -> None:
        case = _case(activation)
        direct = case.tier == Tier.ARBITRATION and not case.mediations.exists() and not case.negotiations.exists()
        if case.tier != Tier.ARBITRATION:
            mediation.hand_to_arbitration(case)
            case.refresh_from_db()
        arbitration.receive_arbitration(case, received_at=case.filed_at if direct else None)

    # --- arbitration ---

    def _arbitration(self, activation: Any) -> Any:
        return arbitration.current_arbitration(_case(activation))

    def application_accepted(self, activation: Any) -> bool:
        return self._arbitration(activation).accepted_on is not None

    def supplement_requested(self, activation: Any) -> bool:
        current = self._arbitration(activation)
        return bool(current.supplement_requested_at and not current.supplement_completed_on and not current.refused_on)

    def complete_supplement(self, activation: Any, completed_on: Any, by: Any) -> None:
        arbitration.complete_supplement(_case(activation), completed_on, by=by)

    def record_suit_after_refusal(self, activation: Any, filed_on: Any, by: Any) -> None:
        litigation.record_court_filing(_case(activation), FilingKind.SUIT_AFTER_REFUSAL, filed_on, by=by)

    def award_issued(self, activation: Any) -> bool:
        return self._arbitration(activation).closure in (ArbitralClosure.AWARD, ArbitralClosure.PARTIAL_AWARD)

    def record_first_filing(self, activation: Any, kind: str, filed_on: Any, by: Any) -> None:
        litigation.record_court_filing(_case(activation), kind, filed_on, by=by)

    def windows_lapse(self, activation: Any) -> datetime:
        return clock_expiry(_case(activation), litigation.WINDOW_RULES)

    def give_effect(self, activation: Any) -> None:
        litigation.give_award_effect(_case(activation))

    def record_last_decision(self, activation: Any, outcome: str, decided_on: Any, by: Any) -> None:
        litigation.record_court_decision(_case(activation), outcome, decided_on, by=by)
