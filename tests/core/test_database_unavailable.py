"""A database outage answers 503 (JSON for the API, a plain page otherwise), never a 500
with a traceback."""

from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.test import Client, RequestFactory

from tests.factories import user_with_role
from tinhso.accounts.models import Role
from tinhso.core.views import server_error


@pytest.fixture
def logged_in(db):
    client = Client(raise_request_exception=False)
    client.force_login(user_with_role(Role.ENTERPRISE_STAFF))
    return client


def database_down():
    """Every new query fails as with a refused connection."""
    return mock.patch.object(type(connections["default"]), "ensure_connection",
                             side_effect=OperationalError("could not connect to server"))


@pytest.mark.parametrize("debug", [False, True])
def test_api_answers_503_json(logged_in, settings, debug):
    settings.DEBUG = debug  # with DEBUG on, ninja would answer a 500 traceback
    with database_down():
        response = logged_in.get("/api/v1/border/declarations")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    [error] = response.json()["detail"]
    assert error["code"] == "unavailable"
    assert error["message_vi"] != error["message_en"]
    assert "Traceback" not in response.content.decode()


def test_page_answers_503_plain_page(logged_in):
    with database_down():
        response = logged_in.get("/border/enterprise/")
    assert response.status_code == 503
    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "Dịch vụ tạm thời gián đoạn" in page and "temporarily unavailable" in page
    assert page.index("Dịch vụ") < page.index("temporarily")  # Vietnamese first


def test_outage_outside_a_view_is_503_too(db):
    request = RequestFactory().get("/border/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        assert server_error(request).status_code == 500
