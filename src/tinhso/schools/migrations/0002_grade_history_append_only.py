"""The grade history is append-only in the database too: an UPDATE (and on PostgreSQL a
DELETE) of a `schools_gradechange` row is refused by a trigger, whatever code or SQL asks.
(SQLite keeps only the UPDATE trigger: the test runner empties tables with DELETE there.)"""

from django.db import migrations


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE FUNCTION schools_gradechange_refuse() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'grade history is append-only'; END; $$ LANGUAGE plpgsql")
        schema_editor.execute(
            "CREATE TRIGGER schools_gradechange_append_only BEFORE UPDATE OR DELETE ON "
            "schools_gradechange FOR EACH ROW EXECUTE FUNCTION schools_gradechange_refuse()")
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE TRIGGER schools_gradechange_append_only BEFORE UPDATE ON "
            "schools_gradechange BEGIN SELECT RAISE(ABORT, 'grade history is append-only'); "
            "END")


def remove(apps, schema_editor):
    schema_editor.execute("DROP TRIGGER IF EXISTS schools_gradechange_append_only"
                          + (" ON schools_gradechange"
                             if schema_editor.connection.vendor == "postgresql" else ""))
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS schools_gradechange_refuse()")


class Migration(migrations.Migration):
    dependencies = [("schools", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
