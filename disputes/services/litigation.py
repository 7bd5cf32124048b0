"""After the award or a refusal: suits and revocation applications at the court; the award taking effect."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disputes.errors import DomainError, NotAllowedInState
from disputes.models import (
    Case,
    ClosureKind,
    CourtFiling,
    CourtOutcome,
    FilingKind,
    Organization,
    OrganizationKind,
    Tier,
)
from disputes.services.arbitration import current_arbitration, current_award
from disputes.services.audit import record_event
from disputes.services.clocks import end_open_clocks, open_clock
from disputes.services.closure import close_case

WINDOW_RULES = ("litigation.suit", "litigation.employer_revocation")
# Sent with `case` and `award` (inside the transaction) when the windows lapsed and the award took effect.
award_took_effect = Signal()
# Which window each kind of filing must be inside.
FILING_WINDOWS: dict[str, str] = {
    FilingKind.WORKER_SUIT: "litigation.suit",
    FilingKind.EMPLOYER_SUIT: "litigation.suit",
    FilingKind.EMPLOYER_REVOCATION: "litigation.employer_revocation",
}


def _court() -> Organization:
    court = Organization.objects.filter(kind=OrganizationKind.PEOPLES_COURT, is_active=True).first()
    if court is None:
        raise DomainError(_("尚未登记人民法院。"), code="no_court")
    return court


def _check_award_filing(case: Case, kind: str) -> None:
    award = current_award(case)
    if kind == FilingKind.EMPLOYER_SUIT and not award.has_non_final_items:
        raise DomainError(_("终局裁决事项用人单位不能起诉，只能申请撤销。"), code="final_award_not_suable")
    if kind == FilingKind.EMPLOYER_REVOCATION and not award.has_final_items:
        raise DomainError(_("该裁决没有终局裁决事项，不能申请撤销。"), code="no_final_items")
    if open_clock(case, FILING_WINDOWS[kind]) is None:
        raise NotAllowedInState(_("起诉或申请撤销的期限已过。"), code="window_lapsed")


@transaction.atomic
def record_court_filing(case: Case, kind: str, filed_on: date, *, by: Any) -> CourtFiling:
    """A suit or a revocation application was filed: the case follows the award into court."""
    if kind not in FilingKind.values:
        raise DomainError(_("未知的诉讼类型。"), code="invalid_filing_kind")
    if filed_on > timezone.localdate():
        raise DomainError(_("日期不能晚于今天。"), code="date_in_future")
    if kind == FilingKind.SUIT_AFTER_REFUSAL:
        if current_arbitration(case).refused_on is None:
            raise NotAllowedInState(_("仲裁委员会未作出不予受理决定。"), code="not_refused")
    else:
        _check_award_filing(case, kind)
        end_open_clocks(case, (FILING_WINDOWS[kind],), filed_on, outcome="met")
    filing = CourtFiling.objects.create(case=case, kind=kind, court=_court(), filed_on=filed_on)
    before = {"tier": case.tier}
    # The court is recorded on the filing; the tribunal that decided keeps following the case there.
    case.tier = Tier.LITIGATION
    case.save(update_fields=["tier", "updated_at"])
    record_event(
        case, "court_filing_recorded", actor=by, before=before, after={"kind": kind, "filed_on": str(filed_on)}
    )
    return filing


@transaction.atomic
def record_court_decision(case: Case, outcome: str, decided_on: date, *, by: Any) -> CourtFiling:
    """The court decided the pending filing; the case closes when no filing is left undecided."""
    if outcome not in CourtOutcome.values:
        raise DomainError(_("未知的裁判结果。"), code="invalid_outcome")
    filing = case.court_filings.filter(outcome="").order_by("filed_on", "id").first()
    if filing is None:
        raise NotAllowedInState(_("没有待裁判的诉讼。"), code="no_pending_filing")
    if decided_on < filing.filed_on or decided_on > timezone.localdate():
        raise DomainError(_("裁判日期无效。"), code="invalid_date")
    filing.outcome, filing.decided_on = outcome, decided_on
    filing.save(update_fields=["outcome", "decided_on"])
    if not case.court_filings.filter(outcome="").exists():
        end_open_clocks(case, WINDOW_RULES, decided_on, outcome="stopped")
        close_case(case, ClosureKind.COURT_DECISION)
    record_event(case, "court_decision_recorded", actor=by, after={"outcome": outcome, "tier": case.tier})
    return filing


@transaction.atomic
def give_award_effect(case: Case) -> None:
    """The litigation windows lapsed unchallenged: the award takes effect and the case closes."""
    award = current_award(case)
    if case.court_filings.exists() or case.is_closed:
        return
    end_open_clocks(case, WINDOW_RULES, timezone.localdate(), outcome="missed")
    award.took_effect_on = timezone.localdate()
    award.save(update_fields=["took_effect_on"])
    close_case(case, ClosureKind.ARBITRAL_AWARD)
    record_event(case, "award_took_effect", after={"on": str(award.took_effect_on)})
    award_took_effect.send(sender=Case, case=case, award=award)
