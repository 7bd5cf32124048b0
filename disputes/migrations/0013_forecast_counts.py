"""Count the running award clocks of an existing database per street and due day (the closure forecast's counts).

From here on disputes.services.forecast keeps these counts as clocks move; before, the forecast counted clocks
joined to cases at every read.
"""

from django.db import migrations
from django.db.models import Count

FORECAST_KEY = "award_running_due"


def count_running_award_clocks(apps, schema_editor):
    Clock = apps.get_model("disputes", "Clock")
    MetricDelta = apps.get_model("disputes", "MetricDelta")
    running = Clock.objects.filter(rule="arbitration.award", state="running", due_on__isnull=False)
    rows = running.values_list("due_on", "case__workplace_street_id").annotate(n=Count("id")).order_by()
    MetricDelta.objects.bulk_create(
        MetricDelta(key=FORECAST_KEY, day=due_on, street_id=street_id, delta=n) for due_on, street_id, n in rows
    )


def forget_counts(apps, schema_editor):
    for model in ("MetricDelta", "MetricDaily", "MetricMonthly"):
        apps.get_model("disputes", model).objects.filter(key=FORECAST_KEY).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0012_clock_next_alert"),
    ]

    operations = [
        migrations.RunPython(count_running_award_clocks, forget_counts),
    ]
