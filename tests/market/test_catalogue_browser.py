"""The catalogue in a real headless Chromium, on a 390-px phone and on a desktop, with the
demo's shops and drawn photos: the product page's JSON-LD and Open Graph tags raise no
Content-Security-Policy violation, its photo loads, no page scrolls sideways; a seller adds
a product with a photo from the phone. Screenshots: /tmp/market-*.png."""

from __future__ import annotations

import json
import os

import pytest

from tests.border.test_browser import CHROMIUM, SHOTS, browser  # noqa: F401
from tinhso.core.demo import DEMO_PASSWORD

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
assert CHROMIUM


@pytest.fixture
def market(settings):
    """The market's demo (set up before the browser starts: Django refuses queries inside
    Playwright's event loop)."""
    from tinhso.core.demo import seed_administrative_units
    from tinhso.market.demo import SELLER_EMAIL, seed_market
    from tinhso.market.models import Product

    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    seed_administrative_units()
    seed_market(DEMO_PASSWORD)
    product = (Product.objects.filter(ocop_stars__isnull=False, photos__isnull=False,
                                      ocop_issued_on__year__gte=2025)
               .select_related("shop").order_by("-ocop_issued_on").first())
    return {"product": f"/cho/{product.shop.slug}/{product.slug}/", "name": product.name,
            "shop": f"/cho/{product.shop.slug}/", "seller": SELLER_EMAIL}


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


@pytest.mark.parametrize(("label", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_catalogue_product_and_shop_pages(live_server, market, browser, label, viewport):  # noqa: F811
    context = browser.new_context(viewport=viewport, device_scale_factor=1, locale="vi-VN")
    page = context.new_page()
    problems = _watch(page)
    shots = os.environ.get("TINHSO_SCREENSHOTS", SHOTS)
    for name, url in [("catalogue", "/cho/?q=na+chi+lang"), ("product", market["product"]),
                      ("shop", market["shop"])]:
        response = page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        assert response.status == 200, url
        page.screenshot(path=f"{shots}/market-{name}-{label}.png", full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{url}: {width} px wide"
        broken = page.evaluate("[...document.images].filter(i => !i.complete || "
                               "i.naturalWidth === 0).map(i => i.src)")
        assert broken == [], f"{url}: images that did not load {broken}"
        if name == "product":
            block = page.locator('script[type="application/ld+json"]').text_content()
            structured = json.loads(block)
            assert structured["name"] == market["name"]
            assert structured["offers"]["priceCurrency"] == "VND"
            image = page.locator('meta[property="og:image"]').get_attribute("content")
            assert image.startswith(live_server.url)
            assert page.request.get(image).headers["content-type"] == "image/jpeg"
    assert problems == [], problems
    context.close()


def test_seller_adds_a_product_with_a_photo_from_the_phone(live_server, market, browser,  # noqa: F811
                                                           tmp_path):
    from tinhso.market.demo import draw_photo

    photo = tmp_path / "quyt.jpg"
    photo.write_bytes(draw_photo("Quýt Bắc Sơn", "fruit", "#f39c12"))
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="vi-VN")
    page = context.new_page()
    problems = _watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", market["seller"])
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/cho/ban-hang/")
    page.screenshot(path=f"{SHOTS}/market-seller-products-phone.png", full_page=True)
    page.click("text=Thêm sản phẩm")
    page.fill("#p-name", "Quýt Bắc Sơn hái sáng nay")
    page.select_option("#p-category", "trai-cay")
    page.fill("#p-price", "42.000")
    page.fill("#p-step", "0,5")
    page.fill("#p-stock", "35")
    page.set_input_files("#p-photo", str(photo))
    page.screenshot(path=f"{SHOTS}/market-seller-form-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/cho/ban-hang/")
    assert "Quýt Bắc Sơn hái sáng nay" in page.content()
    assert "42.000 ₫" in page.content()
    assert problems == [], problems
    context.close()
