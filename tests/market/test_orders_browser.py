"""Buying by weight from two shops on a 390-px phone in a real headless Chromium: the
product pages' add-to-cart forms, the cart, the checkout form, and the order page with its
VietQR, none of them scrolling sideways."""

from __future__ import annotations

import pytest

from tests.border.test_browser import browser  # noqa: F401
from tests.browser import scroll_width
from tests.market.order_world import world_fixture  # noqa: F401
from tinhso.market.models import Order, Product

PHONE = 390
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _sync_orm_beside_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in this thread (one may still be running
    from an earlier browser test of the session); the fixtures and checks here read and
    write the database from the same thread, outside any coroutine."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _fits(page) -> bool:
    return scroll_width(page) <= PHONE


def test_buy_by_weight_from_two_shops_on_a_phone_and_see_the_qr(world, live_server, settings,
                                                               browser):  # noqa: F811
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context(viewport={"width": PHONE, "height": 844},
                                  device_scale_factor=1, locale="vi-VN")
    page = context.new_page()
    wide = []
    for product, quantity in ((world.na, "2,5"), (world.quyt, "1,5")):
        page.goto(f"{live_server.url}/cho/{product.shop.slug}/{product.slug}/")
        page.fill("form.add-to-cart input[name=quantity]", quantity)
        page.click("form.add-to-cart button[type=submit]")
        page.wait_for_load_state("load")
        if not _fits(page):
            wide.append(page.url)
    page.goto(f"{live_server.url}/cho/gio-hang/")
    assert "Na Chi Lăng" in page.content() and "Quýt Bắc Sơn" in page.content()
    if not _fits(page):
        wide.append(page.url)
    page.click("text=Đặt hàng")
    page.fill("input[name=buyer_name]", "Lê Thị Mai")
    page.fill("input[name=buyer_phone]", "0987 654 321")
    page.select_option("select[name=commune]", str(world.commune.code))
    page.fill("input[name=address]", "12 Trần Đăng Ninh")
    if not _fits(page):
        wide.append(page.url)
    page.click("main form.stack button[type=submit]")
    page.wait_for_url("**/cho/don-hang/*/")
    order = Order.objects.get()
    assert order.items_total_vnd == 112_503 + 45_000
    qr = page.locator("img.qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert f"{order.code} MUA HANG" in page.content()
    if not _fits(page):
        wide.append(page.url)
    assert Product.objects.get(pk=world.na.pk).stock == 7.5
    assert not wide, f"pages wider than {PHONE}px: {wide}"
    context.close()
