"""Statutory clocks: a rule, a start and a ledger of events; the due date is derived and stored indexed."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from disputes.clock import RULES, Event, Extend, Restart, Suspend

RULE_CHOICES = [(code, rule.title_zh) for code, rule in RULES.items()]


class ClockState(models.TextChoices):
    RUNNING = "running", _("计时中")
    SUSPENDED = "suspended", _("中止中")
    MET = "met", _("已按期完成")
    MISSED = "missed", _("已逾期")
    STOPPED = "stopped", _("已停止")


OPEN_STATES = (ClockState.RUNNING, ClockState.SUSPENDED)


class ClockQuerySet(models.QuerySet["Clock"]):
    def open(self) -> ClockQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def due_by(self, day: object) -> ClockQuerySet:
        """Running clocks due on or before `day` (an Asia/Shanghai date), via the partial index."""
        return self.filter(state=ClockState.RUNNING, due_on__lte=day)

    def alert_due_by(self, day: object) -> ClockQuerySet:
        """Running clocks whose next alert day is `day` or earlier: what the sweep reads, on its partial index."""
        return self.filter(state=ClockState.RUNNING, next_alert_on__lte=day)


class Clock(models.Model):
    # Indexed by clock_case_rule_idx, which leads with it (one index less on every clock write).
    case = models.ForeignKey(
        "disputes.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="clocks", db_index=False
    )
    rule = models.CharField(_("期限规则"), max_length=40, choices=RULE_CHOICES)
    started_on = models.DateField(_("起算日"))
    state = models.CharField(_("状态"), max_length=12, choices=ClockState.choices, default=ClockState.RUNNING)
    due_on = models.DateField(_("届满日"), null=True, blank=True)
    provisional = models.BooleanField(_("暂按周一至周五计算"), default=False)
    suspended_since = models.DateField(_("中止起始日"), null=True, blank=True)
    ended_on = models.DateField(_("结束日"), null=True, blank=True)
    # The day the deadline sweep next looks at this clock: it enters an alert level then (or has, unswept).
    next_alert_on = models.DateField(_("下次预警日"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ClockQuerySet.as_manager()

    class Meta:
        verbose_name = _("法定期限")
        verbose_name_plural = _("法定期限")
        ordering = ["due_on", "id"]
        indexes = [
            # The deadline sweeps read only running clocks, by due date.
            models.Index(fields=["due_on"], condition=models.Q(state="running"), name="clock_running_due_idx"),
            # The alert sweep reads only the running clocks whose next alert day has come.
            models.Index(
                fields=["next_alert_on"],
                condition=models.Q(state="running", next_alert_on__isnull=False),
                name="clock_next_alert_idx",
            ),
            models.Index(fields=["case", "rule"], name="clock_case_rule_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=ClockState.values), name="clock_state_valid"),
            models.CheckConstraint(condition=models.Q(rule__in=list(RULES)), name="clock_rule_known"),
            models.CheckConstraint(
                condition=~models.Q(state=ClockState.RUNNING) | models.Q(due_on__isnull=False),
                name="clock_running_has_due_date",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(state=ClockState.SUSPENDED, due_on__isnull=True, suspended_since__isnull=False)
                    | (~models.Q(state=ClockState.SUSPENDED) & models.Q(suspended_since__isnull=True))
                ),
                name="clock_suspended_iff_suspension_open",
            ),
            models.CheckConstraint(
                condition=models.Q(state=ClockState.RUNNING) | models.Q(next_alert_on__isnull=True),
                name="clock_next_alert_only_running",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=OPEN_STATES, ended_on__isnull=True)
                | (~models.Q(state__in=OPEN_STATES) & models.Q(ended_on__isnull=False)),
                name="clock_ended_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} {self.due_on or ''}".strip()

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def ledger(self) -> list[Event]:
        """The stored events as the pure calculator takes them."""
        return self.ledger_of(self.events.order_by("id"))

    @staticmethod
    def ledger_of(events: Iterable[ClockEvent]) -> list[Event]:
        """Events in the order recorded; each resumption closes the suspension open at that point."""
        ledger: list[Event] = []
        for event in events:
            if event.kind == ClockEventKind.SUSPEND:
                ledger.append(Suspend(on=event.on))
            elif event.kind == ClockEventKind.RESUME:
                index = max(i for i, e in enumerate(ledger) if isinstance(e, Suspend) and e.resumed_on is None)
                ledger[index] = Suspend(on=ledger[index].on, resumed_on=event.on)
            elif event.kind == ClockEventKind.EXTEND:
                ledger.append(Extend(days=event.days or 0, on=event.on))
            else:
                ledger.append(Restart(on=event.on))
        return ledger


class ClockEventKind(models.TextChoices):
    SUSPEND = "suspend", _("中止")
    RESUME = "resume", _("恢复")
    EXTEND = "extend", _("延长")
    RESTART = "restart", _("重新计算")


class ClockEvent(models.Model):
    """One entry of a clock's ledger; dates are Asia/Shanghai calendar dates."""

    clock = models.ForeignKey(Clock, verbose_name=_("期限"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=10, choices=ClockEventKind.choices)
    on = models.DateField(_("日期"))
    days = models.PositiveSmallIntegerField(_("延长天数"), null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_clock_events",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recorded_clock_events",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("期限事项")
        verbose_name_plural = _("期限事项")
        ordering = ["on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ClockEventKind.values), name="clock_event_kind_valid"),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=ClockEventKind.EXTEND, days__gte=1)
                    | (~models.Q(kind=ClockEventKind.EXTEND) & models.Q(days__isnull=True))
                ),
                name="clock_event_days_only_for_extensions",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"
