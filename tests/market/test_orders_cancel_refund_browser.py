"""On a 390-px phone in a real headless Chromium: a guest keeps the private link of its
order and cancels it with a reason; the hub's accountant sends the refund of a paid,
cancelled order to the buyer's account and the order shows it. No page scrolls sideways.
``SCREENSHOTS_DIR`` set: each page is saved there at 390 and 1280 px."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.border.test_browser import browser  # noqa: F401
from tests.browser import scroll_width
from tests.market.order_world import order_of, world_fixture  # noqa: F401
from tinhso.market.models import Order, OrderState
from tinhso.market.services import orders
from tinhso.payments.models import RefundRequest, RefundState
from tinhso.payments.providers import BankCredit
from tinhso.payments.services import record_bank_credit

PHONE = 390
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _sync_orm_beside_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _fits(page) -> bool:
    return scroll_width(page) <= PHONE


def _shoot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for width in (PHONE, 1280):
        page.set_viewport_size({"width": width, "height": 844})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": PHONE, "height": 844})


def test_guest_cancels_and_accountant_refunds_on_a_phone(world, live_server, settings,
                                                         browser):  # noqa: F811
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    wide = []
    # a guest checks out, finds its private link, cancels with a reason
    guest = browser.new_context(viewport={"width": PHONE, "height": 844}, locale="vi-VN")
    page = guest.new_page()
    page.goto(f"{live_server.url}/cho/{world.na.shop.slug}/{world.na.slug}/")
    page.fill("form.add-to-cart input[name=quantity]", "2")
    page.click("form.add-to-cart button[type=submit]")
    page.goto(f"{live_server.url}/cho/thanh-toan/")
    page.fill("input[name=buyer_name]", "Lê Thị Mai")
    page.fill("input[name=buyer_phone]", "0987 654 321")
    page.select_option("select[name=commune]", str(world.commune.code))
    page.fill("input[name=address]", "12 Trần Đăng Ninh")
    page.click("main form.stack button[type=submit]")
    page.wait_for_url("**/cho/don-hang/*/")
    order = Order.objects.get()
    assert orders.order_link_token(order.code) in page.content()
    wide += [] if _fits(page) else [page.url]
    _shoot(page, "guest-order")
    page.click("text=Hủy đơn…")
    page.check("input[name=reason][value=buyer_request]")
    wide += [] if _fits(page) else [page.url]
    _shoot(page, "guest-cancel")
    page.click("main form button.danger")
    page.wait_for_url(f"**/cho/don-hang/{order.code}/")
    assert Order.objects.get(pk=order.pk).state == OrderState.CANCELLED
    guest.close()
    # a paid hub order is cancelled; the accountant refunds it to the buyer's account
    paid = order_of(world, (world.hoi, 2), actor=world.buyer)
    record_bank_credit(provider="demo", credit=BankCredit(
        transaction_id="FT77", amount_vnd=paid.total_vnd, description=f"{paid.code} MUA HANG",
        account=paid.payee.account_number))
    orders.cancel_order(actor=world.hub_accountant, order=Order.objects.get(pk=paid.pk),
                        reason="out_of_stock")
    client = Client()
    client.force_login(world.hub_accountant)
    staff = browser.new_context(viewport={"width": PHONE, "height": 844}, locale="vi-VN")
    staff.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "url": live_server.url,
                        "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value}])
    page = staff.new_page()
    page.goto(f"{live_server.url}/cho/don-hang/{paid.code}/hoan-tien/")
    page.select_option("select[name=bank_bin]", "970436")
    page.fill("input[name=account_number]", "0123 456 789")
    page.fill("input[name=account_name]", "Lê Thị Mai")
    wide += [] if _fits(page) else [page.url]
    _shoot(page, "accountant-refund")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/cho/don-hang/{paid.code}/")
    refund = RefundRequest.objects.get()
    assert refund.state == RefundState.SENT and refund.reference in page.content()
    wide += [] if _fits(page) else [page.url]
    _shoot(page, "accountant-order-refund-sent")
    staff.close()
    assert not wide, f"pages wider than {PHONE}px: {wide}"
