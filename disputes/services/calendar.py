"""Publishing a year of the official calendar, and re-projecting every open clock it affects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Field, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from disputes import deadlines
from disputes.calendar import YearCalendar
from disputes.clock import ClockSettings, LedgerError, compute_due
from disputes.errors import DomainError
from disputes.models import CalendarDay, CalendarYear, Clock, ClockEvent, ClockState, DayKind
from disputes.services.audit import record_events_bulk
from disputes.services.clocks import clock_moved, scheduled_alert_on

REPROJECT_BATCH = 2000
# What a re-projection writes: the derived fields, as start_clock and the event services store them.
_REPROJECTED_FIELDS = ("due_on", "provisional", "state", "suspended_since", "next_alert_on", "updated_at")


@transaction.atomic
def publish_calendar_year(data: YearCalendar, *, by: Any = None) -> int:
    """Store (or replace) one year's rest and make-up working days; returns how many clocks moved."""
    calendar_year, _created = CalendarYear.objects.update_or_create(year=data.year, defaults={"source": data.source})
    calendar_year.days.all().delete()
    days = [
        CalendarDay(calendar_year=calendar_year, day=d, kind=DayKind.REST, holiday_name=n)
        for d, n in sorted(data.rest_days.items())
    ]
    days += [
        CalendarDay(calendar_year=calendar_year, day=d, kind=DayKind.MAKE_UP_WORKING)
        for d in sorted(data.make_up_working_days)
    ]
    _refuse_days_of_other_years(data, days)
    CalendarDay.objects.bulk_create(days)
    CalendarYear.objects.filter(pk=calendar_year.pk).update(updated_at=timezone.now())
    return reproject_open_clocks(data.year, by=by)


def _refuse_days_of_other_years(data: YearCalendar, days: list[CalendarDay]) -> None:
    taken = CalendarDay.objects.filter(day__in=[d.day for d in days]).exclude(calendar_year__year=data.year)
    if clash := list(taken.values_list("day", flat=True)[:5]):
        raise DomainError(
            format_lazy(_("以下日期已在其他年度的日历中：{days}"), days=", ".join(map(str, clash))),
            code="day_listed_twice",
        )


def affected_clocks(year: int) -> Q:
    """Open clocks whose computation may have read a day of `year` (a generous superset)."""
    first = date(year, 1, 1)
    return Q(state__in=(ClockState.RUNNING, ClockState.SUSPENDED)) & (
        Q(provisional=True) | Q(due_on__isnull=True) | Q(due_on__gte=first) | Q(started_on__gte=first)
    )


@transaction.atomic
def reproject_open_clocks(year: int, *, by: Any = None) -> int:
    """Recompute every affected open clock; store what changed and one audit event per case."""
    calendar, settings = CalendarYear.objects.official_calendar(), deadlines.clock_settings()
    today, moved = timezone.localdate(), 0
    for batch in _batches(Clock.objects.filter(affected_clocks(year)).order_by("id")):
        changed = [clock for clock, events in batch if _reprojected(clock, events, calendar, settings)]
        rescheduled = [clock for clock, _events in batch if _rescheduled(clock, calendar, today)]
        _store(list({clock.pk: clock for clock in [*changed, *rescheduled]}.values()))
        _audit(changed, year, by)
        moved += len(changed)
        if changed:
            clock_moved.send(sender=Clock, clocks=changed)
    return moved


def _batches(clocks: Any) -> Iterator[list[tuple[Clock, list[ClockEvent]]]]:
    """The clocks, REPROJECT_BATCH at a time, each with its ledger rows in the order recorded."""
    ids = list(clocks.values_list("id", flat=True))
    for start in range(0, len(ids), REPROJECT_BATCH):
        chunk = ids[start : start + REPROJECT_BATCH]
        # Locked first, so a suspension recorded meanwhile waits rather than being overwritten; then the
        # ledgers in one plain query (prefetch_related's per-clock querysets cost more than the arithmetic).
        locked = list(Clock.objects.filter(id__in=chunk).select_for_update().order_by("id"))
        events: dict[int, list[ClockEvent]] = defaultdict(list)
        for event in ClockEvent.objects.filter(clock_id__in=chunk).order_by("id"):
            events[event.clock_id].append(event)
        yield [(clock, events[clock.pk]) for clock in locked]


