import os

import pytest
from django.db import connection

ON_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests (row locks, real concurrency) skip on SQLite with a clear
    reason, except under CI=true, where a skip would hide a missing database: they fail."""
    if connection.vendor == "postgresql":
        return
    if ON_CI:
        raise pytest.UsageError("CI=true but DATABASE_URL is not PostgreSQL: refusing to skip "
                                "the PostgreSQL-only tests.")
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://… to run it")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached rows must not leak between databases."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
