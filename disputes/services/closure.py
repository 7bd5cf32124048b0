"""Closing a case (结案 of the whole dispute): one place, so the closure counters never miss one."""

from __future__ import annotations

from django.utils import timezone

from disputes.models import Case, ClosureKind, Tier
from disputes.services.counters import bump

# 综合调解率: closed by mediation at any tier — agreement, arbitral 调解书, settlement, withdrawal (spec §4).
BY_MEDIATION = (
    ClosureKind.MEDIATION_AGREEMENT,
    ClosureKind.ARBITRAL_MEDIATION,
    ClosureKind.NEGOTIATION_SETTLEMENT,
    ClosureKind.WITHDRAWN,
)


def close_case(case: Case, kind: str) -> None:
    """Mark the case closed now with `kind`, and count the closure for its street (caller's transaction)."""
    case.tier, case.closure_kind, case.closed_at = Tier.CLOSED, kind, timezone.now()
    case.save(update_fields=["tier", "closure_kind", "closed_at", "updated_at"])
    bump(case, "closed", case.closed_at)
    if kind == ClosureKind.MEDIATION_AGREEMENT:
        bump(case, "closed_by_prior_mediation", case.closed_at)
    if kind in BY_MEDIATION:
        bump(case, "closed_by_mediation", case.closed_at)