def _reprojected(clock: Clock, events: list[ClockEvent], calendar: Any, settings: ClockSettings) -> bool:
    """Recompute in place; True when the due date or the provisional flag changed."""
    try:
        result = compute_due(
            clock.rule, clock.started_on, clock.ledger_of(events), calendar=calendar, settings=settings
        )
    except LedgerError:
        return False  # a ledger valid when recorded stays as it was; the sweeps will show it
    clock.due_on_before = clock.due_on  # type: ignore[attr-defined]
    before = (clock.due_on, clock.provisional)
    clock.due_on, clock.provisional = result.due, result.provisional
    clock.updated_at = timezone.now()
    return (clock.due_on, clock.provisional) != before


def _rescheduled(clock: Clock, calendar: Any, today: date) -> bool:
    """Recompute the next alert day (Asia/Shanghai) after re-projection; True when it changed.

    A clock whose due date moved starts over, as when an event moves it. One whose due date stayed keeps
    its day unless the new calendar brings a level sooner: too early a day costs the sweep one read (the
    unique alert row keeps it from alerting twice), too late a day would lose an alert. Overdue and
    already alerted (no day) stays so: overdue does not depend on the calendar.
    """
    before = clock.next_alert_on
    due_on = clock.due_on if clock.state == ClockState.RUNNING else None
    pending = scheduled_alert_on(clock.rule, due_on, calendar=calendar, today=today)
    if getattr(clock, "due_on_before", clock.due_on) != clock.due_on or pending is None:
        clock.next_alert_on = pending
    elif before is not None:
        clock.next_alert_on = min(before, pending)
    return clock.next_alert_on != before


def _store(changed: list[Clock]) -> None:
    """Write the re-projected fields of ``changed``: the same rows and values as ``bulk_update`` would.

    bulk_update's CASE WHEN per row and field took ~60 of the ~70 s that publishing a year over
    100,000 open clocks took (bench/clock.py). PostgreSQL takes the batch as arrays in one UPDATE;
    other databases (SQLite when embedded) one UPDATE by primary key per clock, in one executemany.
    """
    if not changed:
        return
    fields = [*(f for f in Clock._meta.concrete_fields if f.name in _REPROJECTED_FIELDS), Clock._meta.pk]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_update_from_arrays(fields), [[getattr(c, f.attname) for c in changed] for f in fields])
        else:
            rows = [[f.get_db_prep_save(getattr(c, f.attname), connection) for f in fields] for c in changed]
            cursor.executemany(_update_by_pk(fields), rows)


def _update_from_arrays(fields: list[Field[Any, Any]]) -> str:
    """UPDATE … FROM UNNEST(one array per field; the primary key last) (PostgreSQL)."""
    columns = [connection.ops.quote_name(f.column) for f in fields]
    *stored, pk = columns
    assignments = ", ".join(f"{column} = v.{column}" for column in stored)
    arrays = ", ".join(f"%s::{str(f.db_type(connection)).split('(')[0]}[]" for f in fields)
    table = connection.ops.quote_name(Clock._meta.db_table)
    return (
        f"UPDATE {table} AS c SET {assignments} FROM UNNEST({arrays}) AS v({', '.join(columns)}) WHERE c.{pk} = v.{pk}"
    )


def _update_by_pk(fields: list[Field[Any, Any]]) -> str:
    *stored, pk = [connection.ops.quote_name(f.column) for f in fields]
    assignments = ", ".join(f"{column} = %s" for column in stored)
    return f"UPDATE {connection.ops.quote_name(Clock._meta.db_table)} SET {assignments} WHERE {pk} = %s"


def _audit(changed: list[Clock], year: int, by: Any) -> None:
    """One audit entry per case, listing its clocks' old and new due dates."""
    by_case: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for clock in changed:
        before = clock.due_on_before  # type: ignore[attr-defined]
        by_case[clock.case_id].append(
            {
                "clock": clock.pk,
                "rule": clock.rule,
                "provisional": clock.provisional,
                "due_on_before": before.isoformat() if before else None,
                "due_on": clock.due_on.isoformat() if clock.due_on else None,
            }
        )
    record_events_bulk(
        [(case_id, {"year": year, "clocks": clocks}) for case_id, clocks in by_case.items()],
        kind="clocks_reprojected",
        actor=by,
    )


@transaction.atomic
def unpublish_calendar_year(year: int, *, by: Any = None) -> int:
    """Withdraw a year (entered in error): its clocks fall back to the provisional Monday–Friday basis."""
    CalendarYear.objects.filter(year=year).delete()
    return reproject_open_clocks(year, by=by)
