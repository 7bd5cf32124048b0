"""The deadline watch: clocks entering an alert level get one alert each; staff acknowledge, assign, resolve.

Levels: `due_in_<n>` (n official working days or fewer left, per ALERT_WORKING_DAYS_BEFORE), `due_today`,
`overdue` (disputes/alert_levels.py). Days are Asia/Shanghai calendar dates. Each running clock stores the
day it next enters a level (`next_alert_on`, indexed); the sweep reads only clocks whose day has come, so
its work grows with the clocks that change level. The unique (clock, level, due date) row makes
overlapping sweeps, several workers and retried tasks harmless; a moved deadline may alert again.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.dispatch import Signal, receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disputes.alert_levels import WorkingDays, level_of, next_alert_on, pending_alert_on
from disputes.errors import ActionForbidden, NotAllowedInState
from disputes.models import OPEN_ALERT_STATES, Alert, AlertStatus, CalendarYear, Case, Clock, ClockState
from disputes.permissions import works_on_case
from disputes.services.clocks import clock_moved

# Sent after commit with `alert_ids`: the alerts a sweep just raised (escalations and notifications listen).
alerts_raised = Signal()
# Clocks per transaction: a backlog after downtime commits in steps, and a killed worker loses one step.
SWEEP_BATCH = 5000

Plan = dict[tuple[str, date], tuple[str | None, date | None]]

# Claim a batch of due clocks (rows another sweep holds are skipped), grouped by rule and due date.
_CLAIM = """
SELECT rule, due_on, array_agg(id) FROM (
    SELECT id, rule, due_on FROM disputes_clock
    WHERE state = 'running' AND next_alert_on <= %s
    LIMIT %s FOR UPDATE SKIP LOCKED
) AS due GROUP BY rule, due_on
"""
# Advance the claimed clocks (each with the slot of its rule and due date in the plan) to their next alert day
# and raise the level they are at, in one statement.
_RAISE = """
WITH plan AS (
    SELECT * FROM UNNEST(%s::varchar[], %s::date[]) WITH ORDINALITY AS p(level, next_on, slot)
), claimed AS (
    SELECT * FROM UNNEST(%s::bigint[], %s::bigint[]) AS d(id, slot)
), advanced AS (
    UPDATE disputes_clock AS c SET next_alert_on = plan.next_on
    FROM claimed JOIN plan USING (slot) WHERE c.id = claimed.id
    RETURNING c.id, c.case_id, c.due_on, plan.level
)
INSERT INTO disputes_alert (clock_id, case_id, level, due_on, raised_at, status)
SELECT id, case_id, level, due_on, %s, %s FROM advanced WHERE level IS NOT NULL
ON CONFLICT (clock_id, level, due_on) DO NOTHING RETURNING id
"""
_INSERT = (
    "INSERT INTO disputes_alert (clock_id, case_id, level, due_on, raised_at, status) VALUES (%s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (clock_id, level, due_on) DO NOTHING RETURNING id"
)


def sweep_clocks(today: date | None = None) -> list[int]:
    """Raise every alert due by `today` (Asia/Shanghai, default today); returns the ids of the alerts created.

    A clock whose alert day has come gets the level it is at today (after downtime: the current one, not
    the missed ones) and its next alert day. Each batch commits on its own and announces its alerts after
    commit; a batch that fails leaves its clocks due for the next sweep.
    """
    today = today or timezone.localdate()
    calendar = CalendarYear.objects.official_calendar()
    created: list[int] = []
    while True:
        with transaction.atomic():
            claimed, raised = _sweep_batch(today, calendar, timezone.now())
            if raised:
                transaction.on_commit(partial(announce_alerts, raised))
        created += raised
        if claimed < SWEEP_BATCH:
            return created


def _plan(keys: Any, today: date, calendar: WorkingDays) -> Plan:
    """Level today and next alert day per (rule, due date): computed once per due date, not per clock."""
    plan: Plan = {}
    for rule, due_on in keys:
        thresholds = settings.ALERT_WORKING_DAYS_BEFORE.get(rule)
        if thresholds is None:  # no longer watched: nothing to raise, nothing to come back for
            plan[rule, due_on] = (None, None)
        else:
            watched = tuple(thresholds)
            plan[rule, due_on] = (
                level_of(due_on, today, watched, calendar),
                next_alert_on(due_on, watched, calendar, after=today),
            )
    return plan


def _sweep_batch(today: date, calendar: WorkingDays, now: datetime) -> tuple[int, list[int]]:
    """Claim up to SWEEP_BATCH due clocks, raise their levels and advance them; (clocks claimed, alert ids)."""
    if connection.vendor != "postgresql":
        return _sweep_batch_portable(today, calendar, now)
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM, [today, SWEEP_BATCH])
        groups = {(rule, due_on): ids for rule, due_on, ids in cursor.fetchall()}
        if not groups:
            return 0, []
        plan = _plan(groups, today, calendar)
        levels, nexts = zip(*(plan[key] for key in groups), strict=True)
        ids = [pk for group in groups.values() for pk in group]
        slots = [slot for slot, group in enumerate(groups.values(), start=1) for _pk in group]
        cursor.execute(_RAISE, [list(levels), list(nexts), ids, slots, now, AlertStatus.OPEN])
        return len(ids), [row[0] for row in cursor.fetchall()]


def _sweep_batch_portable(today: date, calendar: WorkingDays, now: datetime) -> tuple[int, list[int]]:
    """The same through the ORM, clock by clock (SQLite, when embedded): each is claimed by a conditional update.

    A clock a service moved since it was read fails the claim, keeps the day the service gave it, and raises
    nothing for the old due date.
    """
    rows: list[Any] = list(
        Clock.objects.alert_due_by(today).values_list("id", "case_id", "rule", "due_on")[:SWEEP_BATCH]
    )
    plan = _plan({(rule, due_on) for _pk, _case, rule, due_on in rows}, today, calendar)
    created: list[int] = []
    with connection.cursor() as cursor:
        for pk, case_id, rule, due_on in rows:
            level, next_on = plan[rule, due_on]
            claimed = Clock.objects.alert_due_by(today).filter(pk=pk, due_on=due_on).update(next_alert_on=next_on)
            if claimed and level is not None:
                cursor.execute(_INSERT, [pk, case_id, level, due_on, now, AlertStatus.OPEN])
                created.extend(row[0] for row in cursor.fetchall())
    return len(rows), created


@transaction.atomic
def reschedule_alert_days(today: date | None = None) -> int:
    """After ALERT_WORKING_DAYS_BEFORE changed: each running clock's next alert day, recomputed for the rules now
    watched (one UPDATE per rule and due date; a level whose alert was already raised is not raised again) and
    cleared for rules no longer watched. Returns how many clocks were written. Days are Asia/Shanghai dates."""
    today = today or timezone.localdate()
    calendar = CalendarYear.objects.official_calendar()
    watched = settings.ALERT_WORKING_DAYS_BEFORE
    running = Clock.objects.filter(state=ClockState.RUNNING, due_on__isnull=False)
    written = running.exclude(rule__in=list(watched)).exclude(next_alert_on=None).update(next_alert_on=None)
    for rule, due in running.filter(rule__in=list(watched)).values_list("rule", "due_on").distinct().order_by():
        due_on: date = due  # type: ignore[assignment]  # never None: filtered above
        thresholds, group = tuple(watched[rule]), running.filter(rule=rule, due_on=due_on)
        written += group.update(next_alert_on=pending_alert_on(due_on, thresholds, calendar, today=today))
        level = level_of(due_on, today, thresholds, calendar)
        if level is not None:
            raised = Alert.objects.filter(clock_id=OuterRef("pk"), level=level, due_on=due_on)
            group.filter(Exists(raised)).update(next_alert_on=next_alert_on(due_on, thresholds, calendar, after=today))
    return written


def announce_alerts(alert_ids: list[int]) -> None:
    """After commit: push the new alerts to the desks and let listeners (escalations) act on them."""
    from realtime.broadcast import broadcast_alerts

    broadcast_alerts(alert_ids)
    alerts_raised.send(sender=Alert, alert_ids=alert_ids)


@receiver(clock_moved, dispatch_uid="alerts_follow_their_clocks")
def close_stale_alerts(
    sender: Any, clock: Clock | None = None, clocks: list[Clock] | None = None, **kwargs: Any
) -> None:
    """A clock that ended, or whose due date moved, closes the alerts that no longer describe it.

    One UPDATE for the whole list (a published year moves thousands of clocks), read against the clocks
    as stored: the senders save before they signal.
    """
    moved = [c.pk for c in clocks or ([clock] if clock else [])]
    if not moved:
        return
    stale = Alert.objects.filter(clock_id__in=moved, status__in=OPEN_ALERT_STATES)
    stale.exclude(clock__state=ClockState.RUNNING, due_on=F("clock__due_on")).update(status=AlertStatus.CLOSED)


def _alert_for(alert: Alert, user: Any) -> Alert:
    locked = Alert.objects.select_for_update().select_related("case").get(pk=alert.pk)
    if not (user.is_superuser or works_on_case(user, locked.case)):
        raise ActionForbidden(_("您不能处理本案的预警。"), code="action_forbidden")
    if locked.status not in OPEN_ALERT_STATES:
        raise NotAllowedInState(_("该预警已处理或已结束。"), code="alert_not_open")
    return locked


@transaction.atomic
def acknowledge_alert(alert: Alert, *, by: Any) -> Alert:
    locked = _alert_for(alert, by)
    locked.status, locked.acknowledged_by, locked.acknowledged_at = AlertStatus.ACKNOWLEDGED, by, timezone.now()
    locked.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
    return locked


@transaction.atomic
def assign_alert(alert: Alert, assignee: Any, *, by: Any) -> Alert:
    locked = _alert_for(alert, by)
    if not works_on_case(assignee, locked.case):
        raise ActionForbidden(_("只能指派给承办本案的工作人员。"), code="assignee_not_on_case")
    locked.assigned_to = assignee
    locked.save(update_fields=["assigned_to"])
    return locked


@transaction.atomic
def resolve_alert(alert: Alert, *, by: Any) -> Alert:
    locked = _alert_for(alert, by)
    locked.status, locked.resolved_by, locked.resolved_at = AlertStatus.RESOLVED, by, timezone.now()
    locked.save(update_fields=["status", "resolved_by", "resolved_at"])
    return locked


def open_alerts_visible_to(user: Any) -> Any:
    """Open alerts of the cases the user may see, most urgent first."""
    visible = Case.objects.visible_to(user).values("pk")
    return Alert.objects.filter(case__in=visible, status__in=OPEN_ALERT_STATES).select_related("case", "clock")


def coming_due(user: Any, today: date, weeks: int = 4) -> Any:
    """Running clocks of visible cases due in the coming weeks (the desk's calendar)."""
    visible = Case.objects.visible_to(user).values("pk")
    return Clock.objects.filter(
        case__in=visible, state=ClockState.RUNNING, due_on__range=(today, today + timedelta(weeks=weeks))
    ).order_by("due_on")
