"""Negotiation and mediation: every step of the first tiers, each one audit entry, clocks kept per spec.

Times are aware (UTC); clock dates are Asia/Shanghai calendar dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disputes.errors import ActionForbidden, DomainError, NotAllowedInState
from disputes.models import (
    Agreement,
    AgreementItem,
    Case,
    ClosureKind,
    Mediation,
    MediationOutcome,
    Negotiation,
    NegotiationOutcome,
    Organization,
    OrganizationKind,
    Tier,
)
from disputes.models.organizations import MEDIATION_KINDS
from disputes.permissions import can_lead_mediation
from disputes.services.audit import record_event
from disputes.services.case_versions import touch_cases
from disputes.services.clocks import begin_clock, end_open_clocks, extend_clock, open_clock
from disputes.services.closure import close_case
from disputes.services.counters import bump
from disputes.services.routing import initial_organization

NEGOTIATION_RULES = ("negotiation.response",)
WINDOW_RULES = ("mediation.window", "mediation.gig_window")
ACCEPTANCE_RULES = ("mediation.acceptance",)
# Sent (inside the transaction) when a case leaves the first tiers for arbitration.
handed_to_arbitration = Signal()
# Sent with `case` (inside the transaction) when the mediation window ran out and arbitration is offered.
escalation_offered = Signal()


def _today() -> date:
    return timezone.localdate()


def _require_open(case: Case) -> None:
    if case.is_closed:
        raise NotAllowedInState(_("案件已结案。"), code="case_already_closed")


# --- negotiation -----------------------------------------------------------------------------------


def start_negotiation(case: Case, *, by: Any = None) -> Negotiation:
    """The employer is invited; `negotiation.response` runs from the request (its audit: the caller's)."""
    negotiation = Negotiation.objects.create(case=case, requested_at=case.filed_at)
    begin_clock(case, "negotiation.response", timezone.localdate(case.filed_at))
    return negotiation


def _open_negotiation(case: Case) -> Negotiation:
    negotiation = case.negotiations.filter(outcome="").first()
    if negotiation is None:
        raise NotAllowedInState(_("该案件没有进行中的协商。"), code="no_open_negotiation")
    return negotiation


@transaction.atomic
def record_negotiation_outcome(case: Case, outcome: str, *, by: Any, note: str = "") -> Negotiation:
    """Settled closes the case; unwilling or failed ends negotiation and the worker chooses what next."""
    if outcome not in (NegotiationOutcome.SETTLED, NegotiationOutcome.UNWILLING, NegotiationOutcome.FAILED):
        raise DomainError(_("协商结果只能是达成和解、对方不愿协商或协商不成。"), code="invalid_outcome")
    negotiation = _open_negotiation(case)
    negotiation.outcome, negotiation.concluded_at, negotiation.note = outcome, timezone.now(), note
    negotiation.save()
    end_open_clocks(case, NEGOTIATION_RULES, _today(), outcome="met")
    if outcome == NegotiationOutcome.SETTLED:
        close_case(case, ClosureKind.NEGOTIATION_SETTLEMENT)
    record_event(case, "negotiation_concluded", actor=by, after={"outcome": outcome, "tier": case.tier}, note=note)
    return negotiation


@transaction.atomic
def deem_negotiation_unwilling(case: Case) -> Negotiation:
    """`negotiation.response` ran out with no answer: the other side is deemed unwilling (Order 17)."""
    negotiation = _open_negotiation(case)
    negotiation.outcome, negotiation.concluded_at = NegotiationOutcome.DEEMED_UNWILLING, timezone.now()
    negotiation.save()
    end_open_clocks(case, NEGOTIATION_RULES, _today(), outcome="missed")
    record_event(case, "negotiation_concluded", after={"outcome": negotiation.outcome})
    return negotiation


# --- choosing the next tier --------------------------------------------------------------------------


@transaction.atomic
def choose_mediation(case: Case, *, by: Any, organization: Organization | None = None) -> Mediation:
    """After negotiation or a refusal: mediation by the street's centre (or a chosen organization)."""
    _require_open(case)
    target = organization or initial_organization(case.workplace_street, Tier.MEDIATION, is_collective=False)
    if target is None or target.kind not in MEDIATION_KINDS:
        raise DomainError(_("请选择一个调解组织。"), code="invalid_organization_choice")
    before = {"tier": case.tier, "organization": case.current_organization_id}
    case.tier, case.current_organization = Tier.MEDIATION, target
    case.save(update_fields=["tier", "current_organization", "updated_at"])
    mediation = receive_for_mediation(case)
    record_event(
        case, "mediation_requested", actor=by, before=before, after={"tier": case.tier, "organization": target.pk}
    )
    from disputes.services.invitations import invite_employer

    invite_employer(case, purpose="mediation", by=by)  # at the addresses the case used before
    return mediation


def receive_for_mediation(case: Case, received_at: datetime | None = None) -> Mediation:
    """The organization receives the application: `mediation.window` (and for enterprise committees
    `mediation.acceptance`) run from receipt; the gig window waits for acceptance."""
    organization = case.current_organization
    assert organization is not None
    gig = organization.handles_gig_disputes and case.claimants.filter(is_gig_worker=True).exists()
    mediation = Mediation.objects.create(
        case=case, organization=organization, is_gig=gig, received_at=received_at or timezone.now()
    )
    received_on = timezone.localdate(mediation.received_at)
    if organization.kind == OrganizationKind.ENTERPRISE_COMMITTEE:
        begin_clock(case, "mediation.acceptance", received_on)
    if not gig:
        begin_clock(case, "mediation.window", received_on)
    return mediation


# --- acceptance ----------------------------------------------------------------------------------------


def current_mediation(case: Case) -> Mediation:
    mediation = case.mediations.current()
    if mediation is None:
        raise NotAllowedInState(_("该案件没有进行中的调解。"), code="no_open_mediation")
    return mediation


@transaction.atomic
def accept_mediation(case: Case, *, by: Any) -> Mediation:
    """受理: the organization takes the case up; for gig one-stop mediation the 15-day window starts now."""
    mediation = current_mediation(case)
    if mediation.accepted_at:
        raise NotAllowedInState(_("该调解申请已受理。"), code="already_accepted")
    mediation.accepted_at = timezone.now()
    mediation.save(update_fields=["accepted_at"])
    bump(case, "mediation_accepted", mediation.accepted_at)
    end_open_clocks(case, ACCEPTANCE_RULES, _today(), outcome="met")
    if mediation.is_gig:
        begin_clock(case, "mediation.gig_window", _today())
    record_event(
        case, "mediation_accepted", actor=by, after={"organization": mediation.organization_id, "gig": mediation.is_gig}
    )
    return mediation


@transaction.atomic
def decline_mediation(case: Case, reason: str, *, by: Any) -> Mediation:
    """不予受理, with the reason recorded; the worker then chooses arbitration or another route."""
    if not reason.strip():
        raise DomainError(_("不予受理须说明理由。"), code="reason_required")
    mediation = current_mediation(case)
    if mediation.accepted_at:
        raise NotAllowedInState(_("已受理的调解不能再不予受理。"), code="already_accepted")
    mediation.declined_at, mediation.decline_reason = timezone.now(), reason.strip()
    mediation.save(update_fields=["declined_at", "decline_reason"])
    end_open_clocks(case, ACCEPTANCE_RULES, _today(), outcome="met")
    end_open_clocks(case, WINDOW_RULES, _today(), outcome="stopped")
    record_event(
        case, "mediation_declined", actor=by, after={"organization": mediation.organization_id}, note=reason.strip()
    )
    return mediation


# --- mediators, rerouting, the gig window -----------------------------------------------------------------


@transaction.atomic
def assign_mediator(case: Case, mediator: Any, *, by: Any) -> Mediation:
    """A mediator claims the case, or a lead assigns or reassigns it."""
    mediation = current_mediation(case)
    before = {"mediator": mediation.mediator_id}
    mediation.mediator = mediator
    mediation.save(update_fields=["mediator"])
    record_event(case, "mediator_assigned", actor=by, before=before, after={"mediator": mediator.pk})
    return mediation


@transaction.atomic
def record_claim(case: Case, owner: Any, *, by: Any) -> None:
    """A staff task of the case was claimed or assigned: the mediator of an ongoing mediation, else a note."""
    if case.mediations.current() is not None:
        assign_mediator(case, owner, by=by)
    else:
        record_event(case, "task_claimed", actor=by, after={"owner": owner.pk})


@transaction.atomic
def reroute_case(case: Case, organization: Organization, reason: str, *, by: Any) -> Case:
    """A mediation lead sends a case not yet accepted to another mediation organization, with a reason."""
    if not can_lead_mediation(by, case):
        raise ActionForbidden(_("只有承办组织的调解负责人可以改派。"), code="cannot_reroute")
    if not reason.strip():
        raise DomainError(_("改派须说明理由。"), code="reason_required")
    if (
        organization.kind not in MEDIATION_KINDS
        or not organization.is_active
        or organization == case.current_organization
    ):
        raise DomainError(_("只能改派给另一个调解组织。"), code="invalid_organization_choice")
    mediation = current_mediation(case)
    if mediation.accepted_at:
        raise NotAllowedInState(_("已受理的调解不能改派。"), code="already_accepted")
    before = {"organization": case.current_organization_id}
    case.current_organization = organization
    case.save(update_fields=["current_organization", "updated_at"])
    mediation.organization = organization
    mediation.save(update_fields=["organization"])
    record_event(
        case, "case_rerouted", actor=by, before=before, after={"organization": organization.pk}, note=reason.strip()
    )
    return case


@transaction.atomic
def extend_gig_window(case: Case, days: int, *, by: Any, both_parties_consent: bool) -> Any:
    """Extend the gig one-stop window by up to 15 days with both parties' consent."""
    if not both_parties_consent:
        raise DomainError(_("延长调解期限须经双方当事人同意。"), code="consent_required")
    clock = open_clock(case, "mediation.gig_window")
    if clock is None:
        raise NotAllowedInState(_("该案件没有进行中的一站式调解期限。"), code="no_gig_window")
    return extend_clock(clock, days, _today(), by=by, reason=str(_("双方当事人同意延长调解期限")))


# --- outcome, escalation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementItemDetails:
    description: str
    amount: Decimal | None = None
    pay_by: date | None = None
    category: str = ""


@dataclass(frozen=True)
class AgreementDetails:
    signed_on: date
    items: list[AgreementItemDetails] = field(default_factory=list)


@transaction.atomic
def record_mediation_outcome(
    case: Case, outcome: str, *, by: Any, note: str = "", agreement: AgreementDetails | None = None
) -> Mediation:
    """Agreement (with its items), failed, withdrawn, or the respondent refuses."""
    if outcome not in MediationOutcome.values:
        raise DomainError(_("未知的调解结果。"), code="invalid_outcome")
    mediation = current_mediation(case)
    if not mediation.accepted_at:
        raise NotAllowedInState(_("调解申请尚未受理。"), code="not_accepted")
    if outcome == MediationOutcome.AGREEMENT:
        _store_agreement(case, mediation, agreement)
    mediation.outcome, mediation.concluded_at, mediation.note = outcome, timezone.now(), note
    mediation.save(update_fields=["outcome", "concluded_at", "note"])
    count_conclusion(case, mediation)
    end_open_clocks(case, WINDOW_RULES, _today(), outcome="met" if outcome == MediationOutcome.AGREEMENT else "stopped")
    if outcome == MediationOutcome.WITHDRAWN:
        close_case(case, ClosureKind.WITHDRAWN)
    record_event(case, "mediation_concluded", actor=by, after={"outcome": outcome, "tier": case.tier}, note=note)
    return mediation


def count_conclusion(case: Case, mediation: Mediation) -> None:
    """调解成功率 counts every concluded mediation; the efficacy rate the street centres' agreements."""
    bump(case, "mediation_concluded", mediation.concluded_at)  # type: ignore[arg-type]
    if mediation.outcome == MediationOutcome.AGREEMENT:
        bump(case, "mediation_succeeded", mediation.concluded_at)  # type: ignore[arg-type]
        if mediation.organization.kind == OrganizationKind.STREET_MEDIATION_CENTRE:
            bump(case, "street_agreement", mediation.concluded_at)  # type: ignore[arg-type]


def _store_agreement(case: Case, mediation: Mediation, details: AgreementDetails | None) -> Agreement:
    if details is None or not details.items:
        raise DomainError(_("达成调解协议须填写协议事项。"), code="agreement_items_required")
    if details.signed_on > _today():
        raise DomainError(_("协议签订日期不能晚于今天。"), code="date_in_future")
    if any(item.amount is not None and item.amount < 0 for item in details.items):
        raise DomainError(_("金额不能为负数。"), code="negative_amount")
    peoples = mediation.organization.kind in (
        OrganizationKind.VILLAGE_COMMITTEE,
        OrganizationKind.STREET_MEDIATION_CENTRE,
    )
    agreement = Agreement.objects.create(
        case=case, mediation=mediation, signed_on=details.signed_on, is_peoples_mediation=peoples
    )
    AgreementItem.objects.bulk_create(
        AgreementItem(
            agreement=agreement, description=i.description, amount=i.amount, pay_by=i.pay_by, category=i.category
        )
        for i in details.items
    )
    begin_clock(case, "agreement.arbitral_review", details.signed_on)
    if peoples:
        begin_clock(case, "agreement.judicial_confirmation", details.signed_on)
    return agreement


@transaction.atomic
def offer_escalation(case: Case) -> None:
    """The mediation window ran out: the worker is offered arbitration (Law 14); the worker decides."""
    end_open_clocks(case, WINDOW_RULES, _today(), outcome="missed")
    record_event(case, "escalation_offered", after={"tier": case.tier})
    escalation_offered.send(sender=Case, case=case)


@transaction.atomic
def decide_escalation(case: Case, accept: bool, *, by: Any) -> None:
    """The worker's answer to the offer: arbitration now, or mediation goes on."""
    _require_open(case)
    if accept:
        hand_to_arbitration(case, by=by, reason=str(_("调解期满，申请人选择申请仲裁")))
    else:
        record_event(case, "escalation_declined", actor=by)


@transaction.atomic
def hand_to_arbitration(case: Case, *, by: Any = None, reason: str = "") -> Case:
    """The case leaves negotiation or mediation for the arbitration tier's entry point."""
    _require_open(case)
    before = {"tier": case.tier, "organization": case.current_organization_id}
    mediation = case.mediations.current()
    if mediation is not None and mediation.accepted_at and not mediation.outcome:
        mediation.outcome, mediation.concluded_at = MediationOutcome.FAILED, timezone.now()
        mediation.save(update_fields=["outcome", "concluded_at"])
        count_conclusion(case, mediation)
    end_open_clocks(case, NEGOTIATION_RULES + WINDOW_RULES + ACCEPTANCE_RULES, _today(), outcome="stopped")
    case.tier = Tier.ARBITRATION
    case.current_organization = initial_organization(
        case.workplace_street, Tier.ARBITRATION, is_collective=case.is_collective
    )
    case.save(update_fields=["tier", "current_organization", "updated_at"])
    record_event(
        case,
        "handed_to_arbitration",
        actor=by,
        before=before,
        after={"tier": case.tier, "organization": case.current_organization_id},
        note=reason,
    )
    handed_to_arbitration.send(sender=Case, case=case)
    return case


@transaction.atomic
def elect_representatives(case: Case, worker_ids: list[int], *, by: Any) -> None:
    """Replace the representatives of a collective dispute with 3–5 of its claimants."""
    if not case.is_collective:
        raise NotAllowedInState(_("只有集体争议需要推举代表。"), code="not_collective")
    links = case.claimant_links.all()
    if not 3 <= len(set(worker_ids)) <= 5 or not set(worker_ids) <= {link.worker_id for link in links}:
        raise DomainError(_("集体争议须从申请人中推举三至五名代表。"), code="representatives_required")
    before = sorted(link.worker_id for link in links if link.is_representative)
    links.update(is_representative=False)
    case.claimant_links.filter(worker_id__in=worker_ids).update(is_representative=True)
    touch_cases([case.pk])
    record_event(
        case,
        "representatives_elected",
        actor=by,
        before={"workers": before},
        after={"workers": sorted(set(worker_ids))},
    )
