"""Deadline alerts: one per clock, level and due date — so a moved deadline may alert again, nothing twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已知悉")
    RESOLVED = "resolved", _("已处理")
    CLOSED = "closed", _("期限已结束")


OPEN_ALERT_STATES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


class Alert(models.Model):
    # Indexed by the unique constraint, which leads with it: the sweep inserts thousands of rows at a time.
    clock = models.ForeignKey(
        "disputes.Clock", verbose_name=_("期限"), on_delete=models.CASCADE, related_name="alerts", db_index=False
    )
    # The clock's case, copied for the desks' queries. No database constraint of its own: the clock's keeps it
    # whole (an alert's clock exists, and a clock never changes case), and checking it on each of a sweep's
    # thousands of inserts locked as many case rows (a quarter of the sweep at 1,000,000 open clocks).
    case = models.ForeignKey(
        "disputes.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="alerts", db_constraint=False
    )
    level = models.CharField(_("预警级别"), max_length=20)
    due_on = models.DateField(_("届满日"))
    raised_at = models.DateTimeField(_("预警时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=15, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_alerts",
        db_index=False,
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("知悉人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    acknowledged_at = models.DateTimeField(_("知悉时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("期限预警")
        verbose_name_plural = _("期限预警")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["clock", "level", "due_on"], name="alert_once_per_clock_level_due"),
            models.CheckConstraint(condition=models.Q(status__in=AlertStatus.values), name="alert_status_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="alert_status_due_idx"),
            # Only handled alerts name a person: a new alert adds no entry to these (PROTECT and desk lookups).
            models.Index(
                fields=["assigned_to"], condition=models.Q(assigned_to__isnull=False), name="alert_assignee_idx"
            ),
            models.Index(
                fields=["acknowledged_by"],
                condition=models.Q(acknowledged_by__isnull=False),
                name="alert_acknowledger_idx",
            ),
            models.Index(
                fields=["resolved_by"], condition=models.Q(resolved_by__isnull=False), name="alert_resolver_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.clock_id} {self.level} {self.due_on}"
