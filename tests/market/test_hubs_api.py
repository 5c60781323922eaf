"""The API of payouts, reviews and KPIs: the same services as the pages, someone else's
statement is 404, refusals name the field in Vietnamese and English."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.factories import user_with_role
from tests.market import hub_factories as f
from tinhso.accounts.models import Role
from tinhso.market.models import OrderState, PayoutState, Review
from tinhso.market.services import hubs, kpis
from tinhso.payments.vietqr import parse_payload

pytestmark = pytest.mark.django_db
API = "/api/v1/market"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def month():
    h = f.hub(commission_bp=300)
    a, b = f.shop("Nhà An", hub=h), f.shop("Nhà Bình", hub=h)
    buyer = user_with_role(Role.CITIZEN)
    order = f.order([(f.product(a, price=100_000), "1"), (f.product(b, price=50_000), "2")],
                    hub=h, buyer=buyer, at=f.clock_at(2026, 11, 10))
    return {"hub": h, "shops": (a, b), "buyer": buyer, "order": order}


def test_the_hub_makes_and_pays_its_statements_through_the_api(month):
    h = month["hub"]
    made = post(client_of(h.manager), f"{API}/payouts",
                {"hub": h.slug, "period_start": "2026-11-01", "period_end": "2026-11-30"})
    assert made.status_code == 200, made.content
    assert sum(s["amount_vnd"] + s["commission_vnd"] for s in made.json()) == \
        month["order"].total_vnd
    code = made.json()[0]["code"]
    accountant = client_of(h.accountant)
    detail = accountant.get(f"{API}/payouts/{code}").json()
    assert parse_payload(detail["vietqr"]).amount == detail["amount_vnd"]
    assert len(detail["lines"]) == 1
    # The manager reads it but gets no QR: the accountant pays.
    assert client_of(h.manager).get(f"{API}/payouts/{code}").json()["vietqr"] is None
    paid = post(accountant, f"{API}/payouts/{code}/paid", {"reference": "FT123"})
    assert paid.json()["state"] == PayoutState.PAID and paid.json()["vietqr"] is None
    again = post(accountant, f"{API}/payouts/{code}/paid", {})
    assert again.status_code == 409 and again.json()["detail"][0]["message_vi"]
    assert accountant.get(f"{API}/payouts").json()["count"] == 2


def test_someone_else_s_statement_is_404_and_making_them_is_403(month):
    h = month["hub"]
    made = hubs.make_statements(actor=h.manager, hub=h, period_start=f.clock_at(2026, 11, 1)
                                .date(), period_end=f.clock_at(2026, 11, 30).date())
    a, b = month["shops"]
    mine = next(s for s in made.statements if s.shop_id == a.pk)
    theirs = next(s for s in made.statements if s.shop_id == b.pk)
    seller = client_of(a.owner)
    assert seller.get(f"{API}/payouts/{mine.code}").status_code == 200
    assert seller.get(f"{API}/payouts/{theirs.code}").status_code == 404
    assert post(seller, f"{API}/payouts/{mine.code}/paid", {}).status_code == 403
    assert post(seller, f"{API}/payouts", {"hub": h.slug, "period_start": "2026-10-01",
                                           "period_end": "2026-10-31"}).status_code == 403
    assert Client().get(f"{API}/payouts").status_code == 401


def test_a_bad_period_names_the_field(month):
    answer = post(client_of(month["hub"].manager), f"{API}/payouts",
                  {"hub": month["hub"].slug, "period_start": "2026-11-01",
                   "period_end": "2026-12-31"})
    assert answer.status_code == 422
    error = answer.json()["detail"][0]
    assert error["field"] == "period_end" and "hôm nay" in error["message_vi"]


def test_reviews_through_the_api(month):
    Review.objects.all().delete()
    order = month["order"]
    order.shop_orders.update(state=OrderState.DELIVERED)
    line = order.shop_orders.first().lines.get()
    buyer = client_of(month["buyer"])
    bad = post(buyer, f"{API}/reviews", {"order_line_id": line.pk, "stars": 7})
    assert bad.status_code == 422
    made = post(buyer, f"{API}/reviews", {"order_line_id": line.pk, "stars": 4,
                                          "text": "Hồi thơm"})
    assert made.status_code == 201
    review_id = made.json()["id"]
    assert post(buyer, f"{API}/reviews", {"order_line_id": line.pk, "stars": 4}
                ).status_code == 409
    seller = client_of(next(s for s in month["shops"] if s.pk == line.shop_order.shop_id).owner)
    assert post(buyer, f"{API}/reviews/{review_id}/reply", {"text": "x"}).status_code == 403
    assert post(seller, f"{API}/reviews/{review_id}/reply", {"text": "Cảm ơn!"}
                ).json()["reply"] == "Cảm ơn!"
    public = Client().get(f"{API}/products/{line.product_id}/reviews").json()
    assert (public["average"], public["count"]) == (4.0, 1)
    assert post(seller, f"{API}/reviews/{review_id}/hide", {"reason": "abusive"}
                ).status_code == 403
    admin = client_of(user_with_role(Role.SYSTEM_ADMIN))
    unknown = post(admin, f"{API}/reviews/{review_id}/hide", {"reason": "boring"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["field"] == "reason"
    assert post(admin, f"{API}/reviews/{review_id}/hide", {"reason": "abusive"}
                ).status_code == 200
    public = Client().get(f"{API}/products/{line.product_id}/reviews").json()
    assert (public["average"], public["count"], public["items"]) == (None, 0, [])
    assert Client().get(f"{API}/products/999999/reviews").status_code == 404


def test_kpis_as_json_for_the_dashboard(month):
    admin = user_with_role(Role.SYSTEM_ADMIN)
    kpis.set_target(actor=admin, year=2030, shop_pct=80, payment_account_pct=80)
    client = client_of(admin)
    put = post(client, f"{API}/kpis/households", {"commune_code": 20001, "year": 2026,
                                                  "households": 4, "source": "Niên giám 2026"},
               method="put")
    assert put.status_code == 200, put.content
    answer = client_of(user_with_role(Role.PROVINCE_LEADER)).get(f"{API}/kpis?year=2026")
    body = answer.json()
    assert body["target"] == {"year": 2030, "shop_pct": 80, "payment_account_pct": 80}
    chi_lang = next(c for c in body["communes"] if c["code"] == 20001)
    assert (chi_lang["households"], chi_lang["shops"], chi_lang["shop_pct"]) == (4, 2, 50.0)
    assert body["province"]["sales_vnd"] == 200_000
    assert client_of(user_with_role(Role.PROVINCE_LEADER)).get(f"{API}/kpis?year=1990"
                                                               ).status_code == 422
    assert client_of(month["shops"][0].owner).get(f"{API}/kpis?year=2026").status_code == 403
    assert post(client_of(user_with_role(Role.PROVINCE_LEADER)), f"{API}/kpis/households",
                {"commune_code": 20001, "year": 2026, "households": 5, "source": "x"},
                method="put").status_code == 403


def test_the_operations_dashboard_reads_kpis_with_a_scoped_api_key(month):
    from tests.factories import OrganizationFactory
    from tinhso.accounts.services import create_api_key

    admin = user_with_role(Role.SYSTEM_ADMIN)
    org = OrganizationFactory()
    _, key = create_api_key(actor=admin, organization=org, name="IOC", scopes=["market:kpis"])
    _, camera = create_api_key(actor=admin, organization=org, name="cam", scopes=["camera"])
    answer = Client().get(f"{API}/kpis?year=2026", HTTP_X_API_KEY=key)
    assert answer.status_code == 200 and answer.json()["province"] is not None
    assert Client().get(f"{API}/kpis?year=2026", HTTP_X_API_KEY=camera).status_code == 401


@pytest.mark.parametrize("body", [
    {"period_start": "0001-01-01", "period_end": "2026-11-30"},
    {"period_start": "2026-11-01", "period_end": "9999-12-31"},
    {"period_start": "2026-11-01", "period_end": "2026-13-01"},
    {"hub": "../x", "period_start": "2026-11-01", "period_end": "2026-11-30"},
])
def test_odd_periods_are_422_naming_the_field(month, body):
    answer = post(client_of(month["hub"].manager), f"{API}/payouts",
                  {"hub": month["hub"].slug} | body)
    assert answer.status_code == 422, answer.content
    assert answer.json()["detail"][0]["message_vi"]
