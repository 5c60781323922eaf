"""Schemathesis over the OpenAPI schema (/api/v1/openapi.json): whatever a client sends,
no answer is a 5xx. Runs in-process through the WSGI application (no network), as nobody,
as a plate camera (X-API-Key) and as enterprise staff (session + CSRF), with a bounded
number of examples per operation so the suite stays fast."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, settings

from tests.border.conftest import user


def fuzz(examples: int):
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(autouse=True)
def transactional_signals(border):
    """The WSGI handler closes 'old' connections around each request, which would close the
    test's own transaction; the test client does not, and neither do we here."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def enterprise_session(border) -> dict[str, str]:
    client = Client()
    client.force_login(user("doanhnghiep"))
    token = _get_new_csrf_string()
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={token}",
            "X-CSRFToken": token}


# Loaded once, when the tests are collected: reading the schema needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


def no_server_error(response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:2000])


@schema.parametrize()
@fuzz(8)  # most answer 401 at once; the bodies and parameters are still parsed first
def test_no_5xx_unauthenticated(case):
    no_server_error(case.call())


@schema.include(path_regex="/plate-events$").parametrize()
@fuzz(30)  # the one operation a camera key opens
def test_no_5xx_with_a_camera_key(case, camera_key):
    no_server_error(case.call(headers={"X-API-Key": camera_key}))


@schema.parametrize()
@fuzz(15)
def test_no_5xx_as_enterprise_staff(case, enterprise_session):
    no_server_error(case.call(headers=enterprise_session))
