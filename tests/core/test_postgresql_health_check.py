"""The health check of a kept PostgreSQL connection at the start of a request
(core.postgresql): an idle connection whose socket is quiet is kept without a query; one the
server ended is replaced before the request's first query; inside a transaction the server
is asked."""

import select
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import connection, transaction

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@contextmanager
def cursors_opened_on(raw):
    """How many cursors are opened on the raw connection ``raw`` (a query needs one)."""
    opened = []
    original = type(raw).cursor

    def counting(self, *args, **kwargs):
        if self is raw:
            opened.append(1)
        return original(self, *args, **kwargs)

    with mock.patch.object(type(raw), "cursor", counting):
        yield opened


def new_request():
    """What ``close_old_connections`` does to a kept connection when a request starts."""
    connection.close_if_unusable_or_obsolete()
    assert connection.health_check_enabled and not connection.health_check_done


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_quiet_idle_connection_is_kept_without_a_query():
    pid = backend_pid()
    raw = connection.connection
    new_request()
    with cursors_opened_on(raw) as opened:
        connection.close_if_health_check_failed()
    assert opened == []
    assert connection.health_check_done and connection.connection is raw
    assert backend_pid() == pid


def test_a_connection_the_server_ended_is_replaced_before_the_next_query():
    pid = backend_pid()
    raw = connection.connection
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.autocommit = True
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    readable, _, _ = select.select([raw.fileno()], [], [], 10)  # the server's farewell
    assert readable
    new_request()
    assert backend_pid() != pid  # no error: the dead connection was closed, a new one opened
    assert raw.closed


def test_inside_a_transaction_the_server_is_asked():
    with transaction.atomic():
        pid = backend_pid()
        raw = connection.connection
        connection.health_check_done = False
        with cursors_opened_on(raw) as opened:
            connection.close_if_health_check_failed()
        assert opened == [1]  # SELECT 1, as Django does
        assert backend_pid() == pid
