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

``search`` ranks every match (bm25 / ts_rank) and joins the model's table: right for a few
hundred rows. A public catalogue of any size uses ``find`` instead, whose work per query
is bounded: the table is created with ``CreateSearchIndex(table, keys=True)`` and the model
registered with ``keys=`` (equality filters as key words inside the index), ``where=``
(only what may be found is indexed) and ``follow=`` (related saves reindex)::

    found = search.find(Product.objects.values(...), "na chi lang", keys=["cat3"])
    found.count()      # stops at COUNT_CAP (found.capped: "more than 1,000")
    found[0:20]        # name matches first, then the rest, newest first; only 20 rows read

No rank is computed: each tier is read newest first and stops at the rows the page needs.

A list that shows the same few facts of every row registers them with ``data=`` (``obj ->
dict``, stored as JSON in the index row of a table created with ``data=True``) and asks
``find(Model, ..., stored=True)``: its rows are those dicts (with ``"id"``), read from the
index alone — no join with the model's table, no queryset compiled per request. Whatever
``data`` reads must be kept fresh like the words: saves reindex, ``follow=`` covers
related rows, and writes that send no signal call ``reindex``.

On PostgreSQL, a large table with keys also registers ``key_postings=True`` and adds
``CreateKeyPostings(table)`` in a migration: a posting table of the key column's words
(the name's marked words, the keys), kept by a trigger, from which the best tier reads
one word's rows newest first (``KEY_WALK``).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, migrations, models, router
from django.db.models.signals import post_delete, post_save

from tinhso.core.searchtext import Query, index_text

WEIGHTS = ("a", "b", "c")
#: SQLite bm25 column weights and PostgreSQL ts_rank weights {D, C, B, A}: a name match
#: outranks any number of description matches.
BM25_WEIGHTS = (10.0, 2.0, 0.5)
TS_RANK_WEIGHTS = "{0, 0.05, 0.2, 1.0}"
RANK = "search_rank"
#: Every row of a table with keys carries this key: ``find`` without words lists them all.
ALL_KEY = "all"
#: ``find`` counts at most this many matches ("more than 1,000 results") and pages no
#: further: the work of one query stays bounded however common its words are.
COUNT_CAP = 1000
#: In a table with keys, the words of the name (weight ``a``) are also key words with this
#: mark ("zzna"): their own short posting lists find "every word in the name" without
#: walking every match of the words anywhere (a column filter would).
NAME_MARK = "zz"
#: ... and their beginnings of 2 to 7 letters with this mark ("zplan", "zplang" for
#: "lang"): PostgreSQL finds a name word being typed as ONE posting list, like SQLite's
#: prefix indexes, instead of merging every word it starts into a bitmap first (which
#: cannot skip: 5–10 ms for a common word's beginning).
PREFIX_MARK = "zp"
NAME_PREFIX_LENGTHS = range(2, 8)
#: SQLite prefix indexes of tables with keys: a word being typed of 2–7 letters (every
#: Vietnamese syllable), or its marked copy, is looked up like a whole word, not by merging
#: the posting lists of every word it starts.
FTS5_PREFIXES = "2 3 4 5 6 7 8 9"
#: PostgreSQL, ``find``: a search first tests the index rows whose ids are among the newest
#: this many (the primary key walked backwards, each row's document tested; one statement
#: that also reads the highest id). Common words fill the page there and never build the
#: GIN bitmap of all their matches (a heap visit each: 6 ms for a word in 4 % of 100,000
#: products). A tier still short continues below that window (``Found._more_postgres``).
FIRST_WINDOW = 1000
#: ... by the cheaper of a wider window and the GIN index, estimated from how often the
#: tier matched so far: testing one row of a window costs about a sixth of reading one
#: match through the GIN index (0.2 µs and 1.2 µs, measured at 100,000 products).
WINDOW_ROW_COST, GIN_MATCH_COST = 1.0, 6.0
#: PostgreSQL, tables registered with ``key_postings=True``: the words of the key column
#: (the name's marked words and beginnings, the keys) also have a posting table, one row
#: per (word, id). The best tier ("every word in the name", and the keys) is then read by
#: walking ONE word's postings newest first and testing only those rows ("na chi lang":
#: the rows named "Na…", not every row), instead of the newest ids or the GIN index
#: (which visits every match: 1.6 ms for 1,610 matches of 100,000). The walk stops after
#: this many postings; a tier still short then reads the GIN index below them.
KEY_WALK = 2000
#: PostgreSQL, words or keys with another order than relevance (price, name): the first
#: ``SORT_WALK × limit`` rows in that order are tested for a match first (``Found._walked``);
#: a search matching one row in twenty or more fills its page there (about 1 ms) instead of
#: sorting every match read through the GIN index ("dac san lang son" by name, 6,111
#: matches of 100,000: 30 ms). Rarer searches read the GIN index after it.
SORT_WALK = 20

FieldPath = str | Callable[[models.Model], str | None]


@dataclass(frozen=True)
class Searchable:
    model: type[models.Model]
    weights: dict[str, tuple[FieldPath, ...]]
    select_related: tuple[str, ...] = field(default_factory=tuple)
    #: ``obj -> iterable of key words`` for equality filters kept in the index (see
    #: ``find``); None: the table has no key column (created without ``keys=True``).
    keys: Callable[[models.Model], Iterable[str]] | None = None
    #: ``obj -> bool``: only objects that pass are in the index (what can be found).
    where: Callable[[models.Model], bool] | None = None
    #: Relations ``reindex`` prefetches per batch, for ``keys`` that read them (the
    #: handlers of a document): one query a batch instead of one an object.
    prefetch_related: tuple[str, ...] = field(default_factory=tuple)
    #: ``obj -> dict`` (JSON-able): what a list shows of the object, stored in the index
    #: row (tables created with ``data=True``) and answered by ``find(..., stored=True)``
    #: instead of reading the model's table: one statement gives a page's rows.
    data: Callable[[models.Model], dict] | None = None
    #: The key column's words have a posting table (``CreateKeyPostings``; PostgreSQL).
    key_postings: bool = False

    @property
    def table(self) -> str:
        return search_table(self.model._meta.db_table)

    @property
    def postings_table(self) -> str:
        return key_postings_table(self.model._meta.db_table)

    def indexed(self, obj: models.Model) -> bool:
        return self.where is None or bool(self.where(obj))

    def stored(self, obj: models.Model) -> str:
        """The ``data`` of ``obj`` as the JSON text its index row keeps."""
        return json.dumps(self.data(obj), cls=DjangoJSONEncoder, ensure_ascii=False,
                          separators=(",", ":"))

    def columns(self, obj: models.Model) -> tuple[str, ...]:
        texts = tuple(index_text(*(_value(obj, path) for path in self.weights.get(w, ())))
                      for w in WEIGHTS)
        if self.keys is None:
            return texts
        marked = [NAME_MARK + word for word in texts[0].split()]
        marked += [PREFIX_MARK + word[:n] for word in texts[0].split()
                   for n in NAME_PREFIX_LENGTHS if n <= len(word)]
        return (*texts, " ".join(dict.fromkeys(
            [ALL_KEY, *map(key_word, self.keys(obj)), *marked])))


_registry: dict[type[models.Model], Searchable] = {}


def search_table(model_table: str) -> str:
    return f"{model_table}_search"


def key_postings_table(model_table: str) -> str:
    return f"{model_table}_search_keys"


def _value(obj: models.Model, path: FieldPath) -> str | None:
    if callable(path):
        return path(obj)
    value: object = obj
    for name in path.split("."):
        value = getattr(value, name, None)
        if value is None:
            return None
    return str(value)


def key_word(key: object) -> str:
    """A key as the one word both databases index for it (``"cat-3"`` → ``"cat3"``)."""
    word = "".join(index_text(str(key)).split())
    if not word:
        raise ValueError(f"empty search key {key!r}")
    return word


def register(model: type[models.Model], *, a: Sequence[FieldPath], b: Sequence[FieldPath] = (),
             c: Sequence[FieldPath] = (), select_related: Sequence[str] = (),
             keys: Callable[[models.Model], Iterable[str]] | None = None,
             where: Callable[[models.Model], bool] | None = None,
             follow: dict[type[models.Model], str] | None = None,
             prefetch_related: Sequence[str] = (),
             data: Callable[[models.Model], dict] | None = None,
             key_postings: bool = False) -> Searchable:
    """Declare ``model`` searchable (call it from the app's ``ready()``): the attribute
    paths (``"name"``, ``"category.name"``) or callables whose text is indexed, by weight.

    ``keys`` (tables created with ``CreateSearchIndex(..., keys=True)``): the key words of
    an object that ``find`` filters on inside the index (``"cat3"``, ``"commune1234"``),
    so a filtered search never joins. ``where``: only objects passing it are indexed (a
    withdrawn product is simply not there). ``follow``: related models whose saves reindex
    the objects pointing at them, ``{Shop: "shop"}`` (a closed shop's products leave).
    ``prefetch_related``: see ``Searchable.prefetch_related``. ``data``: what each index
    row stores for ``find(..., stored=True)`` (tables created with ``data=True``); it must
    only read the object and what ``select_related``/``prefetch_related``/``follow`` keep
    fresh — anything else that changes it without a save calls ``reindex``.
    ``key_postings``: the table with keys has a posting table of its key words
    (``CreateKeyPostings``, see ``KEY_WALK``)."""
    spec = Searchable(model, {"a": tuple(a), "b": tuple(b), "c": tuple(c)},
                      tuple(select_related), keys, where,
                      tuple(prefetch_related), data, key_postings)
    _registry[model] = spec
    uid = f"core.search:{model._meta.label}"
    post_save.connect(_saved, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(_deleted, sender=model, weak=False, dispatch_uid=uid)
    for related, lookup in (follow or {}).items():
        post_save.connect(_follower(model, lookup), sender=related, weak=False,
                          dispatch_uid=f"{uid}:follow:{related._meta.label}")
    return spec


def _follower(model: type[models.Model], lookup: str):
    def changed(sender, instance, raw=False, **kwargs) -> None:
        if raw:
            return
        ids = list(model._default_manager.filter(**{lookup: instance}).values_list(
            "pk", flat=True))
        if ids:
            reindex(model, ids)

    return changed


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
    rows = model._default_manager.using(using).select_related(
        *spec.select_related).prefetch_related(*spec.prefetch_related)
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


def _insert(spec: Searchable, objects: Sequence[models.Model], using: str, *,
            keys: bool | None = None, data: bool | None = None) -> None:
    """``keys``, ``data``: whether the table has the key column, the data column
    (default: the spec says; an older migration's table may not have them yet)."""
    connection = connections[using]
    quoted = connection.ops.quote_name(spec.table)
    key = "rowid" if connection.vendor == "sqlite" else "object_id"
    keys = spec.keys is not None if keys is None else keys
    data = spec.data is not None if data is None else data
    rows = [(obj.pk, *spec.columns(obj)[:4 if keys else 3],
             *([spec.stored(obj)] if data else [])) for obj in objects if spec.indexed(obj)]
    if not rows:
        return
    columns = ("a, b, c, k" if keys else "a, b, c") + (", d" if data else "")
    marks = ", ".join(["%s"] * len(rows[0]))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quoted} ({key}, {columns}) VALUES ({marks})",  # noqa: S608
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
        tsquery = query.tsquery("ABC")
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
            params=[f"{{a b c}} : ({query.fts5()})"],
            select={RANK: f"-bm25({table}, {weights})"},
        )
    else:  # pragma: no cover - the platform runs on SQLite and PostgreSQL only
        raise NotImplementedError(f"core.search does not support {connection.vendor}")
    return queryset.order_by(f"-{RANK}", "pk")


