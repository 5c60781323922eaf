"""The online catalogue through core.search: accent-insensitive, ranked, with filters,
and a public page per procedure."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tinhso.publicservices.models import Level, OnlineLevel, Procedure, ProcedurePaper

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    def make(code, name, field, level=Level.COMMUNE, online=OnlineLevel.FULL, **kw):
        return Procedure.objects.create(code=code, name=name, field=field, level=level,
                                        processing_days=Decimal("3"), online_level=online,
                                        **kw)

    birth = make("1.001193", "Đăng ký khai sinh", "Hộ tịch", fee_vnd=0)
    death = make("1.000656", "Đăng ký khai tử", "Hộ tịch")
    land = make("1.004227", "Đăng ký biến động đất đai", "Đất đai", level=Level.PROVINCE,
                online=OnlineLevel.PARTIAL, fee_vnd=50_000)
    hidden = make("2.000001", "Cấp phép khai thác khoáng sản", "Khoáng sản",
                  online=OnlineLevel.NONE)
    ProcedurePaper.objects.create(procedure=birth, order=1, name="Tờ khai đăng ký khai sinh")
    return {"birth": birth, "death": death, "land": land, "hidden": hidden}


def names(client, **query) -> list[str]:
    page = client.get(reverse("publicservices:procedures"), query)
    assert page.status_code == 200
    return [p.name for p in page.context["procedures"]]


def test_search_without_accents_finds_the_vietnamese_names(client, catalogue):
    assert names(client, q="khai sinh") == ["Đăng ký khai sinh"]
    assert names(client, q="DAT DAI") == ["Đăng ký biến động đất đai"]
    assert sorted(names(client, q="đăng ký kha")) == ["Đăng ký khai sinh", "Đăng ký khai tử"]
    assert names(client, q="1.004227") == ["Đăng ký biến động đất đai"]  # by national code
    # Not offered online: never listed, even when its name matches.
    assert names(client, q="khoang san") == []


def test_filters_compose_with_the_search(client, catalogue):
    assert sorted(names(client, field="Hộ tịch")) == ["Đăng ký khai sinh", "Đăng ký khai tử"]
    assert names(client, level="province") == ["Đăng ký biến động đất đai"]
    assert names(client, online="partial") == ["Đăng ký biến động đất đai"]
    assert sorted(names(client, q="dang ky", level="commune", field="Hộ tịch",
                        online="full")) == ["Đăng ký khai sinh", "Đăng ký khai tử"]
    # An unknown level or online level is ignored; a field nobody has finds nothing;
    # odd input is plain words, never an error.
    assert len(names(client, level="nowhere", online="?")) == 3
    assert names(client, field="x" * 500) == []
    assert names(client, q='"); DROP TABLE --') == []


def test_a_renamed_procedure_is_found_by_its_new_name(client, catalogue):
    catalogue["death"].name = "Đăng ký khai tử lưu động"
    catalogue["death"].save()
    assert names(client, q="luu dong") == ["Đăng ký khai tử lưu động"]


def test_public_page_of_a_procedure(client, catalogue):
    page = client.get(reverse("publicservices:procedure", args=["1.001193"]))
    html = page.content.decode()
    assert page.status_code == 200 and "Tờ khai đăng ký khai sinh" in html
    assert reverse("publicservices:apply", args=["1.001193"]) in html
    land = client.get(reverse("publicservices:procedure", args=["1.004227"])).content.decode()
    assert "50.000" in land
    assert client.get(reverse("publicservices:procedure", args=["9.999999"])).status_code == 404


def test_the_api_searches_the_same_catalogue(client, catalogue):
    answer = client.get("/api/v1/public-services/procedures", {"q": "khai", "level": "commune"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 2
    assert {p["code"] for p in body["items"]} == {"1.001193", "1.000656"}
    land = client.get("/api/v1/public-services/procedures", {"q": "dat dai"}).json()
    assert [(p["code"], p["fee_vnd"]) for p in land["items"]] == [("1.004227", 50_000)]
    assert client.get("/api/v1/public-services/procedures",
                      {"q": "x" * 201}).status_code in (400, 422)
