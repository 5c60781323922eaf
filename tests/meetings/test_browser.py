"""A walk in a real browser, on a 390-px phone and on a desktop: the secretary schedules a
meeting of the province bodies, opens the host console, the host point acknowledges,
checks its connection and records attendance, the board shows it, and the secretary
records the minutes with a task due in working days."""

from datetime import timedelta

import pytest

from tests.border.test_browser import browser  # noqa: F401
from tests.browser import note_overflow
from tests.core.test_phone_pages import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ready(points, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False


@pytest.mark.parametrize("width", [390, 1280])
def test_from_scheduling_to_minutes(live_server, ready, browser, clock, width):  # noqa: F811
    problems: list[str] = []
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    base = live_server.url
    _log_in(page, base, "hoinghi")

    page.goto(f"{base}/meetings/new/")
    note_overflow(page, width, problems)
    page.fill("#f-title", "Hội nghị giao ban chuyển đổi số")
    page.select_option("#f-level", "province")
    page.fill("#f-day", "2026-12-02")
    page.fill("#f-start", "10:00")
    page.fill("#f-end", "11:00")
    page.check("input[name=groups][value=province]")
    page.fill("#f-agenda-1", "Báo cáo tiến độ")
    page.fill("#f-agenda-2", "Ý kiến các sở")
    page.fill("#f-agenda-ref-2", "Tờ trình 5/TTr-SCT")
    page.click("#meeting-form button[type=submit]:not([name])")
    page.wait_for_url("**/meetings/*/")
    assert "Đã đặt lịch" in page.inner_text("main")
    assert "Tờ trình 5/TTr-SCT" in page.inner_text("ol.agenda")
    meeting_url = page.url
    note_overflow(page, width, problems)

    page.click("text=Bảng điều hành")
    page.wait_for_url("**/console/")
    assert "chưa xác nhận" in page.inner_text("#board")
    note_overflow(page, width, problems)
    console_url = page.url

    # The host point's own page (the secretary's agency operates it).
    page.goto(meeting_url)
    page.click("text=Trang của điểm cầu")
    page.wait_for_url("**/meetings/p/*/")
    page.click("button[value=acknowledge]")
    assert "đã nhận" in page.inner_text("main")
    page.click("#readiness button[value=ok]")
    assert "Đã thử kết nối, sẵn sàng" in page.inner_text("#readiness")
    page.fill("#f-count", "25")
    page.fill("#f-people", "Lục Thị Nga, Thư ký\nHoàng Minh Quang, Chủ trì")
    page.click("#attendance button[type=submit]")
    assert "Hoàng Minh Quang" in page.inner_text("#attendance")
    assert page.locator("figure.qr svg").count() == 1
    note_overflow(page, width, problems)

    page.goto(console_url)
    board = page.inner_text("#board")
    assert "1 sẵn sàng" in board and "25" in board

    clock.shift(timedelta(minutes=45))  # the meeting has started: minutes may be written
    page.goto(meeting_url)
    page.click("text=Biên bản và kết luận")
    page.wait_for_url("**/minutes/")
    page.fill("#f-text", "Các sở báo cáo tiến độ; hội nghị thống nhất kế hoạch.")
    page.fill("#c0-text", "Rà soát thiết bị điểm cầu các xã biên giới")
    page.select_option("#c0-assignee", "xa-dong-dang")
    page.fill("#c0-days", "3")
    page.click("#minutes-form button[type=submit]")
    text = page.inner_text("main")
    assert "Đã lưu biên bản" in text
    # Wednesday 2 December + 3 working days: Monday 7 December.
    assert "hạn 07/12/2026" in text
    note_overflow(page, width, problems)
    context.close()
    assert not problems or width > 390, "\n".join(problems)
