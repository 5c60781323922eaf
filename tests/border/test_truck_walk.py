"""The whole truck walk from the pages alone, as the demo users, on a 390-px phone in a
real Chromium: the enterprise declares a truck and books a slot; the yard camera fails,
so the yard operator checks it in by hand; the gate operator calls it; customs,
quarantine and the border guard clear it from their consoles; the gate camera fails, so
the gate operator records the crossing by hand; the cashier and the enterprise see the
fee invoice; then the truck's next trip is declared, booked and checked in by the yard
camera (a device: its read goes through the camera API with the camera's key).

Every page must be in Vietnamese words (no raw codes) and no wider than the phone.
Screenshots of the main steps go to $TINHSO_SCREENSHOTS/walk-*.png (default /tmp)."""

from __future__ import annotations

import json
import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.border.conftest import border, camera_key  # noqa: F401
from tests.border.test_browser import SHOTS, browser  # noqa: F401
from tests.core.test_vietnamese_pages import problems_in
from tinhso.border.models import Declaration
from tinhso.core.demo import DEMO_PASSWORD
from tinhso.payments.models import Invoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VN = ZoneInfo("Asia/Ho_Chi_Minh")
PHONE = 390
PLATE = "12C-246.80"


class Walk:
    """One browser context per demo user, each on a 390-px phone."""

    def __init__(self, browser, base: str):  # noqa: F811
        self.browser, self.base, self.pages, self.step = browser, base, {}, 0
        self.shots = os.environ.get("TINHSO_SCREENSHOTS", SHOTS)

    def as_(self, login: str):
        if login not in self.pages:
            context = self.browser.new_context(viewport={"width": PHONE, "height": 844},
                                               device_scale_factor=1)
            page = context.new_page()
            page.goto(f"{self.base}/accounts/login/")
            page.fill("input[name=username]", f"{login}@demo.tinhso.vn")
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_url(f"{self.base}/")
            self.pages[login] = page
        return self.pages[login]

    def open(self, login: str, path: str):
        page = self.as_(login)
        response = page.goto(f"{self.base}{path}")
        assert response.status == 200, f"{login} {path}: HTTP {response.status}"
        return page

    def check(self, page, name: str) -> str:
        """The page as its user sees it: in Vietnamese words, as wide as the phone; a
        screenshot. Returns the visible text."""
        self.step += 1
        page.screenshot(path=f"{self.shots}/walk-{self.step:02d}-{name}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, name
        assert problems_in(page.content()) == [], name
        return " ".join(page.locator("main").inner_text().split())


def camera(page, base: str, key: str, camera_id: str, event_id: str, plate: str) -> dict:
    response = page.request.post(f"{base}/api/v1/border/plate-events", headers={
        "X-API-Key": key, "Content-Type": "application/json"}, data=json.dumps({
            "event_id": event_id, "camera_id": camera_id, "plate": plate, "confidence": 0.97,
            "captured_at": datetime.now(VN).isoformat()}))
    assert response.status in (200, 201), response.text()
    return response.json()


def declare(walk: Walk, arrival: str) -> int:
    """The enterprise fills the declaration form as a person does; returns the new id."""
    page = walk.open("doanhnghiep", "/border/enterprise/")
    page.fill("#f-plate", PLATE)
    page.fill("#f-trailer", "12R-024.68")
    page.fill("#f-driver", "Hoàng Văn Tài")
    page.fill("#f-idn", "020090001234")
    page.fill("#f-phone", "0912000002")
    page.select_option("#f-goods", "fresh-fruit")
    page.fill("#f-desc", "Thanh long ruột đỏ")
    page.fill("#f-weight", "28000")
    page.fill("#f-cont", "1")
    page.select_option("#f-dir", "export")
    page.select_option("#f-gate", "huu-nghi")
    page.fill("#f-arrival", arrival)
    page.click("main form.stack button[type=submit]")
    page.wait_for_url("**/border/declarations/*/")
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def book_first_offered_slot(walk: Walk, pk: int, name: str) -> str:
    page = walk.open("doanhnghiep", f"/border/declarations/{pk}/")
    page.locator("#booking form button").first.click()
    page.wait_for_load_state()
    return walk.check(page, name)


def test_the_whole_truck_walk_from_the_pages_alone(live_server, border, camera_key,  # noqa: F811
                                                    browser, settings, clock,  # noqa: F811
                                                    monkeypatch):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    # Playwright's sync API runs an event loop in this thread; the test reads the database
    # between steps (the live server answers from its own thread).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    walk = Walk(browser, live_server.url)

    # 1. The enterprise declares the truck and books the slot nearest its arrival.
    pk = declare(walk, "2026-12-02T10:30")
    text = walk.check(walk.as_("doanhnghiep"), "enterprise-declared")
    assert "Đã khai báo" in text and "Đặt khung giờ" in text
    text = book_first_offered_slot(walk, pk, "enterprise-booked")
    assert "Đã đặt khung giờ" in text and "02/12/2026 10:00" in text
    assert "28.000 kg" in text
    truck = Declaration.objects.get(pk=pk)
    assert (truck.plate, truck.state) == (PLATE, "booked")
    # The same truck's next trip, tomorrow, is declared now: shown as a later trip, and
    # its booking list offers no hour before the first trip is over.
    later = declare(walk, "2026-12-03T10:30")
    page = walk.open("doanhnghiep", "/border/enterprise/")
    text = walk.check(page, "enterprise-later-trip")
    row = " ".join(page.locator(f"tr#d{later}").inner_text().split())
    assert "chuyến sau" in row and "chuyến sau" not in page.locator(f"tr#d{pk}").inner_text()
    later_ref = Declaration.objects.get(pk=later).reference
    page = walk.open("doanhnghiep", f"/border/declarations/{later}/")
    offered = page.locator("#booking input[name=starts_at]").evaluate_all(
        "inputs => inputs.map(i => i.value)")
    assert offered and all(datetime.fromisoformat(v) >= datetime(2026, 12, 2, 11, tzinfo=VN)
                           for v in offered)

    # 2. The yard camera fails: the yard operator checks the truck in by hand.
    page = walk.open("baixe", "/border/yard/")
    # The truck is in front of "Bãi xe Hữu Nghị 1" (the yard whose exit camera it passes).
    page.locator("section", has_text="Bãi xe Hữu Nghị 1").locator(
        "[href*='step=check_in']").click()
    page.select_option("select[name=declaration]", str(pk))
    page.fill("input[name=reason]", "Camera cổng vào bãi mất tín hiệu")
    page.click("main form[method=post] button[type=submit]")
    text = walk.check(page, "yard-confirm")
    assert PLATE in text and "Camera cổng vào bãi mất tín hiệu" in text
    page.click("text=Đồng ý, ghi nhận")
    page.wait_for_url("**/border/yard/")
    text = walk.check(page, "yard-checked-in")
    assert PLATE in text
    assert Declaration.objects.get(pk=pk).state == "in_yard"

    # 3. The gate operator sees it in the queue and calls it.
    page = walk.open("cuakhau", "/border/gate/")
    text = walk.check(page, "gate-queue")
    assert PLATE in text and "Hàng chờ" in text
    page.click("text=Gọi các xe tiếp theo")
    page.wait_for_load_state()
    text = walk.check(page, "gate-called")
    assert f"{PLATE} — Được gọi lên cửa khẩu" in text
    # The yard's exit camera (a device) sees it leave for the gate.
    out = camera(page, live_server.url, camera_key, "cam-yard-huu-nghi-1-out", "walk-out",
                 "12C24680")
    assert (out["barrier"], out["state"]) == ("open", "at_gate")

    # 4. Customs, quarantine and the border guard clear it from their consoles.
    for login in ("haiquan", "kiemdich", "bienphong"):
        page = walk.open(login, "/border/clearance/")
        # Both trips of the truck wait for the agencies: the code and the slot tell them apart.
        row = page.locator("tr", has_text=truck.reference)
        assert "khung giờ 02/12 10:00" in row.inner_text()
        assert "Tại cửa khẩu" in " ".join(row.inner_text().split())
        row.locator("button[value=pass]").click()
        page.wait_for_load_state()
        text = walk.check(page, f"clearance-{login}")
        assert f"Đã ghi kết quả cho xe {PLATE}" in text and later_ref in text
    assert Declaration.objects.get(pk=pk).state == "cleared"

    # 5. The gate camera fails: the gate operator records the crossing by hand.
    page = walk.open("cuakhau", "/border/gate/")
    text = walk.check(page, "gate-cleared")
    assert f"{PLATE} — Đã thông quan" in text
    page.click("text=Ghi nhận thủ công xe qua cửa khẩu")
    text = walk.check(page, "gate-manual-list")
    assert PLATE in text and "Đã thông quan, chờ qua cửa khẩu" in text
    page.locator("li", has_text=PLATE).locator("a.button").click()
    text = walk.check(page, "gate-manual-confirm")
    assert "hóa đơn phí" in text and "Không thể hoàn tác" in text
    page.check("input[name=reason][value=camera_down]")
    page.fill("textarea[name=note]", "Camera cửa khẩu mất nguồn từ 9 giờ")
    page.click("main button.danger")
    page.wait_for_url("**/border/gate/manual/?gate=huu-nghi")
    text = walk.check(page, "gate-crossed-by-hand")
    assert f"{PLATE}" in text and "đã ghi nhận thủ công xe qua cửa khẩu" in text
    assert Declaration.objects.get(pk=pk).state == "crossed"
    invoice = Invoice.objects.get(declaration_id=pk)

    # 6. The cashier sees the fee invoice; so does the enterprise, on its declaration.
    page = walk.open("thungan", "/payments/cashier/")
    text = walk.check(page, "cashier")
    assert invoice.reference in text and PLATE in text
    page = walk.open("doanhnghiep", f"/border/declarations/{pk}/")
    text = walk.check(page, "enterprise-crossed")
    assert "Đã qua cửa khẩu" in text and invoice.reference in text
    page.click(f"text={invoice.reference}")
    text = walk.check(page, "enterprise-invoice")
    assert invoice.reference in text and "₫" in text

    # 7. The truck's next trip, tomorrow: booked, and checked in by the camera.
    text = book_first_offered_slot(walk, later, "later-trip-booked")
    assert "Đã đặt khung giờ" in text and "03/12/2026 10:00" in text
    clock.move_to(datetime(2026, 12, 3, 10, 5, tzinfo=VN))
    entry = camera(page, live_server.url, camera_key, "cam-yard-huu-nghi-1-in", "walk-in-2",
                   "12C-246.80")
    assert (entry["barrier"], entry["declaration_id"], entry["state"]) \
        == ("open", later, "in_yard")
    page = walk.open("doanhnghiep", f"/border/declarations/{later}/")
    text = walk.check(page, "later-trip-in-yard")
    assert "Trong bãi" in text and "Bãi xe: Bãi xe Hữu Nghị 1" in text
    assert Declaration.objects.get(pk=pk).state == "crossed"
