"""The deadline watch: clocks entering an alert level get one alert each; staff acknowledge, assign, resolve.

Levels: `due_in_<n>` (n official working days or fewer left, per ALERT_WORKING_DAYS_BEFORE), `due_today`,
`overdue`. Days are Asia/Shanghai calendar dates. The unique (clock, level, due date) row makes overlapping
sweeps, several workers and retried tasks harmless; a moved deadline may alert again.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.dispatch import Signal, receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disputes.errors import ActionForbidden, NotAllowedInState
from disputes.models import OPEN_ALERT_STATES, Alert, AlertStatus, CalendarYear, Case, Clock, ClockState
from disputes.permissions import works_on_case
from disputes.services.clocks import clock_moved

# Sent after commit with `alert_ids`: the alerts a sweep just raised (escalations and notifications listen).
alerts_raised = Signal()

_INSERT = (
    "INSERT INTO disputes_alert (clock_id, case_id, level, due_on, raised_at, status) VALUES (%s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (clock_id, level, due_on) DO NOTHING RETURNING id"
)


def level_of(due_on: date, today: date, thresholds: tuple[int, ...], calendar: Any) -> str | None:
    """The alert level of a clock due on `due_on`, seen on `today`; None while it is still far off."""
    if due_on < today:
        return "overdue"
    if due_on == today:
        return "due_today"
    for n in sorted(thresholds):
        if due_on <= calendar.nth_working_day_after(today, n):
            return f"due_in_{n}"
    return None


def _candidates(rule: str, thresholds: tuple[int, ...], today: date, calendar: Any) -> Any:
    """Running clocks of `rule` at some level today, read on the partial due-date index."""
    upper = calendar.nth_working_day_after(today, max(thresholds)) if thresholds else today
    clocks = Clock.objects.filter(rule=rule, state=ClockState.RUNNING, due_on__lte=upper)
    return clocks.values_list("pk", "case_id", "due_on")


@transaction.atomic
def sweep_clocks(today: date | None = None) -> list[int]:
    """Raise every alert due today; returns the ids of the alerts this sweep created."""
    today = today or timezone.localdate()
    calendar = CalendarYear.objects.official_calendar()
    now = timezone.now()
    created: list[int] = []
    with connection.cursor() as cursor:
        for rule, thresholds in settings.ALERT_WORKING_DAYS_BEFORE.items():
            for clock_id, case_id, due_on in _candidates(rule, tuple(thresholds), today, calendar):
                level = level_of(due_on, today, tuple(thresholds), calendar)
                if level is None:
                    continue
                cursor.execute(_INSERT, [clock_id, case_id, level, due_on, now, AlertStatus.OPEN])
                created.extend(row[0] for row in cursor.fetchall())
    if created:
        transaction.on_commit(lambda: announce_alerts(created))
    return created


def announce_alerts(alert_ids: list[int]) -> None:
    """After commit: push the new alerts to the desks and let listeners (escalations) act on them."""
    from realtime.broadcast import broadcast_alerts

    broadcast_alerts(alert_ids)
    alerts_raised.send(sender=Alert, alert_ids=alert_ids)


@receiver(clock_moved, dispatch_uid="alerts_follow_their_clocks")
def close_stale_alerts(
    sender: Any, clock: Clock | None = None, clocks: list[Clock] | None = None, **kwargs: Any
) -> None:
    """A clock that ended, or whose due date moved, closes the alerts that no longer describe it."""
    for moved in clocks or ([clock] if clock else []):
        stale = Alert.objects.filter(clock_id=moved.pk, status__in=OPEN_ALERT_STATES)
        if moved.state == ClockState.RUNNING and moved.due_on is not None:
            stale = stale.exclude(due_on=moved.due_on)
        stale.update(status=AlertStatus.CLOSED)


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
