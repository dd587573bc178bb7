"""The database itself refuses UPDATE and DELETE on workflow events (SQLite and PostgreSQL triggers)."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER workflow_event_no_update BEFORE UPDATE ON workflow_event
       BEGIN SELECT RAISE(ABORT, 'workflow events are append-only'); END""",
    """CREATE TRIGGER workflow_event_no_delete BEFORE DELETE ON workflow_event
       BEGIN SELECT RAISE(ABORT, 'workflow events are append-only'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS workflow_event_no_update", "DROP TRIGGER IF EXISTS workflow_event_no_delete"]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION workflow_event_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'workflow events are append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER workflow_event_append_only BEFORE UPDATE OR DELETE ON workflow_event
       FOR EACH ROW EXECUTE FUNCTION workflow_event_append_only()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS workflow_event_append_only ON workflow_event",
    "DROP FUNCTION IF EXISTS workflow_event_append_only()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
