"""The dashboard in a real browser, on a desktop and on a phone: the province leader opens
the tiles, drills down to an indicator's communes and to a commune, the operator
acknowledges an alert; the wall screen opens with its kiosk token, large and without the
menu. Screenshots go to $TINHSO_SCREENSHOTS/ioc/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.border.test_browser import SHOTS, browser  # noqa: F401
from tests.browser import note_overflow
from tests.core.test_phone_pages import _log_in
from tinhso.core.demo import DEMO_PASSWORD, seed_accounts, seed_administrative_units

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, tmp_path):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.NOTIFY_BACKEND, settings.NOTIFY_FILE = "file", tmp_path / "n.jsonl"
    from tinhso.ioc.demo import KIOSK_TOKEN, seed_ioc
    from tinhso.market.demo import seed_market

    seed_administrative_units()
    seed_accounts()
    seed_market(DEMO_PASSWORD)
    seed_ioc(DEMO_PASSWORD)
    return {"token": KIOSK_TOKEN}


@pytest.mark.parametrize("width", [390, 1280])
def test_dashboard_drill_down_and_wall(live_server, demo, browser, width):  # noqa: F811
    shots = Path(os.environ.get("TINHSO_SCREENSHOTS", SHOTS)) / "ioc"
    shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    base = live_server.url
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    _log_in(page, base, "lanhdao")
    page.goto(f"{base}/ioc/")
    main = page.inner_text("main")
    assert "Chỉ tiêu chuyển đổi số của tỉnh" in main
    # Market figures are in; no school exists here, so the gradebook share has no figure.
    assert "Hộ gia đình có cửa hàng số" in main and "Chưa có dữ liệu" in main
    assert page.locator("svg.spark polyline").count() >= 1  # trend of the past months
    note_overflow(page, width, problems)
    page.screenshot(path=str(shots / f"dashboard-{width}.png"), full_page=True)

    page.click("text=Hộ gia đình có cửa hàng số")
    page.wait_for_url("**/ioc/chi-tieu/households_with_shop/")
    assert "Theo xã" in page.inner_text("main")
    note_overflow(page, width, problems)
    page.screenshot(path=str(shots / f"indicator-{width}.png"), full_page=True)
    page.locator("table.table a[href^='/ioc/xa/']").first.click()
    page.wait_for_url("**/ioc/xa/*/")
    assert "← Tỉnh" in page.inner_text("main")
    note_overflow(page, width, problems)

    page.goto(f"{base}/ioc/")
    page.select_option("#commune", label="Xã Đồng Đăng")
    page.click("form.pick button")
    page.wait_for_url("**/ioc/xa/*/")
    assert "Xã Đồng Đăng" in page.inner_text("h1")
    context.close()

    operator = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = operator.new_page()
    _log_in(page, base, "dieuhanh")
    page.goto(f"{base}/ioc/canh-bao/")
    before = page.locator("article.card").count()
    assert before >= 1
    page.locator("article.card >> text=Xác nhận đã xử lý").first.click()
    page.fill("#note", "Đã nhắc các sở cập nhật số liệu.")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/ioc/canh-bao/")
    assert "Đã xử lý cảnh báo." in page.inner_text("main")
    assert page.locator("article.card").count() == before - 1
    note_overflow(page, width, problems)
    page.screenshot(path=str(shots / f"alerts-{width}.png"), full_page=True)
    operator.close()

    wall = browser.new_context(viewport={"width": max(width, 390), "height": 1080},
                               locale="vi-VN")
    page = wall.new_page()
    page.goto(f"{base}/ioc/man-hinh/{demo['token']}/")
    assert page.locator("body.wall").count() == 1
    assert page.locator("header.site").count() == 0  # no menu, no login
    assert page.locator("article.tile").count() == 15
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector("
                         "'.tile .value')).fontSize)")
    assert size >= 35
    note_overflow(page, width, problems)
    page.screenshot(path=str(shots / f"wall-{width}.png"), full_page=True)
    wall.close()
    assert not problems, problems
