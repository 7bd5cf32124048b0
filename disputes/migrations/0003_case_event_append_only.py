"""On PostgreSQL, the database itself refuses UPDATE and DELETE of audit rows (TRUNCATE stays for tests)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION disputes_caseevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'disputes_caseevent is append-only (' || TG_OP || ' refused)',
        ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER disputes_caseevent_append_only
    BEFORE UPDATE OR DELETE ON disputes_caseevent
    FOR EACH ROW EXECUTE FUNCTION disputes_caseevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS disputes_caseevent_append_only ON disputes_caseevent;
DROP FUNCTION IF EXISTS disputes_caseevent_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("disputes", "0002_minhang_streets")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
