"""Collective-dispute early warning: risk reports (隐患) about employers, and collective incidents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskSource(models.TextChoices):
    STAFF = "staff", _("街镇排查上报")
    AUTOMATIC = "automatic", _("系统自动预警")


class RiskReport(models.Model):
    employer = models.ForeignKey(
        "disputes.Employer", verbose_name=_("用人单位"), on_delete=models.PROTECT, related_name="risk_reports"
    )
    street = models.ForeignKey(
        "disputes.Street", verbose_name=_("街镇"), on_delete=models.PROTECT, related_name="risk_reports"
    )
    source = models.CharField(_("来源"), max_length=12, choices=RiskSource.choices)
    description = models.TextField(_("隐患情况"))
    reported_at = models.DateTimeField(_("上报时间"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("劳资矛盾隐患")
        verbose_name_plural = _("劳资矛盾隐患")
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["employer", "street", "reported_at"], name="risk_employer_street_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(source__in=RiskSource.values), name="risk_source_valid"),
            models.CheckConstraint(
                condition=~models.Q(source=RiskSource.STAFF) | models.Q(confirmed_at__isnull=False),
                name="risk_staff_report_is_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.reported_at:%Y-%m-%d}"


class CollectiveIncident(models.Model):
    employer = models.ForeignKey(
        "disputes.Employer", verbose_name=_("用人单位"), on_delete=models.PROTECT, related_name="collective_incidents"
    )
    street = models.ForeignKey(
        "disputes.Street", verbose_name=_("街镇"), on_delete=models.PROTECT, related_name="collective_incidents"
    )
    occurred_on = models.DateField(_("发生日期"))
    workers_involved = models.PositiveIntegerField(_("涉及人数"))
    description = models.TextField(_("事件情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    warning = models.ForeignKey(
        RiskReport,
        verbose_name=_("事先预警"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )

    class Meta:
        verbose_name = _("群体性劳资矛盾突发事件")
        verbose_name_plural = _("群体性劳资矛盾突发事件")
        ordering = ["-occurred_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(workers_involved__gte=10), name="incident_at_least_ten_workers"),
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.occurred_on}"
