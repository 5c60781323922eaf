"""The index the Decision 766 statistics read instead of the dossier table: the cohort
moment COALESCE(received_at, submitted_at), with every column the counts need included,
so a province-year is an index-only scan of one index (PostgreSQL; SQLite gets the
expression index without the included columns). Kept out of Dossier.Meta because
Django cannot express INCLUDE on an expression index portably; the statistics module
filters on exactly this expression (`statistics.COHORT_MOMENT`)."""

from django.db import migrations

NAME = "publicservices_dossier_stats_idx"
INCLUDED = ("received_at, submitted_at, agency_id, procedure_id, channel, state, outcome, "
            "due_at, pause_count, fee_vnd, fee_paid_at, result_file")


def create(apps, schema_editor):
    table = "publicservices_dossier"
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON {table} "
            f"((COALESCE(received_at, submitted_at))) INCLUDE ({INCLUDED})")
    else:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON {table} "
            f"((COALESCE(received_at, submitted_at)))")


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("publicservices", "0003_satisfaction")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
