"""Indexes viewflow's task table lacks: open tasks by process (queues) and by owner (inboxes).

Most of a case's tasks are finished, so partial indexes over the open ones stay small at millions of rows.
"""

from django.db import migrations

INDEXES = {
    "workflows_task_open_by_process": (
        "viewflow_task (process_id, created) WHERE status IN ('NEW', 'ASSIGNED', 'SCHEDULED')"
    ),
    "workflows_task_open_by_owner": "viewflow_task (owner_id, created) WHERE status IN ('ASSIGNED', 'STARTED')",
    "workflows_task_finished_by_owner": "viewflow_task (owner_id, finished) WHERE finished IS NOT NULL",
}


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial"), ("viewflow", "0015_task_scheduled")]
    operations = [
        migrations.RunSQL(f"CREATE INDEX {name} ON {definition}", f"DROP INDEX {name}")
        for name, definition in INDEXES.items()
    ]