# --- finding: bounded work per query -----------------------------------------------------


KeyGroup = str | Sequence[str]


class Found:
    """What ``find`` answers: a lazy, sliceable list (for ``Paginator`` and
    ``core.paging.page_of``) whose ``count()`` stops at ``cap`` (``capped`` tells that
    there are more) and whose slices fetch only their own rows."""

    def __init__(self, fetch: models.QuerySet, query: Query, keys: Sequence[KeyGroup], *,
                 where: models.Q | None, order_by: Sequence[str] | None, cap: int,
                 rows: tuple[int, int] | None = None, stored: bool = False) -> None:
        self.fetch = fetch
        self.model = fetch.model
        self.spec = searchable(self.model)
        self.query = query
        self.keys = [(group,) if isinstance(group, str) else tuple(group) for group in keys]
        self.where = where
        self.order_by = tuple(order_by) if order_by else None
        self.cap = cap
        self.capped = False
        self._count: int | None = None
        # The ids of the first ``cap + 1`` matches, read once by ``count()``: the pages
        # are sliced from them (one pass for the count and the page, no COUNT(*)).
        self._head: list[int] | None = None
        #: (offset, limit) of the page the caller will ask after ``count()``: on
        #: PostgreSQL its rows are read in the same statement as the count
        #: (``_head_and_rows_postgres``) and kept here, by primary key.
        self.rows = rows
        self._rows: dict | None = None
        self._raw: dict[int, str] | None = None  # pk -> stored JSON, read with the ids
        #: The rows are the index's stored ``data`` (dicts with ``"id"``), read from the
        #: index table; ``fetch`` only names the model and the database.
        self.stored = stored
        self.connection = connections[fetch.db]
        self.vendor = self.connection.vendor
        if stored and self.spec.data is None:
            raise ValueError(f"{self.model._meta.label}'s search index stores no data")
        if self.keys and self.spec.keys is None:
            raise ValueError(f"{self.model._meta.label}'s search index has no keys")
        if not query and self.spec.keys is None:
            raise ValueError("find() without words needs a search index with keys")

    # -- the match expressions --------------------------------------------------------------
    #
    # Tables with keys: the words anywhere ("every") or as marked name words ("name"), with
    # the keys; the words are not restricted to a column (a restriction makes the database
    # read each candidate's positions; a person typing "cat3" or "zzna" finds no secret).
    # Tables without keys: the name tier is a column (SQLite) or weight (PostgreSQL) filter.

    def _keys_fts5(self) -> list[str]:
        groups = self.keys or ([] if self.query else [(ALL_KEY,)])
        return ["(" + " OR ".join(f'"{key_word(key)}"' for key in group) + ")"
                for group in groups]

    def _keys_tsquery(self) -> list[str]:
        groups = self.keys or ([] if self.query else [(ALL_KEY,)])
        return ["(" + " | ".join(key_word(key) for key in group) + ")" for group in groups]

    def _expressions(self) -> list[str]:
        """The MATCH / tsquery of each tier, best first."""
        keyed = self.spec.keys is not None
        if self.vendor == "sqlite":
            keys = self._keys_fts5()
            if not self.query:
                return [" AND ".join(keys)]
            every = " AND ".join([f"({self.query.fts5()})", *keys])
            name = f"({self.query.fts5(NAME_MARK)})" if keyed else f"a : ({self.query.fts5()})"
            return [" AND ".join([name, *keys]), f"({every}) NOT {name}"]
        if self.vendor == "postgresql":
            keys = self._keys_tsquery()
            if not self.query:
                return [" & ".join(keys)]
            every = " & ".join([f"({self.query.tsquery()})", *keys])
            name = f"({self._name_tsquery()})" if keyed else \
                f"({self.query.tsquery('A')})"
            return [" & ".join([name, *keys]), f"{every} & !{name}"]
        raise NotImplementedError(f"core.search does not support {self.vendor}")  # pragma: no cover

    def _name_tsquery(self) -> str:
        """Every word in the name: the marked words, the one being typed by its marked
        beginning (one posting list) when it is short enough to have one."""
        query = self.query
        last = query.words[-1]
        if not (query.prefix and len(last) in NAME_PREFIX_LENGTHS):
            return query.tsquery(mark=NAME_MARK)
        return " & ".join([*(NAME_MARK + word for word in query.words[:-1]),
                           PREFIX_MARK + last])

    def _clause(self) -> str:
        if self.vendor == "sqlite":
            return f"{self.connection.ops.quote_name(self.spec.table)} MATCH %s"
        return "document @@ to_tsquery('simple', %s)"

    def _tiers(self) -> list[tuple[str, list]]:
        """(WHERE clause on the index table, params) per tier, best first."""
        return [(self._clause(), [expression]) for expression in self._expressions()]

    def _every(self) -> str:
        if self.vendor == "sqlite":
            parts = [f"({self.query.fts5()})"] if self.query else []
            return " AND ".join(parts + self._keys_fts5())
        parts = [f"({self.query.tsquery()})"] if self.query else []
        return " & ".join(parts + self._keys_tsquery())

    def _key(self) -> str:
        return "rowid" if self.vendor == "sqlite" else "object_id"

    def _matching(self) -> tuple[str, list]:
        """SQL of the ids of every match (words and keys)."""
        table = self.connection.ops.quote_name(self.spec.table)
        return (f"SELECT {self._key()} FROM {table} WHERE {self._clause()}",  # noqa: S608
                [self._every()])

    # -- the filtered path: words and keys in the index, the rest by the ORM ------------

    def _filtered(self) -> models.QuerySet:
        rows = self.model._default_manager.using(self.fetch.db)
        if not self.query and not self.keys:
            # Every row of the index matches: whether a row is there is one lookup by its
            # key, so the database walks the sort (or range) index and stops at the page,
            # instead of listing every row of the index first (SQLite: 80 ms at 100,000
            # rows for a price sort, now 0.1 ms).
            table = self.connection.ops.quote_name(self.spec.table)
            meta = self.model._meta
            own = (f"{self.connection.ops.quote_name(meta.db_table)}."
                   f"{self.connection.ops.quote_name(meta.pk.column)}")
            rows = rows.filter(models.expressions.RawSQL(
                f"EXISTS (SELECT 1 FROM {table} WHERE {table}.{self._key()} = {own})",  # noqa: S611
                [], output_field=models.BooleanField()))
        else:
            sql, params = self._matching()
            if self.vendor == "postgresql":
                # Words or keys narrow the matches: PostgreSQL reads them from the GIN
                # index first (OFFSET 0 keeps the subquery whole), then joins the few
                # rows, rather than walking a sort index of the whole table testing each.
                sql = f"SELECT * FROM ({sql}) AS matched OFFSET 0"  # noqa: S608
            rows = rows.filter(pk__in=models.expressions.RawSQL(sql, params))
        if self.where is not None:
            rows = rows.filter(self.where)
        if self.order_by:
            return rows.order_by(*self.order_by)
        if not self.query:
            return rows.order_by("-pk")
        table = self.connection.ops.quote_name(self.spec.table)
        name_clause, name_params = self._tiers()[0]
        name_sql = f"SELECT {self._key()} FROM {table} WHERE {name_clause}"  # noqa: S608
        tier = models.Case(models.When(pk__in=models.expressions.RawSQL(name_sql, name_params),
                                       then=0), default=1,
                           output_field=models.IntegerField())
        return rows.annotate(search_tier=tier).order_by("search_tier", "-pk")

    @property
    def _plain(self) -> bool:
        return self.where is None and not self.order_by

    # -- the list protocol ------------------------------------------------------------------

    def count(self) -> int:
        """How many match, up to ``cap`` (``capped``: more than that). Reads the ids of
        the first ``cap + 1`` matches in their order, which the pages are then cut from:
        give ``find`` the ``cap`` a caller needs (``offset + limit`` for "more than N")
        and the count costs no more than the page."""
        if self._count is None:
            if self._foldable():
                offset, limit = self.rows
                head, self._rows = self._head_and_rows_postgres(self.cap + 1, offset, limit)
            elif self._plain:
                # Stored rows of a page announced: read with the ids (kept as text; only
                # the page's are decoded). PostgreSQL reads each id's with the id, so only
                # when the page is the end of the head (the API's "more than N" count).
                self._raw = {} if self.stored and self.rows is not None and (
                    self.vendor == "sqlite" or self.cap <= sum(self.rows)) else None
                head = self._ids(0, self.cap + 1, data=self._raw)
            else:
                head = list(self._filtered().values_list("pk", flat=True)[: self.cap + 1])
            self.capped = len(head) > self.cap
            self._head = head[: self.cap]
            self._count = len(self._head)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[0:self.cap])

    def __getitem__(self, key):
        if isinstance(key, int):
            rows = self[key:key + 1]
            if not rows:
                raise IndexError(key)
            return rows[0]
        start, stop = key.start or 0, self.cap if key.stop is None else key.stop
        start, stop = max(0, start), min(stop, self.cap)
        if stop <= start:
            return []
        if self._head is not None:
            ids = self._head[start:stop]
            if self._rows is not None and self.rows is not None and \
                    self.rows[0] <= start and stop <= sum(self.rows):
                return [self._rows[pk] for pk in ids if pk in self._rows]
            if self._raw is not None:  # every id of the head was read with its data
                return [_loaded(pk, self._raw[pk]) for pk in ids]
        elif not self._plain:
            ids = list(self._filtered().values_list("pk", flat=True)[start:stop])
        else:
            ids = self._ids(start, stop - start)
        if self.stored:
            by_pk = self._stored_rows(ids)
        else:
            by_pk = {(row["id"] if isinstance(row, dict) else row.pk): row
                     for row in self.fetch.filter(pk__in=ids)}  # objects, or values() rows
        return [by_pk[pk] for pk in ids if pk in by_pk]

    def _stored_rows(self, ids: Sequence[int]) -> dict:
        """The stored ``data`` of ``ids``' index rows, by primary key."""
        if not ids:
            return {}
        table = self.connection.ops.quote_name(self.spec.table)
        marks = ", ".join(["%s"] * len(ids))
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT {self._key()}, d FROM {table} "  # noqa: S608
                           f"WHERE {self._key()} IN ({marks})", list(ids))
            return {pk: _loaded(pk, data) for pk, data in cursor.fetchall()}

    def _ids(self, offset: int, limit: int, *, data: dict | None = None) -> list[int]:
        """The ids of the page, tier after tier, newest first in each: every tier stops at
        the rows the page needs (no rank computed, no match counted beyond them).
        ``data`` (stored rows): filled with each id's stored JSON, read in the same
        statements."""
        if self.vendor == "postgresql":
            return self._ids_postgres(offset + limit, data)[offset:]
        table = self.connection.ops.quote_name(self.spec.table)
        ids: list[int] = []
        columns = self._key() + (", d" if data is not None else "")
        with self.connection.cursor() as cursor:
            for clause, params in self._tiers():
                cursor.execute(
                    f"SELECT {columns} FROM {table} WHERE {clause} "  # noqa: S608
                    f"ORDER BY {self._key()} DESC LIMIT %s OFFSET %s",
                    [*params, limit - len(ids), offset])
                found = cursor.fetchall()
                got = [row[0] for row in found]
                if data is not None:
                    data.update(found)
                ids.extend(got)
                if len(ids) >= limit:
                    break
                # The next tier starts where this one ended: how many of it came before.
                if got:
                    offset = 0
                else:
                    cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} "  # noqa: S608
                                   f"WHERE {clause} LIMIT %s) AS m", [*params, offset])
                    offset -= cursor.fetchone()[0]
        return ids

    def _ids_postgres(self, limit: int, data: dict | None = None) -> list[int]:
        """PostgreSQL: the first ``limit`` ids, tier after tier, newest first in each, in as
        few short statements as the words need. Each tier that is needed, in order, is
        first looked for among the newest ``FIRST_WINDOW`` ids, newest first, stopping at
        the rows it needs (common words: the first statement, which also reads the highest
        id, is the only one); a tier still short reads more below (``_more_postgres``)
        until it has its rows or is complete. With key postings, the best tier walks its
        rarest word's postings instead (``_walk_postings``). A tier is only read once the
        ones before it are known whole: their rows all come first."""
        found: list[list[int]] = []
        top = None
        drivers = self._drivers()
        with self.connection.cursor() as cursor:
            for tier, (_clause, (expression,)) in enumerate(self._tiers()):
                need = limit - sum(map(len, found))
                if need <= 0:
                    break
                if tier == 0 and drivers:
                    found.append(self._walk_postings(cursor, drivers, expression, need, data))
                    continue
                if top is None:
                    top, rows = self._first_window_postgres(cursor, expression, need, data)
                    if not top:  # the index is empty
                        break
                else:
                    rows = self._window_postgres(cursor, expression, top - FIRST_WINDOW, top,
                                                 need, data)
                found.append(rows)
                below, looked = top - FIRST_WINDOW, FIRST_WINDOW
                while len(rows) < need and below > 0:
                    below, looked = self._more_postgres(cursor, expression, rows, need, below,
                                                        looked, data)
        return [pk for rows in found for pk in rows][:limit]

    def _drivers(self) -> tuple[str, str | None] | None:
        """The key-column words whose postings the best tier walks (``KEY_WALK``): of the
        words every row of the tier holds (the name's words, the beginning being typed,
        the keys that are not a choice of several), the two rarest by the database's own
        statistics ("dac san lang son": "san", in no name, before "dac", in one in ten);
        the second is None when there is only one word. None: no posting table, or no such
        word (the tier is read as before)."""
        if not self.spec.key_postings or self.vendor != "postgresql":
            return None
        query = self.query
        candidates = [key_word(group[0]) for group in self.keys if len(group) == 1]
        if query:
            words = query.words
            candidates += [NAME_MARK + word for word in
                           (words[:-1] if query.prefix else words)]
            if query.prefix and len(words[-1]) in NAME_PREFIX_LENGTHS:
                candidates.append(PREFIX_MARK + words[-1])
        elif not self.keys:
            candidates.append(ALL_KEY)
        if not candidates:
            return None
        common = _key_word_frequencies(self.connection, self.spec.postings_table)
        rarest = sorted(dict.fromkeys(candidates), key=lambda word: common.get(word, 0.0))
        return rarest[0], (rarest[1] if len(rarest) > 1 else None)

    def _walk_postings(self, cursor, drivers: tuple[str, str | None], expression: str,
                       need: int, data: dict | None) -> list[int]:
        """The tier's first ``need`` ids, newest first: the postings of the first of
        ``drivers`` (those the second shares, when there is one) walked newest first (at
        most ``KEY_WALK``), each one's index row tested; when that walk ends short with
        more postings left, the GIN index below the walked ones — all in the posting
        table's walk function (``CreateKeyPostings._walk_function``). (The expression is
        folded words and operators: as a ``tsquery`` value it is what
        ``to_tsquery('simple', …)`` makes of it.)"""
        function = self.connection.ops.quote_name(self.spec.postings_table + "_walk")
        columns = "object_id, d" if data is not None else "object_id"
        return _read_ids(
            cursor, f"SELECT {columns} FROM {function}(%s, %s, %s, %s::tsquery, %s)",  # noqa: S608
            [*drivers, KEY_WALK, expression, need], data)

    def _window_sql(self, data: dict | None,
                    bounds: str = "object_id > %s AND object_id <= %s") -> str:
        """The rows of ids within ``bounds`` that match, newest first, walking the primary
        key down and stopping at the LIMIT (OFFSET 0: not the GIN index)."""
        stored = ", d" if data is not None else ""
        table = self.connection.ops.quote_name(self.spec.table)
        return (f"SELECT object_id{stored} FROM (SELECT object_id, document{stored} "  # noqa: S608
                f"FROM {table} WHERE {bounds} "
                "ORDER BY object_id DESC OFFSET 0) AS recent "
                "WHERE document @@ to_tsquery('simple', %s) ORDER BY object_id DESC LIMIT %s")

    def _first_window_postgres(self, cursor, expression: str, limit: int,
                               data: dict | None) -> tuple[int, list[int]]:
        """The index's highest id (0 when it is empty) and the first ``limit`` matches
        among the ``FIRST_WINDOW`` ids below it, in one statement."""
        table = self.connection.ops.quote_name(self.spec.table)
        stored = ", page.d" if data is not None else ""
        window = self._window_sql(data, "object_id > top.id - %s")
        cursor.execute(
            f"SELECT top.id, page.object_id{stored} FROM (SELECT max(object_id) AS id "  # noqa: S608
            f"FROM {table}) AS top LEFT JOIN LATERAL ({window}) AS page ON true",
            [FIRST_WINDOW, expression, limit])
        rows = cursor.fetchall()
        top = rows[0][0] or 0
        found = [row[1:] for row in rows if row[1] is not None]
        if data is not None:
            data.update(found)
        return top, [row[0] for row in found]

    def _window_postgres(self, cursor, expression: str, lower: int, upper: int, limit: int,
                         data: dict | None) -> list[int]:
        return _read_ids(cursor, self._window_sql(data), [lower, upper, expression, limit],
                         data)

    def _more_postgres(self, cursor, expression: str, found: list[int], need: int,
                       below: int, looked: int, data: dict | None) -> tuple[int, int]:
        """One more read of a tier below the ids looked at (``below``: the highest id not
        looked at), appended to ``found``: a window wide enough for the rows still
        missing at the rate the tier matched so far, when testing it costs less than
        reading every match below through the GIN index (estimated at that rate); else the
        GIN index, which completes the tier. Returns the new ``below`` (0: complete) and
        how many ids have been looked at."""
        missing = need - len(found)
        rate = len(found) / looked if looked else 0
        width = math.ceil(2 * missing / rate) if rate else below
        if width < below and width * WINDOW_ROW_COST < rate * below * GIN_MATCH_COST:
            found += self._window_postgres(cursor, expression, below - width, below, missing,
                                           data)
            return below - width, looked + width
        stored = ", d" if data is not None else ""
        table = self.connection.ops.quote_name(self.spec.table)
        # OFFSET 0: the matches come from the GIN index, never from walking the primary
        # key down testing every row (the bound applies to the matches).
        found += _read_ids(
            cursor,
            f"SELECT object_id{stored} FROM (SELECT object_id{stored} FROM {table} "  # noqa: S608
            "WHERE document @@ to_tsquery('simple', %s) OFFSET 0) AS matched "
            "WHERE object_id <= %s ORDER BY object_id DESC LIMIT %s",
            [expression, below, missing], data)
        return 0, looked

    def _foldable(self) -> bool:
        """Whether the page's rows can be read in the statement that finds the ids:
        PostgreSQL, a filtered or sorted list (the database's own plan), ``values()`` or
        stored rows with nothing prefetched, a page announced (``rows=``)."""
        return (self.rows is not None and self.vendor == "postgresql" and not self._plain
                and (self.stored or (
                    issubclass(self.fetch._iterable_class, models.query.ValuesIterable)
                    and not self.fetch._prefetch_related_lookups)))

    def _head_and_rows_postgres(self, limit: int, offset: int, count: int) -> tuple[
            list[int], dict]:
        """PostgreSQL, a filtered or sorted list: the first ``limit`` ids in order and the
        ``fetch`` rows of those at positions ``offset`` to ``offset + count`` (the page the
        caller said it will ask, ``rows=``), in one statement; a sorted search first walks
        its sort (``_walked``), and reads the GIN index only if that walk fell short."""
        if self.order_by and (self.query or self.keys):
            head, rows = self._head_and_rows_statement(*self._walked(SORT_WALK * limit, limit),
                                                       offset, count)
            if len(head) >= limit:  # every match after the rows walked comes after these
                return head, rows
        ids = self._filtered().values_list("pk", flat=True)[:limit]
        return self._head_and_rows_statement(
            *ids.query.get_compiler(self.fetch.db).as_sql(), offset, count)

    def _walked(self, bound: int, limit: int) -> tuple[str, list]:
        """SQL of the first ``limit`` matches among the first ``bound`` rows in the asked
        order (and ``where``), in that order: the sort index is walked and each row's index
        row tested (found by its key), never the GIN index, and the product rows are not
        read again (the walked rows carry their sort values)."""
        rows = self.model._default_manager.using(self.fetch.db)
        if self.where is not None:
            rows = rows.filter(self.where)
        fields = [name.lstrip("-") for name in self.order_by]
        if "pk" not in fields:
            fields.append("pk")
        first = rows.order_by(*self.order_by).values_list(*fields)[:bound]
        first_sql, params = first.query.get_compiler(self.fetch.db).as_sql()
        names = [f"w{i}" for i in range(len(fields))]
        order = ", ".join(f"w{fields.index(name.lstrip('-'))}"
                          + (" DESC" if name.startswith("-") else "") for name in self.order_by)
        key = names[fields.index("pk")]
        table = self.connection.ops.quote_name(self.spec.table)
        # A scalar subquery, not EXISTS: PostgreSQL would turn EXISTS into a join and,
        # for words it thinks rare, read every match through the GIN index to join them.
        return (f"SELECT walked.{key} FROM ({first_sql}) AS walked({', '.join(names)}) "  # noqa: S608
                f"WHERE (SELECT {self._clause()} FROM {table} "
                f"WHERE {table}.{self._key()} = walked.{key}) ORDER BY {order} LIMIT %s",
                [*params, self._every(), limit])

    def _head_and_rows_statement(self, ids_sql: str, params: list | tuple, offset: int,
                                 count: int) -> tuple[list[int], dict]:
        """The ids ``ids_sql`` selects and the rows of the page among them in ONE statement
        (one round trip): the rows are joined to the ids in the database instead of asked
        for by a second statement."""
        if self.stored:
            table = self.connection.ops.quote_name(self.spec.table)
            rows_sql, rows_params, names = (
                f"SELECT object_id AS id, d FROM {table} "  # noqa: S608
                "WHERE object_id IN (SELECT object_id FROM search_page)", [], ["id", "d"])
        else:
            rows = self.fetch.filter(pk__in=models.expressions.RawSQL(
                "SELECT object_id FROM search_page", []))
            compiler = rows.query.get_compiler(self.fetch.db)
            rows_sql, rows_params = compiler.as_sql()
            query = rows.query
            names = list(query.selected) if query.selected else [
                *query.extra_select, *query.values_select, *query.annotation_select]
        # ARRAY(SELECT … ORDER BY …) keeps the order; WITH ORDINALITY numbers it.
        statement = (
            "WITH search_ids AS MATERIALIZED (SELECT object_id, n "  # noqa: S608
            f"FROM unnest(ARRAY({ids_sql})) WITH ORDINALITY AS u(object_id, n)), "
            "search_page AS (SELECT object_id FROM search_ids WHERE n > %s AND n <= %s) "
            "SELECT (SELECT array_agg(object_id ORDER BY n) FROM search_ids), page.* "
            f"FROM (SELECT 1) AS one LEFT JOIN LATERAL ({rows_sql}) AS page ON true")
        with self.connection.cursor() as cursor:
            cursor.execute(statement, [*params, offset, offset + count, *rows_params])
            raw = cursor.fetchall()
        head = list(raw[0][0] or [])
        key = names.index("id")
        # (a queryset may select ordering columns after its own: cut to the named ones)
        found = [row[1:1 + len(names)] for row in raw if row[1 + key] is not None]
        if self.stored:
            return head, {pk: _loaded(pk, data) for pk, data in found}
        by_pk = {}
        for values in compiler.results_iter(results=[found]):
            row = dict(zip(names, values, strict=True))
            by_pk[row["id"]] = row
        return head, by_pk


