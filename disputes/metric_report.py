"""The figures a dashboard shows, read from the counters (never by scanning cases): rates, trend, streets."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from disputes import metrics
from disputes.models import Clock, ClockState, Street
from disputes.services.counters import KEYS, by_day, by_street, totals

AWARD = "arbitration.award"


def goals() -> dict[str, Fraction]:
    return {
        "efficacy": Fraction(settings.EFFICACY_RATE_GOAL),
        "closure": Fraction(settings.CLOSURE_RATE_GOAL),
        "early_warning": Fraction(settings.EARLY_WARNING_RATE_GOAL),
        "prior_mediation": Fraction(settings.PRIOR_MEDIATION_RATE_GOAL),
        "comprehensive_mediation": Fraction(settings.COMPREHENSIVE_MEDIATION_RATE_GOAL),
    }


def rates(counts: dict[str, int], open_due: int) -> list[metrics.Rate]:
    g = goals()
    return [
        *metrics.efficacy(counts, g["efficacy"]),
        *metrics.closure(counts, open_due, g["closure"]),
        metrics.early_warning(counts, g["early_warning"]),
        *metrics.further(counts, g),
    ]


def _open_award_clocks(street_id: int | None) -> QuerySet[Clock]:
    clocks = Clock.objects.filter(rule=AWARD, state=ClockState.RUNNING)
    return clocks.filter(case__workplace_street_id=street_id) if street_id else clocks


def report(start: date, end: date, street_id: int | None = None) -> dict[str, Any]:
    """Every rate of the period with numerator, denominator, goal and whether it is met, plus the forecast."""
    today = timezone.localdate()
    open_due = _open_award_clocks(street_id).filter(due_on__gte=max(start, today), due_on__lte=end).count()
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "street": street_id,
        "rates": [rate.as_dict() for rate in rates(totals(KEYS, start, end, street_id), open_due)],
        "open_due_in_period": open_due,
    }


def at_risk(street_id: int | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """Open arbitrations by remaining days, soonest first (read on the indexed due date)."""
    today = timezone.localdate()
    clocks = _open_award_clocks(street_id).select_related("case", "case__workplace_street").order_by("due_on")[:limit]
    return [_risk_row(c, today) for c in clocks if c.due_on is not None]


def _risk_row(clock: Clock, today: date) -> dict[str, Any]:
    due_on = clock.due_on or today
    return {
        "case": clock.case_id,
        "number": clock.case.number,
        "street": clock.case.workplace_street.name,
        "due_on": due_on.isoformat(),
        "remaining_days": (due_on - today).days,
    }


def monthly_trend(year: int, street_id: int | None = None) -> list[dict[str, Any]]:
    """Efficacy and closure rates month by month."""
    daily = by_day(KEYS, date(year, 1, 1), date(year, 12, 31), street_id)
    months: list[dict[str, Any]] = []
    for month in range(1, 13):
        counts = dict.fromkeys(KEYS, 0)
        for (key, day), value in daily.items():
            if day.month == month:
                counts[key] += value
        figures = {r.key: r.as_dict()["rate"] for r in rates(counts, 0)}
        months.append({"month": month, "efficacy": figures["efficacy"], "closure": figures["closure"]})
    return months


def per_street(start: date, end: date) -> list[dict[str, Any]]:
    """Efficacy and closure rates of each street in the period."""
    counted = by_street(KEYS, start, end)
    rows = []
    for street in Street.objects.all():
        counts = {key: counted.get((key, street.pk), 0) for key in KEYS}
        figures = {r.key: r.as_dict()["rate"] for r in rates(counts, 0)}
        rows.append(
            {"street": street.pk, "name": street.name, "efficacy": figures["efficacy"], "closure": figures["closure"]}
        )
    return rows
