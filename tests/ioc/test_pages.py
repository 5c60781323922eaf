"""The dashboard's pages and API: row-level access per actor (commune officer, agency
officer, leader, anonymous), drill-down, the wall screen by kiosk token, open data with
only the public indicators."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D

import pytest
from django.utils import timezone

from tests.factories import OrganizationFactory, user_with_role
from tinhso.accounts.models import OrganizationKind, Role
from tinhso.ioc import services, sources
from tinhso.ioc.models import Indicator, Snapshot
from tinhso.market.models import CommuneOffice

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(catalogue, communes, clock):
    now = timezone.now()
    chi_lang, bac_son, _ = communes
    for code, value in (("households_with_shop", "42.5"), ("signed_documents", "91"),
                        ("fee_revenue", "1250000")):
        indicator = catalogue[code]
        Snapshot.objects.create(indicator=indicator, period="2026-12",
                                period_start=now.date().replace(day=1),
                                period_end=now.date().replace(day=31), value=D(value),
                                computed_at=now, last_good_at=now, status="at_risk")
    shops = catalogue["households_with_shop"]
    for unit, value in ((chi_lang, "61.0"), (bac_son, "12.0")):
        Snapshot.objects.create(indicator=shops, period="2026-12", commune=unit,
                                period_start=now.date().replace(day=1),
                                period_end=now.date().replace(day=31), value=D(value),
                                computed_at=now, last_good_at=now, status="on_track")
    office = OrganizationFactory(kind=OrganizationKind.STATE_AGENCY, name="UBND xã Chi Lăng")
    CommuneOffice.objects.create(organization=office, commune=chi_lang)
    return {
        "leader": user_with_role(Role.PROVINCE_LEADER),
        "operator": user_with_role(Role.IOC_OPERATOR),
        "commune": user_with_role(Role.COMMUNE_OFFICER, office),
        "documents_officer": user_with_role(Role.DATA_OFFICER,
                                            catalogue["signed_documents"].owner),
        "market_officer": user_with_role(Role.DATA_OFFICER,
                                         catalogue["households_with_shop"].owner),
        "citizen": user_with_role(Role.CITIZEN),
        "catalogue": catalogue,
    }


def codes_on(client, url="/api/v1/ioc/dashboard"):
    response = client.get(url)
    return response.status_code, {t["code"] for t in response.json().get("tiles", [])}


# who → (status of the province dashboard API, private indicators they see)
@pytest.mark.parametrize(("who", "status", "sees_signed", "sees_fees"), [
    ("leader", 200, True, True),
    ("operator", 200, True, True),
    ("documents_officer", 200, True, False),  # its own private indicator only
    ("market_officer", 200, False, False),
    ("commune", 404, False, False),           # a commune officer: their commune only
    ("citizen", 403, False, False),
])
def test_province_view_per_actor(client, world, who, status, sees_signed, sees_fees):
    client.force_login(world[who])
    got, codes = codes_on(client)
    assert got == status
    if status == 200:
        assert "households_with_shop" in codes  # public
        assert ("signed_documents" in codes) is sees_signed
        assert ("fee_revenue" in codes) is sees_fees


def test_anonymous_sees_only_the_open_data(client, world):
    assert client.get("/api/v1/ioc/dashboard").status_code == 401
    assert client.get("/ioc/").status_code == 302  # to the login page
    page = client.get("/ioc/du-lieu-mo/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Hộ gia đình có cửa hàng số" in text and "CC BY 4.0" in text
    assert "Văn bản đi có chữ ký số" not in text and "Thu phí" not in text


def test_a_commune_officer_sees_their_commune_only(client, world):
    client.force_login(world["commune"])
    assert client.get("/ioc/").url == "/ioc/xa/20001/"
    page = client.get("/ioc/xa/20001/")
    assert page.status_code == 200 and "61,0 %" in page.content.decode()
    assert client.get("/ioc/xa/20002/").status_code == 404
    assert client.get("/api/v1/ioc/dashboard?commune=20002").status_code == 404
    got, codes = codes_on(client, "/api/v1/ioc/dashboard?commune=20001")
    # Figures only some communes have (border gates, committees on the platform) show
    # once the commune has one (tests/ioc/test_commune_breakdown.py).
    sources.load()
    assert got == 200 and codes == {c for c, i in world["catalogue"].items()
                                    if i.per_commune and i.source not in sources.SOME_COMMUNES}
    drill = client.get("/ioc/chi-tieu/households_with_shop/").content.decode()
    assert "Chi Lăng" in drill and "Bắc Sơn" not in drill
    assert client.get("/ioc/chi-tieu/fee_revenue/").status_code == 404


def test_the_leader_drills_down_to_the_communes_and_the_system(client, world):
    client.force_login(world["leader"])
    page = client.get("/ioc/").content.decode()
    assert "42,5 %" in page and "Sở Công Thương" in page
    drill = client.get("/ioc/chi-tieu/households_with_shop/").content.decode()
    assert drill.index("Bắc Sơn") < drill.index("Chi Lăng")  # the weakest first
    assert 'href="/market/kpis/"' in drill
    assert client.get("/ioc/?commune=20002").url == "/ioc/xa/20002/"


def test_no_data_yet_and_source_unavailable_on_the_tiles(client, world, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "tinhso.schools.selectors", None)
    services.refresh(codes=["schools_gradebook"])
    Snapshot.objects.filter(indicator__code="households_with_shop", commune__isnull=True) \
        .update(state="unavailable")
    client.force_login(world["leader"])
    page = client.get("/ioc/").content.decode()
    assert "Chưa có dữ liệu" in page
    assert "Nguồn không truy cập được" in page and "42,5 %" in page


def test_the_wall_opens_with_a_kiosk_token_only(client, world):
    row, token = services.issue_kiosk_token(actor=world["operator"], name="Màn hình 1",
                                            now=timezone.now())
    assert client.get("/ioc/man-hinh/sai-ma/").status_code == 404
    page = client.get(f"/ioc/man-hinh/{token}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "ioc/wall.js" in text and 'data-refresh-seconds="60"' in text
    assert "42,5 %" in text
    row.revoked_at = timezone.now()
    row.save()
    assert client.get(f"/ioc/man-hinh/{token}/").status_code == 404


def test_open_data_json_and_csv_hold_only_public_indicators(client, world):
    data = client.get("/api/v1/ioc/open/indicators").json()
    codes = {i["code"] for i in data["indicators"]}
    assert codes == set(Indicator.objects.filter(is_public=True).values_list("code", flat=True))
    assert "signed_documents" not in codes and "fee_revenue" not in codes
    assert data["licence"]["url"].startswith("https://creativecommons.org/licenses/by/4.0")
    shops = next(i for i in data["indicators"] if i["code"] == "households_with_shop")
    assert shops["definition_vi"] and shops["figures"][0]["value"] == "42.5000"
    assert {t["year"] for t in shops["targets"]} == {2025, 2026, 2030}
    response = client.get("/api/v1/ioc/open/indicators.csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("# Creative Commons Attribution 4.0")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
    assert [r["code"] for r in rows] == ["households_with_shop"]


def test_api_manual_value_workflow_and_errors(client, world, catalogue):
    from tinhso.core import pdf

    officer = user_with_role(Role.DATA_OFFICER, catalogue["grdp"].owner)
    client.force_login(officer)
    document = io.BytesIO(pdf.simple_document("GRDP", ["Quý 3"]))
    document.name = "grdp.pdf"
    bad = client.post("/api/v1/ioc/values", {
        "indicator": "grdp", "period": "2026-7", "value": "1", "unit": "percent",
        "document": document})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["detail"]} == {"period", "unit"}
    document.seek(0)
    made = client.post("/api/v1/ioc/values", {
        "indicator": "grdp", "period": "2026-Q3", "value": "21350000000000", "unit": "vnd",
        "document": document})
    assert made.status_code == 201
    pk = made.json()["id"]
    assert client.post(f"/api/v1/ioc/values/{pk}/approve").status_code == 403
    client.force_login(world["operator"])
    returned = client.post(f"/api/v1/ioc/values/{pk}/return",
                           {"reason": "other", "note": ""}, content_type="application/json")
    assert returned.status_code == 422 and returned.json()["detail"][0]["field"] == "note"
    approved = client.post(f"/api/v1/ioc/values/{pk}/approve")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    past = client.post("/api/v1/ioc/targets", {"indicator": "grdp", "year": 2024,
                                               "value": "1"}, content_type="application/json")
    assert past.status_code == 422 and past.json()["detail"][0]["field"] == "year"
    assert "2024" in past.json()["detail"][0]["message_vi"]


def test_pages_of_the_operator_and_the_data_officer(client, world):
    client.force_login(world["operator"])
    for url in ("/ioc/", "/ioc/canh-bao/", "/ioc/so-lieu/", "/ioc/bao-cao/",
                "/ioc/chi-tieu/digital_economy_share/", "/ioc/xa/20002/"):
        assert client.get(url).status_code == 200, url
    client.force_login(world["market_officer"])
    assert client.get("/ioc/so-lieu/").status_code == 200
    assert client.get("/ioc/bao-cao/").status_code == 403


def test_periods_read_as_months_not_as_their_keys(client, world):
    client.force_login(world["leader"])
    html = client.get("/ioc/chi-tieu/households_with_shop/").content.decode()
    assert "<td>tháng 12/2026</td>" in html and "<td>2026-12</td>" not in html
