"""End to end in a real headless Chromium: a citizen submits a dossier online on a phone,
the commune's one-stop desk receives and processes it on a desktop, the leader approves
it with the result document, the desk returns it, and the citizen sees it on the phone
and downloads the result."""

from __future__ import annotations

import pytest

from tests.border.test_browser import CHROMIUM, browser  # noqa: F401
from tinhso.core.demo import DEMO_PASSWORD
from tinhso.core.pdf import simple_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
assert CHROMIUM


@pytest.fixture
def commune(settings, tmp_path):
    """The sample catalogue and officers; cookies over plain HTTP for the live server."""
    from tinhso.publicservices.demo import seed_public_services
    from tinhso.publicservices.models import Procedure

    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    seed_public_services()
    procedure = Procedure.objects.get(level="commune", name="Đăng ký khai sinh")
    paper = tmp_path / "giay-to.pdf"
    paper.write_bytes(simple_document("Tờ khai", ["Bản chính"]))
    result = tmp_path / "ket-qua.pdf"
    result.write_bytes(simple_document("Giấy khai sinh", ["Bản chính"]))
    return {"procedure": procedure, "paper": str(paper), "result": str(result),
            "papers": list(procedure.papers.values_list("pk", flat=True))}


def log_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", f"{login}@demo.tinhso.vn")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_citizen_on_a_phone_officers_on_a_desktop(live_server, commune, browser):  # noqa: F811
    base = live_server.url
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    citizen = phone.new_page()
    log_in(citizen, base, "congdan")
    citizen.goto(f"{base}/public-services/procedures/{commune['procedure'].code}/apply/")
    citizen.fill("input[name=applicant_id_number]", "020190001234")
    citizen.fill("input[name=applicant_phone]", "0912000024")
    citizen.select_option("select[name=agency]", label="UBND xã Đồng Đăng")
    for pk in commune["papers"]:
        citizen.set_input_files(f"input[name=paper-{pk}]", commune["paper"])
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 390
    citizen.click("button[value=submit]")
    citizen.wait_for_url(f"{base}/public-services/my/")
    assert "Đăng ký khai sinh" in citizen.content()

    desktop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    desk = desktop.new_page()
    log_in(desk, base, "motcua")
    desk.goto(f"{base}/public-services/console/")
    desk.click("button:has-text('Tiếp nhận') >> nth=0")  # the queue's one-click action
    desk.wait_for_load_state("load")
    # Steps: reception → assignment → appraisal → review, handed over from the dossier page.
    for _ in range(4):
        desk.click("button:has-text('Chuyển bước tiếp theo')")
        desk.wait_for_load_state("load")
        assert "đã thực hiện" in desk.content()
    dossier_url = desk.url

    leader_context = browser.new_context(viewport={"width": 1280, "height": 900})
    leader_page = leader_context.new_page()
    log_in(leader_page, base, "chutichxa")
    leader_page.goto(f"{base}/public-services/console/")
    leader_page.click("a:has-text('Phê duyệt') >> nth=0")
    leader_page.fill("textarea[name=result_summary]", "Đã cấp giấy khai sinh")
    leader_page.set_input_files("input[name=result_document]", commune["result"])
    leader_page.click("button:has-text('Xác nhận')")
    leader_page.wait_for_load_state("load")
    assert "Kết quả:" in leader_page.content()

    desk.goto(f"{base}/public-services/console/")
    desk.click("a:has-text('Trả kết quả') >> nth=0")
    desk.click("button:has-text('Xác nhận')")
    desk.wait_for_load_state("load")
    assert desk.url == dossier_url

    citizen.goto(f"{base}/public-services/my/")
    html = citizen.content()
    assert "Tải văn bản kết quả" in html
    with citizen.expect_download() as download:
        citizen.click("a:has-text('Tải văn bản kết quả')")
    assert download.value.suggested_filename.startswith("ket-qua-")
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 390
    for context in (phone, desktop, leader_context):
        context.close()
