"""Accent-insensitive Vietnamese search, run by the database (shared by every system).

"na chi lang" finds "Na Chi Lăng", "thach den" finds "Thạch đen", "DUONG" finds "Đường";
the word being typed matches as a prefix ("thach de" already finds it).

How it works
------------
A model declares what is searchable, in up to three weights (``a`` ranks above ``b``,
``b`` above ``c``)::

    search.register(Product, a=("name",), b=("category.name", "shop.name"),
                    c=("description",), select_related=("category", "shop"))

and its app adds the index table in a migration::

    operations = [CreateSearchIndex("market_product")]

The index is one side table per model, ``<model table>_search``, one row per object keyed
by the object's primary key, holding the *folded* words of each weight
(``core.searchtext``: lower case, "đ" → "d", no diacritics), so both databases index
exactly the same words:

* PostgreSQL: a table with a ``tsvector`` column generated from those words (``simple``
  configuration: no stemming, right for Vietnamese syllables; ``tinhso_unaccent``, the
  immutable wrapper of the ``unaccent`` extension created by core's migration 0004, runs
  over it too, so rows written by SQL from outside are folded as well) and a GIN index.
  Ranked by ``ts_rank`` with weights A 1.0, B 0.2, C 0.05.
* SQLite: an FTS5 virtual table (``unicode61 remove_diacritics 2``) whose rowid is the
  object's primary key. Ranked by ``bm25`` with column weights 10, 2, 0.5.

The index is kept in sync by ``post_save`` / ``post_delete`` handlers connected by
``register`` (so the admin, services, factories and the shell all keep it right, inside
the same transaction as the write). Writes that send no signal —
``QuerySet.update()``, ``bulk_create()``, ``loaddata`` — must call ``reindex(Model, ids)``
afterwards; ``tinhso search_reindex`` rebuilds everything. A change to a related object
(a renamed category) is picked up the next time the object is saved or reindexed.

Searching composes with ordinary filters, ordering and pagination::

    products = search(Product.objects.filter(is_active=True), request.GET.get("q"))
    products.filter(category=c)[:20]        # ranked, best first; ``.search_rank`` on each

An empty query (or one with no letters or digits) returns the queryset unchanged. What a
person types can never be full-text syntax: the query is cut into plain folded words
before it reaches the database (``searchtext.Query``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connections, migrations, models, router
from django.db.models.signals import post_delete, post_save

from tinhso.core.searchtext import Query, index_text

WEIGHTS = ("a", "b", "c")
#: SQLite bm25 column weights and PostgreSQL ts_rank weights {D, C, B, A}: a name match
#: outranks any number of description matches.
BM25_WEIGHTS = (10.0, 2.0, 0.5)
TS_RANK_WEIGHTS = "{0, 0.05, 0.2, 1.0}"
RANK = "search_rank"

FieldPath = str | Callable[[models.Model], str | None]


@dataclass(frozen=True)
class Searchable:
    model: type[models.Model]
    weights: dict[str, tuple[FieldPath, ...]]
    select_related: tuple[str, ...] = field(default_factory=tuple)

    @property
    def table(self) -> str:
        return search_table(self.model._meta.db_table)

    def columns(self, obj: models.Model) -> tuple[str, str, str]:
        return tuple(index_text(*(_value(obj, path) for path in self.weights.get(w, ())))
                     for w in WEIGHTS)  # type: ignore[return-value]


_registry: dict[type[models.Model], Searchable] = {}


def search_table(model_table: str) -> str:
    return f"{model_table}_search"


def _value(obj: models.Model, path: FieldPath) -> str | None:
    if callable(path):
        return path(obj)
    value: object = obj
    for name in path.split("."):
        value = getattr(value, name, None)
        if value is None:
            return None
    return str(value)


def register(model: type[models.Model], *, a: Sequence[FieldPath], b: Sequence[FieldPath] = (),
             c: Sequence[FieldPath] = (), select_related: Sequence[str] = ()) -> Searchable:
    """Declare ``model`` searchable (call it from the app's ``ready()``): the attribute
    paths (``"name"``, ``"category.name"``) or callables whose text is indexed, by weight."""
    spec = Searchable(model, {"a": tuple(a), "b": tuple(b), "c": tuple(c)},
                      tuple(select_related))
    _registry[model] = spec
    uid = f"core.search:{model._meta.label}"
    post_save.connect(_saved, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(_deleted, sender=model, weak=False, dispatch_uid=uid)
    return spec


def searchable(model: type[models.Model]) -> Searchable:
    model = model._meta.concrete_model or model
    try:
        return _registry[model]
    except KeyError:
        raise LookupError(f"{model._meta.label} is not registered with core.search") from None


def registered() -> list[Searchable]:
    return list(_registry.values())


# --- keeping the index in sync ----------------------------------------------------------


def _saved(sender, instance, raw=False, using=None, **kwargs) -> None:
    if raw:  # loaddata: related rows may not be there yet; `search_reindex` afterwards
        return
    _write(searchable(sender), [instance], using or router.db_for_write(sender))


def _deleted(sender, instance, using=None, **kwargs) -> None:
    _delete(searchable(sender), [instance.pk], using or router.db_for_write(sender))


def index_objects(objects: Iterable[models.Model]) -> None:
    """(Re)index these saved objects of one registered model."""
    objects = list(objects)
    if objects:
        model = type(objects[0])
        _write(searchable(model), objects, router.db_for_write(model))


def reindex(model: type[models.Model], ids: Iterable[int] | None = None, *,
            batch_size: int = 2000) -> int:
    """Rebuild the index rows of ``ids`` (every object when None); returns how many."""
    spec = searchable(model)
    using = router.db_for_write(model)
    connection = connections[using]
    quoted = connection.ops.quote_name(spec.table)
    rows = model._default_manager.using(using).select_related(*spec.select_related)
    if ids is None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {quoted}")  # noqa: S608 - table name from the registry
    else:
        ids = list(ids)
        rows = rows.filter(pk__in=ids)
        _delete(spec, ids, using)
    done = 0
    chunk: list[models.Model] = []
    for obj in rows.order_by("pk").iterator(chunk_size=batch_size):
        chunk.append(obj)
        if len(chunk) >= batch_size:
            _insert(spec, chunk, using)
            done, chunk = done + len(chunk), []
    if chunk:
        _insert(spec, chunk, using)
        done += len(chunk)
    if ids is None and connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # merge the b-trees written in batches
            cursor.execute(f"INSERT INTO {quoted}({quoted}) VALUES ('optimize')")  # noqa: S608
    return done


def _write(spec: Searchable, objects: Sequence[models.Model], using: str) -> None:
    _delete(spec, [obj.pk for obj in objects], using)
    _insert(spec, objects, using)


def _insert(spec: Searchable, objects: Sequence[models.Model], using: str) -> None:
    connection = connections[using]
    quoted = connection.ops.quote_name(spec.table)
    key = "rowid" if connection.vendor == "sqlite" else "object_id"
    rows = [(obj.pk, *spec.columns(obj)) for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quoted} ({key}, a, b, c) VALUES (%s, %s, %s, %s)",  # noqa: S608
            rows)


def _delete(spec: Searchable, ids: Sequence[object], using: str) -> None:
    connection = connections[using]
    quoted = connection.ops.quote_name(spec.table)
    key = "rowid" if connection.vendor == "sqlite" else "object_id"
    ids = [pk for pk in ids if pk is not None]
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"DELETE FROM {quoted} WHERE {key} IN ({marks})", part)  # noqa: S608


# --- searching ----------------------------------------------------------------------------


def search(source: models.QuerySet | type[models.Model], text: str | None, *,
           prefix: bool = True) -> models.QuerySet:
    """``source`` narrowed to what matches ``text``, best first, each row annotated with
    ``search_rank`` (higher is better). Chain filters, ``order_by`` or slices as usual;
    an empty query returns ``source`` unchanged. ``prefix``: the last word may be
    unfinished ("thach de" finds "thạch đen")."""
    queryset = source if isinstance(source, models.QuerySet) else \
        source._default_manager.all()
    query = Query(text, prefix=prefix)
    if not query:
        return queryset
    spec = searchable(queryset.model)
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    table = quote(spec.table)
    meta = queryset.model._meta
    key = f"{quote(meta.db_table)}.{quote(meta.pk.column)}"
    if connection.vendor == "postgresql":
        tsquery = query.tsquery()
        queryset = queryset.extra(
            tables=[spec.table],
            where=[f"{table}.object_id = {key}",
                   f"{table}.document @@ to_tsquery('simple', %s)"],
            params=[tsquery],
            select={RANK: f"ts_rank('{TS_RANK_WEIGHTS}', {table}.document, "
                          f"to_tsquery('simple', %s))"},
            select_params=[tsquery],
        )
    elif connection.vendor == "sqlite":
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        queryset = queryset.extra(
            tables=[spec.table],
            where=[f"{table} MATCH %s", f"{table}.rowid = {key}"],
            params=[query.fts5()],
            select={RANK: f"-bm25({table}, {weights})"},
        )
    else:  # pragma: no cover - the platform runs on SQLite and PostgreSQL only
        raise NotImplementedError(f"core.search does not support {connection.vendor}")
    return queryset.order_by(f"-{RANK}", "pk")


# --- the index table, created by the registering app's migration ---------------------------


POSTGRES_FUNCTIONS = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE OR REPLACE FUNCTION tinhso_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
"""


class CreateSearchIndex(migrations.operations.base.Operation):
    """Create (or drop, backwards) the search side table of the model stored in
    ``model_table``. Raw tables the ORM does not manage: no model state changes."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_table: str) -> None:
        self.model_table = model_table

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.model_table], {})

    def state_forwards(self, app_label, state) -> None:
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        quote = schema_editor.connection.ops.quote_name
        table = search_table(self.model_table)
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            schema_editor.execute(
                f"CREATE VIRTUAL TABLE {quote(table)} USING fts5(a, b, c, "
                "tokenize = 'unicode61 remove_diacritics 2')")
        elif vendor == "postgresql":
            document = " || ".join(
                f"setweight(to_tsvector('simple'::regconfig, tinhso_unaccent({column})), "
                f"'{weight}')" for column, weight in (("a", "A"), ("b", "B"), ("c", "C")))
            schema_editor.execute(
                f"CREATE TABLE {quote(table)} (object_id bigint PRIMARY KEY, "
                "a text NOT NULL DEFAULT '', b text NOT NULL DEFAULT '', "
                "c text NOT NULL DEFAULT '', "
                f"document tsvector GENERATED ALWAYS AS ({document}) STORED)")
            schema_editor.execute(
                f"CREATE INDEX {quote(table + '_document')} ON {quote(table)} "
                "USING gin (document)")
        else:  # pragma: no cover
            raise NotImplementedError(vendor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        schema_editor.execute(
            f"DROP TABLE IF EXISTS {schema_editor.connection.ops.quote_name(search_table(self.model_table))}")

    def describe(self) -> str:
        return f"Create the search index of {self.model_table}"


def populate(app_label: str, model_name: str):
    """A ``RunPython`` function indexing the rows already in the table when an app adds
    its search index (the registered fields, read from the migration's historical model)."""

    def run(apps, schema_editor) -> None:
        from django.apps import apps as live_apps

        spec = searchable(live_apps.get_model(app_label, model_name))
        historical = apps.get_model(app_label, model_name)
        using = schema_editor.connection.alias
        rows = historical._default_manager.using(using).select_related(*spec.select_related)
        chunk = []
        for obj in rows.order_by("pk").iterator(chunk_size=2000):
            chunk.append(obj)
            if len(chunk) >= 2000:
                _insert(spec, chunk, using)
                chunk = []
        if chunk:
            _insert(spec, chunk, using)

    return run


def create_postgres_functions(apps, schema_editor) -> None:
    """core migration 0004: the unaccent extension and its immutable wrapper (PostgreSQL)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTIONS)
