"""The figures a dashboard shows, read from the counters (never by scanning cases): rates, trend, streets.

Reads are cached in the process under the counters' generation (counters.generation()), which every commit
that changes a counter or moves an award clock advances before it announces the change: a read after that
commit misses the cache and sees it. Reads inside a transaction never use the cache (they may see the
transaction's own, uncommitted counts). METRICS_REPORT_CACHE_SECONDS bounds what changes made behind the
services' back (a restored database, an embedded server's command line) can leave stale.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from datetime import date
from fractions import Fraction
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from disputes import metrics
from disputes.models import Clock, ClockState, Street
from disputes.services.counters import FORECAST_KEY, KEYS, by_month, by_street, generation, period_counts

AWARD = "arbitration.award"
T = TypeVar("T")
_cached: dict[Hashable, tuple[int, float, Any]] = {}  # key -> (generation, monotonic time read, value)
_cached_lock = threading.Lock()
_CACHED_MOST = 1024


def cached(key: Hashable, compute: Callable[[], T]) -> tuple[int | None, T]:
    """(generation, value): this process's copy read under the current generation, else `compute()` now.

    The generation is read before the value, so a value is never filed under a generation newer than
    what it shows. Callers must not change the value: it is shared.
    """
    if connection.in_atomic_block:
        return None, compute()
    current = generation()
    if current is None:
        return None, compute()
    with _cached_lock:
        found = _cached.get(key)
    if found and found[0] == current and time.monotonic() - found[1] < settings.METRICS_REPORT_CACHE_SECONDS:
        return current, found[2]
    value = compute()
    with _cached_lock:
        if len(_cached) >= _CACHED_MOST:
            _cached.clear()
        _cached[key] = (current, time.monotonic(), value)
    return current, value


def forget_cached() -> None:
    """Drop this process's cached reads (after rows were written behind the services' back)."""
    with _cached_lock:
        _cached.clear()


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
    """Every rate of the period with numerator, denominator, goal and whether it is met, plus the forecast.

    The forecast counts running award clocks due from today (Asia/Shanghai) to `end`.
    """
    return dict(report_with_generation(start, end, street_id)[1])


def report_with_generation(start: date, end: date, street_id: int | None = None) -> tuple[int | None, dict[str, Any]]:
    """The report and the counters' generation it was read under (None: uncached); the report is shared."""
    today = timezone.localdate()
    return cached(("report", start, end, street_id, today), lambda: _report(start, end, street_id, today))


def current_report(street_id: int | None = None) -> tuple[int | None, dict[str, Any]]:
    """This year's report (what the live dashboards show) and its generation."""
    year = timezone.localdate().year
    return report_with_generation(date(year, 1, 1), date(year, 12, 31), street_id)


def _report(start: date, end: date, street_id: int | None, today: date) -> dict[str, Any]:
    spans = [(KEYS, start, end), ((FORECAST_KEY,), max(start, today), end)]
    counts = period_counts(spans, street_id)
    open_due = counts.pop(FORECAST_KEY)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "street": street_id,
        "rates": [rate.as_dict() for rate in rates(counts, open_due)],
        "open_due_in_period": open_due,
    }


def at_risk(street_id: int | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """Open arbitrations by remaining days, soonest first (read on the indexed due date)."""
    today = timezone.localdate()
    return cached(("at_risk", street_id, limit, today), lambda: _at_risk(street_id, limit, today))[1]


def _at_risk(street_id: int | None, limit: int, today: date) -> list[dict[str, Any]]:
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
    return cached(("trend", year, street_id), lambda: _monthly_trend(year, street_id))[1]


def _monthly_trend(year: int, street_id: int | None) -> list[dict[str, Any]]:
    counted = by_month(KEYS, year, street_id)
    months: list[dict[str, Any]] = []
    for month in range(1, 13):
        counts = {key: counted.get((key, month), 0) for key in KEYS}
        figures = {r.key: r.as_dict()["rate"] for r in rates(counts, 0)}
        months.append({"month": month, "efficacy": figures["efficacy"], "closure": figures["closure"]})
    return months


def per_street(start: date, end: date) -> list[dict[str, Any]]:
    """Efficacy and closure rates of each street in the period."""
    return cached(("streets", start, end), lambda: _per_street(start, end))[1]


def _per_street(start: date, end: date) -> list[dict[str, Any]]:
    counted = by_street(KEYS, start, end)
    rows = []
    for street in Street.objects.all():
        counts = {key: counted.get((key, street.pk), 0) for key in KEYS}
        figures = {r.key: r.as_dict()["rate"] for r in rates(counts, 0)}
        rows.append(
            {"street": street.pk, "name": street.name, "efficacy": figures["efficacy"], "closure": figures["closure"]}
        )
    return rows
