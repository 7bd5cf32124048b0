"""Queue and inbox read one index each: organization and collective flag stamped on the open staff task.

PostgreSQL only (expression indexes on the JSON stamp); SQLite serves the small embedded default without them.
"""

from django.db import migrations

INDEXES = {
    "workflows_task_queue": (
        "viewflow_task ((((data->>'organization'))::bigint), (((data->>'collective'))::integer) DESC, created, id) "
        "WHERE status = 'NEW' AND flow_task_type = 'HUMAN'"
    ),
    "workflows_task_inbox": (
        "viewflow_task (owner_id, (((data->>'collective'))::integer) DESC, created, id) "
        "WHERE status IN ('ASSIGNED', 'STARTED') AND flow_task_type = 'HUMAN'"
    ),
}


STAMP_SQL = """
UPDATE viewflow_task AS t
SET data = COALESCE(t.data, '{}'::jsonb)
    || jsonb_build_object('organization', c.current_organization_id, 'collective', c.is_collective::int)
FROM disputes_case AS c
WHERE c.process_id = t.process_id AND t.status IN ('NEW', 'ASSIGNED', 'STARTED') AND t.flow_task_type = 'HUMAN'
"""


def stamp_open_tasks(apps, schema_editor):
    """Tasks opened before the stamp existed get it from their case (one statement on PostgreSQL)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STAMP_SQL)
        return
    Task = apps.get_model("viewflow", "Task")
    Case = apps.get_model("disputes", "Case")
    for task in Task.objects.filter(status__in=["NEW", "ASSIGNED", "STARTED"], flow_task_type="HUMAN"):
        case = (
            Case.objects.filter(process_id=task.process_id).values("current_organization_id", "is_collective").first()
        )
        if case:
            task.data = {
                **(task.data or {}),
                "organization": case["current_organization_id"],
                "collective": int(case["is_collective"]),
            }
            task.save(update_fields=["data"])


def create(apps, schema_editor):
    stamp_open_tasks(apps, schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("workflows", "0002_task_queue_indexes"), ("disputes", "0009_early_warning")]
    operations = [migrations.RunPython(create, drop)]
