"""Metric counters: bumped inside the transaction of the event, rolled up, read per period, reconciled.

Days are Asia/Shanghai calendar dates; a case counts for its workplace street.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.db.models.signals import post_migrate
from django.dispatch import receiver
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


FORECAST_KEY = "award_running_due"  # running arbitration-award clocks, counted on their due day (forecast.py)
_GENERATION_KEY = "leye:metrics:generation"
logger = logging.getLogger(__name__)


def local_day(moment: datetime | date) -> date:
    return timezone.localdate(moment) if isinstance(moment, datetime) else moment


def bump(case: Case, key: str, day: datetime | date, delta: int = 1) -> None:
    """Count one event of `case` on `day` (in the caller's transaction; never a shared hot row)."""
    bump_street(case.workplace_street_id, key, day, delta)


def bump_street(street_id: int, key: str, day: datetime | date, delta: int = 1) -> None:
    bump_many([(street_id, key, local_day(day), delta)])


_INSERT_DELTA = "INSERT INTO disputes_metricdelta (street_id, key, day, delta) VALUES (%s, %s, %s, %s)"


def bump_many(rows: list[tuple[int, str, date, int]]) -> None:
    """Append (street, key, day, delta) rows in the caller's transaction: plain INSERTs, no model instances."""
    assert all(key in KEYS or key == FORECAST_KEY for _street, key, _day, _delta in rows), rows
    with connection.cursor() as cursor:
        if len(rows) == 1:
            cursor.execute(_INSERT_DELTA, rows[0])
        else:
            cursor.executemany(_INSERT_DELTA, rows)
    for street_id in {row[0] for row in rows}:
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
    # No set yet, or its hook already ran (a test's captured callbacks run without leaving the list): a new hook.
    hooked = any(entry[1] is _flush for entry in connection_.run_on_commit)
    if getattr(_pending, "streets", None) is None or not hooked:
        _pending.streets = set()
        transaction.on_commit(_flush)
    _pending.streets.add(street_id)


def _flush() -> None:
    """After commit: advance the generation first (a read from now on misses the cached reports), then announce."""
    from realtime.broadcast import broadcast_metrics

    streets, _pending.streets = getattr(_pending, "streets", None) or set(), None
    advance_generation()
    broadcast_metrics(sorted(streets))


def generation() -> int | None:
    """The counters' generation, shared by every process through the cache; None if the cache is unreachable.

    It only grows: it starts (again, if the cache lost it) at the clock in nanoseconds, far above any
    value it reached before, and each commit that changed counters adds one.
    """
    try:
        redis = _redis()
        if redis is None:
            value = cache.get(_GENERATION_KEY)
            if value is None:
                cache.add(_GENERATION_KEY, time.time_ns(), timeout=None)
                value = cache.get(_GENERATION_KEY)
        else:
            value = redis[0].get(_GENERATION_KEY)
            if value is None:
                redis[0].set(_GENERATION_KEY, time.time_ns(), nx=True)
                value = redis[0].get(_GENERATION_KEY)
        return int(value) if value is not None else None
    except Exception:  # a cache outage costs reads their cache, never the read itself
        logger.warning("metric counters' generation unreadable", exc_info=True)
        return None


# One round trip: INCR, or (first use, or Redis lost the key) start above every value the key had.
_ADVANCE = (
    "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCR', KEYS[1]) "
    "else redis.call('SET', KEYS[1], ARGV[1]) end return 0"
)
_stores: dict[str, tuple[Any, Any]] = {}


def _redis() -> tuple[Any, Any] | None:
    """(client, advance script) on the Redis cache's server, or None without one: redis-py's own calls cost
    a fifth of the cache API's (one round trip, no pickling)."""
    config = settings.CACHES["default"]
    if config["BACKEND"] != "django.core.cache.backends.redis.RedisCache":
        return None
    location = config["LOCATION"]
    location = location[0] if isinstance(location, list | tuple) else location
    if location not in _stores:
        from redis import Redis

        client = Redis.from_url(location, socket_timeout=5, socket_connect_timeout=5)
        _stores[location] = (client, client.register_script(_ADVANCE))
    return _stores[location]


@receiver(post_migrate, dispatch_uid="counters_rows_replaced")
def _rows_replaced(sender: Any, **kwargs: Any) -> None:
    """A migrate or a flush may have replaced counter rows wholesale: no cached read survives it."""
    advance_generation()


def advance_generation() -> None:
    """Make every report read before now stale (called after each commit that changed counters)."""
    try:
        redis = _redis()
        if redis is not None:
            redis[1](keys=[_GENERATION_KEY], args=[time.time_ns()])
            return
        try:
            cache.incr(_GENERATION_KEY)
        except ValueError:  # not there (first use, or the cache lost it): start again above every old value
            if not cache.add(_GENERATION_KEY, time.time_ns(), timeout=None):
                cache.incr(_GENERATION_KEY)
    except Exception:  # reports cached in processes then expire after METRICS_REPORT_CACHE_SECONDS
        logger.exception("metric counters' generation not advanced")


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
    return period_counts([(tuple(keys), start, end)], street_id)


Span = tuple[tuple[str, ...], date, date]  # keys, first day, last day (inclusive)


def period_counts(spans: list[Span], street_id: int | None = None) -> dict[str, int]:
    """Each span's keys summed over its days, in one statement: whole months from the monthly rows, the
    partial months at either end from the daily rows, plus the deltas not yet rolled up. Keys must not
    repeat across spans. Constant in the number of cases: at most days x streets x keys rows are read."""
    counts = {key: 0 for keys, _start, _end in spans for key in keys}
    parts, params = [], []
    for keys, start, end in spans:
        if keys and start <= end:
            sql, args = _span_sql(keys, start, end, street_id, "key")
            parts.append(sql)
            params += args
    if not parts:
        return counts
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, SUM(n) FROM ({' UNION ALL '.join(parts)}) AS counted GROUP BY key", params)
        for key, total in cursor.fetchall():
            counts[key] += int(total or 0)
    return counts


def _span_sql(
    keys: tuple[str, ...], start: date, end: date, street_id: int | None, columns: str
) -> tuple[str, list[Any]]:
    """SELECT `columns`, n FROM the monthly, daily and delta rows of [start, end] (a UNION ALL of three)."""
    first_month, after_months = _whole_months(start, end)
    where = f"key IN ({', '.join(['%s'] * len(keys))})"
    street, street_args = (" AND street_id = %s", [street_id]) if street_id is not None else ("", [])
    parts = [
        f"SELECT {columns}, delta AS n FROM disputes_metricdelta WHERE {where} AND day >= %s AND day <= %s{street}"
    ]
    params: list[Any] = [*keys, start, end, *street_args]
    daily, daily_args = "day >= %s AND day <= %s", [start, end]
    if first_month < after_months:  # the whole months are read from the monthly rows; the ends from the daily ones
        parts.append(
            f"SELECT {columns}, value FROM disputes_metricmonthly WHERE {where} AND month >= %s AND month < %s{street}"
        )
        params += [*keys, first_month, after_months, *street_args]
        daily, daily_args = daily + " AND (day < %s OR day >= %s)", [*daily_args, first_month, after_months]
    parts.append(f"SELECT {columns}, value FROM disputes_metricdaily WHERE {where} AND {daily}{street}")
    params += [*keys, *daily_args, *street_args]
    return " UNION ALL ".join(parts), params


def _whole_months(start: date, end: date) -> tuple[date, date]:
    """[first, after): the first days of the calendar months lying wholly inside [start, end]."""
    first = start if start.day == 1 else _next_month(start)
    after = _next_month(end) if _next_month(end) - timedelta(days=1) == end else end.replace(day=1)
    return first, max(first, after)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def by_month(keys: Iterable[str], year: int, street_id: int | None = None) -> dict[tuple[str, int], int]:
    """Counters per (key, month number) of `year`, for trend charts: the monthly rows plus the deltas."""
    keys, counts = list(keys), Counter[tuple[str, int]]()
    rows = Q(key__in=keys) & (Q(street_id=street_id) if street_id is not None else Q())
    months = MetricMonthly.objects.filter(rows, month__year=year).values_list("key", "month")
    for key, month, total in months.annotate(total=Sum("value")):
        counts[(key, month.month)] += total or 0
    for key, day, total in (
        MetricDelta.objects.filter(rows, day__year=year).values_list("key", "day").annotate(total=Sum("delta"))
    ):
        counts[(key, day.month)] += total or 0
    return dict(counts)


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
    """Counters per (key, street), for the per-street comparison (whole months from the monthly rows)."""
    sql, params = _span_sql(tuple(keys), start, end, None, "key, street_id")
    counts: Counter[tuple[str, int]] = Counter()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, street_id, SUM(n) FROM ({sql}) AS counted GROUP BY key, street_id", params)
        for key, street_id, total in cursor.fetchall():
            counts[(key, street_id)] += int(total or 0)
    return dict(counts)


def snapshot() -> dict[tuple[str, date, int], int]:
    """Every event counter per (key, day, street), rolled up or not: what reconciliation compares.

    The forecast's clock counts are not events: forecast.reconcile_forecast() checks them.
    """
    rows = _grouped(("key", "day", "street_id"), ~Q(key=FORECAST_KEY))
    return {k: v for k, v in rows.items() if v}


# The forecast's clock counts follow every clock move from here on (its signal receivers connect on import).
from disputes.services import forecast  # noqa: E402, F401
