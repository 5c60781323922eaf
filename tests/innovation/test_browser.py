"""A walk in a real browser, on a 390-px phone and on a desktop, from a call to a published
ranking: the founder applies online with two files and gets a receipt; after the deadline
the office assigns the judges; one judge declares a conflict of interest and loses sight of
that application, the judges score; the office publishes; the public reads the ranking."""

import os
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.border.test_browser import SHOTS, browser  # noqa: F401
from tests.browser import note_overflow
from tests.core.test_phone_pages import _log_in
from tests.innovation.conftest import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def demo(settings, db):
    """The innovation demo (its open call closes on 16 December at 17:00), set up before
    the browser starts."""
    from tinhso.core.demo import seed_administrative_units
    from tinhso.innovation.demo import seed_innovation

    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    seed_administrative_units()
    seed_innovation()


@pytest.mark.parametrize("width", [390, 1280])
def test_from_a_call_to_a_published_ranking(live_server, demo, browser, clock, tmp_path,  # noqa: F811
                                            width):
    shots = Path(os.environ.get("TINHSO_SCREENSHOTS", SHOTS)) / "innovation"
    shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    base = live_server.url
    plan = tmp_path / "ke-hoach.pdf"
    plan.write_bytes(PDF)

    def shot(page, name: str) -> None:
        note_overflow(page, width, problems)
        page.screenshot(path=str(shots / f"{width}-{name}.png"), full_page=True)

    def session(login: str | None):
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      locale="vi-VN")
        page = context.new_page()
        if login:
            _log_in(page, base, login)
        return context, page

    # The founder finds the open call and applies.
    context, page = session("sanglap")
    page.goto(f"{base}/khoi-nghiep/")
    shot(page, "1-home")
    page.click("text=Cuộc thi Khởi nghiệp đổi mới sáng tạo tỉnh Lạng Sơn 2026")
    assert "17:00 16/12/2026" in page.inner_text("main")
    shot(page, "2-call")
    page.click("a.button:has-text('Nộp hồ sơ')")
    page.select_option("#f-profile", label="Hợp tác xã Na Chi Lăng")
    page.fill("#f-title", "Na Chi Lăng sấy dẻo cho thị trường Hà Nội")
    page.fill("#f-summary", "Dây chuyền sấy dẻo 2 tấn/ngày, bán qua cửa hàng số.")
    page.fill("#f-budget", "120.000.000")
    page.set_input_files("#f-att-0", str(plan))
    page.set_input_files("#f-att-1", str(plan))
    shot(page, "3-apply")
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/khoi-nghiep/ho-so/*/")
    text = page.inner_text("main")
    assert "Hồ sơ dự thi đã được tiếp nhận" in text
    number = re.search(r"KN-2026-\d{4}", text).group(0)
    shot(page, "4-receipt")
    context.close()

    # The deadline passes (17:00 on 16 December, Vietnam time).
    clock.move_to(datetime(2026, 12, 17, 9, 0, tzinfo=VIETNAM))

    # The office assigns both judges to both applications.
    context, page = session("dmst")
    page.goto(f"{base}/khoi-nghiep/duyet/")
    shot(page, "5-office")
    page.click("li.card:has-text('Cuộc thi Khởi nghiệp đổi mới') >> text=Bảng chấm thi")
    page.wait_for_url("**/cham-diem/")
    for index in range(2):
        section = page.locator("section.card").nth(index)
        for box in section.locator("input[name=judges]").all():
            box.check()
        section.locator("button[type=submit]").click()
        page.wait_for_url("**/cham-diem/")
    assert page.inner_text("main").count("Chưa khai báo") == 4
    shot(page, "6-board")
    board_url = page.url
    context.close()

    # Judge one: a conflict with the Hồi Văn Quan cooperative, scores the other.
    for login, marks in (("giamkhao", {"Hồi Văn Quan": None, number: (8, 9, 7)}),
                         ("giamkhao2", {"Hồi Văn Quan": (9, 8, 8), number: (7, 8, 9)})):
        context, page = session(login)
        for key, values in marks.items():
            page.goto(f"{base}/khoi-nghiep/giam-khao/")
            page.click(f"ul.todo li.card:has-text('{key}') a")
            page.wait_for_url("**/giam-khao/*/")
            assert "Khai báo xung đột lợi ích" in page.inner_text("main")
            assert "Dây chuyền sấy dẻo" not in page.inner_text("main")
            if values is None:
                url = page.url
                page.fill("#f-note", "Em ruột của giám đốc hợp tác xã")
                page.click("button[value=conflict]")
                page.wait_for_url("**/giam-khao/")
                assert "Hồi Văn Quan" not in page.inner_text("ul.todo")
                assert page.goto(url).status == 404
                continue
            page.click("button[value=none]")
            page.wait_for_url("**/giam-khao/*/")
            inputs = page.locator("form input[type=number]")
            for i, value in enumerate(values):
                inputs.nth(i).fill(str(value))
            shot(page, f"7-score-{login}")
            page.click("form.stack button[type=submit]")
            assert "Đã lưu điểm" in page.inner_text("main")
        context.close()

    # The office publishes the results, after a confirmation.
    context, page = session("dmst")
    page.goto(board_url)
    page.click("text=Công bố kết quả")
    page.wait_for_selector("button.danger")  # the link opens a confirmation page
    shot(page, "8-confirm")
    page.click("button.danger")
    page.wait_for_url("**/ket-qua/")
    context.close()

    # Anyone reads the ranking.
    context, page = session(None)
    page.goto(f"{base}/khoi-nghiep/cuoc-thi/")
    page.click("li.card:has-text('Cuộc thi Khởi nghiệp đổi mới') a")
    page.click("text=Xem kết quả")
    page.wait_for_url("**/ket-qua/")
    text = page.inner_text("main")
    shot(page, "9-results")
    # Hồi Văn Quan: judge two only, (30·9 + 40·8 + 30·8)/10 = 83
    # Na Chi Lăng: (30·8 + 40·9 + 30·7)/10 = 81 and (30·7 + 40·8 + 30·9)/10 = 80 -> 80,50
    assert text.index("Hồi Văn Quan") < text.index("Na Chi Lăng")
    assert "83,00" in text and "80,50" in text and "1,00" in text
    context.close()
    assert not problems, "\n".join(problems)
