"""The closure forecast's counts: running arbitration-award clocks per street and due day, kept as clocks move.

Each move appends a -1 on the old due day and a +1 on the new one (counters.FORECAST_KEY, the day being the
due date in Asia/Shanghai), in the transaction that moves the clock; the roll-up folds them like any counter.
So "running award clocks due in [from, to]" is a sum over at most a year of rows, never a count of clocks
joined to cases. Reads of the clock row's values are taken when it is loaded (post_init), because the senders
of a bulk move (a published calendar year) write the rows with one UPDATE and signal afterwards.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from enum import Enum
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.db.models.signals import post_delete, post_init, post_save, pre_save
from django.dispatch import receiver

from disputes.models import Case, Clock, ClockState, MetricDaily, MetricDelta
from disputes.services.clocks import clock_moved
from disputes.services.counters import FORECAST_KEY, bump_many

AWARD = "arbitration.award"
_FIELDS = ("rule", "state", "due_on")
_COUNTED = "_forecast_due_on"  # the due day this clock is counted on (None: not counted), as last known


class _Unknown(Enum):
    UNKNOWN = "unknown"  # the row's values were not loaded (deferred fields)


_UNKNOWN = _Unknown.UNKNOWN


def counted_due_on(clock: Clock) -> date | _Unknown | None:
    """The due day a clock with these values is counted on: running award clocks only."""
    loaded = clock.__dict__
    if not all(name in loaded for name in _FIELDS):
        return _UNKNOWN
    if loaded["rule"] != AWARD or loaded["state"] != ClockState.RUNNING:
        return None
    return loaded["due_on"]


@receiver(post_init, sender=Clock, dispatch_uid="forecast_clock_loaded")
def _loaded(sender: Any, instance: Clock, **kwargs: Any) -> None:
    setattr(instance, _COUNTED, counted_due_on(instance))


@receiver(pre_save, sender=Clock, dispatch_uid="forecast_clock_saving")
def _saving(sender: Any, instance: Clock, raw: bool = False, **kwargs: Any) -> None:
    """A clock loaded with deferred fields: what it is counted on is read from its stored row."""
    if raw or instance._state.adding or getattr(instance, _COUNTED, _UNKNOWN) is not _UNKNOWN:
        return
    stored = Clock.objects.filter(pk=instance.pk).values_list(*_FIELDS).first()
    before = Clock(rule=stored[0], state=stored[1], due_on=stored[2]) if stored else None
    setattr(instance, _COUNTED, counted_due_on(before) if before else None)


@receiver(post_save, sender=Clock, dispatch_uid="forecast_clock_saved")
def _saved(
    sender: Any, instance: Clock, created: bool = False, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    if raw or (update_fields is not None and not set(_FIELDS) & set(update_fields)):
        return  # fixtures carry their counters; a save that left rule, state and due date alone moves nothing
    if created:
        setattr(instance, _COUNTED, None)
    count_moves([instance])


@receiver(post_delete, sender=Clock, dispatch_uid="forecast_clock_deleted")
def _deleted(sender: Any, instance: Clock, **kwargs: Any) -> None:
    count_moves([instance], deleted=True)


@receiver(clock_moved, dispatch_uid="forecast_clocks_moved")
def _moved(sender: Any, clock: Clock | None = None, clocks: list[Clock] | None = None, **kwargs: Any) -> None:
    """A bulk move (saved without save()); a single clock was already counted by post_save, so this is a no-op."""
    count_moves(clocks or ([clock] if clock else []))


def count_moves(clocks: list[Clock], *, deleted: bool = False) -> None:
    """Append -1 on the old and +1 on the new due day of each clock whose counted day changed (a deleted
    clock is counted nowhere)."""
    moves: list[tuple[Clock, date | None, date | None]] = []
    for clock in clocks:
        before, after = getattr(clock, _COUNTED, _UNKNOWN), None if deleted else counted_due_on(clock)
        if isinstance(after, _Unknown):
            clock.refresh_from_db(fields=[f for f in _FIELDS if f not in clock.__dict__])
            after = counted_due_on(clock)
        if isinstance(before, _Unknown) or isinstance(after, _Unknown) or before == after:
            continue
        moves.append((clock, before, after))
        setattr(clock, _COUNTED, after)
    if moves:
        streets, rows = _streets([clock for clock, _before, _after in moves]), []
        for clock, before, after in moves:
            street = streets.get(clock.case_id)  # None: its case went first (a cascade); the recount settles it
            rows += [(street, FORECAST_KEY, before, -1)] if street and before else []
            rows += [(street, FORECAST_KEY, after, 1)] if street and after else []
        if rows:
            bump_many(rows)


def _streets(clocks: list[Clock]) -> dict[int, int]:
    """case id -> workplace street, from the cached cases or one query."""
    known = {c.case_id: c.case.workplace_street_id for c in clocks if Clock.case.is_cached(c)}
    missing = {c.case_id for c in clocks} - known.keys()
    if missing:
        known.update(Case.objects.filter(pk__in=missing).values_list("pk", "workplace_street_id"))
    return known


def recount_forecast() -> dict[tuple[date, int], int]:
    """Running award clocks per (due day, street), counted from the clocks themselves (a scan: nightly)."""
    running = Clock.objects.filter(rule=AWARD, state=ClockState.RUNNING, due_on__isnull=False)
    rows = running.values_list("due_on", "case__workplace_street_id").annotate(n=Count("id")).order_by()
    return {(due_on, street): n for due_on, street, n in rows}


def forecast_snapshot() -> dict[tuple[date, int], int]:
    """The kept counts per (due day, street), rolled up or not."""
    counts: Counter[tuple[date, int]] = Counter()
    for model, field in ((MetricDaily, "value"), (MetricDelta, "delta")):
        for day, street, value in model.objects.filter(key=FORECAST_KEY).values_list("day", "street_id", field):
            counts[(day, street)] += value
    return {k: v for k, v in counts.items() if v}


@transaction.atomic
def reconcile_forecast(*, repair: bool = True) -> dict[tuple[date, int], tuple[int, int]]:
    """(due day, street) -> (kept, recounted) wherever they differ; with `repair`, deltas that close the gap."""
    kept, truth = forecast_snapshot(), recount_forecast()
    drift = {
        k: (kept.get(k, 0), truth.get(k, 0)) for k in kept.keys() | truth.keys() if kept.get(k, 0) != truth.get(k, 0)
    }
    if repair and drift:
        bump_many([(street, FORECAST_KEY, day, new - old) for (day, street), (old, new) in sorted(drift.items())])
    return drift
