"""The pages added for issue 15's gaps: the homeroom teacher's conduct grid, school notices
with read receipts, the teacher import and the class gradebook export, and the primary
qualities-and-competences screen. Each: who may, who must NOT (404), bad input changes
nothing."""

import datetime
import io
import json

import pytest
from openpyxl import Workbook, load_workbook

from tests.schools.conftest import commune, staff, teacher
from tinhso.accounts.models import Membership, Role
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.schools import reports, services
from tinhso.schools.models import (
    Assignment,
    Notice,
    NoticeRead,
    Result,
    SchoolClass,
    Student,
    Teacher,
    TraitAssessment,
)
from tinhso.schools.structure import create_school


def login(client, world, who):
    if who != "anonymous":
        user = getattr(world, who)
        client.force_login(user if not hasattr(user, "user") else user.user)


# ---------------------------------------------------------------- conduct

def conduct_url(w, period=1, klass=None):
    return f"/schools/class/{(klass or w.a1).pk}/conduct/{period}/"


def test_homeroom_teacher_sets_conduct_and_the_guardian_sees_it(world, client):
    client.force_login(world.ha)
    page = client.get(conduct_url(world))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Rèn luyện" in text and "Hoàng Minh Anh" in text and "Chưa đạt" in text
    a, b, c = world.pupils
    saved = client.post(conduct_url(world), {f"conduct-{a.pk}": "tot", f"remark-{a.pk}": "Ngoan",
                                             f"conduct-{b.pk}": "kha", f"conduct-{c.pk}": ""})
    assert saved.status_code == 302
    assert Result.objects.get(student=a, period=1).conduct == "tot"
    assert Result.objects.get(student=a, period=1).remark == "Ngoan"
    assert Result.objects.get(student=b, period=1).conduct == "kha"
    assert not Result.objects.filter(student=c, period=1).exclude(conduct="").exists()
    client.force_login(world.g1.user)
    child = client.get(f"/schools/student/{a.pk}/").content.decode()
    assert "rèn luyện: Tốt" in child and "Ngoan" in child


def test_a_bad_conduct_level_names_the_field_and_saves_nothing(world, client):
    a, b, _c = world.pupils
    client.force_login(world.ha)
    page = client.post(conduct_url(world), {f"conduct-{a.pk}": "tot",
                                            f"conduct-{b.pk}": "xuat_sac"})
    assert page.status_code == 200
    assert "Không có gì được lưu" in page.content.decode()
    assert not Result.objects.exclude(conduct="").exists()
    with pytest.raises(InvalidInput) as caught:
        services.set_class_conduct(actor=world.ha, school_class=world.a1, period=1,
                                   levels={b.pk: "xuat_sac"}, now=world.now)
    assert caught.value.errors[0].field == f"conduct-{b.pk}"
    assert caught.value.errors[0].message_en and caught.value.errors[0].message_vi
    with pytest.raises(DomainError):  # a student of another class
        services.set_class_conduct(actor=world.ha, school_class=world.a1, period=1,
                                   levels={world.other.pk: "tot"}, now=world.now)
    with pytest.raises(DomainError):
        services.set_class_conduct(actor=world.ha, school_class=world.a1, period=3,
                                   levels={a.pk: "tot"}, now=world.now)


@pytest.mark.parametrize(("who", "get_status"), [("binh", 200), ("leader", 200), ("cuong", 404),
                                            ("g1", 404)])
def test_only_the_homeroom_teacher_writes_conduct(world, client, who, get_status):
    """The class's subject teacher and the leader read it; another class's teacher and a
    guardian get 404; nobody but the homeroom teacher writes."""
    login(client, world, who)
    page = client.get(conduct_url(world))
    assert page.status_code == get_status
    if get_status == 200:
        assert "<select" not in page.content.decode()
    posted = client.post(conduct_url(world), {f"conduct-{world.pupils[0].pk}": "tot"})
    assert posted.status_code == 404
    assert not Result.objects.exclude(conduct="").exists()


