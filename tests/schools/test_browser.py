"""A walk in a real browser: the teacher enters class 8A1's maths grades on a desktop
(typing, arrow keys, a bad score named in the cell, a block pasted from Excel); the parent
logs in on a 390-px phone with the code sent to their number and sees them."""

import os
from pathlib import Path

import pytest

from tests.border.test_browser import browser  # noqa: F401
from tests.browser import note_overflow
from tests.core.test_phone_pages import _log_in
from tinhso.core.demo import seed_accounts, seed_administrative_units
from tinhso.core.models import OutgoingNotification
from tinhso.schools.demo import seed_schools
from tinhso.schools.models import SchoolClass, Score

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("TINHSO_SCREENSHOTS", "var/screenshots")) / "schools"


@pytest.fixture
def school(settings, monkeypatch):
    # The test reads the database between browser steps (Playwright runs an event loop).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    seed_administrative_units()
    seed_accounts()
    seed_schools()
    return SchoolClass.objects.get(name="8A1")


def test_teacher_enters_grades_on_a_desktop_and_the_parent_sees_them_on_a_phone(
        live_server, school, browser):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    base = live_server.url
    maths = school.school.subjects.get(grade=8, code="toan")
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = desk.new_page()
    _log_in(page, base, "giaovien")
    page.goto(f"{base}/schools/")
    page.click(f"a[href='/schools/class/{school.pk}/subject/{maths.pk}/term/1/']")
    page.wait_for_selector("#grid")
    note_overflow(page, 1280, problems)
    first = page.locator("input.score[data-slot=ck]").nth(0)
    first.click()
    first.fill("8,5")
    first.press("Enter")  # saves and moves down
    page.wait_for_selector("#grid tbody tr:nth-child(1) td.saved")
    focused = page.evaluate("document.activeElement.dataset.slot + ':' + "
                            "document.activeElement.closest('tr').rowIndex")
    assert focused == "ck:2"
    # The row is complete: its term average appears at once, (7.5+7+7+6.5 + 2·7.5 + 3·8.5)/9.
    assert page.inner_text("#grid tbody tr:nth-child(1) td.average") == "7.6"
    second = page.locator("input.score[data-slot=ck]").nth(1)
    second.fill("11")
    second.press("Tab")
    page.wait_for_selector("#grid td.invalid .cell-error")
    assert "từ 0 đến 10" in page.inner_text("#grid td.invalid")
    # A column of three cells pasted from Excel into the third row's CK.
    page.evaluate("""() => {
        const cell = document.querySelectorAll('input.score[data-slot=ck]')[2];
        cell.focus();
        const data = new DataTransfer();
        data.setData('text', '7\\n6,5\\n9\\n');
        cell.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true}));
    }""")
    page.locator("#grid td.saved").nth(3).wait_for()
    page.screenshot(path=str(SHOTS / "grid-1280.png"), full_page=True)
    cks = dict(Score.objects.filter(subject=maths, slot="ck").values_list(
        "student__number", "value"))
    assert {k: str(v) for k, v in cks.items()} == {1: "8.5", 3: "7.0", 4: "6.5", 5: "9.0"}
    desk.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = phone.new_page()
    page.goto(f"{base}/schools/family/login/")
    page.fill("input[name=phone]", "0913 150 003")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("input[name=code]")
    note_overflow(page, 390, problems)
    page.screenshot(path=str(SHOTS / "login-390.png"), full_page=True)
    message = OutgoingNotification.objects.filter(kind="schools.guardian_code").latest("id")
    page.fill("input[name=code]", message.message_vi.split(": ")[1][:6])
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/schools/student/*/")
    text = page.inner_text("main")
    assert "Lương Minh Anh" in text and "CK 8.5" in text
    assert "Hoàng Gia Bảo" not in text
    note_overflow(page, 390, problems)
    page.screenshot(path=str(SHOTS / "child-390.png"), full_page=True)
    phone.close()
    # The teacher's grid on the phone too (a stack of cards), and the roll call.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = phone.new_page()
    _log_in(page, base, "giaovien")
    page.goto(f"{base}/schools/class/{school.pk}/subject/{maths.pk}/term/1/")
    note_overflow(page, 390, problems)
    page.screenshot(path=str(SHOTS / "grid-390.png"))
    page.goto(f"{base}/schools/class/{school.pk}/attendance/")
    note_overflow(page, 390, problems)
    page.screenshot(path=str(SHOTS / "attendance-390.png"), full_page=True)
    phone.close()
    assert not problems, problems
