"""Accent-insensitive search (core.search): PostgreSQL's unaccent extension with its
immutable wrapper, and the search index of administrative units (the commune pickers)."""

from django.db import migrations

from tinhso.core.search import CreateSearchIndex, create_postgres_functions, search_table
from tinhso.core.searchtext import index_text


def index_units(apps, schema_editor):
    unit_model = apps.get_model("core", "AdministrativeUnit")
    connection = schema_editor.connection
    table = connection.ops.quote_name(search_table("core_administrativeunit"))
    key = "rowid" if connection.vendor == "sqlite" else "object_id"
    rows = [(unit.pk, index_text(unit.name), index_text(unit.former_district), "")
            for unit in unit_model.objects.all()]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({key}, a, b, c) VALUES (%s, %s, %s, %s)",
                           rows)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0004_sequencecounter"),
    ]

    operations = [
        migrations.RunPython(create_postgres_functions, migrations.RunPython.noop,
                             elidable=False),
        CreateSearchIndex("core_administrativeunit"),
        migrations.RunPython(index_units, migrations.RunPython.noop),
    ]