#: How long a process keeps a posting table's word frequencies (``_key_word_frequencies``).
FREQUENCIES_SECONDS = 600
_frequencies: dict[tuple[str, str], tuple[float, dict[str, float]]] = {}


def _key_word_frequencies(connection, table: str) -> dict[str, float]:
    """The share of rows holding each of a posting table's most common words, as
    PostgreSQL's statistics have them (``ANALYZE``, run by autovacuum; up to 1,000 words:
    ``CreateKeyPostings`` raises the column's statistics target); a word not listed is
    rarer than those. Read again every ``FREQUENCIES_SECONDS``."""
    key, now = (connection.alias, table), time.monotonic()
    cached = _frequencies.get(key)
    if cached is None or now - cached[0] > FREQUENCIES_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute("SELECT most_common_vals::text::text[], most_common_freqs "
                           "FROM pg_stats WHERE tablename = %s AND attname = 'word'", [table])
            row = cursor.fetchone()
        cached = (now, dict(zip(row[0], row[1], strict=True)) if row and row[0] else {})
        _frequencies[key] = cached
    return cached[1]


def _read_ids(cursor, sql: str, params: list, data: dict | None) -> list[int]:
    """The ids a statement selects (first column); with ``data``, its second column (the
    stored JSON) is kept there by id."""
    cursor.execute(sql, params)
    rows = cursor.fetchall()
    if data is not None:
        data.update(rows)
    return [row[0] for row in rows]


