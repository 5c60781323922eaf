"""A short-lived cache of the public catalogue search's answers (``GET
/api/v1/market/products``): the same words and filters within ``MARKET_SEARCH_CACHE_SECONDS``
(30 s by default; 0 turns it off) are answered from the shared cache.

Every answer is keyed by a *catalogue version* that any save or delete of a product, a
shop, a category or a photo moves on (signals connected in the app's ``ready()``), so a
seller's edit shows at once. What changes without a signal — stock taken by an order's
conditional UPDATE — may show for up to the cache's lifetime in the "in stock" flag; the
checkout checks the stock itself."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from tinhso.core.searchtext import Query

VERSION_KEY = "market:catalogue:version"


def seconds() -> int:
    return int(getattr(settings, "MARKET_SEARCH_CACHE_SECONDS", 30))


def version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, None)


def _move_on() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there (evicted, or the cache was cleared)
        cache.set(VERSION_KEY, 2, None)


def bump(**kwargs) -> None:
    """Now (the writer's next read sees it) and again at commit (a reader who cached the
    old rows in between is not served them any longer)."""
    _move_on()
    transaction.on_commit(_move_on)


def key(filters, limit: int, offset: int, *, language: str, today) -> str:
    """The answer's key: the query as searched (folded words), the filters, the page, the
    language and the day (an OCOP badge ends with its certificate), and the version."""
    query = Query(filters.q)
    parts = [query.words, query.prefix, filters.category, filters.commune,
             filters.ocop_min_stars, filters.price_min, filters.price_max, filters.specialty,
             filters.sort, limit, offset, language, today.isoformat()]
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]
    return f"market:search:{version()}:{digest}"


def connect() -> None:
    from tinhso.market.models import Category, Product, ProductPhoto, Shop

    for model in (Product, Shop, Category, ProductPhoto):
        uid = f"market.catalogue_cache:{model.__name__}"
        post_save.connect(bump, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(bump, sender=model, weak=False, dispatch_uid=uid)
