"""Metric counters: bumped inside the transaction of the event, rolled up, read per period, reconciled.

Days are Asia/Shanghai calendar dates; a case counts for its workplace street.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from disputes.models import Case, MetricDaily, MetricDelta, MetricMonthly

KEYS = (
    "mediation_accepted",
    "arbitration_accepted",
    "arbitration_accepted_after_mediation",
    "street_agreement",
    "street_agreement_performed",
    "street_agreement_paid_in_full",
    "arbitration_on_time",
    "arbitration_late",
    "incident",
    "incident_warned",
    "closed",
    "closed_by_prior_mediation",
    "closed_by_mediation",
    "mediation_concluded",
    "mediation_succeeded",
)


def local_day(moment: datetime | date) -> date:
    return timezone.localdate(moment) if isinstance(moment, datetime) else moment


def bump(case: Case, key: str, day: datetime | date, delta: int = 1) -> None:
    """Count one event of `case` on `day` (in the caller's transaction; never a shared hot row)."""
    bump_street(case.workplace_street_id, key, day, delta)


def bump_street(street_id: int, key: str, day: datetime | date, delta: int = 1) -> None:
    assert key in KEYS, key
    MetricDelta.objects.create(street_id=street_id, key=key, day=local_day(day), delta=delta)
    _announce_after_commit(street_id)


_pending = threading.local()


def _announce_after_commit(street_id: int) -> None:
    """One broadcast per transaction for all the streets it changed, however many counters it bumped.

    The pending set is tied to the transaction's own on-commit hook: after a rollback Django drops the
    hook, so the next transaction starts a fresh set.
    """
    connection_ = transaction.get_connection()
    if not connection_.in_atomic_block:
        _pending.streets = {street_id}
        _flush()
        return
    if not any(entry[1] is _flush for entry in connection_.run_on_commit):
        _pending.streets = set()
        transaction.on_commit(_flush)
    _pending.streets.add(street_id)


def _flush() -> None:
    from realtime.broadcast import broadcast_metrics

    streets, _pending.streets = getattr(_pending, "streets", None) or set(), None
    broadcast_metrics(sorted(streets))


_UPSERT = (
    "INSERT INTO disputes_metricdaily (key, day, street_id, value) VALUES (%s, %s, %s, %s) "
    "ON CONFLICT (key, day, street_id) DO UPDATE SET value = disputes_metricdaily.value + excluded.value"
)
_UPSERT_MONTH = (
    "INSERT INTO disputes_metricmonthly (key, month, street_id, value) VALUES (%s, %s, %s, %s) "
    "ON CONFLICT (key, month, street_id) DO UPDATE SET value = disputes_metricmonthly.value + excluded.value"
)


@transaction.atomic
def roll_up() -> int:
    """Fold the appended deltas into per-day rows; returns how many deltas were folded."""
    rows = list(
        MetricDelta.objects.select_for_update()
        .order_by("id")
        .values_list("id", "key", "day", "street_id", "delta")[:50000]
    )
    totals: Counter[tuple[str, date, int]] = Counter()
    for _id, key, day, street_id, delta in rows:
        totals[(key, day, street_id)] += delta
    with connection.cursor() as cursor:
        cursor.executemany(_UPSERT, [(k, d, s, v) for (k, d, s), v in totals.items()])
        cursor.executemany(_UPSERT_MONTH, [(k, d.replace(day=1), s, v) for (k, d, s), v in totals.items()])
    MetricDelta.objects.filter(id__in=[row[0] for row in rows]).delete()
    return len(rows)


def totals(keys: Iterable[str], start: date, end: date, street_id: int | None = None) -> dict[str, int]:
    """Each counter summed over [start, end] (inclusive), district-wide or for one street."""
    keys = list(keys)
    counts = dict.fromkeys(keys, 0)
    first_month, after_months = _whole_months(start, end)
    daily = Q(day__range=(start, end))
    if first_month < after_months:
        daily &= Q(day__lt=first_month) | Q(day__gte=after_months)  # the partial months at either end
        months = MetricMonthly.objects.filter(key__in=keys, month__gte=first_month, month__lt=after_months)
        _add(counts, months, "value", street_id)
    _add(counts, MetricDaily.objects.filter(daily, key__in=keys), "value", street_id)
    _add(counts, MetricDelta.objects.filter(key__in=keys, day__range=(start, end)), "delta", street_id)
    return counts


def _whole_months(start: date, end: date) -> tuple[date, date]:
    """[first, after): the first days of the calendar months lying wholly inside [start, end]."""
    first = start if start.day == 1 else _next_month(start)
    after = _next_month(end) if _next_month(end) - timedelta(days=1) == end else end.replace(day=1)
    return first, max(first, after)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _add(counts: dict[str, int], rows: Any, field: str, street_id: int | None) -> None:
    if street_id is not None:
        rows = rows.filter(street_id=street_id)
    for key, total in rows.values_list("key").annotate(total=Sum(field)):
        counts[key] += total or 0


def _grouped(group_by: tuple[str, ...], rows: Q | None = None) -> Counter[tuple[Any, ...]]:
    """Daily rows and not-yet-rolled deltas summed per `group_by` columns, under the filter `rows`."""
    counts: Counter[tuple[Any, ...]] = Counter()
    for model, field in ((MetricDaily, "value"), (MetricDelta, "delta")):
        for *group, total in model.objects.filter(rows or Q()).values_list(*group_by).annotate(total=Sum(field)):
            counts[tuple(group)] += total or 0
    return counts


def _period(keys: Iterable[str], start: date, end: date, street_id: int | None = None) -> Q:
    rows = Q(key__in=list(keys), day__range=(start, end))
    return rows & Q(street_id=street_id) if street_id is not None else rows


def by_day(keys: Iterable[str], start: date, end: date, street_id: int | None = None) -> dict[tuple[str, date], int]:
    """Counters per (key, day), for trend charts."""
    return dict(_grouped(("key", "day"), _period(keys, start, end, street_id)))


def by_street(keys: Iterable[str], start: date, end: date) -> dict[tuple[str, int], int]:
    """Counters per (key, street), for the per-street comparison."""
    return dict(_grouped(("key", "street_id"), _period(keys, start, end)))


def snapshot() -> dict[tuple[str, date, int], int]:
    """Every counter per (key, day, street), rolled up or not: what reconciliation compares."""
    return {k: v for k, v in _grouped(("key", "day", "street_id")).items() if v}