def _loaded(pk: int, data: str) -> dict:
    # orjson: a page decodes 20 stored rows per search, a quarter of the search's own
    # time with the standard library's json; the decoded dict takes the id (a copy with
    # it first cost a third more)
    row = orjson.loads(data)
    row["id"] = pk
    return row


def find(source: models.QuerySet | type[models.Model], text: str | None = None, *,
         keys: Sequence[KeyGroup] = (), where: models.Q | None = None,
         order_by: Sequence[str] | None = None, prefix: bool = True,
         cap: int = COUNT_CAP, rows: tuple[int, int] | None = None,
         stored: bool = False) -> Found:
    """The bounded search of a catalogue of any size: ``text``'s words (accent-insensitive,
    the last one a prefix) and ``keys`` (each a key word, or a sequence of alternatives)
    matched inside the index; no rank is computed: objects whose *name* (weight ``a``)
    holds every word come first, then the other matches, newest (highest id) first in each.

    ``source`` only fetches the page's rows (``select_related``/``prefetch_related`` go
    there, or ``values()`` with ``"id"`` for plain rows; its own filters are not used to
    count). ``where`` (a ``Q`` on the model) and
    ``order_by`` take the slower path through the model's table for what the index does
    not hold (a price range); the count still stops at ``cap``. ``rows``: ``(offset,
    limit)`` of the page that will be sliced after ``count()``; on PostgreSQL (``values()``
    or stored rows) the count and that page's rows are then one statement. ``stored``: the
    rows are the index's stored ``data`` (``register(data=…)``), each a dict with ``"id"``,
    read from the index table alone — no join with the model's table."""
    fetch = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    return Found(fetch, Query(text, prefix=prefix), keys, where=where, order_by=order_by,
                 cap=cap, rows=rows, stored=stored)


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

    def __init__(self, model_table: str, *, keys: bool = False, replace: bool = False,
                 data: bool = False) -> None:
        """``keys``: a fourth column of key words for ``find``'s filters (and, on SQLite,
        prefix indexes). ``data``: a column of what a list shows of each object
        (``register(data=…)``; not searched). ``replace``: drop the table first (a
        migration changing it)."""
        self.model_table = model_table
        self.keys = keys
        self.replace = replace
        self.data = data

    def deconstruct(self):
        kwargs = {name: True for name in ("keys", "replace", "data") if getattr(self, name)}
        return (self.__class__.__qualname__, [self.model_table], kwargs)

    def state_forwards(self, app_label, state) -> None:
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        quote = schema_editor.connection.ops.quote_name
        table = search_table(self.model_table)
        vendor = schema_editor.connection.vendor
        if self.replace:
            schema_editor.execute(f"DROP TABLE IF EXISTS {quote(table)}")
        if vendor == "sqlite":
            extra = (", k" if self.keys else "") + (", d UNINDEXED" if self.data else "")
            extra += f", prefix = '{FTS5_PREFIXES}'" if self.keys else ""
            schema_editor.execute(
                f"CREATE VIRTUAL TABLE {quote(table)} USING fts5(a, b, c{extra}, "
                "tokenize = 'unicode61 remove_diacritics 2')")
        elif vendor == "postgresql":
            columns = [("a", "A"), ("b", "B"), ("c", "C")] + ([("k", "D")] if self.keys else [])
            document = " || ".join(
                f"setweight(to_tsvector('simple'::regconfig, tinhso_unaccent({column})), "
                f"'{weight}')" for column, weight in columns)
            key_column = "k text NOT NULL DEFAULT '', " if self.keys else ""
            key_column += "d text NOT NULL DEFAULT '{}', " if self.data else ""
            schema_editor.execute(
                f"CREATE TABLE {quote(table)} (object_id bigint PRIMARY KEY, "
                "a text NOT NULL DEFAULT '', b text NOT NULL DEFAULT '', "
                f"c text NOT NULL DEFAULT '', {key_column}"
                f"document tsvector GENERATED ALWAYS AS ({document}) STORED)")
            schema_editor.execute(
                f"CREATE INDEX {quote(table + '_document')} ON {quote(table)} "
                "USING gin (document)")
        else:  # pragma: no cover
            raise NotImplementedError(vendor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if self.replace:  # back to the table before: rebuilt by that migration's own op
            CreateSearchIndex(self.model_table, replace=True,
                              keys=self.keys and self.data).database_forwards(
                app_label, schema_editor, from_state, to_state)
            return
        schema_editor.execute(
            f"DROP TABLE IF EXISTS {schema_editor.connection.ops.quote_name(search_table(self.model_table))}")

    def describe(self) -> str:
        return f"Create the search index of {self.model_table}"


class CreateKeyPostings(migrations.operations.base.Operation):
    """PostgreSQL: the posting table of the key column's words of ``model_table``'s search
    table (``register(key_postings=True)``, see ``KEY_WALK``), filled from the rows there
    and kept by a trigger on that table (any write of a row's key words, in the writer's
    transaction). A migration that replaces the search table runs this again. SQLite:
    nothing (FTS5 keeps its own posting lists)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_table: str) -> None:
        self.model_table = model_table

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.model_table], {})

    def state_forwards(self, app_label, state) -> None:
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.connection.ops.quote_name
        table = quote(search_table(self.model_table))
        postings = key_postings_table(self.model_table)
        words = "unnest(tsvector_to_array(to_tsvector('simple'::regconfig, {}.k)))"
        # (again after a migration that replaced the search table: built anew)
        schema_editor.execute(f"DROP TABLE IF EXISTS {quote(postings)}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote(postings + '_sync')} ON {table}")
        schema_editor.execute(
            f"CREATE TABLE {quote(postings)} (word text NOT NULL, object_id bigint NOT NULL, "
            "PRIMARY KEY (word, object_id))")
        # the statistics list up to 1,000 common words: ``Found._drivers`` walks the rarest
        schema_editor.execute(
            f"ALTER TABLE {quote(postings)} ALTER COLUMN word SET STATISTICS 1000")
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {quote(postings + '_sync')}() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "IF TG_OP <> 'INSERT' THEN "
            f"DELETE FROM {quote(postings)} WHERE object_id = OLD.object_id "
            "AND word = ANY (tsvector_to_array(to_tsvector('simple'::regconfig, OLD.k))); "
            "END IF; "
            "IF TG_OP <> 'DELETE' THEN "
            f"INSERT INTO {quote(postings)} (word, object_id) "
            f"SELECT w, NEW.object_id FROM {words.format('NEW')} AS w "
            "ON CONFLICT DO NOTHING; "
            "END IF; RETURN NULL; END $$")
        schema_editor.execute(
            f"CREATE TRIGGER {quote(postings + '_sync')} AFTER INSERT OR DELETE OR UPDATE OF k "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION {quote(postings + '_sync')}()")
        data = _has_column(schema_editor.connection, search_table(self.model_table), "d")
        schema_editor.execute(self._walk_function(quote, table, postings, data))
        schema_editor.execute(
            f"INSERT INTO {quote(postings)} (word, object_id) SELECT w, object_id "  # noqa: S608
            f"FROM {table}, {words.format(table)} AS w")
        schema_editor.execute(f"ANALYZE {quote(postings)}")

    @staticmethod
    def _walk_function(quote, table: str, postings: str, data: bool) -> str:
        """``<postings>_walk(driver, second, walk, query, wanted)``: ``Found._walk_postings``
        in one call — the first ``wanted`` rows matching ``query`` among the ``walk`` newest
        postings of ``driver`` (that ``second``, when given, also has: the two posting
        lists merged, no row read for an id only one has), then, if short and more remain,
        the GIN index below them. A PL/pgSQL function keeps its statements' plans for the
        session: planning them was more than half of a common word's search. (No hash
        join: it would read both posting lists whole.)"""
        keys = quote(postings)
        # (every column qualified: the function's own columns are variables in its body)
        rows_d, s_d, m_d = (", rows.d", ", s.d", ", m.d") if data else ("", "", "")
        # the postings walked: the driver's alone, or those the second word shares
        one = f"FROM {keys} AS k WHERE k.word = driver ORDER BY k.object_id DESC"
        two = (f"FROM {keys} AS k JOIN {keys} AS k2 ON k2.object_id = k.object_id "
               "AND k2.word = second WHERE k.word = driver ORDER BY k.object_id DESC")

        def page(walked: str) -> str:
            # OFFSET 0: each walked row's index row is found by its key, never a GIN scan
            return (f"RETURN QUERY SELECT walked.object_id{rows_d} FROM (SELECT k.object_id "
                    f"{walked} LIMIT walk) AS walked CROSS JOIN LATERAL (SELECT "
                    f"s.document{s_d} FROM {table} AS s WHERE s.object_id = walked.object_id "
                    "OFFSET 0) AS rows WHERE rows.document @@ query "
                    "ORDER BY walked.object_id DESC LIMIT wanted;")

        def first_unwalked(walked: str) -> str:
            return f"SELECT k.object_id INTO unwalked {walked} OFFSET walk LIMIT 1;"

        return (
            f"CREATE OR REPLACE FUNCTION {quote(postings + '_walk')}(driver text, second text, "
            "walk integer, query tsquery, wanted integer) "
            f"RETURNS TABLE (object_id bigint{', d text' if data else ''}) "
            "LANGUAGE plpgsql STABLE SET enable_hashjoin = off AS $$ "
            "DECLARE got integer; unwalked bigint; BEGIN "
            f"IF second IS NULL THEN {page(one)} ELSE {page(two)} END IF; "
            "GET DIAGNOSTICS got = ROW_COUNT; "
            "IF got < wanted THEN "
            f"IF second IS NULL THEN {first_unwalked(one)} "
            f"ELSE {first_unwalked(two)} END IF; "
            "IF unwalked IS NOT NULL THEN "
            f"RETURN QUERY SELECT m.object_id{m_d} FROM (SELECT s.object_id{s_d} "
            f"FROM {table} AS s WHERE s.document @@ query OFFSET 0) AS m "
            "WHERE m.object_id <= unwalked ORDER BY m.object_id DESC LIMIT wanted - got; "
            "END IF; END IF; END $$")

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.connection.ops.quote_name
        postings = key_postings_table(self.model_table)
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {quote(postings + '_walk')}"
                              "(text, text, integer, tsquery, integer)")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote(postings + '_sync')} "
                              f"ON {quote(search_table(self.model_table))}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {quote(postings + '_sync')}()")
        schema_editor.execute(f"DROP TABLE IF EXISTS {quote(postings)}")

    def describe(self) -> str:
        return f"Create the key postings of {self.model_table}'s search index"


def populate(app_label: str, model_name: str):
    """A ``RunPython`` function indexing the rows already in the table when an app adds
    its search index (the registered fields, read from the migration's historical model)."""

    def run(apps, schema_editor) -> None:
        from django.apps import apps as live_apps

        spec = searchable(live_apps.get_model(app_label, model_name))
        historical = apps.get_model(app_label, model_name)
        using = schema_editor.connection.alias
        connection = schema_editor.connection
        table = search_table(historical._meta.db_table)
        keys, data = _has_column(connection, table, "k"), _has_column(connection, table, "d")
        rows = historical._default_manager.using(using).select_related(*spec.select_related)
        if data:
            rows = rows.prefetch_related(*spec.prefetch_related)
        chunk = []
        for obj in rows.order_by("pk").iterator(chunk_size=2000):
            chunk.append(obj)
            if len(chunk) >= 2000:
                _insert(spec, chunk, using, keys=keys, data=data)
                chunk = []
        if chunk:
            _insert(spec, chunk, using, keys=keys, data=data)

    return run


def _has_column(connection, table: str, column: str) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA table_info({connection.ops.quote_name(table)})")
            return any(row[1] == column for row in cursor.fetchall())
        cursor.execute("SELECT 1 FROM information_schema.columns WHERE table_name = %s "
                       "AND column_name = %s", [table, column])
        return cursor.fetchone() is not None


def create_postgres_functions(apps, schema_editor) -> None:
    """core migration 0004: the unaccent extension and its immutable wrapper (PostgreSQL)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTIONS)
