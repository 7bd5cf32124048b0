"""Flow timers follow the statutory clocks: a timeout's moment is the end of its clock's due day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.dispatch import receiver
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from disputes.models import Case, Clock, ClockState
from disputes.services.clocks import clock_moved

# A suspended clock has no due date: its timer waits "forever" until the clock is resumed.
NEVER = datetime(9999, 12, 31, tzinfo=UTC)
# Which boundary timer follows which clock rules.
TIMER_RULES = {
    "negotiate__timeout": ("negotiation.response",),
    "mediate__timeout": ("mediation.window", "mediation.gig_window"),
    "await_litigation__timeout": ("litigation.suit", "litigation.employer_revocation"),
}


def expiry_moment(due_on: date | None) -> datetime:
    """The first instant after the due day ends (midnight Asia/Shanghai), or NEVER without a due date."""
    if due_on is None:
        return NEVER
    return datetime.combine(due_on + timedelta(days=1), time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def clock_expiry(case: Any, rules: tuple[str, ...]) -> datetime:
    """The moment the last of the case's open clocks of `rules` runs out (NEVER if one is suspended)."""
    clocks = list(case.clocks.filter(rule__in=rules, state__in=(ClockState.RUNNING, ClockState.SUSPENDED)))
    dues = [clock.due_on for clock in clocks if clock.due_on is not None]
    if not clocks or len(dues) < len(clocks):
        return NEVER
    return expiry_moment(max(dues))


@receiver(clock_moved, dispatch_uid="workflows_reschedule_timers")
def reschedule_timers(
    sender: Any, clock: Clock | None = None, clocks: list[Clock] | None = None, **kwargs: Any
) -> None:
    """Move the scheduled moment of every waiting timer that follows a moved clock.

    Only the few rules with a timer are looked at, their cases in one query: a published year can move
    tens of thousands of clocks at once.
    """
    followed = {rule for rules in TIMER_RULES.values() for rule in rules}
    moved = [c for c in (clocks or ([clock] if clock else [])) if c.rule in followed]
    if not moved:
        return
    cases = Case.objects.filter(pk__in={c.case_id for c in moved}, process__isnull=False)
    for case in cases:
        for task in Task.objects.filter(process_id=case.process_id, status=STATUS.SCHEDULED):
            if task.flow_task.name in TIMER_RULES:
                moment = clock_expiry(case, TIMER_RULES[task.flow_task.name])
                Task.objects.filter(pk=task.pk).update(scheduled=moment)
