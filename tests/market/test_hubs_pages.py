"""The pages of the seller, the hub's manager and accountant, the buyer's reviews, the
moderator and the commune KPIs: each opens for its role in Vietnamese (no raw codes,
amounts grouped), is refused to others, and its forms act through the services."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from tests.core.test_vietnamese_pages import problems_in
from tests.factories import OrganizationFactory, user_with_role
from tests.market import hub_factories as f
from tinhso.accounts.models import OrganizationKind, Role
from tinhso.core.models import AuditEntry
from tinhso.market.models import CommuneOffice, OrderState, PayoutState, Review
from tinhso.market.services import hubs, kpis, reviews

pytestmark = pytest.mark.django_db
NOV = (date(2026, 11, 1), date(2026, 11, 30))


def client_of(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(user)
    return client


@pytest.fixture
def market():
    h = f.hub(commission_bp=500)
    a, b = f.shop("Nhà Hoàng An", hub=h), f.shop("Nhà Lý Bình", hub=h, bank=False)
    anise = f.product(a, "Hồi khô Văn Quan", 180_000, stock="2",
                      ocop_stars=4, ocop_certificate_no="OCOP-LS-12",
                      ocop_issued_on=date(2023, 12, 20), ocop_expires_on=date(2027, 1, 15))
    na = f.product(b, "Na Chi Lăng", 60_000)
    buyer = user_with_role(Role.CITIZEN, full_name="Lương Thị Hạnh")
    done = f.order([(anise, "1.5"), (na, "2")], hub=h, buyer=buyer, at=f.clock_at(2026, 11, 12))
    f.order([(anise, "1")], hub=h, state=OrderState.PAID)
    f.order([(na, "1")], hub=h, buyer=buyer, state=OrderState.DELIVERED)
    made = hubs.make_statements(actor=h.manager, hub=h, period_start=NOV[0], period_end=NOV[1])
    line = done.shop_orders.get(shop=a).lines.get()
    review = reviews.write_review(actor=buyer, order_line=line, stars=4, text="Hồi thơm, khô.")
    admin = user_with_role(Role.SYSTEM_ADMIN)
    unit = f.commune(20001)
    kpis.set_household_count(actor=admin, commune=unit, year=2026, households=120,
                             source="Niên giám thống kê 2025")
    kpis.set_target(actor=admin, year=2030, shop_pct=80, payment_account_pct=80)
    office = OrganizationFactory(code="xa-chi-lang", name="UBND xã Chi Lăng",
                                 kind=OrganizationKind.STATE_AGENCY)
    CommuneOffice.objects.create(organization=office, commune=unit)
    return {"hub": h, "shops": (a, b), "buyer": buyer, "review": review, "admin": admin,
            "statement": next(s for s in made.statements if s.shop_id == a.pk),
            "no_bank": next(s for s in made.statements if s.shop_id == b.pk),
            "officer": user_with_role(Role.COMMUNE_OFFICER, office),
            "leader": user_with_role(Role.PROVINCE_LEADER), "anise": anise}


def pages(m) -> dict[str, tuple[object, list[str]]]:
    h, s = m["hub"], m["statement"]
    return {
        "seller": (m["shops"][0].owner, ["/market/seller/", f"/market/payouts/{s.code}/",
                                         f"/market/seller/reviews/{m['review'].pk}/reply/"]),
        "manager": (h.manager, ["/market/hub/", f"/market/hub/{h.slug}/",
                                f"/market/payouts/{s.code}/"]),
        "accountant": (h.accountant, [f"/market/hub/{h.slug}/", f"/market/payouts/{s.code}/",
                                      f"/market/payouts/{m['no_bank'].code}/",
                                      f"/market/payouts/{s.code}/paid/"]),
        "buyer": (m["buyer"], ["/market/my-reviews/",
                               f"/market/products/{m['anise'].pk}/reviews/"]),
        "admin": (m["admin"], [f"/market/reviews/{m['review'].pk}/hide/", "/market/kpis/",
                               f"/market/products/{m['anise'].pk}/reviews/"]),
        "officer": (m["officer"], ["/market/kpis/", "/market/kpis/?year=2025"]),
        "leader": (m["leader"], ["/market/kpis/"]),
    }


def test_every_page_opens_for_its_role_in_vietnamese(market):
    found = []
    for role, (user, urls) in pages(market).items():
        client = client_of(user)
        for url in urls:
            answer = client.get(url)
            assert answer.status_code == 200, (role, url, answer.status_code)
            html = answer.content.decode()
            found += [f"{role} {url}: {p}" for p in problems_in(html)]
            assert "<script>" not in html and " style=" not in html
    assert not found, found


def test_the_seller_s_dashboard_shows_what_to_do(market):
    html = client_of(market["shops"][0].owner).get("/market/seller/").content.decode()
    assert "<svg" in html and "chart-bar" in html  # the weekly sales chart
    assert "Hồi khô Văn Quan" in html and "còn 44 ngày" in html  # OCOP ends 15/01/2027
    to_handle = html.split('id="to-handle"')[1].split("</section>")[0]
    assert to_handle.count("<li>") == 1  # the paid order to pack (the completed one is done)
    assert "Chờ chi trả" in html
    assert "Trả lời" in html  # the review to answer


@pytest.mark.parametrize(("who", "url", "status"), [
    ("buyer", "/market/seller/", 403),
    ("buyer", "/market/hub/", 404),
    ("other_seller", "/market/payouts/{code}/", 404),
    ("manager", "/market/payouts/{code}/paid/", 403),
    ("seller", "/market/payouts/{code}/paid/", 403),
    ("seller", "/market/reviews/{review}/hide/", 403),
    ("other_seller", "/market/seller/reviews/{review}/reply/", 404),
    ("seller", "/market/kpis/", 403),
    ("other_hub", "/market/hub/{hub}/", 404),
])
def test_who_must_not_open_what(market, who, url, status):
    actor = {"buyer": market["buyer"], "seller": market["shops"][0].owner,
             "other_seller": f.shop().owner, "manager": market["hub"].manager,
             "other_hub": f.hub().manager}[who]
    url = url.format(code=market["statement"].code, review=market["review"].pk,
                     hub=market["hub"].slug)
    assert client_of(actor).get(url).status_code == status


def test_the_accountant_sees_the_member_s_qr_and_marks_it_paid_after_confirming(market):
    s, accountant = market["statement"], client_of(market["hub"].accountant)
    html = accountant.get(f"/market/payouts/{s.code}/").content.decode()
    assert "Mã VietQR" in html and s.shop.account_number in html
    no_qr = accountant.get(f"/market/payouts/{market['no_bank'].code}/").content.decode()
    assert "chưa có tài khoản" in no_qr
    # The first POST without confirm=yes only shows the confirmation page.
    assert accountant.post(f"/market/payouts/{s.code}/paid/").status_code == 200
    s.refresh_from_db()
    assert s.state == PayoutState.DUE
    bad = accountant.post(f"/market/payouts/{s.code}/paid/",
                          {"confirm": "yes", "reference": "x" * 61})
    assert bad.status_code == 422 and 'data-field="reference"' in bad.content.decode()
    done = accountant.post(f"/market/payouts/{s.code}/paid/",
                           {"confirm": "yes", "reference": "FT2633"})
    assert done.status_code == 302
    s.refresh_from_db()
    assert s.state == PayoutState.PAID and s.paid_reference == "FT2633"


def test_the_manager_makes_a_month_and_downloads_it_as_excel(market):
    h = market["hub"]
    client = client_of(h.manager)
    answer = client.post(f"/market/hub/{h.slug}/statements/", {"month": "2026-11"})
    assert answer.status_code == 302  # nothing new: November was made already
    assert client.post(f"/market/hub/{h.slug}/statements/", {"month": "2026-12"}
                       ).status_code == 302  # refused (the month is not over), said so
    xlsx = client.get(f"/market/hub/{h.slug}/statements.xlsx?month=2026-11")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 + 2 + 1


def test_the_buyer_reviews_and_the_moderator_hides_through_the_pages(market):
    buyer = client_of(market["buyer"])
    line = reviews.reviewable_lines(market["buyer"]).first()
    bad = buyer.post(f"/market/my-reviews/{line.pk}/", {"stars": "9", "text": "Ngon"})
    assert bad.status_code == 422 and 'data-field="stars"' in bad.content.decode()
    assert buyer.post(f"/market/my-reviews/{line.pk}/", {"stars": "5", "text": "Ngon"}
                      ).status_code == 302
    assert Review.objects.filter(order_line=line, stars=5).exists()
    # Someone else's line is not found.
    assert client_of(f.shop().owner).get(f"/market/my-reviews/{line.pk}/").status_code == 404
    admin = client_of(market["admin"])
    review = market["review"]
    no_reason = admin.post(f"/market/reviews/{review.pk}/hide/", {"confirm": "yes"})
    assert no_reason.status_code == 422
    admin.post(f"/market/reviews/{review.pk}/hide/", {"confirm": "yes", "reason": "other",
                                                      "note": "Lộ số điện thoại"})
    assert AuditEntry.objects.filter(action="market.review.hide").exists()
    page = Client().get(f"/market/products/{market['anise'].pk}/reviews/").content.decode()
    assert "Hồi thơm" not in page


def test_the_seller_replies_once_through_the_page(market):
    seller = client_of(market["shops"][0].owner)
    url = f"/market/seller/reviews/{market['review'].pk}/reply/"
    assert seller.post(url, {"reply": ""}).status_code == 422
    assert seller.post(url, {"reply": "Cảm ơn chị!"}).status_code == 302
    assert "Bạn đã trả lời" in seller.get(url).content.decode()


def test_the_kpi_page_scopes_and_exports(market):
    officer = client_of(market["officer"])
    html = officer.get("/market/kpis/").content.decode()
    assert "Xã Chi Lăng" in html and 'id="province"' not in html
    assert "Niên giám thống kê 2025" in html
    leader = client_of(market["leader"])
    assert 'id="province"' in leader.get("/market/kpis/").content.decode()
    assert leader.get("/market/kpis/?year=abc").status_code == 422
    xlsx = leader.get("/market/kpis/?year=2026&format=xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[-1][0] == "Tỉnh Lạng Sơn"
    assert timezone.localdate() - timedelta(days=1) < timezone.localdate()
