"""Dated minimum wages per region: the measure of the final-award (一裁终局) amount test."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

SHANGHAI = "上海市"


class MinimumWageQuerySet(models.QuerySet["MinimumWage"]):
    def in_force(self, region: str, on: date) -> MinimumWage | None:
        """The standard of `region` in force on `on` (the latest one effective on or before it)."""
        return self.filter(region=region, effective_on__lte=on).order_by("-effective_on").first()


class MinimumWage(models.Model):
    region = models.CharField(_("地区"), max_length=40, default=SHANGHAI)
    monthly_amount = models.DecimalField(_("月最低工资标准（元）"), max_digits=8, decimal_places=2)
    effective_on = models.DateField(_("施行日期"))
    source = models.CharField(_("依据"), max_length=200, blank=True)

    objects = MinimumWageQuerySet.as_manager()

    class Meta:
        verbose_name = _("最低工资标准")
        verbose_name_plural = _("最低工资标准")
        ordering = ["region", "-effective_on"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_on"], name="minimum_wage_unique_per_day"),
            models.CheckConstraint(condition=models.Q(monthly_amount__gt=Decimal(0)), name="minimum_wage_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.monthly_amount} ({self.effective_on})"
