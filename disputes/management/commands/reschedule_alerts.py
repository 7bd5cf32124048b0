"""Recompute every running clock's next alert day, after ALERT_WORKING_DAYS_BEFORE changed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from disputes.services.alerts import reschedule_alert_days


class Command(BaseCommand):
    help = "按新的预警设置重新安排期限预警 / reschedule deadline alerts after ALERT_WORKING_DAYS_BEFORE changed."

    def handle(self, *args: Any, **options: Any) -> None:
        written = reschedule_alert_days()
        self.stdout.write(f"{written} clocks rescheduled / 已重新安排 {written} 个期限")
