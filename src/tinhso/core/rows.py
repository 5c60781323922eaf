"""Read model instances with a SELECT compiled once per model.

Used by one read only: the plate-camera lookup of a read's plate key
(``border.selectors.active_trucks_at``), run for every camera read. There, the ORM's
compilation of a SELECT of every Declaration column cost 1.1 ms a call against 0.16 ms
for this (``Model.objects.raw``: 0.66 ms), in process on SQLite, a Declaration with 31
columns (2,000 calls, best of 3; the database's own work is the same). Writes go
through the ORM: its INSERT and UPDATE compilation cost 0.1-0.3 ms more per statement,
which ``bench/border_events.py`` cannot tell from its run-to-run noise.

Values are converted exactly as the ORM does (the backend's and the field's
converters). The ``@cache``d helper holds compiled SQL and converter lists only, never
data.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import connection
from django.db.models import Model


def select(model: type[Model], where: str, params: Sequence) -> list[Model]:
    """Instances of ``model`` (every field loaded) whose rows satisfy ``where``, an SQL
    condition with ``%s`` placeholders for ``params``."""
    sql, names, converters = _select_plan(model, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} WHERE {where}", params)
        rows = cursor.fetchall()
    instances = []
    for row in rows:
        values = list(row)
        for position, functions, column in converters:
            for convert in functions:
                values[position] = convert(values[position], column, connection)
        instances.append(model.from_db(connection.alias, names, values))
    return instances


@cache
def _select_plan(model: type[Model], vendor: str):
    quote = connection.ops.quote_name
    meta = model._meta
    sql = (f"SELECT {', '.join(quote(f.column) for f in meta.concrete_fields)}"
           f" FROM {quote(meta.db_table)}")
    converters = []
    for position, field in enumerate(meta.concrete_fields):
        column = field.get_col(meta.db_table)
        functions = (connection.ops.get_db_converters(column)
                     + field.get_db_converters(connection))
        if functions:
            converters.append((position, functions, column))
    return sql, [f.attname for f in meta.concrete_fields], converters
