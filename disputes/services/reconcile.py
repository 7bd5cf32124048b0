"""Nightly reconciliation: recount every metric counter from the source rows, report drift, repair it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from disputes.models import (
    Agreement,
    Arbitration,
    Case,
    Mediation,
    MediationOutcome,
    MetricDelta,
    OrganizationKind,
    Performance,
)
from disputes.services.closure import BY_MEDIATION
from disputes.services.counters import local_day, snapshot

Key = tuple[str, date, int]


@dataclass(frozen=True)
class Drift:
    key: str
    day: date
    street_id: int
    counted: int
    recounted: int


def _mediations(counts: Counter[Key]) -> None:
    rows = Mediation.objects.select_related("case", "organization")
    for m in rows.filter(accepted_at__isnull=False):
        counts[("mediation_accepted", local_day(m.accepted_at), m.case.workplace_street_id)] += 1  # type: ignore[arg-type]
    for m in rows.exclude(outcome="").filter(concluded_at__isnull=False):
        day, street = local_day(m.concluded_at), m.case.workplace_street_id  # type: ignore[arg-type]
        counts[("mediation_concluded", day, street)] += 1
        if m.outcome == MediationOutcome.AGREEMENT:
            counts[("mediation_succeeded", day, street)] += 1
            if m.organization.kind == OrganizationKind.STREET_MEDIATION_CENTRE:
                counts[("street_agreement", day, street)] += 1


def _agreements(counts: Counter[Key]) -> None:
    performed = (
        Agreement.objects.filter(
            performance=Performance.PERFORMED, mediation__organization__kind=OrganizationKind.STREET_MEDIATION_CENTRE
        )
        .select_related("case")
        .annotate(owed=Sum("items__amount"))
    )
    for agreement in performed:
        first = agreement.follow_ups.filter(performance=Performance.PERFORMED).order_by("id").first()
        if first is None:
            continue
        day, street = local_day(first.recorded_at), agreement.case.workplace_street_id
        counts[("street_agreement_performed", day, street)] += 1
        if first.amount_paid is not None and first.amount_paid >= (agreement.owed or Decimal(0)):
            counts[("street_agreement_paid_in_full", day, street)] += 1


def _arbitrations(counts: Counter[Key]) -> None:
    rows = Arbitration.objects.select_related("case")
    for a in rows.filter(accepted_on__isnull=False):
        counts[("arbitration_accepted", a.accepted_on, a.case.workplace_street_id)] += 1  # type: ignore[index]
        if a.case.mediations.filter(accepted_at__isnull=False).exists():
            counts[("arbitration_accepted_after_mediation", a.accepted_on, a.case.workplace_street_id)] += 1  # type: ignore[index]
    for a in rows.filter(decided_on__isnull=False):
        key = "arbitration_on_time" if a.decided_on_time else "arbitration_late"
        counts[(key, a.decided_on, a.case.workplace_street_id)] += 1  # type: ignore[index]


def _closures(counts: Counter[Key]) -> None:
    for case in Case.objects.filter(closed_at__isnull=False).only("closed_at", "closure_kind", "workplace_street_id"):
        day, street = local_day(case.closed_at), case.workplace_street_id  # type: ignore[arg-type]
        counts[("closed", day, street)] += 1
        if case.closure_kind == "mediation_agreement":
            counts[("closed_by_prior_mediation", day, street)] += 1
        if case.closure_kind in BY_MEDIATION:
            counts[("closed_by_mediation", day, street)] += 1


def recount() -> dict[Key, int]:
    """Every counter recomputed from the cases, mediations, agreements and arbitrations themselves."""
    counts: Counter[Key] = Counter()
    for part in (_mediations, _agreements, _arbitrations, _closures):
        part(counts)
    from disputes.services.early_warning import recount_incidents

    recount_incidents(counts)
    return {k: v for k, v in counts.items() if v}


@transaction.atomic
def reconcile(*, repair: bool = True) -> list[Drift]:
    """Compare the live counters with a recount; append correcting deltas for every difference."""
    live, truth = snapshot(), recount()
    drifts = [
        Drift(k[0], k[1], k[2], live.get(k, 0), truth.get(k, 0))
        for k in sorted(live.keys() | truth.keys())
        if live.get(k, 0) != truth.get(k, 0)
    ]
    if repair:
        MetricDelta.objects.bulk_create(
            MetricDelta(key=d.key, day=d.day, street_id=d.street_id, delta=d.recounted - d.counted) for d in drifts
        )
    return drifts