def test_anonymous_is_sent_to_log_in(world, client):
    page = client.get(conduct_url(world))
    assert page.status_code == 302 and "login" in page["Location"]


def test_year_conduct_feeds_the_promotion(world, client):
    """The year's conduct (period 0) is what the promotion rule needs; saving it recomputes
    the class once."""
    client.force_login(world.ha)
    client.post(conduct_url(world, period=0), {f"conduct-{world.pupils[0].pk}": "tot"})
    assert Result.objects.get(student=world.pupils[0], period=0).conduct == "tot"
    assert client.get(conduct_url(world, period=5)).status_code == 404


# ---------------------------------------------------------------- notices

def test_notices_reach_only_their_audience_with_read_receipts(
        world, client, django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(world.leader)
        page = client.post("/schools/notices/", {
            "target": f"school-{world.school.pk}", "title": "Nghỉ lễ 2/9",
            "body": "Toàn trường nghỉ ngày 2/9."})
        assert page.status_code == 302
        client.force_login(world.ha)
        page = client.post("/schools/notices/", {
            "target": f"class-{world.a1.pk}", "title": "Họp phụ huynh lớp 6A1",
            "body": "19 giờ thứ Sáu."})
        assert page.status_code == 302
    assert Notice.objects.get(title="Nghỉ lễ 2/9").school_class is None
    class_one = Notice.objects.get(title="Họp phụ huynh lớp 6A1")
    assert class_one.school_class == world.a1 and class_one.author == world.ha
    sent = [json.loads(line) for line in settings.NOTIFY_FILE.read_text().splitlines()]
    to_class = {m["recipient"] for m in sent if "6A1" in m.get("message_vi", "")}
    assert to_class == {"0912345001", "0912345002"}  # not 6A2's guardian
    # 6A2's guardian: the school-wide notice, not 6A1's
    client.force_login(world.g9.user)
    listing = client.get("/schools/notices/").content.decode()
    assert "Nghỉ lễ 2/9" in listing and "Họp phụ huynh" not in listing
    assert client.get(f"/schools/notice/{class_one.pk}/").status_code == 404
    assert "Họp phụ huynh" not in client.get(
        f"/schools/student/{world.other.pk}/").content.decode()
    # 6A1's guardian opens it twice: one receipt
    client.force_login(world.g1.user)
    assert "Họp phụ huynh" in client.get("/schools/notices/").content.decode()
    assert client.get(f"/schools/notice/{class_one.pk}/").status_code == 200
    assert client.get(f"/schools/notice/{class_one.pk}/").status_code == 200
    assert NoticeRead.objects.filter(notice=class_one).count() == 1
    # the teacher sees 1 of 2 guardians read it
    client.force_login(world.ha)
    staff_page = client.get("/schools/notices/").content.decode()
    assert "1/2 phụ huynh đã đọc" in staff_page


def test_a_teacher_cannot_post_to_another_class_and_an_empty_title_is_named(world, client):
    client.force_login(world.cuong)
    page = client.post("/schools/notices/", {"target": f"class-{world.a1.pk}",
                                             "title": "X", "body": "Y"})
    assert page.status_code == 200 and "Chọn" in page.content.decode()
    page = client.post("/schools/notices/", {"target": f"school-{world.school.pk}",
                                             "title": "X", "body": "Y"})
    assert page.status_code == 200
    with pytest.raises(DomainError):
        services.publish_notice(actor=world.cuong, school=world.school,
                                school_class=world.a1, title="X", body="Y", now=world.now)
    client.force_login(world.ha)
    page = client.post("/schools/notices/", {"target": f"class-{world.a1.pk}",
                                             "title": "  ", "body": "Y"})
    assert "Tiêu đề" in page.content.decode()
    assert not Notice.objects.exists()


@pytest.mark.parametrize("who", ["g9", "cuong", "anonymous"])
def test_nobody_outside_the_audience_opens_a_class_notice(world, client, who):
    notice = services.publish_notice(actor=world.ha, school=world.school,
                                     school_class=world.a1, title="Lớp 6A1", body="…",
                                     now=world.now)
    login(client, world, who)
    page = client.get(f"/schools/notice/{notice.pk}/")
    assert page.status_code in (302, 404) and not NoticeRead.objects.exists()


# ---------------------------------------------------------------- teacher import, export

TEACHER_HEADER = list(reports.TEACHER_COLUMNS)


def workbook(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_teacher_import_reports_every_bad_row_and_changes_nothing(world, client):
    before = (Teacher.objects.count(), Assignment.objects.count(), Membership.objects.count())
    SchoolClass.objects.create(school=world.school, year=world.year, grade=7, name="7A1")
    bad = workbook([TEACHER_HEADER,
                    ["Hà Thị Mới", "0913000001", "", "7A1", "toan: 7A1"],
                    ["", "", "sai-email", "6A9", "toan 7A1"],
                    ["Vy Văn Sáu", "0913000002", "", "6A1", "hoa_hoc: 7A1; toan: 6A1"]])
    with pytest.raises(InvalidInput) as caught:
        reports.import_teachers(actor=world.leader, school=world.school, data=bad)
    messages = [e.message_vi for e in caught.value.errors]
    assert any(m.startswith("Dòng 3, cột “Họ và tên”") for m in messages)
    assert any(m.startswith("Dòng 3, cột “Điện thoại”") for m in messages)
    assert any(m.startswith("Dòng 3, cột “Email”") for m in messages)
    assert any(m.startswith("Dòng 3, cột “Chủ nhiệm lớp”") for m in messages)
    assert any(m.startswith("Dòng 3, cột “Phân công dạy”") for m in messages)
    # 6A1 has a homeroom teacher already; hoa_hoc is not a grade-7 subject; 6A1's maths
    # is taught by Hà already
    assert any(m.startswith("Dòng 4, cột “Chủ nhiệm lớp”") for m in messages)
    assert sum(m.startswith("Dòng 4, cột “Phân công dạy”") for m in messages) == 2
    assert not any(m.startswith("Dòng 2") for m in messages)
    assert (Teacher.objects.count(), Assignment.objects.count(),
            Membership.objects.count()) == before
    good = workbook([TEACHER_HEADER,
                     ["Hà Thị Mới", "0913000001", "moi@truong.vn", "7A1",
                      "toan: 7A1; Ngữ văn: 7A1"]])
    client.force_login(world.leader)
    page = client.post(f"/schools/school/{world.school.pk}/teachers/import/",
                       {"file": io.BytesIO(good)})
    assert page.status_code == 200 and "1 giáo viên" in page.content.decode()
    new = Teacher.objects.get(full_name="Hà Thị Mới")
    assert SchoolClass.objects.get(name="7A1").homeroom == new
    assert set(new.assignments.values_list("subject__code", flat=True)) == {"toan", "ngu_van"}
    assert Membership.objects.filter(user=new.user, role=Role.TEACHER).exists()
    # the export is the same layout and holds the row
    sheet = load_workbook(io.BytesIO(client.get(
        f"/schools/school/{world.school.pk}/teachers.xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == TEACHER_HEADER
    assert ("Hà Thị Mới", "0913000001", "moi@truong.vn", "7A1", "toan: 7A1; ngu_van: 7A1") in rows


def test_a_file_that_is_not_excel_is_refused(world, client):
    client.force_login(world.leader)
    page = client.post(f"/schools/school/{world.school.pk}/teachers/import/",
                       {"file": io.BytesIO(b"not a workbook")})
    assert "không phải" in page.content.decode().lower() and Teacher.objects.count() == 3


@pytest.mark.parametrize("who", ["ha", "g1", "outsider"])
def test_only_the_leader_imports_or_exports_teachers(world, client, who):
    if who == "outsider":
        other = create_school(code="thcs-khac", name="Trường THCS Khác", level="lower",
                              commune=commune(), first_year=2026)
        client.force_login(staff(other, Role.SCHOOL_LEADER, "Lãnh Đạo Khác"))
    else:
        login(client, world, who)
    assert client.get(f"/schools/school/{world.school.pk}/teachers/import/").status_code == 404
    assert client.get(f"/schools/school/{world.school.pk}/teachers.xlsx").status_code == 404
    data = workbook([TEACHER_HEADER, ["Hà Thị Mới", "0913000001", "", "", ""]])
    client.post(f"/schools/school/{world.school.pk}/teachers/import/",
                {"file": io.BytesIO(data)})
    assert not Teacher.objects.filter(full_name="Hà Thị Mới").exists()


def test_the_class_gradebook_exports_and_its_first_sheet_imports_back(world, client):
    term = world.terms[1]
    for slot, value in (("tx1", "8"), ("tx2", "7"), ("tx3", "9"), ("tx4", "8"), ("gk", "7"),
                        ("ck", "8")):
        services.save_score(actor=world.ha, student=world.pupils[0],
                            subject=world.subjects["toan"], term=term, slot=slot, raw=value,
                            now=world.now)
    client.force_login(world.ha)
    response = client.get(f"/schools/class/{world.a1.pk}/gradebook.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    students = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(students[0]) == list(reports.STUDENT_COLUMNS)
    assert students[1][:5] == ("HS1", "Hoàng Minh Anh", "01/03/2015", "Nữ", "6A1")
    maths = list(book["Toán"].iter_rows(values_only=True))
    header = list(maths[0])
    row = dict(zip(header, maths[1], strict=True))
    # (8 + 7 + 9 + 8 + 2·7 + 3·8) / 9 = 70 / 9 = 7.78 → 7.8
    assert row["HKI TX1"] == "8.0" and row["HKI CK"] == "8.0" and row["HKI TB"] == "7.8"
    # the first sheet is what the student import reads: into another school's 6A1
    other = create_school(code="thcs-moi", name="Trường THCS Mới", level="lower",
                          commune=commune(), first_year=2026)
    SchoolClass.objects.create(school=other, year=other.years.get(), grade=6, name="6A1")
    leader = staff(other, Role.SCHOOL_LEADER, "Lãnh Đạo Mới")
    with pytest.raises(InvalidInput):  # the codes are taken: a duplicate, nothing written
        reports.import_students(actor=leader, school=other, data=response.content)
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        row[0].value = "M" + row[0].value  # new codes: the file as another school's
    out = io.BytesIO()
    book.save(out)
    assert reports.import_students(actor=leader, school=other, data=out.getvalue()) == 3
    moved = Student.objects.get(code="MHS1")
    assert (moved.full_name, moved.birth_date, moved.sex) == ("Hoàng Minh Anh",
                                                              datetime.date(2015, 3, 1), "f")
    assert moved.guardians.get().phone == "0912345001"


@pytest.mark.parametrize("who", ["cuong", "g1", "anonymous"])
def test_nobody_else_exports_a_class_gradebook(world, client, who):
    login(client, world, who)
    page = client.get(f"/schools/class/{world.a1.pk}/gradebook.xlsx")
    assert page.status_code in (302, 404)
    assert page.get("Content-Type", "").startswith("text/html") or page.status_code == 302


# ---------------------------------------------------------------- primary

@pytest.fixture
def primary(world):
    school = create_school(code="th-chi-lang", name="Trường Tiểu học Chi Lăng",
                           level="primary", commune=commune(), first_year=2026)
    year = school.years.get()
    home, other = teacher(school, "Lộc Thị Hằng"), teacher(school, "Mã Văn Tâm")
    klass = SchoolClass.objects.create(school=school, year=year, grade=3, name="3A",
                                       homeroom=home)
    pupils = [Student.objects.create(school=school, school_class=klass, code=f"TH{i}",
                                     full_name=n, birth_date=datetime.date(2018, 5, i),
                                     sex="m", number=i)
              for i, n in enumerate(["Hoàng Văn Khánh", "Nông Thị Linh"], 1)]
    for subject in school.subjects.filter(grade=3):
        Assignment.objects.create(teacher=other, school_class=klass, subject=subject)
    leader = staff(school, Role.SCHOOL_LEADER, "Hiệu Trưởng")
    guardian = services.add_guardian(actor=leader, student=pupils[0],
                                     full_name="Hoàng Văn Phụ", phone="0912345101")
    world.p = {"school": school, "klass": klass, "home": home.user, "other": other.user,
               "pupils": pupils, "guardian": guardian, "term": year.terms.get(number=1),
               "leader": leader}
    return world.p


def test_homeroom_teacher_assesses_qualities_and_the_guardian_sees_them(primary, client):
    klass, (k, linh) = primary["klass"], primary["pupils"]
    url = f"/schools/class/{klass.pk}/qualities/1/"
    client.force_login(primary["home"])
    page = client.get(url).content.decode()
    assert "Phẩm chất chủ yếu" in page and "Cần cố gắng" in page and "Chăm chỉ" in page
    saved = client.post(url, {f"cham_chi-{k.pk}": "tot", f"tu_chu-{k.pk}": "can_co_gang",
                              f"cham_chi-{linh.pk}": "dat"})
    assert saved.status_code == 302
    assert TraitAssessment.objects.count() == 3
    client.post(url, {f"cham_chi-{k.pk}": "dat", f"tu_chu-{k.pk}": ""})  # change, clear
    assert dict(TraitAssessment.objects.filter(student=k).values_list("trait", "level")) \
        == {"cham_chi": "dat"}
    client.force_login(primary["guardian"].user)
    child = client.get(f"/schools/student/{k.pk}/").content.decode()
    assert "Chăm chỉ: Đạt" in child
    assert client.get(f"/schools/student/{linh.pk}/").status_code == 404


def test_a_bad_trait_level_saves_nothing(primary, client):
    klass, (k, _linh) = primary["klass"], primary["pupils"]
    client.force_login(primary["home"])
    page = client.post(f"/schools/class/{klass.pk}/qualities/1/",
                       {f"cham_chi-{k.pk}": "tot", f"trung_thuc-{k.pk}": "xuat_sac"})
    assert page.status_code == 200 and "Không có gì được lưu" in page.content.decode()
    assert not TraitAssessment.objects.exists()
    with pytest.raises(InvalidInput):
        services.set_traits(actor=primary["home"], school_class=klass, term=primary["term"],
                            levels={(k.pk, "bay"): "tot"}, now=datetime.datetime.now(datetime.UTC))


@pytest.mark.parametrize("who", ["other", "guardian", "secondary_homeroom"])
def test_only_the_primary_homeroom_teacher_writes_qualities(primary, world, client, who):
    klass, k = primary["klass"], primary["pupils"][0]
    user = {"other": primary["other"], "guardian": primary["guardian"].user,
            "secondary_homeroom": world.ha}[who]
    client.force_login(user)
    url = f"/schools/class/{klass.pk}/qualities/1/"
    assert client.get(url).status_code == (200 if who == "other" else 404)
    assert client.post(url, {f"cham_chi-{k.pk}": "tot"}).status_code == 404
    assert not TraitAssessment.objects.exists()


def _lock(term, by):
    term.locked_at, term.locked_by = datetime.datetime(2027, 1, 20, tzinfo=datetime.UTC), by
    term.save(update_fields=["locked_at", "locked_by"])


def test_a_locked_term_s_conduct_changes_only_by_the_leader(world, client):
    """Locking a term closes its results as it closes its grades: the homeroom teacher
    gets a read-only grid and a bilingual refusal; the leader changes it, audited. Term
    II's lock closes the year's conduct too."""
    from tinhso.core.models import AuditEntry

    a = world.pupils[0]
    client.force_login(world.ha)
    client.post(conduct_url(world), {f"conduct-{a.pk}": "kha"})
    _lock(world.terms[1], world.leader)
    page = client.get(conduct_url(world)).content.decode()
    assert "<select" not in page and "Học kì đã khoá" in page
    assert client.post(conduct_url(world), {f"conduct-{a.pk}": "tot"}).status_code == 404
    with pytest.raises(DomainError) as caught:
        services.set_class_conduct(actor=world.ha, school_class=world.a1, period=1,
                                   levels={a.pk: "tot"}, now=world.now)
    assert caught.value.status == 409 and caught.value.field == "term"
    assert "hiệu trưởng" in caught.value.message_vi and "leader" in caught.value.message_en
    assert Result.objects.get(student=a, period=1).conduct == "kha"
    # term II is open: its conduct and the year's stay the homeroom teacher's
    assert "<select" in client.get(conduct_url(world, period=0)).content.decode()
    client.force_login(world.leader)
    assert "<select" in client.get(conduct_url(world)).content.decode()
    assert client.post(conduct_url(world), {f"conduct-{a.pk}": "tot"}).status_code == 302
    assert Result.objects.get(student=a, period=1).conduct == "tot"
    entry = AuditEntry.objects.filter(action="schools.conduct").latest("pk")
    assert entry.actor == world.leader and entry.before == {"conduct": "kha"}
    _lock(world.terms[2], world.leader)
    with pytest.raises(DomainError):
        services.set_class_conduct(actor=world.ha, school_class=world.a1, period=0,
                                   levels={a.pk: "tot"}, now=world.now)
    with pytest.raises(DomainError) as caught:  # another class's teacher, locked or not
        services.set_class_conduct(actor=world.cuong, school_class=world.a1, period=1,
                                   levels={a.pk: "dat"}, now=world.now)
    assert caught.value.status == 403
    assert Result.objects.get(student=a, period=1).conduct == "tot"


def test_a_locked_term_s_qualities_change_only_by_the_leader(primary, client):
    klass, k = primary["klass"], primary["pupils"][0]
    url = f"/schools/class/{klass.pk}/qualities/1/"
    _lock(primary["term"], primary["leader"])
    client.force_login(primary["home"])
    assert "<select" not in client.get(url).content.decode()
    assert client.post(url, {f"cham_chi-{k.pk}": "tot"}).status_code == 404
    with pytest.raises(DomainError) as caught:
        services.set_traits(actor=primary["home"], school_class=klass, term=primary["term"],
                            levels={(k.pk, "cham_chi"): "tot"},
                            now=datetime.datetime.now(datetime.UTC))
    assert caught.value.status == 409
    assert not TraitAssessment.objects.exists()
    client.force_login(primary["leader"])
    assert client.post(url, {f"cham_chi-{k.pk}": "tot"}).status_code == 302
    assert TraitAssessment.objects.get(student=k).level == "tot"


def test_qualities_are_for_primary_and_conduct_for_secondary(primary, world, client):
    client.force_login(world.ha)
    assert client.get(f"/schools/class/{world.a1.pk}/qualities/1/").status_code == 404
    client.force_login(primary["home"])
    assert client.get(conduct_url(world, klass=primary["klass"])).status_code == 404
    with pytest.raises(DomainError):
        services.set_class_conduct(actor=primary["home"], school_class=primary["klass"],
                                   period=1, levels={}, now=world.now)


# ---------------------------------------------------------------- the API: same services

def test_the_api_sets_conduct_and_refuses_others(world, client):
    a, b, _c = world.pupils
    url = f"/api/v1/schools/classes/{world.a1.pk}/conduct"
    client.force_login(world.ha)
    ok = client.post(url, {"period": 1, "levels": {str(a.pk): "kha"}},
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json() == {"changed": 1}
    bad = client.post(url, {"period": 1, "levels": {str(a.pk): "tot", str(b.pk): "gioi"}},
                      content_type="application/json")
    assert bad.status_code == 422 and f"conduct-{b.pk}" in bad.content.decode()
    assert "message_vi" in bad.content.decode()
    assert Result.objects.get(student=a, period=1).conduct == "kha"
    client.force_login(world.binh)  # teaches the class, is not its homeroom teacher
    assert client.post(url, {"period": 1, "levels": {str(a.pk): "tot"}},
                       content_type="application/json").status_code == 403
    client.force_login(world.cuong)  # another class
    assert client.post(url, {"period": 1, "levels": {str(a.pk): "tot"}},
                       content_type="application/json").status_code == 404
    assert Result.objects.get(student=a, period=1).conduct == "kha"


def test_the_api_posts_lists_and_receipts_notices(world, client):
    client.force_login(world.ha)
    posted = client.post("/api/v1/schools/notices",
                         {"class_id": world.a1.pk, "title": "Dã ngoại", "body": "Thứ Bảy."},
                         content_type="application/json")
    assert posted.status_code == 201 and posted.json()["audience"] == 2
    notice_id = posted.json()["id"]
    empty = client.post("/api/v1/schools/notices",
                        {"class_id": world.a1.pk, "title": "", "body": ""},
                        content_type="application/json")
    assert empty.status_code == 422
    assert {e["field"] for e in empty.json()["detail"]} == {"title", "body"}
    client.force_login(world.g9.user)
    assert client.get("/api/v1/schools/notices").json() == []
    assert client.post(f"/api/v1/schools/notices/{notice_id}/read").status_code == 404
    client.force_login(world.g1.user)
    assert client.get("/api/v1/schools/notices").json()[0]["read"] is False
    assert client.post(f"/api/v1/schools/notices/{notice_id}/read").json() == \
        {"first_read": True}
    assert client.post(f"/api/v1/schools/notices/{notice_id}/read").json() == \
        {"first_read": False}
    client.force_login(world.ha)
    listed = client.get("/api/v1/schools/notices").json()[0]
    assert (listed["read_by"], listed["audience"]) == (1, 2)


def test_the_api_sets_primary_qualities(primary, client):
    klass, k = primary["klass"], primary["pupils"][0]
    client.force_login(primary["home"])
    url = f"/api/v1/schools/classes/{klass.pk}/qualities"
    ok = client.post(url, {"term": 2, "levels": {str(k.pk): {"nhan_ai": "tot"}}},
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json() == {"changed": 1}
    bad = client.post(url, {"term": 2, "levels": {str(k.pk): {"nhan_ai": "gioi"}}},
                      content_type="application/json")
    assert bad.status_code == 422
    assert TraitAssessment.objects.get().level == "tot"


def test_year_end_qualities_count_in_a_primary_pupils_year_result(primary):
    """Circular 27 Art. 9 cl. 2: with every subject Hoàn thành tốt and every test 10, the
    year result is Hoàn thành xuất sắc until the teacher marks a year-end (term II)
    quality Cần cố gắng; a term-I level does not count."""
    from decimal import Decimal

    from tinhso.schools.models import Result, Score

    klass, (k, _linh) = primary["klass"], primary["pupils"]
    year_end = klass.year.terms.get(number=2)
    now = datetime.datetime.now(datetime.UTC)
    for subject in primary["school"].subjects.filter(grade=3):
        Score.objects.create(student=k, subject=subject, term=year_end, slot="lv", mark="htt",
                             updated_at=now)
        Score.objects.create(student=k, subject=subject, term=year_end, slot="kt",
                             value=Decimal(10), updated_at=now)
    services.recompute_class(klass)

    def result():
        return Result.objects.get(student=k, period=0).learning

    assert result() == "hoan_thanh_xuat_sac"
    services.set_traits(actor=primary["home"], school_class=klass, term=primary["term"],
                        levels={(k.pk, "cham_chi"): "can_co_gang"}, now=now)
    assert result() == "hoan_thanh_xuat_sac"  # term I
    services.set_traits(actor=primary["home"], school_class=klass, term=year_end,
                        levels={(k.pk, "cham_chi"): "can_co_gang"}, now=now)
    assert result() == "chua_hoan_thanh"
    services.set_traits(actor=primary["home"], school_class=klass, term=year_end,
                        levels={(k.pk, "cham_chi"): "dat"}, now=now)
    assert result() == "hoan_thanh"
