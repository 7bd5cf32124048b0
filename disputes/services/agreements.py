"""After a mediation agreement: payment follow-up, and the routes when it is not performed (Law 16)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disputes.errors import DomainError, NotAllowedInState
from disputes.models import (
    Agreement,
    Case,
    ClosureKind,
    NonPerformanceRoute,
    OrganizationKind,
    PaymentFollowUp,
    Performance,
    Tier,
)
from disputes.services.audit import record_event
from disputes.services.clocks import end_open_clocks
from disputes.services.closure import close_case
from disputes.services.counters import bump
from disputes.services.mediation import hand_to_arbitration

AGREEMENT_RULES = ("agreement.arbitral_review", "agreement.judicial_confirmation")
# Items for which non-payment opens the payment-order route (Law 16).
PAYMENT_ORDER_CATEGORIES = ("unpaid_wages", "overtime", "injury_medical", "economic_compensation", "damages", "")


def open_agreement(case: Case) -> Agreement:
    agreement = case.agreements.exclude(performance=Performance.PERFORMED).filter(non_performance_route="").first()
    if agreement is None:
        raise NotAllowedInState(_("该案件没有待跟进的调解协议。"), code="no_open_agreement")
    return agreement


@transaction.atomic
def record_payment_follow_up(
    case: Case, performance: str, *, by: Any, amount_paid: Decimal | None = None, note: str = ""
) -> PaymentFollowUp:
    """The mediator's record after contacting the worker; performed in full closes the case."""
    if performance not in (Performance.PERFORMED, Performance.PARTLY, Performance.NOT_PERFORMED):
        raise DomainError(_("履行情况只能是已履行、部分履行或未履行。"), code="invalid_performance")
    if amount_paid is not None and amount_paid < 0:
        raise DomainError(_("金额不能为负数。"), code="negative_amount")
    agreement = open_agreement(case)
    follow_up = PaymentFollowUp.objects.create(
        agreement=agreement, performance=performance, amount_paid=amount_paid, note=note, recorded_by=by
    )
    _count_performance(case, agreement, follow_up)
    agreement.performance = performance
    agreement.save(update_fields=["performance"])
    if performance == Performance.PERFORMED:
        close_case(case, ClosureKind.MEDIATION_AGREEMENT)
    record_event(
        case, "payment_followed_up", actor=by, after={"performance": performance, "tier": case.tier}, note=note
    )
    return follow_up


def _count_performance(case: Case, agreement: Agreement, follow_up: PaymentFollowUp) -> None:
    """The honest efficacy variants: a street centre's agreement found performed (and paid in full)."""
    first = agreement.performance != Performance.PERFORMED and follow_up.performance == Performance.PERFORMED
    if not first or agreement.mediation.organization.kind != OrganizationKind.STREET_MEDIATION_CENTRE:
        return
    bump(case, "street_agreement_performed", follow_up.recorded_at)
    owed = sum((item.amount or Decimal(0) for item in agreement.items.all()), Decimal(0))
    if follow_up.amount_paid is not None and follow_up.amount_paid >= owed:
        bump(case, "street_agreement_paid_in_full", follow_up.recorded_at)


@transaction.atomic
def choose_remedy(case: Case, route: str, *, by: Any) -> Agreement:
    """Agreement not (fully) performed: a payment order from the court, or arbitration."""
    agreement = open_agreement(case)
    if agreement.performance not in (Performance.PARTLY, Performance.NOT_PERFORMED):
        raise NotAllowedInState(_("协议尚未确认未履行。"), code="not_unperformed")
    if route not in NonPerformanceRoute.values:
        raise DomainError(_("救济途径只能是申请支付令或申请仲裁。"), code="invalid_route")
    if route == NonPerformanceRoute.PAYMENT_ORDER and not _payment_order_available(agreement):
        raise DomainError(
            _("支付令只适用于劳动报酬、工伤医疗费、经济补偿或赔偿金事项。"), code="payment_order_not_available"
        )
    agreement.non_performance_route = route
    agreement.save(update_fields=["non_performance_route"])
    end_open_clocks(case, AGREEMENT_RULES, timezone.localdate(), outcome="stopped")
    if route == NonPerformanceRoute.ARBITRATION:
        hand_to_arbitration(case, by=by, reason=str(_("调解协议未履行，申请人申请仲裁")))
        return agreement
    before = {"tier": case.tier}
    case.tier = Tier.LITIGATION
    case.save(update_fields=["tier", "updated_at"])
    record_event(case, "payment_order_route", actor=by, before=before, after={"tier": case.tier})
    return agreement


def _payment_order_available(agreement: Agreement) -> bool:
    return agreement.items.filter(category__in=PAYMENT_ORDER_CATEGORIES, amount__gt=0).exists()
