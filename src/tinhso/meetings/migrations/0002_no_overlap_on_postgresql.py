"""On PostgreSQL, the database itself refuses two active bookings of one point or one room
whose held intervals overlap: an exclusion constraint over (resource, tstzrange) with a GiST
index (btree_gist for the equality on the id). The services' row locks make a conflict a
clear answer instead of an IntegrityError; this constraint is the proof that no code path
can double-book. SQLite has no exclusion constraints: there the row locks stand alone."""

from django.db import migrations

CONSTRAINTS = [
    ("meetings_pointbooking", "point_id", "meetings_pointbooking_no_overlap"),
    ("meetings_roombooking", "room_id", "meetings_roombooking_no_overlap"),
]


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for table, column, name in CONSTRAINTS:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} EXCLUDE USING gist "
            f"({column} WITH =, tstzrange(held_from, held_until, '[)') WITH &&) "
            f"WHERE (active)")
        # The conflict check of a meeting of many points asks "which active bookings
        # overlap this window" whatever the point: a GiST index on the range alone answers
        # it in a fraction of a millisecond (bench/meetings.py).
        schema_editor.execute(
            f"CREATE INDEX {table}_active_range ON {table} USING gist "
            f"(tstzrange(held_from, held_until, '[)')) WHERE active")


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _column, name in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_active_range")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
