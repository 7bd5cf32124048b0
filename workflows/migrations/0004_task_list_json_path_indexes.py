"""Queue and inbox indexes on the stamp's JSON paths (`data -> 'organization'`), the form the ORM's lookups compile to.

The `->>`-and-cast indexes of 0003 made every list query carry casts that cost more to build than to run. A third
index serves the wide lists (a court clerk's fifteen organizations, a leader's all) in order, without a sort.
PostgreSQL only; SQLite serves the small embedded default without them. Open tasks also get the case's id and
number in their stamp, so a list row names its case without a join.
"""

from django.db import migrations

OPEN_QUEUED = "WHERE status = 'NEW' AND flow_task_type = 'HUMAN'"
INDEXES = {
    "workflows_task_queue_by_org": f"viewflow_task ((data -> 'organization'), (data -> 'collective') DESC, created, id) {OPEN_QUEUED}",  # noqa: E501
    "workflows_task_queue_all": f"viewflow_task ((data -> 'collective') DESC, created, id) {OPEN_QUEUED}",
    "workflows_task_inbox_by_owner": (
        "viewflow_task (owner_id, (data -> 'collective') DESC, created, id) "
        "WHERE status IN ('ASSIGNED', 'STARTED') AND flow_task_type = 'HUMAN'"
    ),
}
OLD = ("workflows_task_queue", "workflows_task_inbox")


STAMP_SQL = """
UPDATE viewflow_task AS t
SET data = COALESCE(t.data, '{}'::jsonb) || jsonb_build_object('case', c.id, 'case_number', c.number)
FROM disputes_case AS c
WHERE c.process_id = t.process_id AND t.status IN ('NEW', 'ASSIGNED', 'STARTED') AND t.flow_task_type = 'HUMAN'
"""


def stamp_case(apps, schema_editor):
    """Open staff tasks name their case in the stamp (one statement on PostgreSQL)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STAMP_SQL)
        return
    Task = apps.get_model("viewflow", "Task")
    Case = apps.get_model("disputes", "Case")
    open_tasks = Task.objects.filter(status__in=["NEW", "ASSIGNED", "STARTED"], flow_task_type="HUMAN")
    cases = dict(Case.objects.filter(process_id__in=open_tasks.values("process_id")).values_list("process_id", "pk"))
    numbers = dict(Case.objects.filter(pk__in=cases.values()).values_list("pk", "number"))
    for task in open_tasks:
        if task.process_id in cases:
            case = cases[task.process_id]
            task.data = {**(task.data or {}), "case": case, "case_number": numbers[case]}
            task.save(update_fields=["data"])


def create(apps, schema_editor):
    stamp_case(apps, schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        for name in OLD:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        from importlib import import_module

        previous = import_module("workflows.migrations.0003_task_queue_stamp_indexes")
        for name, definition in previous.INDEXES.items():
            schema_editor.execute(f"CREATE INDEX {name} ON {definition}")


class Migration(migrations.Migration):
    dependencies = [("workflows", "0003_task_queue_stamp_indexes")]
    operations = [migrations.RunPython(create, drop)]
