"""Moves demo cases into every state of the first tiers through the real step functions."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from disputes.errors import DomainError
from disputes.models import Case, Tier
from disputes.permissions import can_decide_for_claimant
from disputes.services.mediation import AgreementDetails, AgreementItemDetails
from workflows import steps

MEDIATION_PLANS = (
    "waiting",
    "claimed",
    "mediating",
    "agreement",
    "performed",
    "payment_order",
    "failed",
    "declined",
    "mediating",
    "withdrawn",
)
NEGOTIATION_PLANS = ("waiting", "settled", "failed", "waiting")


def advance(case: Case, index: int, mediator: Any, worker: Any) -> None:
    """Take the steps that bring `case` to the plan chosen by `index`; a refused step ends the walk."""
    try:
        if case.tier == Tier.NEGOTIATION:
            _negotiate(case, NEGOTIATION_PLANS[index % len(NEGOTIATION_PLANS)], mediator, worker)
        elif case.tier == Tier.MEDIATION:
            _mediate(case, MEDIATION_PLANS[index % len(MEDIATION_PLANS)], mediator, worker)
    except DomainError:
        pass  # e.g. the case was withdrawn; the demo keeps whatever state it reached


def _negotiate(case: Case, plan: str, mediator: Any, worker: Any) -> None:
    if plan in ("settled", "failed"):
        steps.run_handle(case, "negotiate", lambda u, c: True, mediator, outcome=plan, note="【演示】")
    if plan == "failed":
        decider = worker if can_decide_for_claimant(worker, case) else mediator
        steps.run_handle(case, "choose_next", lambda u, c: True, decider, choice="mediation", organization=None)


def _mediate(case: Case, plan: str, mediator: Any, worker: Any) -> None:
    if plan == "waiting":
        return
    steps.claim(case, mediator)
    if plan == "claimed":
        return
    if plan == "declined":
        steps.run_staff_step(
            case,
            "accept_mediation",
            mediator,
            lambda c: steps.perform_acceptance(c, mediator, False, "【演示】不属于本中心受理范围"),
        )
        return
    steps.run_staff_step(case, "accept_mediation", mediator, lambda c: steps.perform_acceptance(c, mediator, True))
    if plan == "mediating":
        return
    outcome = {"failed": "failed", "withdrawn": "withdrawn"}.get(plan, "agreement")
    steps.run_staff_step(
        case, "mediate", mediator, lambda c: steps.perform_outcome(c, mediator, outcome, "【演示】", _agreement(case))
    )
    _follow_up(case, plan, mediator, worker)


def _agreement(case: Case) -> AgreementDetails:
    today = timezone.localdate()
    amount = sum((item.amount or Decimal(0) for item in case.claim_items.all()), Decimal(0)) * Decimal("0.8")
    item = AgreementItemDetails(
        "被申请人支付劳动报酬及补偿", amount.quantize(Decimal("0.01")), today + timedelta(days=10), "unpaid_wages"
    )
    return AgreementDetails(signed_on=today, items=[item])


def _follow_up(case: Case, plan: str, mediator: Any, worker: Any) -> None:
    if plan not in ("performed", "payment_order"):
        return
    performance = "performed" if plan == "performed" else "not_performed"
    steps.run_staff_step(
        case,
        "follow_up",
        mediator,
        lambda c: steps.perform_follow_up(c, mediator, performance, note="【演示】电话回访"),
    )
    if plan == "payment_order":
        decider = worker if can_decide_for_claimant(worker, case) else mediator
        steps.run_handle(case, "choose_remedy", lambda u, c: True, decider, route="payment_order")


ARBITRATION_PLANS = ("waiting", "supplement", "refused", "hearing", "award", "suit", "mediated", "suspended")


def advance_arbitration(case: Case, index: int, staff: Any, director: Any) -> None:
    """Walk an arbitration case into one state; old window filings are accepted on receipt, so some run late."""
    plan = ARBITRATION_PLANS[index % len(ARBITRATION_PLANS)]
    with contextlib.suppress(DomainError):  # a refused step ends the walk where it is
        _arbitrate(case, plan, staff, director)


def _arbitrate(case: Case, plan: str, staff: Any, director: Any) -> None:
    from disputes.services import arbitration as services

    if plan == "waiting":
        return
    received_on = timezone.localdate(services.current_arbitration(case).received_at)
    if plan in ("supplement", "refused"):
        decision = {"supplement": "supplement", "refused": "refuse"}[plan]
        steps.run_staff_step(
            case,
            "accept_application",
            staff,
            lambda c: steps.perform_application_decision(
                c, staff, decision, "【演示】材料不全" if plan == "supplement" else "【演示】不属于受案范围"
            ),
        )
        return
    accepted_on = min(received_on + timedelta(days=2), timezone.localdate())
    steps.run_staff_step(
        case, "accept_application", staff, lambda c: services.accept_arbitration(c, by=staff, on=accepted_on)
    )
    _hear(case, plan, staff, director, accepted_on)


def _hear(case: Case, plan: str, staff: Any, director: Any, accepted_on: Any) -> None:
    from disputes.services import arbitration as services
    from disputes.services.arbitration import AwardItemDetails

    today = timezone.localdate()
    steps.run_hearing_stage(
        case, staff, lambda c: services.record_service(c, min(accepted_on + timedelta(days=1), today), by=staff)
    )
    if plan == "hearing":
        steps.run_hearing_stage(
            case, staff, lambda c: services.schedule_hearing(c, today + timedelta(days=14), by=staff)
        )
    elif plan == "suspended":
        steps.run_hearing_stage(
            case, director, lambda c: services.suspend_proceedings(c, today, "【演示】公告送达", by=director)
        )
    elif plan == "mediated":
        steps.run_hearing_stage(case, staff, lambda c: services.record_arbitral_mediation(c, today, by=staff))
    elif plan in ("award", "suit"):
        items = [AwardItemDetails(item.category, item.amount) for item in case.claim_items.all()]
        steps.run_hearing_stage(
            case, staff, lambda c: services.issue_award(c, items, by=staff, decided_on=today, served_on=today)
        )
        if plan == "suit":
            steps.record_court_filing(case, staff, "worker_suit", today)
