import os
import signal
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

ON_CI = os.environ.get("CI", "").lower() == "true"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
#: Where every test's clock starts: a working Wednesday morning, Vietnam time, with every
#: gate open. A test that needs another moment travels there itself (`time_machine`).
TEST_EPOCH = datetime(2026, 12, 2, 9, 30, tzinfo=VIETNAM)


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


@pytest.fixture(autouse=True)
def _search_indexes_in_step(request, django_db_blocker):
    """A transactional test (live server, real concurrency) ends with a flush that empties
    the model tables but not core.search's side tables (raw tables Django does not
    manage): the next one starts with them rebuilt from what is there, so no stored card of
    a row flushed away is found (a search reading only the index would show it)."""
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        from tinhso.core import search

        request.getfixturevalue("django_db_setup")  # the test database, never another
        with django_db_blocker.unblock():
            for spec in search.registered():
                search.reindex(spec.model)


@pytest.fixture(scope="session")
def _private_media(tmp_path_factory):
    return tmp_path_factory.mktemp("private-media")


@pytest.fixture(autouse=True)
def _uploads_outside_var(_private_media):
    """Uploads (the demo's drawn photos, tests' pictures) go to a temporary folder, never
    into the working copy's var/."""
    from django.conf import settings

    previous = settings.PRIVATE_MEDIA_ROOT
    settings.PRIVATE_MEDIA_ROOT = _private_media
    yield
    settings.PRIVATE_MEDIA_ROOT = previous


@pytest.fixture(autouse=True)
def clock():
    """Time is an input: the wall clock never decides whether a test passes. The clock
    ticks from `TEST_EPOCH`, so code that measures durations still works."""
    with time_machine.travel(TEST_EPOCH, tick=True) as traveller:
        yield traveller


@pytest.fixture
def database_tasks(settings):
    """The production task backend (django-tasks-db): an enqueued task waits in the
    database until `run_worker()` runs it. The tests' default is the immediate backend."""
    settings.TASKS_BACKEND = "database"
    settings.TASKS = {"default": {"BACKEND": settings.TASK_BACKENDS["database"],
                                  "QUEUES": settings.TASK_QUEUES}}


def run_worker(queue: str = "*") -> None:
    """One pass of the real worker (`tinhso db_worker --batch`): every task that is due,
    including those the tasks it runs enqueue, then it exits. Needs a transactional test:
    the worker manages its own transactions and connections, as in production."""
    from django.core.management import call_command

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM,
                                                         signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, queue_name=queue, reload=False,
                     startup_delay=False, interval=0, verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


class FlakyNotifier:
    """A notification gateway (NOTIFY_BACKEND) that is down for the next `failures_left`
    messages; it remembers who it was asked to notify."""

    failures_left = 0
    calls: list[str] = []

    def send(self, notification) -> None:
        FlakyNotifier.calls.append(notification.recipient)
        if FlakyNotifier.failures_left:
            FlakyNotifier.failures_left -= 1
            raise ConnectionError("SMS gateway unreachable")


@pytest.fixture
def flaky(settings) -> type[FlakyNotifier]:
    settings.NOTIFY_BACKEND = "tests.conftest.FlakyNotifier"
    FlakyNotifier.failures_left, FlakyNotifier.calls = 0, []
    return FlakyNotifier


@pytest.fixture(scope="session")
def after_make_run(tmp_path_factory):
    """A working directory as `make run` leaves a fresh clone: the Makefile's `tinhso` steps
    (migrate, demo data, static files; DEBUG=1 as it sets) run in a clean environment, so
    `var/` holds the SQLite database, the generated secret key and the shared cache. The
    server itself is not started."""
    from tests.commandline import make_run_commands, tinhso

    site = tmp_path_factory.mktemp("fresh-clone")
    for args in make_run_commands():
        done = tinhso(args, cwd=site, DEBUG="1")
        assert done.returncode == 0, (args, done.stderr[-3000:])
    return site
