"""A short walk through issue 15's added pages in a real browser, with screenshots in
/tmp/spages-shots (or $TINHSO_SCREENSHOTS/spages): the homeroom teacher sets conduct on a
desktop and posts a notice to the class from a phone; a primary homeroom teacher assesses
qualities and competences on a phone; the parent logs in on a 390-px phone, sees the
conduct and the notice, and opening it leaves a read receipt; the leader's teacher import
lists a bad row on the phone. Every phone page must fit 390 px (no sideways scroll)."""

import datetime
import io
import os
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.border.test_browser import browser  # noqa: F401
from tests.browser import note_overflow
from tests.core.test_phone_pages import _log_in
from tinhso.accounts.models import Membership, Role, User
from tinhso.core.demo import seed_accounts, seed_administrative_units
from tinhso.core.models import AdministrativeUnit, OutgoingNotification
from tinhso.schools.demo import seed_schools
from tinhso.schools.models import (
    NoticeRead,
    Result,
    SchoolClass,
    Student,
    Teacher,
    TraitAssessment,
)
from tinhso.schools.structure import create_school

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("TINHSO_SCREENSHOTS", "/tmp")) / "spages-shots"


@pytest.fixture
def school(settings, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    seed_administrative_units()
    seed_accounts()
    seed_schools()
    return SchoolClass.objects.get(name="8A1")


def _primary_class(teacher_user):
    """The demo teacher also homeroom of a primary class 3A (two pupils)."""
    commune = AdministrativeUnit.objects.filter(kind=AdministrativeUnit.Kind.COMMUNE).first()
    school = create_school(code="th-demo-walk", name="Trường Tiểu học Hoàng Văn Thụ",
                           level="primary", commune=commune, first_year=2026)
    Membership.objects.get_or_create(user=teacher_user, organization=school.organization,
                                     role=Role.TEACHER)
    teacher = Teacher.objects.create(school=school, user=teacher_user,
                                     full_name=teacher_user.full_name)
    klass = SchoolClass.objects.create(school=school, year=school.years.get(), grade=3,
                                       name="3A", homeroom=teacher)
    for i, name in enumerate(["Hoàng Văn Khánh", "Nông Thị Linh"], 1):
        Student.objects.create(school=school, school_class=klass, code=f"WALK{i}",
                               full_name=name, birth_date=datetime.date(2018, 5, i),
                               sex="m", number=i)
    return klass


def test_conduct_notice_qualities_and_import_pages(live_server, school, browser):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    base = live_server.url
    first = school.students.order_by("number").first()
    # Desktop: the homeroom teacher's conduct grid for term I.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = desk.new_page()
    _log_in(page, base, "giaovien")
    page.goto(f"{base}/schools/")
    page.click(f"a[href='/schools/class/{school.pk}/conduct/1/']")
    page.select_option(f"select[name=conduct-{first.pk}]", "tot")
    page.fill(f"input[name=remark-{first.pk}]", "Chăm ngoan, giúp đỡ bạn")
    page.click("#grid-form button[type=submit]")
    page.wait_for_selector("ul.messages")
    note_overflow(page, 1280, problems)
    page.screenshot(path=str(SHOTS / "conduct-1280.png"), full_page=True)
    assert Result.objects.get(student=first, period=1).conduct == "tot"
    desk.close()

    # Phone: the same teacher posts a notice to 8A1, sees the conduct grid and assesses
    # the qualities of a primary class.
    klass = _primary_class(User.objects.get(email="giaovien@demo.tinhso.vn"))
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = phone.new_page()
    _log_in(page, base, "giaovien")
    page.goto(f"{base}/schools/class/{school.pk}/conduct/1/")
    note_overflow(page, 390, problems)
    page.screenshot(path=str(SHOTS / "conduct-390.png"), full_page=True)
    page.goto(f"{base}/schools/notices/")
    page.select_option("select[name=target]", f"class-{school.pk}")
    page.fill("input[name=title]", "Họp phụ huynh lớp 8A1")
    page.fill("textarea[name=body]", "Mời phụ huynh dự họp lúc 19 giờ thứ Sáu tại lớp.")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("text=Họp phụ huynh lớp 8A1")
    note_overflow(page, 390, problems)
    page.screenshot(path=str(SHOTS / "notices-390.png"), full_page=True)
    pupil = klass.students.order_by("number").first()
    page.goto(f"{base}/schools/class/{klass.pk}/qualities/1/")
    page.select_option(f"select[name=cham_chi-{pupil.pk}]", "tot")
    page.select_option(f"select[name=tu_chu-{pupil.pk}]", "can_co_gang")
    page.click("#grid-form button[type=submit]")
    page.wait_for_selector("ul.messages")
    note_overflow(page, 390, problems)
    page.screenshot(path=str(SHOTS / "qualities-390.png"), full_page=True)
    assert TraitAssessment.objects.filter(student=pupil).count() == 2
    phone.close()

    # Phone: the parent logs in with a code, sees the conduct and the notice, opens it.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = phone.new_page()
    page.goto(f"{base}/schools/family/login/")
    page.fill("input[name=phone]", "0913 150 003")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("input[name=code]")
    message = OutgoingNotification.objects.filter(kind="schools.guardian_code").latest("id")
    page.fill("input[name=code]", message.message_vi.split(": ")[1][:6])
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/schools/student/*/")
    text = page.inner_text("main")
    assert "rèn luyện: Tốt" in text and "Chăm ngoan" in text
    assert "Họp phụ huynh lớp 8A1" in text
    note_overflow(page, 390, problems)
    page.screenshot(path=str(SHOTS / "child-390.png"), full_page=True)
    page.click("text=Họp phụ huynh lớp 8A1")
    page.wait_for_url("**/schools/notice/*/")
    assert "19 giờ thứ Sáu" in page.inner_text("main")
    note_overflow(page, 390, problems)
    page.screenshot(path=str(SHOTS / "notice-390.png"), full_page=True)
    assert NoticeRead.objects.count() == 1
    phone.close()

    # Phone: the leader's teacher import with a bad row.
    book = Workbook()
    for row in (["Họ và tên", "Điện thoại", "Email", "Chủ nhiệm lớp", "Phân công dạy"],
                ["Hà Văn Mới", "0913 000 777", "", "9Z9", "toan 8A1"]):
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = phone.new_page()
    _log_in(page, base, "hieutruong")
    page.goto(f"{base}/schools/school/{school.school.pk}/teachers/import/")
    page.set_input_files("input[name=file]", files=[{
        "name": "giao-vien.xlsx", "buffer": data.getvalue(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("[role=alert]")
    alert = page.inner_text("[role=alert]")
    assert "Dòng 2, cột “Chủ nhiệm lớp”" in alert and "Dòng 2, cột “Phân công dạy”" in alert
    note_overflow(page, 390, problems)
    page.screenshot(path=str(SHOTS / "import-teachers-390.png"), full_page=True)
    phone.close()
    assert not problems, problems
