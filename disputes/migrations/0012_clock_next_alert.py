import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _official_calendar(apps):
    """The stored official calendar, built from the historical models (they lack the cached queryset)."""
    from disputes.calendar import OfficialCalendar, YearCalendar

    CalendarYear = apps.get_model("disputes", "CalendarYear")
    years = []
    for year in CalendarYear.objects.prefetch_related("days"):
        days = list(year.days.all())
        rest = {d.day: d.holiday_name for d in days if d.kind == "rest"}
        make_up = frozenset(d.day for d in days if d.kind == "make_up_working")
        years.append(YearCalendar(year.year, rest, make_up, source=year.source))
    return OfficialCalendar(years)


def fill_next_alert_days(apps, schema_editor):
    """Running clocks of watched rules: the day they next need the sweep, one UPDATE per (rule, due date).

    A clock at a level today whose alert the old sweep already raised goes on to its next level's day;
    one overdue and already alerted gets none.
    """
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from disputes.alert_levels import level_of, next_alert_on, pending_alert_on

    Clock = apps.get_model("disputes", "Clock")
    Alert = apps.get_model("disputes", "Alert")
    calendar, today = _official_calendar(apps), timezone.localdate()
    watched = settings.ALERT_WORKING_DAYS_BEFORE
    running = Clock.objects.filter(state="running", rule__in=list(watched), due_on__isnull=False)
    for rule, due_on in running.values_list("rule", "due_on").distinct().order_by():
        thresholds = tuple(watched[rule])
        group = running.filter(rule=rule, due_on=due_on)
        group.update(next_alert_on=pending_alert_on(due_on, thresholds, calendar, today=today))
        level = level_of(due_on, today, thresholds, calendar)
        if level is not None:
            raised = Alert.objects.filter(clock_id=OuterRef("pk"), level=level, due_on=due_on)
            following = next_alert_on(due_on, thresholds, calendar, after=today)
            group.filter(Exists(raised)).update(next_alert_on=following)


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0011_metric_monthly"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="clock",
            name="next_alert_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="下次预警日"),
        ),
        migrations.RunPython(fill_next_alert_days, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="clock",
            index=models.Index(
                condition=models.Q(("next_alert_on__isnull", False), ("state", "running")),
                fields=["next_alert_on"],
                name="clock_next_alert_idx",
            ),
        ),
        # Indexes no query needs and a redundant check, dropped: a sweep writes thousands of alerts and clocks.
        migrations.AlterField(
            model_name="clock",
            name="case",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="clocks",
                to="disputes.case",
                verbose_name="案件",
            ),
        ),
        migrations.AlterField(
            model_name="alert",
            name="clock",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="alerts",
                to="disputes.clock",
                verbose_name="期限",
            ),
        ),
        migrations.AlterField(
            model_name="alert",
            name="case",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="alerts",
                to="disputes.case",
                verbose_name="案件",
            ),
        ),
        migrations.AlterField(
            model_name="alert",
            name="assigned_to",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assigned_alerts",
                to=settings.AUTH_USER_MODEL,
                verbose_name="负责人",
            ),
        ),
        migrations.AlterField(
            model_name="alert",
            name="acknowledged_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="知悉人",
            ),
        ),
        migrations.AlterField(
            model_name="alert",
            name="resolved_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="处理人",
            ),
        ),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(
                condition=models.Q(("assigned_to__isnull", False)), fields=["assigned_to"], name="alert_assignee_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(
                condition=models.Q(("acknowledged_by__isnull", False)),
                fields=["acknowledged_by"],
                name="alert_acknowledger_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(
                condition=models.Q(("resolved_by__isnull", False)), fields=["resolved_by"], name="alert_resolver_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="clock",
            constraint=models.CheckConstraint(
                condition=models.Q(("state", "running"), ("next_alert_on__isnull", True), _connector="OR"),
                name="clock_next_alert_only_running",
            ),
        ),
    ]
