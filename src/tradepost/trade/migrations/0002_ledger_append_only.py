"""On PostgreSQL a trigger refuses UPDATE and DELETE on ledger transactions and entries,
whatever the caller (raw SQL, a shell, another program); the model layer refuses them on
every database. A correction is a new reversing transaction. TRUNCATE is not a row operation:
the production database role is granted no TRUNCATE on these tables (test runs flush them)."""

from django.db import migrations

TABLES = ("trade_ledgertransaction", "trade_ledgerentry")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION trade_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger rows are append-only (% on % refused)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
CREATE_TRIGGER = """
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION trade_ledger_append_only();
"""
DROP_TRIGGER = "DROP TRIGGER IF EXISTS {table}_append_only ON {table};"
DROP_FUNCTION = "DROP FUNCTION IF EXISTS trade_ledger_append_only();"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(CREATE_TRIGGER.format(table=table), params=None)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(DROP_TRIGGER.format(table=table), params=None)
        schema_editor.execute(DROP_FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [("trade", "0001_ledger")]
    operations = [migrations.RunPython(forwards, backwards)]
