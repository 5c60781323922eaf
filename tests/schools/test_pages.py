"""Pages and API: who sees what (guardians only their own children), the grid's htmx save,
the roll call, locking, report cards, imports and the province's figures."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from tinhso.core.errors import InvalidInput
from tinhso.core.models import OutgoingNotification
from tinhso.schools import selectors, services
from tinhso.schools.models import Attendance, GradeChange, Score, Student


def grid_url(w, klass=None, subject="toan", term=1):
    klass = klass or w.a1
    return f"/schools/class/{klass.pk}/subject/{w.subjects[subject].pk}/term/{term}/"


def test_the_teacher_saves_a_cell_through_htmx_and_sees_the_error_named(world, client):
    client.force_login(world.ha)
    page = client.get(grid_url(world))
    assert page.status_code == 200
    assert "Hoàng Minh Anh" in page.content.decode() and "TX4" in page.content.decode()
    pupil = world.pupils[0]
    ok = client.post(grid_url(world) + "cell/", {"student": pupil.pk, "slot": "tx1",
                                                 "value": "8,5", "expected": ""},
                     HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and 'value="8.5"' in ok.content.decode()
    bad = client.post(grid_url(world) + "cell/", {"student": pupil.pk, "slot": "tx2",
                                                  "value": "12", "expected": ""},
                      HTTP_HX_REQUEST="true")
    text = bad.content.decode()
    assert "invalid" in text and "Hoàng Minh Anh · TX2" in text and "từ 0 đến 10" in text
    assert Score.objects.count() == 1


def test_the_api_saves_a_cell_and_answers_422_in_both_languages(world, client):
    client.force_login(world.ha)
    body = {"student": world.pupils[0].pk, "subject": world.subjects["toan"].pk,
            "term": world.terms[1].pk, "slot": "gk", "value": "7.5"}
    ok = client.post("/api/v1/schools/cells", body, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["value"] == "7.5"
    bad = client.post("/api/v1/schools/cells", {**body, "value": "7.55"},
                      content_type="application/json")
    assert bad.status_code == 422
    error = bad.json()
    detail = error.get("errors", [error])[0] if "errors" in error else error
    assert "message_vi" in str(error) and "message_en" in str(error), detail
    grid = client.get(f"/api/v1/schools/classes/{world.a1.pk}/subjects/"
                      f"{world.subjects['toan'].pk}/terms/1").json()
    assert grid["rows"][0]["cells"]["gk"] == "7.5"


@pytest.mark.parametrize("who", ["g2", "g9", "cuong", "anonymous"])
def test_nobody_else_sees_a_child(world, client, who):
    services.save_score(actor=world.ha, student=world.pupils[0], subject=world.subjects["toan"],
                        term=world.terms[1], slot="tx1", raw="9", now=timezone.now())
    if who != "anonymous":
        user = getattr(world, who)
        client.force_login(user.user if hasattr(user, "user") else user)
    pk = world.pupils[0].pk
    for url in (f"/schools/student/{pk}/", f"/schools/student/{pk}/report-card.pdf",
                f"/api/v1/schools/students/{pk}"):
        response = client.get(url)
        assert response.status_code in (302, 401, 404), (url, response.status_code)
        assert "Hoàng Minh Anh" not in response.content.decode(errors="ignore")


@pytest.mark.parametrize("who", ["cuong", "g1", "anonymous"])
def test_another_classes_teacher_or_a_parent_cannot_open_or_write_the_grid(world, client, who):
    if who != "anonymous":
        user = getattr(world, who)
        client.force_login(user.user if hasattr(user, "user") else user)
    assert client.get(grid_url(world)).status_code in (302, 404)
    response = client.post(grid_url(world) + "cell/", {"student": world.pupils[0].pk,
                                                       "slot": "tx1", "value": "10"})
    assert response.status_code in (302, 404)
    assert not Score.objects.exists()


def test_the_guardian_sees_only_their_child_with_grades_and_absences(world, client):
    services.save_score(actor=world.ha, student=world.pupils[0], subject=world.subjects["toan"],
                        term=world.terms[1], slot="tx1", raw="9", now=timezone.now())
    services.record_absences(actor=world.ha, school_class=world.a1, day=timezone.localdate(),
                             absent={world.pupils[0].pk: True}, now=timezone.now())
    client.force_login(world.g1.user)
    family = client.get("/schools/family/")
    assert family.status_code == 302 and family.url.endswith(f"/student/{world.pupils[0].pk}/")
    page = client.get(family.url).content.decode()
    assert "Hoàng Minh Anh" in page and "TX1 9.0" in page and "Đã nghỉ 1 buổi" in page
    assert "Lương Văn Bảo" not in page
    api = client.get(f"/api/v1/schools/students/{world.pupils[0].pk}").json()
    assert api["subjects"][0]["term1"]["tx1"] == "9.0"


def test_the_guardian_logs_in_on_the_page_with_the_code(world, client):
    client.post("/schools/family/login/", {"phone": "0912345002"})
    sent = OutgoingNotification.objects.get(kind="schools.guardian_code")
    code = sent.message_vi.split(": ")[1][:6]
    wrong = client.post("/schools/family/login/", {"phone": "0912345002",
                                                   "code": "x" + code[1:]})
    assert "Mã không đúng" in wrong.content.decode()
    done = client.post("/schools/family/login/", {"phone": "0912345002", "code": code})
    assert done.status_code == 302
    assert client.get("/schools/family/", follow=True).content.decode().count("Lương Văn Bảo")


def test_the_roll_call_page(world, client):
    client.force_login(world.ha)
    url = f"/schools/class/{world.a1.pk}/attendance/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"day": timezone.localdate().isoformat(), "session": "am",
                                 f"s{world.pupils[1].pk}": "k"})
    assert response.status_code == 302
    assert Attendance.objects.get().student == world.pupils[1]
    client.force_login(world.binh)
    assert client.get(url).status_code == 404


def test_leader_locks_after_confirmation_and_approves(world, client, clock):
    services.save_score(actor=world.ha, student=world.pupils[0], subject=world.subjects["toan"],
                        term=world.terms[1], slot="ck", raw="4", now=timezone.now())
    clock.move_to(datetime.datetime(2027, 1, 22, 8, tzinfo=datetime.UTC))
    client.force_login(world.leader)
    term = world.terms[1]
    assert "cannot be undone" in client.get(f"/schools/term/{term.pk}/lock/").content.decode() \
        or "Không thể hoàn tác" in client.get(f"/schools/term/{term.pk}/lock/").content.decode()
    term.refresh_from_db()
    assert not term.is_locked  # a GET changes nothing
    client.post(f"/schools/term/{term.pk}/lock/", {"confirm": "yes"})
    term.refresh_from_db()
    assert term.is_locked
    client.force_login(world.ha)
    client.post(grid_url(world) + "change/", {"student": world.pupils[0].pk, "slot": "ck",
                                              "value": "5", "reason": "re_marked", "note": ""})
    client.force_login(world.leader)
    page = client.get("/schools/leader/").content.decode()
    assert "Hoàng Minh Anh" in page
    from tinhso.schools.models import ChangeRequest
    change = ChangeRequest.objects.get()
    client.post(f"/schools/change/{change.pk}/decide/", {"decision": "approve"})
    assert Score.objects.get().display() == "5.0"
    assert GradeChange.objects.first().approved_by == world.leader


def fill(w, pupil, score="8"):
    for term in (1, 2):
        for code, subject in w.subjects.items():
            actor = w.ha if code in ("toan", "ngu_van") else w.binh
            for slot in selectors.subject_info(subject).slots():
                services.save_score(actor=actor, student=pupil, subject=subject,
                                    term=w.terms[term], slot=slot,
                                    raw="Đ" if slot == "nx" else score, now=timezone.now())


def test_report_card_pdf_holds_the_right_numbers(world, client):
    fill(world, world.pupils[0], score="7.5")
    services.set_conduct(actor=world.ha, student=world.pupils[0], period=0, level="kha",
                         now=timezone.now())
    client.force_login(world.g1.user)
    response = client.get(f"/schools/student/{world.pupils[0].pk}/report-card.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Hoàng Minh Anh" in text and "Toán" in text
    assert "7.5" in text and "Khá" in text and "Được lên lớp" in text
    client.force_login(world.ha)
    whole = client.get(f"/schools/class/{world.a1.pk}/report-cards.pdf")
    assert len(PdfReader(io.BytesIO(whole.content)).pages) == 3
    sheet = load_workbook(io.BytesIO(client.get(
        f"/schools/class/{world.a1.pk}/summary.xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "Toán" and rows[1][2] == "Hoàng Minh Anh" and rows[1][3] == "7.5"


def workbook(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính", "Lớp", "Phụ huynh",
          "Điện thoại phụ huynh"]


def test_import_reports_every_bad_row_and_changes_nothing(world, client):
    from tinhso.schools import reports
    before = Student.objects.count()
    bad = workbook([HEADER,
                    ["HS100", "Vy Thị Én", "01/02/2015", "Nữ", "6A1", "Vy Văn Sơn", "0912000100"],
                    ["HS1", "Trùng Mã", "01/02/2015", "Nam", "6A1", "", ""],
                    ["HS101", "Sai Ngày", "31/02/2015", "Nam", "6A9", "", "024 3826 1234"]])
    with pytest.raises(InvalidInput) as caught:
        reports.import_students(actor=world.leader, school=world.school, data=bad)
    messages = [e.message_vi for e in caught.value.errors]
    assert any(m.startswith("Dòng 3, cột “Mã học sinh”") for m in messages)
    assert any(m.startswith("Dòng 4, cột “Ngày sinh”") for m in messages)
    assert any(m.startswith("Dòng 4, cột “Lớp”") for m in messages)
    assert any(m.startswith("Dòng 4, cột “Điện thoại phụ huynh”") for m in messages)
    assert Student.objects.count() == before
    good = workbook([HEADER, ["HS100", "Vy Thị Én", "01/02/2015", "Nữ", "6A1", "Vy Văn Sơn",
                              "0912000100"]])
    client.force_login(world.leader)
    page = client.post(f"/schools/school/{world.school.pk}/import/",
                       {"file": io.BytesIO(good)})
    assert page.status_code == 200
    student = Student.objects.get(code="HS100")
    assert student.guardians.get().phone == "0912000100"


def test_gradebook_usage_counts_schools_with_a_grade_in_60_days(world, clock):
    from tests.schools.conftest import commune
    from tinhso.schools.structure import create_school
    create_school(code="th-dong-dang", name="Trường Tiểu học Đồng Đăng", level="primary",
                  commune=commune("Đồng Đăng", 6000002), first_year=2026)
    today = timezone.localdate()
    assert selectors.gradebook_usage(on=today) == (0, 2)
    services.save_score(actor=world.ha, student=world.pupils[0], subject=world.subjects["toan"],
                        term=world.terms[1], slot="tx1", raw="9", now=timezone.now())
    assert selectors.gradebook_usage(on=today) == (1, 2)
    assert selectors.gradebook_usage(on=today, commune_code=6000001) == (1, 1)
    assert selectors.gradebook_usage(on=today, commune_code=6000002) == (0, 1)
    assert selectors.gradebook_usage(on=today + datetime.timedelta(days=59)) == (1, 2)
    assert selectors.gradebook_usage(on=today + datetime.timedelta(days=60)) == (0, 2)
    assert selectors.gradebook_usage(on=today - datetime.timedelta(days=1)) == (0, 2)


def test_province_dashboard_page_json_and_excel(world, client):
    fill(world, world.pupils[0], score="9")
    services.set_conduct(actor=world.ha, student=world.pupils[0], period=0, level="tot",
                         now=timezone.now())
    from tests.factories import UserFactory
    from tinhso.accounts.models import Membership, Role
    officer = UserFactory()
    Membership.objects.create(user=officer, organization=world.school.organization,
                              role=Role.EDUCATION_OFFICER)
    client.force_login(world.ha)
    assert client.get("/schools/province/").status_code == 403
    client.force_login(officer)
    page = client.get("/schools/province/").content.decode()
    assert "Chi Lăng" in page and "Tốt" in page
    data = client.get("/api/v1/schools/province").json()
    assert data["schools_using"] == 1
    assert data["distribution"][0]["counts"] == {"tot": 1}
    sheet = load_workbook(io.BytesIO(client.get("/schools/province.xlsx").content)).active
    assert list(sheet.iter_rows(values_only=True))[1][:3] == ("Chi Lăng", "lower", 1)
