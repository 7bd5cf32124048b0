"""Flow timers follow the statutory clocks: a timeout's moment is the end of its clock's due day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.dispatch import receiver
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from disputes.models import Clock, ClockState
from disputes.services.clocks import clock_moved

# A suspended clock has no due date: its timer waits "forever" until the clock is resumed.
NEVER = datetime(9999, 12, 31, tzinfo=UTC)
# Which boundary timer follows which clock rules.
TIMER_RULES = {
    "negotiate__timeout": ("negotiation.response",),
    "mediate__timeout": ("mediation.window", "mediation.gig_window"),
}


def expiry_moment(due_on: date | None) -> datetime:
    """The first instant after the due day ends (midnight Asia/Shanghai), or NEVER without a due date."""
    if due_on is None:
        return NEVER
    return datetime.combine(due_on + timedelta(days=1), time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def clock_expiry(case: Any, rules: tuple[str, ...]) -> datetime:
    clock = (
        case.clocks.filter(rule__in=rules, state__in=(ClockState.RUNNING, ClockState.SUSPENDED)).order_by("-id").first()
    )
    return expiry_moment(clock.due_on) if clock else NEVER


@receiver(clock_moved, dispatch_uid="workflows_reschedule_timers")
def reschedule_timers(
    sender: Any, clock: Clock | None = None, clocks: list[Clock] | None = None, **kwargs: Any
) -> None:
    """Move the scheduled moment of every waiting timer that follows a moved clock."""
    for moved in clocks or ([clock] if clock else []):
        process_id = Clock.objects.filter(pk=moved.pk).values_list("case__process_id", flat=True).first()
        nodes = [node for node, rules in TIMER_RULES.items() if moved.rule in rules]
        if process_id is None or not nodes:
            continue
        moment = expiry_moment(moved.due_on) if moved.state in (ClockState.RUNNING, ClockState.SUSPENDED) else NEVER
        waiting = Task.objects.filter(process_id=process_id, status=STATUS.SCHEDULED)
        for task in waiting:
            if task.flow_task.name in nodes:
                Task.objects.filter(pk=task.pk).update(scheduled=moment)
