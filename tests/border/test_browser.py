"""The public status page and the operations dashboard in a real headless Chromium, on a
360-px phone and on a desktop, showing the numbers the database holds."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connections
from django.utils import timezone

from tests.border.test_status import crossings, trucks
from tinhso.border import congestion, services
from tinhso.border.models import Gate
from tinhso.core.demo import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
ON_CI = os.environ.get("CI", "").lower() == "true"
SHOTS = os.environ.get("TINHSO_SCREENSHOTS", "/tmp")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
    return None


@pytest.fixture
def browser():
    reason = _missing()
    if reason:
        if ON_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            # A test that reads the database between browser steps does it inside
            # Playwright's event loop, where Django keeps a connection of its own: closed
            # here (nothing else runs now), or it outlives the test and the test database
            # cannot be dropped.
            with mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}):
                connections.close_all()


@pytest.fixture
def crisis_day(border, settings):
    """Hữu Nghị past its congested threshold with a published advisory; cookies over
    plain HTTP for the live server."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    now = timezone.now()
    Gate.objects.filter(pk=border.pk).update(busy_backlog=4, congested_backlog=8)
    trucks(border, 7, "in_yard", goods="fresh-fruit")
    trucks(border, 2, "held")
    trucks(border, 1, "called")
    trucks(border, 3, "booked")
    crossings(border, [10, 25, 40], now, checked_in_at=now - timedelta(hours=5))
    trucks(Gate.objects.get(code="tan-thanh"), 4, "in_yard")
    [advisory] = services.refresh_advisories(now=now)
    congestion.forget_snapshots()
    return advisory


def _text(page, selector: str) -> str:
    return " ".join(page.locator(selector).inner_text().split())


def test_public_status_on_a_phone_shows_the_databases_numbers(live_server, crisis_day,
                                                               browser):
    page = browser.new_page(viewport={"width": 360, "height": 780}, device_scale_factor=2)
    response = page.goto(f"{live_server.url}/border/")
    assert response.status == 200
    assert "public" in response.headers["cache-control"]
    card = "[data-gate='huu-nghi']"
    assert _text(page, f"{card} [data-field='trucks_waiting']") == "9"
    assert _text(page, f"{card} [data-field='trucks_expected']") == "3"
    assert _text(page, f"{card} [data-field='crossed_last_hour']") == "3"
    assert page.locator(f"{card} [data-level]").get_attribute("data-level") == "congested"
    assert crisis_day.text_vi in page.locator(f"{card} .status-advisory").inner_text()
    assert _text(page, "[data-gate='tan-thanh'] [data-field='trucks_waiting']") == "4"
    wait = _text(page, f"{card} [data-field='estimated_wait_hours']")
    assert wait.endswith("giờ") and float(wait.split()[0].replace(",", ".")) > 0
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=f"{SHOTS}/border_status_phone.png", full_page=True)

    feed = page.request.get(f"{live_server.url}/api/v1/border/status").json()
    huu_nghi = {g["code"]: g for g in feed["gates"]}["huu-nghi"]
    assert huu_nghi["trucks_waiting"] == 9 and huu_nghi["congestion_level"] == "congested"


def test_dashboard_after_logging_in_on_a_desktop(live_server, crisis_day, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/?next=/border/dashboard/")
    page.fill("input[name=username]", "bql@demo.tinhso.vn")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/border/dashboard/")

    yard = "[data-yard='yard-huu-nghi-1']"
    assert _text(page, f"{yard} [data-field='occupancy']") == "10"  # in yard + held + called
    assert _text(page, f"{yard} [data-field='capacity']") == "600"
    states = "#dashboard-states"
    assert _text(page, f"{states} [data-state='in_yard'] [data-field='count']") == "11"
    assert _text(page, f"{states} [data-state='held'] [data-field='count']") == "2"
    assert _text(page, f"{states} [data-state='crossed'] [data-field='count']") == "3"
    assert _text(page, "[data-field='throughput_total']") == "3"
    assert _text(page, "#dashboard-dwell [data-field='n']") == "3"
    assert _text(page, "#dashboard-dwell [data-field='mean_hours']").startswith("4,")
    assert page.locator(".dashboard-alert[data-gate='huu-nghi']").is_visible()
    assert page.locator(".dashboard-chart svg").count() == 2
    page.screenshot(path=f"{SHOTS}/border_dashboard_desktop.png", full_page=True)

    page.set_viewport_size({"width": 360, "height": 780})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=f"{SHOTS}/border_dashboard_phone.png", full_page=True)
