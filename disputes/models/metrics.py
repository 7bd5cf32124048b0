"""Metric counters: deltas appended in the transaction of each event, rolled up into per-day rows.

No single hot row: every event appends its own delta row (one per street and day and key), and a
periodic roll-up folds them into MetricDaily. Reading a period sums the daily rows plus the few
deltas not yet rolled up.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MetricDelta(models.Model):
    day = models.DateField(_("日期"))
    street = models.ForeignKey("disputes.Street", verbose_name=_("街镇"), on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("指标计数"), max_length=60)
    delta = models.IntegerField(_("增量"))

    class Meta:
        verbose_name = _("指标增量")
        verbose_name_plural = _("指标增量")
        indexes = [models.Index(fields=["key", "day"], name="metric_delta_key_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.street_id} {self.key} {self.delta:+d}"


class MetricDaily(models.Model):
    day = models.DateField(_("日期"))
    street = models.ForeignKey("disputes.Street", verbose_name=_("街镇"), on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("指标计数"), max_length=60)
    value = models.IntegerField(_("数量"))

    class Meta:
        verbose_name = _("指标日计数")
        verbose_name_plural = _("指标日计数")
        constraints = [models.UniqueConstraint(fields=["key", "day", "street"], name="metric_daily_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.street_id} {self.key} = {self.value}"


class MetricMonthly(models.Model):
    """Per-month totals kept beside the daily rows, so a year reads at most twelve rows per key and street."""

    month = models.DateField(_("月份"))
    street = models.ForeignKey("disputes.Street", verbose_name=_("街镇"), on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("指标计数"), max_length=60)
    value = models.IntegerField(_("数量"))

    class Meta:
        verbose_name = _("指标月计数")
        verbose_name_plural = _("指标月计数")
        constraints = [models.UniqueConstraint(fields=["key", "month", "street"], name="metric_monthly_unique")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.street_id} {self.key} = {self.value}"
