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
    clock = models.ForeignKey("disputes.Clock", verbose_name=_("期限"), on_delete=models.CASCADE, related_name="alerts")
    case = models.ForeignKey("disputes.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="alerts")
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
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("知悉人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("知悉时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
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
        indexes = [models.Index(fields=["status", "due_on"], name="alert_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.clock_id} {self.level} {self.due_on}"
