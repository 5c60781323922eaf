"""A real headless Chromium walks a document from draft to issued to received and
assigned, on a 390-px phone (no sideways scroll on any page it visits) and a desktop."""

from __future__ import annotations

import pytest

from tests.border.test_browser import browser  # noqa: F401
from tests.browser import scroll_width
from tinhso.documents import demo

from .conftest import pdf_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = 390


@pytest.fixture
def people(settings, tmp_path):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    data = demo.seed_reference()
    return data


def _log_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def _fits(page):
    width = scroll_width(page)
    assert width <= PHONE, (page.url, width)


def test_draft_to_issued_to_received_and_assigned(live_server, people, browser, tmp_path):  # noqa: F811
    base = live_server.url
    body = tmp_path / "noi-dung.pdf"
    body.write_bytes(pdf_upload("Nội dung", "Đề nghị các sở báo cáo.").getvalue())
    context = browser.new_context(viewport={"width": PHONE, "height": 800})
    page = context.new_page()
    # the specialist drafts
    _log_in(page, base, "chuyenvien@ubnd-lang-son.langson.gov.vn")
    page.goto(f"{base}/documents/outgoing/new/")
    _fits(page)
    page.select_option("select[name=doc_type]", "ke_hoach")
    page.fill("textarea[name=excerpt]", "Triển khai chuyển đổi số năm 2027")
    page.fill("input[name=signer_title]", "Chủ tịch")
    page.select_option("select[name=authority]", "TM.")
    page.fill("input[name=authority_of]", "Ủy ban nhân dân")
    page.check("text=Sở Công Thương tỉnh Lạng Sơn")
    page.set_input_files("input[name=body]", str(body))
    page.click("form.card button[type=submit]")
    page.wait_for_selector("[data-state=draft]")
    _fits(page)
    page.click("a.button:has-text('Trình duyệt')")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-state=in_review]")
    doc_url = page.url.split(base, 1)[1]  # /documents/outgoing/<id>/
    context.clear_cookies()
    # the chairman approves
    _log_in(page, base, "lanhdao@ubnd-lang-son.langson.gov.vn")
    page.goto(f"{base}/documents/")
    page.click(f"a[href='{doc_url}']")
    page.click("a.button:has-text('Duyệt ký')")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-state=approved]")
    context.clear_cookies()
    # the clerk issues (after a confirmation) and sends
    _log_in(page, base, "vanthu@ubnd-lang-son.langson.gov.vn")
    page.goto(f"{base}{doc_url}")
    page.click("a.button:has-text('Phát hành')")
    _fits(page)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-state=issued]")
    assert "01/KH-UBND" in page.inner_text("h1")
    page.click("a.button:has-text('Gửi đến nơi nhận')")  # a confirmation naming them
    _fits(page)
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Đã gửi")
    context.clear_cookies()
    # the department's clerk registers it
    _log_in(page, base, "vanthu@so-cong-thuong.langson.gov.vn")
    page.goto(f"{base}/documents/")
    _fits(page)
    page.click("a:has-text('01/KH-UBND')")
    incoming_url = page.url.split(base, 1)[1]
    assert page.is_visible("text=Chữ ký số hợp lệ")
    page.click("button:has-text('Vào sổ')")
    page.wait_for_selector("[data-arrival='1']")
    context.clear_cookies()
    # the director assigns it, on a desktop
    desktop = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _log_in(desktop, base, "lanhdao@so-cong-thuong.langson.gov.vn")
    desktop.goto(f"{base}{incoming_url}")
    desktop.select_option("select[name=assignee]", label="Lê Văn Nam")
    desktop.fill("input[name=working_days]", "3")
    desktop.fill("textarea[name=instructions]", "Tham mưu kế hoạch của Sở.")
    desktop.click("button:has-text('Giao')")
    desktop.wait_for_selector("[data-state=assigned]")
    assert desktop.is_visible("[data-arrival='1']") and desktop.is_visible("li:has-text('Lê Văn Nam')")
    # the handler finds it on a phone
    _log_in(page, base, "chuyenvien@so-cong-thuong.langson.gov.vn")
    page.goto(f"{base}/documents/")
    assert page.is_visible("text=01/KH-UBND")
    _fits(page)
