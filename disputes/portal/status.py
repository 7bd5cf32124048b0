"""Where a worker's case stands, in plain words: its step, its countdowns, and whether arbitration is offered.

Dates are Asia/Shanghai calendar dates; a clock is due at the end of its `due_on`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task

from disputes.clock import RULES
from disputes.errors import Bilingual
from disputes.limitation import limitation_warnings
from disputes.models import Case, Clock, ClockState
from workflows.steps import OPEN

# The open step of a case's process, as its worker reads it (most pressing first when several are open).
# fmt: off
STEP_WORDS: dict[str, Any] = {
    "offer_escalation": _("调解期限已满：您可以申请劳动仲裁"),
    "choose_next": _("请选择下一步：申请调解、申请仲裁或撤回"),
    "choose_remedy": _("调解协议未履行：请选择申请支付令或仲裁"),
    "await_supplement": _("请按仲裁院的通知补正申请材料"),
    "negotiate": _("协商中，等待对方回应"),
    "accept_mediation": _("等待调解组织受理"),
    "mediate": _("调解中"),
    "follow_up": _("已达成调解协议，等待履行回访"),
    "accept_application": _("等待仲裁院审查受理"),
    "await_suit_after_refusal": _("仲裁不予受理：可以向人民法院起诉"),
    "hear_case": _("仲裁审理中"),
    "await_litigation": _("已作出裁决：起诉期限内"),
    "court_stage": _("人民法院审理中"),
}
# fmt: on


@dataclass(frozen=True)
class Countdown:
    """One clock for the page: the server's number of days left; `deadline_at` lets the page tick it live."""

    rule: str
    title: str
    state: str
    due_on: date | None
    days_left: int | None
    deadline_at: datetime | None
    on_expiry: str
    suspended_since: date | None

    @property
    def slug(self) -> str:
        """For the page's element ids: mediation.window → mediation-window."""
        return self.rule.replace(".", "-").replace("_", "-")

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def countdown(clock: Clock, today: date) -> Countdown:
    rule = RULES[clock.rule]
    due_on = clock.due_on if clock.state == ClockState.RUNNING else None
    end = timezone.make_aware(datetime.combine(due_on + timedelta(days=1), time.min)) if due_on else None
    return Countdown(
        rule=clock.rule,
        title=str(Bilingual(rule.title_zh, rule.title_en)),
        state=clock.state,
        due_on=clock.due_on or clock.ended_on,
        days_left=(due_on - today).days if due_on else None,
        deadline_at=end,
        on_expiry=str(Bilingual(rule.on_expiry_zh, rule.on_expiry_en)),
        suspended_since=clock.suspended_since,
    )


def limitation_countdown(case: Case) -> Countdown | None:
    """The one-year limitation (Law 27): the latest such clock of the case."""
    clocks = [c for c in case.clocks.all() if c.rule == "limitation"]
    latest = max(clocks, key=lambda c: c.pk, default=None)
    return countdown(latest, timezone.localdate()) if latest else None


def tier_countdowns(case: Case) -> list[Countdown]:
    """The open clocks of the current step (every open clock but the limitation), soonest first."""
    today = timezone.localdate()
    open_clocks = [c for c in case.clocks.all() if c.is_open and c.rule != "limitation"]
    return [countdown(c, today) for c in sorted(open_clocks, key=lambda c: (c.due_on or date.max, c.pk))]


def next_deadline(case: Case) -> Countdown | None:
    """The soonest running deadline of the case, the limitation included."""
    today = timezone.localdate()
    running = [c for c in case.clocks.all() if c.state == ClockState.RUNNING and c.due_on]
    soonest = min(running, key=lambda c: (c.due_on, c.pk), default=None)
    return countdown(soonest, today) if soonest else None


def limitation_notes(case: Case) -> list[str]:
    """The limitation warnings of the case, in the active language."""
    return [str(Bilingual(w["message_zh"], w["message_en"])) for w in limitation_warnings(case)]


def open_steps(cases: Iterable[Case]) -> dict[int, set[str]]:
    """Process id → names of its open steps, for many cases in one query."""
    process_ids = [case.process_id for case in cases if case.process_id]
    steps: dict[int, set[str]] = {}
    for task in Task.objects.filter(process_id__in=process_ids, status__in=OPEN).only("process_id", "flow_task"):
        steps.setdefault(task.process_id, set()).add(task.flow_task.name)
    return steps


def step_words(case: Case, steps: set[str]) -> str:
    """The case's status in words: its closure when closed, else its most pressing open step, else its tier."""
    if case.is_closed:
        return str(_("已结案：{closure}")).format(closure=case.get_closure_kind_display())
    for name, words in STEP_WORDS.items():
        if name in steps:
            return str(words)
    return str(case.get_tier_display())


def escalation_offered(steps: set[str]) -> bool:
    """The mediation window ran out and the process waits for the worker's answer (decide_escalation)."""
    return "offer_escalation" in steps
