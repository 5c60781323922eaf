"""Read and write rows with SQL compiled once per model and field list.

The ORM compiles every query anew, and on the plate-camera hot path that compilation
costs several times what the database spends executing the statement
(``bench/border_events.py`` prints both). These functions build their statement once per
(model, fields, database vendor) and convert values exactly as the ORM does: each
field's ``pre_save`` / ``get_db_prep_save`` on the way in (``auto_now`` stamps, JSON,
time zones), the backend's and the field's converters on the way out.

They send no ``pre_save`` / ``post_save`` signals; the models written through them have
no receivers. Everything off the hot path should keep using the ORM. The ``@cache``d
helpers hold compiled SQL and converter lists only, never data.
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


def insert(instance: Model) -> Model:
    """INSERT ``instance`` (its primary key must be unset) and set its primary key."""
    meta = instance._meta
    fields = _insert_fields(type(instance))
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    returning = connection.features.can_return_columns_from_insert
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(type(instance), connection.vendor, returning), values)
        pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    setattr(instance, meta.pk.attname, pk)
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


def update(instance: Model, field_names: Sequence[str]) -> int:
    """UPDATE ``field_names`` of ``instance``'s row (like ``save(update_fields=…)``);
    returns the number of rows changed (0 if the row is gone)."""
    fields = [instance._meta.get_field(name) for name in field_names]
    values = [f.get_db_prep_save(f.pre_save(instance, False), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(_update_sql(type(instance), tuple(field_names), connection.vendor),
                       [*values, instance.pk])
        return cursor.rowcount


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


@cache
def _insert_fields(model: type[Model]) -> list:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


@cache
def _insert_sql(model: type[Model], vendor: str, returning: bool) -> str:
    quote = connection.ops.quote_name
    fields = _insert_fields(model)
    sql = (f"INSERT INTO {quote(model._meta.db_table)} "
           f"({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    # RETURNING: PostgreSQL, and SQLite from 3.35 (older SQLite: the cursor's lastrowid).
    return f"{sql} RETURNING {quote(model._meta.pk.column)}" if returning else sql


@cache
def _update_sql(model: type[Model], field_names: tuple[str, ...], vendor: str) -> str:
    quote = connection.ops.quote_name
    meta = model._meta
    assignments = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in field_names)
    return (f"UPDATE {quote(meta.db_table)} SET {assignments} "
            f"WHERE {quote(meta.pk.column)} = %s")
