"""Paging of every list the API answers: ``?limit=&offset=``, a bounded limit, and the total
count, so a client can read a long list to its end (the exception desk used to stop at its
200 oldest reads without saying so)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Schema
from pydantic import BaseModel, Field

T = TypeVar("T")

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
#: No list is this long; a larger offset is a client's mistake, not a query to run.
MAX_OFFSET = 1_000_000


class PageIn(BaseModel):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT,
                       description=f"how many items (1–{MAX_LIMIT})")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="how many to skip")


class Page(Schema, Generic[T]):
    """One page of a list: `items`, and `count`, the length of the whole list."""

    count: int
    limit: int
    offset: int
    items: list[T]


def page_of(rows: QuerySet | Sequence, page: PageIn,
            present: Callable[[Any], Any] = lambda row: row) -> dict:
    """The page ``page`` asks for of ``rows`` (a queryset, counted in the database, or a
    list), each row shaped by ``present``."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    chunk: Iterable = rows[page.offset: page.offset + page.limit]
    return {"count": count, "limit": page.limit, "offset": page.offset,
            "items": [present(row) for row in chunk]}
