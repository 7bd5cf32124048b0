"""REST actions for every human step of the first tiers: POST /api/v1/cases/{id}/{action}/."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from disputes import permissions
from disputes.errors import DomainError
from disputes.models import Case, MediationOutcome, NegotiationOutcome, NonPerformanceRoute, Organization, Performance
from disputes.services import mediation
from disputes.services.mediation import AgreementDetails, AgreementItemDetails
from workflows import steps


class NegotiationOutcomeInput(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[(c.value, c.label) for c in NegotiationOutcome if c != NegotiationOutcome.DEEMED_UNWILLING]
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ChooseNextInput(serializers.Serializer):
    choice = serializers.ChoiceField(
        choices=[("mediation", _("申请调解")), ("arbitration", _("申请仲裁")), ("withdraw", _("撤回"))]
    )
    organization = serializers.IntegerField(required=False, allow_null=True, default=None)


class EmptyInput(serializers.Serializer):
    pass


class AssignInput(serializers.Serializer):
    mediator = serializers.IntegerField(label=_("调解员"))


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


class MediationOutcomeInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=MediationOutcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    agreement = AgreementInput(required=False, allow_null=True, default=None)


class ExtendGigWindowInput(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=15)
    both_parties_consent = serializers.BooleanField()


class EscalationInput(serializers.Serializer):
    accept = serializers.BooleanField()


class PaymentInput(serializers.Serializer):
    performance = serializers.ChoiceField(choices=[c for c in Performance.choices if c[0] != Performance.PENDING])
    amount_paid = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RemedyInput(serializers.Serializer):
    route = serializers.ChoiceField(choices=NonPerformanceRoute.choices)


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


ACTIONS = (
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
        lambda c, u, d: steps.assign(c, _mediator(d["mediator"]), u),
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
        lambda c, u, d: steps.reroute(c, _organization(d["organization"]), d["reason"], u),
    ),
)
