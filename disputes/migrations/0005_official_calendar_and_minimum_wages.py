"""Load the official calendar 2004–2026 from chinesecalendar, and Shanghai's dated minimum wages."""

from datetime import date
from decimal import Decimal

from django.db import migrations

FIRST_YEAR, LAST_YEAR = 2004, 2026
SHANGHAI_MINIMUM_WAGES = (
    (date(2023, 7, 1), Decimal("2690"), "上海市调整最低工资标准的通知：自2023年7月1日起月最低工资标准为2690元"),
    (date(2025, 7, 1), Decimal("2740"), "上海市调整最低工资标准的通知：自2025年7月1日起月最低工资标准为2740元"),
)


def load_calendar(apps, schema_editor):
    from disputes.calendar import year_from_chinesecalendar

    CalendarYear = apps.get_model("disputes", "CalendarYear")
    CalendarDay = apps.get_model("disputes", "CalendarDay")
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        data = year_from_chinesecalendar(year)
        calendar_year = CalendarYear.objects.create(
            year=year, source=f"国务院办公厅{year}年部分节假日安排（chinesecalendar 1.11.0）"
        )
        days = [
            CalendarDay(calendar_year=calendar_year, day=d, kind="rest", holiday_name=n)
            for d, n in data.rest_days.items()
        ]
        days += [
            CalendarDay(calendar_year=calendar_year, day=d, kind="make_up_working") for d in data.make_up_working_days
        ]
        CalendarDay.objects.bulk_create(days)


def unload_calendar(apps, schema_editor):
    apps.get_model("disputes", "CalendarYear").objects.filter(year__range=(FIRST_YEAR, LAST_YEAR)).delete()


def load_minimum_wages(apps, schema_editor):
    MinimumWage = apps.get_model("disputes", "MinimumWage")
    for effective_on, amount, source in SHANGHAI_MINIMUM_WAGES:
        MinimumWage.objects.get_or_create(
            region="上海市", effective_on=effective_on, defaults={"monthly_amount": amount, "source": source}
        )


class Migration(migrations.Migration):
    dependencies = [("disputes", "0004_calendar_clocks_wages")]
    operations = [
        migrations.RunPython(load_calendar, unload_calendar),
        migrations.RunPython(load_minimum_wages, migrations.RunPython.noop),
    ]
