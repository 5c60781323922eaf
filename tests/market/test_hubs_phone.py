"""The seller's dashboard, the hub's pages, the accountant's QR page, reviews and the KPI
page on a 390-px phone: no page is wider than the screen, and no console reports a
Content-Security-Policy violation. Screenshots go to $TINHSO_SCREENSHOTS/phone/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.border.test_browser import CHROMIUM, SHOTS, browser  # noqa: F401
from tests.market.test_hubs_pages import market, pages  # noqa: F401

PHONE = 390
PASSWORD = "pw-Lạng-Sơn-1"  # tests.factories.UserFactory
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
assert CHROMIUM


@pytest.fixture
def phone_pages(market, settings):  # noqa: F811
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    return [(role, user.email, urls) for role, (user, urls) in pages(market).items()]


def test_every_hub_page_fits_a_390_px_phone(live_server, phone_pages, browser):  # noqa: F811
    shots = Path(os.environ.get("TINHSO_SCREENSHOTS", SHOTS)) / "phone"
    shots.mkdir(parents=True, exist_ok=True)
    problems = []
    for role, email, urls in phone_pages:
        context = browser.new_context(viewport={"width": PHONE, "height": 844},
                                      device_scale_factor=1, locale="vi-VN")
        page = context.new_page()
        violations = []
        page.on("console", lambda m, v=violations: v.append(m.text)
                if "Content Security Policy" in m.text else None)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", email)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        for url in urls:
            response = page.goto(f"{live_server.url}{url}")
            page.wait_for_load_state("load")
            if response.status != 200:
                problems.append(f"{role} {url}: HTTP {response.status}")
                continue
            width = page.evaluate("document.documentElement.scrollWidth")
            name = "market_" + role + url.replace("/", "_").replace("?", "_")
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
            if width > PHONE:
                problems.append(f"{role} {url}: {width} px wide")
        problems += [f"{role}: {v}" for v in violations]
        context.close()
    assert not problems, "\n".join(problems)
