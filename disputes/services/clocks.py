"""Starting and moving statutory clocks: each event is validated by the pure calculator, then stored.

All dates are Asia/Shanghai calendar dates. A refused event stores nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from disputes import deadlines
from disputes.alert_levels import WorkingDays, pending_alert_on
from disputes.calendar import OfficialCalendar
from disputes.clock import RULES, ClockResult, Event, LedgerError, compute_due, resolve_rule
from disputes.errors import DomainError, NotAllowedInState, ledger_refusal
from disputes.models import CalendarYear, Case, Clock, ClockEvent, ClockEventKind, ClockState
from disputes.services.audit import record_event

# Sent inside the transaction whenever a clock's due date or state changes (flow timers follow it).
clock_moved = Signal()
_BACKWARDS_UNITS = ("working_backwards", "natural_backwards")


def _refuse_future(on: date, message: StrOrPromise) -> None:
    if on > timezone.localdate():
        raise DomainError(message, code="date_in_future")


def scheduled_alert_on(rule: str, due_on: date | None, *, calendar: WorkingDays, today: date) -> date | None:
    """The next alert day a running clock stores when it starts or moves on `today` (Asia/Shanghai).

    None without a due date (suspended) or for a rule ALERT_WORKING_DAYS_BEFORE does not watch.
    """
    thresholds = settings.ALERT_WORKING_DAYS_BEFORE.get(rule)
    if due_on is None or thresholds is None:
        return None
    return pending_alert_on(due_on, tuple(thresholds), calendar, today=today)


def _compute(rule: str, started_on: date, events: list[Event] | None = None) -> tuple[ClockResult, OfficialCalendar]:
    """deadlines.compute, also handing back the calendar it used (the alert day reads it too)."""
    calendar = CalendarYear.objects.official_calendar()
    result = compute_due(rule, started_on, events or (), calendar=calendar, settings=deadlines.clock_settings())
    return result, calendar


def _materialize(clock: Clock, result: ClockResult, calendar: WorkingDays) -> None:
    clock.due_on = result.due
    clock.provisional = result.provisional
    clock.suspended_since = result.suspended_since
    clock.state = ClockState.SUSPENDED if result.suspended_since else ClockState.RUNNING
    today = timezone.localdate()
    clock.next_alert_on = scheduled_alert_on(clock.rule, clock.due_on, calendar=calendar, today=today)


def _snapshot(clock: Clock) -> dict[str, Any]:
    return {
        "clock": clock.pk,
        "rule": clock.rule,
        "state": clock.state,
        "due_on": clock.due_on.isoformat() if clock.due_on else None,
        "provisional": clock.provisional,
    }


@transaction.atomic
def start_clock(case: Case, rule: str, started_on: date, *, by: Any = None) -> Clock:
    """Start `rule` for `case` on `started_on` (that day not counted)."""
    if rule not in RULES:
        raise DomainError(_("未知的期限规则。"), code="unknown_rule")
    if resolve_rule(rule, deadlines.clock_settings()).unit not in _BACKWARDS_UNITS:
        _refuse_future(started_on, _("起算日不能晚于今天。"))  # a hearing date, for backwards rules, lies ahead
    clock = begin_clock(case, rule, started_on)
    record_event(case, "clock_started", actor=by, after=_snapshot(clock))
    return clock


def begin_clock(case: Case, rule: str, started_on: date) -> Clock:
    """Create a running clock without an audit entry: for services whose own entry records it."""
    clock = Clock(case=case, rule=rule, started_on=started_on)
    _materialize(clock, *_compute(rule, started_on))
    clock.save()
    clock_moved.send(sender=Clock, clock=clock)
    return clock


def _locked_open(clock: Clock) -> Clock:
    locked = Clock.objects.select_for_update().get(pk=clock.pk)
    if not locked.is_open:
        raise NotAllowedInState(_("该期限已结束，不能再记录事项。"), code="clock_not_open")
    return locked


def _record(clock: Clock, event: ClockEvent, *, by: Any, note: str = "") -> Clock:
    """Validate the ledger with the new event, then store the event, the derived due date and an audit entry."""
    before = _snapshot(_locked_open(clock))
    locked = apply_clock_event(clock, event, by=by)
    record_event(locked.case, f"clock_{event.kind}", actor=by, before=before, after=_snapshot(locked), note=note)
    return locked


def apply_clock_event(clock: Clock, event: ClockEvent, *, by: Any) -> Clock:
    """Validate and store one ledger event without an audit entry (the calling service writes its own)."""
    locked = _locked_open(clock)
    _refuse_future(event.on, _("事项日期不能晚于今天。"))
    pending = _pending_ledger(locked, event)
    try:
        result, calendar = _compute(locked.rule, locked.started_on, pending)
    except LedgerError as error:
        raise ledger_refusal(error) from None
    event.clock, event.recorded_by = locked, by if getattr(by, "pk", None) else None
    event.save()
    _materialize(locked, result, calendar)
    locked.save(update_fields=["due_on", "provisional", "suspended_since", "state", "next_alert_on", "updated_at"])
    clock_moved.send(sender=Clock, clock=locked)
    return locked


def _pending_ledger(clock: Clock, event: ClockEvent) -> list[Event]:
    if event.kind == ClockEventKind.RESUME and clock.state != ClockState.SUSPENDED:
        raise NotAllowedInState(_("该期限没有待恢复的中止。"), code="no_open_suspension")
    return Clock.ledger_of([*clock.events.order_by("id"), event])


@transaction.atomic
def suspend_clock(clock: Clock, on: date, *, by: Any, reason: str = "", approved_by: Any = None) -> Clock:
    """Suspend (中止) from `on`, the decision date; the clock has no due date until resumed."""
    event = ClockEvent(kind=ClockEventKind.SUSPEND, on=on, reason=reason, approved_by=approved_by)
    return _record(clock, event, by=by, note=reason)


@transaction.atomic
def resume_clock(clock: Clock, on: date, *, by: Any, reason: str = "") -> Clock:
    """Resume on `on`; the suspended days (resumption minus decision date) are added."""
    return _record(clock, ClockEvent(kind=ClockEventKind.RESUME, on=on, reason=reason), by=by, note=reason)


@transaction.atomic
def extend_clock(clock: Clock, days: int, on: date, *, by: Any, reason: str = "", approved_by: Any = None) -> Clock:
    """Extend by `days`, approved on `on` (before expiry, within the rule's maximum)."""
    event = ClockEvent(kind=ClockEventKind.EXTEND, on=on, days=days, reason=reason, approved_by=approved_by)
    return _record(clock, event, by=by, note=reason)


@transaction.atomic
def restart_clock(clock: Clock, on: date, *, by: Any, reason: str = "") -> Clock:
    """Count the whole period again from `on` (that day not counted)."""
    return _record(clock, ClockEvent(kind=ClockEventKind.RESTART, on=on, reason=reason), by=by, note=reason)


@transaction.atomic
def stop_clock(clock: Clock, on: date, *, by: Any, completed: bool, reason: str = "") -> Clock:
    """End a clock: met (or missed, if after its due date) when the act was done; stopped otherwise."""
    locked = _locked_open(clock)
    _refuse_future(on, _("结束日期不能晚于今天。"))
    before = _snapshot(locked)
    if completed:
        late = locked.due_on is not None and on > locked.due_on
        locked.state = ClockState.MISSED if late else ClockState.MET
    else:
        locked.state = ClockState.STOPPED
    locked.ended_on, locked.suspended_since, locked.next_alert_on = on, None, None
    locked.save(update_fields=["state", "ended_on", "suspended_since", "next_alert_on", "updated_at"])
    record_event(locked.case, "clock_ended", actor=by, before=before, after=_snapshot(locked), note=reason)
    clock_moved.send(sender=Clock, clock=locked)
    return locked


def start_limitation_at_filing(case: Case) -> Clock | None:
    """The limitation clock of a new case, recorded in the caller's (open_case's) audit event.

    Expired at filing → missed (a warning, never a refusal); otherwise the filing interrupts it
    (Law 27(2)) and a full year runs again from the filing day.
    """
    start = case.limitation_start()
    if start is None:
        return None
    clock = Clock(case=case, rule="limitation", started_on=start)
    _materialize(clock, *_compute("limitation", start))
    filed_on = timezone.localdate(case.filed_at)
    if clock.due_on is not None and filed_on > clock.due_on:
        clock.state, clock.ended_on, clock.next_alert_on = ClockState.MISSED, clock.due_on, None
        clock.save()
        return clock
    clock.save()
    if filed_on > start:
        reason = str(_("提出调解或仲裁申请，仲裁时效中断"))
        interruption = ClockEvent(clock=clock, kind=ClockEventKind.RESTART, on=filed_on, reason=reason)
        _materialize(clock, *_compute("limitation", start, Clock.ledger_of([interruption])))
        interruption.save()
        clock.save()
    return clock


@transaction.atomic
def expire_clock(clock: Clock, *, by: Any = None) -> Clock:
    """Mark an open clock missed on its due date: its period ran out with nothing done (timers, sweeps)."""
    locked = _locked_open(clock)
    before = _snapshot(locked)
    locked.state, locked.ended_on = ClockState.MISSED, locked.due_on or timezone.localdate()
    locked.suspended_since = locked.next_alert_on = None
    locked.save(update_fields=["state", "ended_on", "suspended_since", "next_alert_on", "updated_at"])
    record_event(locked.case, "clock_expired", actor=by, before=before, after=_snapshot(locked))
    clock_moved.send(sender=Clock, clock=locked)
    return locked


def open_clock(case: Case, *rules: str) -> Clock | None:
    """The case's latest open clock of one of `rules`."""
    return (
        case.clocks.filter(rule__in=rules, state__in=(ClockState.RUNNING, ClockState.SUSPENDED)).order_by("-id").first()
    )


def end_open_clocks(case: Case, rules: tuple[str, ...], on: date, *, outcome: str) -> None:
    """End every open clock of `rules` quietly (the caller's audit entry says why).

    outcome "met": the act was done on `on` (missed if after the due date); "stopped": no longer
    relevant; "missed": the period ran out, ended on its due date.
    """
    for clock in case.clocks.filter(rule__in=rules, state__in=(ClockState.RUNNING, ClockState.SUSPENDED)):
        late = clock.due_on is not None and on > clock.due_on
        if outcome == ClockState.MET:
            clock.state, clock.ended_on = (ClockState.MISSED if late else ClockState.MET), on
        elif outcome == ClockState.MISSED:
            clock.state, clock.ended_on = ClockState.MISSED, clock.due_on or on
        else:
            clock.state, clock.ended_on = ClockState.STOPPED, on
        clock.suspended_since = clock.next_alert_on = None
        clock.save(update_fields=["state", "ended_on", "suspended_since", "next_alert_on", "updated_at"])
        clock_moved.send(sender=Clock, clock=clock)
