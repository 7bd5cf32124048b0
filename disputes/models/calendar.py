"""The official calendar as data: each published year's rest days and make-up working days."""

from __future__ import annotations

import threading
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from disputes.calendar import OfficialCalendar, YearCalendar


class DayKind(models.TextChoices):
    REST = "rest", _("法定节假日休息")
    MAKE_UP_WORKING = "make_up_working", _("调休上班")


_cache_lock = threading.Lock()
_cached: dict[str, Any] = {}


class CalendarYearQuerySet(models.QuerySet["CalendarYear"]):
    def official_calendar(self) -> OfficialCalendar:
        """Every published year as one OfficialCalendar, rebuilt only when a year changed."""
        stamp = tuple(self.aggregate(n=models.Count("year"), at=models.Max("updated_at")).values())
        with _cache_lock:
            if _cached.get("stamp") != stamp:
                _cached["calendar"] = OfficialCalendar(y.as_year_calendar() for y in self.prefetch_related("days"))
                _cached["stamp"] = stamp
            calendar: OfficialCalendar = _cached["calendar"]
        return calendar


class CalendarYear(models.Model):
    """A year whose State Council holiday arrangement is published (国务院办公厅节假日安排)."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("如：国办发明电〔2025〕7号"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CalendarYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("官方日历年度")
        verbose_name_plural = _("官方日历年度")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(year__gte=1949, year__lte=2200), name="calendar_year_plausible")
        ]

    def __str__(self) -> str:
        return str(self.year)

    def as_year_calendar(self) -> YearCalendar:
        days = list(self.days.all())
        rest = {d.day: d.holiday_name for d in days if d.kind == DayKind.REST}
        make_up = frozenset(d.day for d in days if d.kind == DayKind.MAKE_UP_WORKING)
        return YearCalendar(self.year, rest, make_up, source=self.source)


class CalendarDay(models.Model):
    calendar_year = models.ForeignKey(
        CalendarYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="days"
    )
    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=DayKind.choices)
    holiday_name = models.CharField(_("节日名称"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("节假日或调休日")
        verbose_name_plural = _("节假日和调休日")
        ordering = ["day"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=DayKind.values), name="calendar_day_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(kind=DayKind.REST) | models.Q(holiday_name=""),
                name="calendar_day_only_rest_days_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.holiday_name}".strip()

    def clean(self) -> None:
        if self.kind == DayKind.MAKE_UP_WORKING and self.day and self.day.weekday() < 5:
            raise ValidationError({"day": _("调休上班日必须是星期六或星期日。")}, code="make_up_day_not_weekend")
        if self.kind == DayKind.MAKE_UP_WORKING and self.holiday_name:
            raise ValidationError({"holiday_name": _("调休上班日不填写节日名称。")}, code="make_up_day_named")
