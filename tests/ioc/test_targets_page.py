"""The targets page: the operations centre sees and sets every indicator's yearly target,
an agency's data officer those of the indicators it owns, through the same service as the
API (`services.set_target`, audited); anyone else gets 403; bad input names its field in
both languages and saves nothing."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tests.factories import user_with_role
from tinhso.accounts.models import Role
from tinhso.core.models import AuditEntry
from tinhso.ioc.models import Target

pytestmark = pytest.mark.django_db
URL = "/ioc/muc-tieu/"


@pytest.fixture
def people(catalogue, clock):
    return {
        "operator": user_with_role(Role.IOC_OPERATOR),
        "market_officer": user_with_role(Role.DATA_OFFICER,
                                         catalogue["households_with_shop"].owner),
        "other_officer": user_with_role(Role.DATA_OFFICER),
        "leader": user_with_role(Role.PROVINCE_LEADER),
        "commune": user_with_role(Role.COMMUNE_OFFICER),
        "citizen": user_with_role(Role.CITIZEN),
    }


def target(code, year):
    return Target.objects.filter(indicator__code=code, year=year).first()


def test_the_operator_sees_every_indicator_and_sets_a_target(client, people):
    client.force_login(people["operator"])
    page = client.get(URL)
    assert page.status_code == 200
    assert "Tỷ trọng kinh tế số trong GRDP" in page.text  # a statistics office indicator
    assert "Lượt xe qua cửa khẩu mỗi ngày" in page.text  # a border board indicator
    # The year field is a calendar year ("Năm"), not the schools' "whole year" ("Cả năm").
    assert '<label for="year">Năm</label>' in page.text
    saved = client.post(URL, {"indicator": "border_trucks_per_day", "year": "2027",
                              "value": "1800"})
    assert saved.status_code == 302 and saved["Location"] == URL
    assert target("border_trucks_per_day", 2027).value == D(1800)
    entry = AuditEntry.objects.get(action="ioc.target_set")
    assert entry.actor_id == people["operator"].pk and entry.after["value"] == "1800"
    # Setting the same year again changes the row, not adds one.
    client.post(URL, {"indicator": "border_trucks_per_day", "year": "2027", "value": "1900"})
    assert Target.objects.filter(indicator__code="border_trucks_per_day", year=2027).count() == 1
    assert target("border_trucks_per_day", 2027).value == D(1900)


def test_a_data_officer_sets_only_the_targets_of_the_agency_s_indicators(client, people):
    client.force_login(people["market_officer"])
    page = client.get(URL)
    assert page.status_code == 200
    assert "Hộ gia đình có cửa hàng số" in page.text
    assert "Lượt xe qua cửa khẩu mỗi ngày" not in page.text  # another agency's
    assert client.post(URL, {"indicator": "households_with_shop", "year": "2027",
                             "value": "60"}).status_code == 302
    assert target("households_with_shop", 2027).value == D(60)
    # Another agency's indicator, posted by hand: refused, nothing saved.
    assert client.post(URL, {"indicator": "border_trucks_per_day", "year": "2027",
                             "value": "1"}).status_code == 403
    assert target("border_trucks_per_day", 2027) is None
    # The API answers the same, through the same service.
    api = client.post("/api/v1/ioc/targets", {"indicator": "border_backlog", "year": 2027,
                                              "value": "1"}, content_type="application/json")
    assert api.status_code == 403 and target("border_backlog", 2027) is None
    # An officer of an agency owning nothing sees an empty list.
    client.force_login(people["other_officer"])
    page = client.get(URL)
    assert page.status_code == 200 and "Hộ gia đình có cửa hàng số" not in page.text


@pytest.mark.parametrize("who", ["leader", "commune", "citizen"])
def test_others_are_refused(client, people, who):
    client.force_login(people[who])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"indicator": "households_with_shop", "year": "2027",
                             "value": "1"}).status_code == 403
    assert target("households_with_shop", 2027) is None


def test_anonymous_is_sent_to_log_in(client, people):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize(("data", "field", "vi"), [
    ({"year": "2025", "value": "60"}, "year", "2025"),
    ({"year": "năm sau", "value": "60"}, "year", "2000"),
    ({"year": "2027", "value": "nhiều"}, "value", "số"),
    ({"year": "2027", "value": "120"}, "value", "100"),
])
def test_bad_input_names_the_field_and_saves_nothing(client, people, data, field, vi):
    client.force_login(people["operator"])
    before = Target.objects.count()
    page = client.post(URL, {"indicator": "households_with_shop", **data})
    assert page.status_code == 200
    errors = page.context["errors"]
    assert set(errors) == {field} and vi in errors[field]
    assert Target.objects.count() == before
    assert not AuditEntry.objects.filter(action="ioc.target_set").exists()


def test_the_error_is_english_on_the_english_page(client, people):
    client.force_login(people["operator"])
    client.cookies["django_language"] = "en"
    page = client.post(URL, {"indicator": "households_with_shop", "year": "2025",
                             "value": "60"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "2025 is over" in page.context["errors"]["year"]
