"""REST actions for every human step of the first tiers: POST /api/v1/cases/{id}/{action}/."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from disputes import permissions
from disputes.api import examples
from disputes.errors import DomainError
from disputes.models import (
    Case,
    ClaimCategory,
    CourtOutcome,
    FilingKind,
    MediationOutcome,
    NegotiationOutcome,
    NonPerformanceRoute,
    Organization,
    Performance,
)
from disputes.services import arbitration, mediation
from disputes.services.arbitration import AwardItemDetails
from disputes.services.mediation import AgreementDetails, AgreementItemDetails
from workflows import steps


@extend_schema_serializer(
    examples=[examples.request("settled", {"outcome": "settled", "note": "双方同意分两期支付。"})]
)
class NegotiationOutcomeInput(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[(c.value, c.label) for c in NegotiationOutcome if c != NegotiationOutcome.DEEMED_UNWILLING]
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


@extend_schema_serializer(examples=[examples.request("mediation", {"choice": "mediation", "organization": None})])
class ChooseNextInput(serializers.Serializer):
    choice = serializers.ChoiceField(
        choices=[("mediation", _("申请调解")), ("arbitration", _("申请仲裁")), ("withdraw", _("撤回"))]
    )
    organization = serializers.IntegerField(required=False, allow_null=True, default=None)


class EmptyInput(serializers.Serializer):
    pass


@extend_schema_serializer(examples=[examples.request("assign", {"mediator": 2})])
class AssignInput(serializers.Serializer):
    mediator = serializers.IntegerField(label=_("调解员"))


@extend_schema_serializer(examples=[examples.request("decline", {"reason": "不属于劳动争议受理范围。"})])
class DeclineInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, label=_("不予受理理由"))


class AgreementItemInput(serializers.Serializer):
    description = serializers.CharField(max_length=500)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, default=None)
    pay_by = serializers.DateField(required=False, allow_null=True, default=None)
    category = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)


class AgreementInput(serializers.Serializer):
    signed_on = serializers.DateField()
    items = AgreementItemInput(many=True)


@extend_schema_serializer(
    examples=[examples.request("agreement", {"outcome": "agreement", "note": "", "agreement": examples.AGREEMENT})]
)
class MediationOutcomeInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=MediationOutcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    agreement = AgreementInput(required=False, allow_null=True, default=None)


@extend_schema_serializer(examples=[examples.request("extend", {"days": 15, "both_parties_consent": True})])
class ExtendGigWindowInput(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=15)
    both_parties_consent = serializers.BooleanField()


@extend_schema_serializer(examples=[examples.request("apply for arbitration", {"accept": True})])
class EscalationInput(serializers.Serializer):
    accept = serializers.BooleanField()


@extend_schema_serializer(
    examples=[examples.request("paid", {"performance": "performed", "amount_paid": "9000.00", "note": "已全额支付。"})]
)
class PaymentInput(serializers.Serializer):
    performance = serializers.ChoiceField(choices=[c for c in Performance.choices if c[0] != Performance.PENDING])
    amount_paid = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


@extend_schema_serializer(examples=[examples.request("arbitration", {"route": "arbitration"})])
class RemedyInput(serializers.Serializer):
    route = serializers.ChoiceField(choices=NonPerformanceRoute.choices)


@extend_schema_serializer(examples=[examples.request("reroute", {"organization": 16, "reason": "用工地在七宝镇。"})])
class RerouteInput(serializers.Serializer):
    organization = serializers.IntegerField()
    reason = serializers.CharField(max_length=2000)


def _organization(pk: int | None) -> Organization | None:
    if pk is None:
        return None
    found = Organization.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise DomainError(_("组织不存在。"), code="unknown_organization")
    return found


def _agreement(data: dict[str, Any] | None) -> AgreementDetails | None:
    if not data:
        return None
    items = [AgreementItemDetails(**item) for item in data["items"]]
    return AgreementDetails(signed_on=data["signed_on"], items=items)


def _mediator(pk: int) -> Any:
    found = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise DomainError(_("调解员不存在。"), code="unknown_user")
    return found


def _assign(case: Case, user: Any, data: dict[str, Any]) -> None:
    steps.require(steps.staff_checks(case)[1], user, case)  # before looking the colleague up
    steps.assign(case, _mediator(data["mediator"]), user)


def _reroute(case: Case, user: Any, data: dict[str, Any]) -> None:
    steps.require(permissions.can_lead_mediation, user, case)
    organization = _organization(data["organization"])
    assert organization is not None
    steps.reroute(case, organization, data["reason"], user)


def _outcome(case: Case, user: Any, data: dict[str, Any]) -> None:
    def perform(c: Case) -> None:
        steps.perform_outcome(c, user, data["outcome"], data["note"], _agreement(data["agreement"]))

    steps.run_staff_step(case, "mediate", user, perform)


def _extend(case: Case, user: Any, data: dict[str, Any]) -> None:
    if not permissions.can_mediate(user, case):
        steps.deny()
    mediation.extend_gig_window(case, data["days"], by=user, both_parties_consent=data["both_parties_consent"])


@dataclass(frozen=True)
class Action:
    name: str
    summary: str
    serializer: type[serializers.Serializer]
    run: Callable[[Case, Any, dict[str, Any]], Any]


MEDIATION_ACTIONS: tuple[Action, ...] = (
    Action(
        "negotiation_outcome",
        "记录协商结果 / record the negotiation outcome",
        NegotiationOutcomeInput,
        lambda c, u, d: steps.run_handle(
            c, "negotiate", permissions.can_answer_negotiation, u, outcome=d["outcome"], note=d["note"]
        ),
    ),
    Action(
        "choose_next",
        "申请人选择调解、仲裁或撤回 / the worker chooses mediation, arbitration or withdrawal",
        ChooseNextInput,
        lambda c, u, d: steps.run_handle(
            c,
            "choose_next",
            permissions.can_decide_for_claimant,
            u,
            choice=d["choice"],
            organization=_organization(d["organization"]),
        ),
    ),
    Action("claim", "调解员认领任务 / a mediator claims the task", EmptyInput, lambda c, u, d: steps.claim(c, u)),
    Action(
        "assign",
        "负责人指派或改派调解员 / a lead assigns or reassigns",
        AssignInput,
        _assign,
    ),
    Action(
        "accept_mediation",
        "受理调解申请 / accept the mediation request",
        EmptyInput,
        lambda c, u, d: steps.run_staff_step(
            c, "accept_mediation", u, lambda case: steps.perform_acceptance(case, u, True)
        ),
    ),
    Action(
        "decline_mediation",
        "不予受理 / decline the mediation request",
        DeclineInput,
        lambda c, u, d: steps.run_staff_step(
            c, "accept_mediation", u, lambda case: steps.perform_acceptance(case, u, False, d["reason"])
        ),
    ),
    Action("record_mediation_outcome", "记录调解结果 / record the mediation outcome", MediationOutcomeInput, _outcome),
    Action(
        "extend_gig_window",
        "经双方同意延长一站式调解期限 / extend the gig window with consent",
        ExtendGigWindowInput,
        _extend,
    ),
    Action(
        "decide_escalation",
        "申请人决定是否申请仲裁 / the worker answers the escalation offer",
        EscalationInput,
        lambda c, u, d: steps.run_handle(
            c, "offer_escalation", permissions.can_decide_for_claimant, u, accept=d["accept"]
        ),
    ),
    Action(
        "record_payment",
        "记录协议履行回访 / record the payment follow-up",
        PaymentInput,
        lambda c, u, d: steps.run_staff_step(
            c,
            "follow_up",
            u,
            lambda case: steps.perform_follow_up(case, u, d["performance"], d["amount_paid"], d["note"]),
        ),
    ),
    Action(
        "choose_remedy",
        "协议未履行：申请支付令或仲裁 / payment order or arbitration",
        RemedyInput,
        lambda c, u, d: steps.run_handle(c, "choose_remedy", permissions.can_decide_for_claimant, u, route=d["route"]),
    ),
    Action(
        "reroute",
        "负责人改派调解组织 / a lead reroutes the case",
        RerouteInput,
        _reroute,
    ),
)


# --- arbitration and litigation ----------------------------------------------------------------------------


@extend_schema_serializer(examples=[examples.request("supplement", {"reason": "请补充劳动合同复印件。"})])
class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


@extend_schema_serializer(examples=[examples.request("on a day", {"on": "2026-12-10"})])
class DateInput(serializers.Serializer):
    on = serializers.DateField()


@extend_schema_serializer(
    examples=[examples.request("claims changed", {"reason": "claims_changed", "on": "2026-12-10"})]
)
class RestartInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=list(arbitration.RESTART_REASONS.items()))
    on = serializers.DateField()


@extend_schema_serializer(
    examples=[examples.request("hearing", {"hearing_on": "2027-01-08", "notice_served_on": "2026-12-28"})]
)
class HearingInput(serializers.Serializer):
    hearing_on = serializers.DateField()
    notice_served_on = serializers.DateField(required=False, allow_null=True, default=None)


@extend_schema_serializer(
    examples=[
        examples.request("held", {"held_on": "2027-01-08", "applicant_present": True, "respondent_present": True})
    ]
)
class HeldInput(serializers.Serializer):
    held_on = serializers.DateField()
    applicant_present = serializers.BooleanField()
    respondent_present = serializers.BooleanField()


@extend_schema_serializer(examples=[examples.request("suspend", {"on": "2026-12-20", "reason": "等待工伤认定结论。"})])
class SuspendInput(serializers.Serializer):
    on = serializers.DateField()
    reason = serializers.CharField(max_length=2000)


@extend_schema_serializer(
    examples=[examples.request("extend", {"days": 15, "reason": "案情复杂，经仲裁委员会主任批准。"})]
)
class ExtendInput(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=15)
    reason = serializers.CharField(max_length=2000)


class AwardItemInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=ClaimCategory.choices)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, default=None)
    granted = serializers.BooleanField(default=True)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


@extend_schema_serializer(examples=[examples.request("award", examples.AWARD)])
class AwardInput(serializers.Serializer):
    decided_on = serializers.DateField()
    served_on = serializers.DateField()
    is_partial = serializers.BooleanField(default=False)
    items = AwardItemInput(many=True)


@extend_schema_serializer(examples=[examples.request("worker sues", {"kind": "worker_suit", "filed_on": "2027-02-01"})])
class FilingInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[c for c in FilingKind.choices if c[0] != FilingKind.SUIT_AFTER_REFUSAL])
    filed_on = serializers.DateField()


@extend_schema_serializer(examples=[examples.request("filed", {"filed_on": "2027-01-05"})])
class FiledInput(serializers.Serializer):
    filed_on = serializers.DateField()


@extend_schema_serializer(examples=[examples.request("judgment", {"outcome": "judgment", "decided_on": "2027-06-30"})])
class CourtDecisionInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=CourtOutcome.choices)
    decided_on = serializers.DateField()


@extend_schema_serializer(examples=[examples.request("three representatives", {"workers": [3, 4, 5]})])
class RepresentativesInput(serializers.Serializer):
    workers = serializers.ListField(child=serializers.IntegerField(), min_length=3, max_length=5)


def _hearing(step: Callable[[Case, Any, dict[str, Any]], Any]) -> Callable[[Case, Any, dict[str, Any]], None]:
    """A step of the hearing stage: performed under the hearing task, which completes if it closes the case."""
    return lambda c, u, d: steps.run_hearing_stage(c, u, lambda case: step(case, u, d))


def _application(decision: str) -> Callable[[Case, Any, dict[str, Any]], None]:
    return lambda c, u, d: steps.run_staff_step(
        c,
        "accept_application",
        u,
        lambda case: steps.perform_application_decision(case, u, decision, d.get("reason", "")),
    )


def _award(case: Case, user: Any, data: dict[str, Any]) -> None:
    items = [AwardItemDetails(**item) for item in data["items"]]
    arbitration.issue_award(
        case, items, by=user, decided_on=data["decided_on"], served_on=data["served_on"], is_partial=data["is_partial"]
    )


ARBITRATION_ACTIONS: tuple[Action, ...] = (
    Action(
        "accept_arbitration",
        "仲裁院受理仲裁申请 / accept the arbitration application",
        EmptyInput,
        _application("accept"),
    ),
    Action(
        "request_supplement",
        "通知申请人补正 / ask the applicant to complete the application",
        ReasonInput,
        _application("supplement"),
    ),
    Action("refuse_arbitration", "不予受理 / refuse to accept, with a reason", DeclineInput, _application("refuse")),
    Action(
        "complete_supplement",
        "补正完成 / the application was completed",
        DateInput,
        lambda c, u, d: steps.run_handle(c, "await_supplement", permissions.can_act_for_party, u, completed_on=d["on"]),
    ),
    Action(
        "record_suit_after_refusal",
        "不予受理后起诉 / the applicant sued after the refusal",
        FiledInput,
        lambda c, u, d: steps.run_handle(
            c, "await_suit_after_refusal", permissions.can_act_for_party, u, filed_on=d["filed_on"]
        ),
    ),
    Action(
        "record_service",
        "送达申请书副本 / the respondent received the application copy",
        DateInput,
        _hearing(lambda c, u, d: arbitration.record_service(c, d["on"], by=u)),
    ),
    Action(
        "record_defence",
        "收到答辩书 / the defence was received",
        DateInput,
        _hearing(lambda c, u, d: arbitration.record_defence(c, d["on"], by=u)),
    ),
    Action(
        "notify_panel",
        "告知仲裁庭组成 / the parties were told the panel",
        DateInput,
        _hearing(lambda c, u, d: arbitration.notify_panel(c, d["on"], by=u)),
    ),
    Action(
        "restart_award_limit",
        "反申请、变更请求、追加当事人：审理期限重新计算 / restart the award limit",
        RestartInput,
        _hearing(lambda c, u, d: arbitration.restart_award_limit(c, d["reason"], d["on"], by=u)),
    ),
    Action(
        "schedule_hearing",
        "安排开庭 / schedule a hearing (at least 5 days' notice)",
        HearingInput,
        _hearing(
            lambda c, u, d: arbitration.schedule_hearing(
                c, d["hearing_on"], by=u, notice_served_on=d["notice_served_on"]
            )
        ),
    ),
    Action(
        "request_postponement",
        "申请延期开庭 / a party asks to postpone",
        DateInput,
        _hearing(lambda c, u, d: arbitration.request_postponement(c, d["on"], by=u)),
    ),
    Action(
        "record_hearing",
        "记录开庭 / record a hearing (absent applicant: deemed withdrawal)",
        HeldInput,
        _hearing(
            lambda c, u, d: arbitration.record_hearing(
                c,
                d["held_on"],
                by=u,
                applicant_present=d["applicant_present"],
                respondent_present=d["respondent_present"],
            )
        ),
    ),
    Action(
        "suspend_proceedings",
        "中止审理（主任批准）/ suspend (director)",
        SuspendInput,
        _hearing(lambda c, u, d: arbitration.suspend_proceedings(c, d["on"], d["reason"], by=u)),
    ),
    Action(
        "resume_proceedings",
        "恢复审理 / resume",
        DateInput,
        _hearing(lambda c, u, d: arbitration.resume_proceedings(c, d["on"], by=u)),
    ),
    Action(
        "extend_award_limit",
        "延长审理期限（主任批准）/ extend the award limit (director)",
        ExtendInput,
        _hearing(lambda c, u, d: arbitration.extend_award_limit(c, d["days"], d["reason"], by=u)),
    ),
    Action(
        "record_arbitral_mediation",
        "仲裁调解书签收 / an arbitral mediation statement was signed",
        DateInput,
        _hearing(lambda c, u, d: arbitration.record_arbitral_mediation(c, d["on"], by=u)),
    ),
    Action("issue_award", "作出裁决（逐项判断终局）/ issue the award, item by item", AwardInput, _hearing(_award)),
    Action(
        "record_court_filing",
        "记录起诉或申请撤销裁决 / record a suit or revocation application",
        FilingInput,
        lambda c, u, d: steps.record_court_filing(c, u, d["kind"], d["filed_on"]),
    ),
    Action(
        "record_court_decision",
        "记录人民法院裁判 / record the court's decision",
        CourtDecisionInput,
        lambda c, u, d: steps.record_court_decision(c, u, d["outcome"], d["decided_on"]),
    ),
    Action(
        "elect_representatives",
        "集体争议推举代表（三至五名）/ elect 3–5 representatives",
        RepresentativesInput,
        lambda c, u, d: steps.elect_representatives(c, u, d["workers"]),
    ),
)
ACTIONS: tuple[Action, ...] = MEDIATION_ACTIONS + ARBITRATION_ACTIONS
