"""Report cards (PDF, core.pdf's Vietnamese fonts), class and province summaries (Excel,
openpyxl), and the Excel import of students with a row-by-row error report (a bad file
changes nothing)."""

from __future__ import annotations

import datetime
import io

from django.db import transaction
from openpyxl import Workbook, load_workbook
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from tinhso.core import audit, pdf
from tinhso.core.errors import InvalidInput
from tinhso.core.validators import InvalidValue, normalize_mobile
from tinhso.schools import selectors, services
from tinhso.schools.errors import SchoolError as E
from tinhso.schools.errors import school_error
from tinhso.schools.models import Result, SchoolClass, Student

OUTCOME_VI = selectors.OUTCOME_VI
TITLE_VI = selectors.TITLE_VI
LEVEL_VI = selectors.LEVEL_VI


def report_cards_pdf(students: list[Student], *, compress: bool = True) -> bytes:
    """One page per student: each subject's cells, term and year averages, the levels,
    attendance, the outcome. A class's report cards are one PDF."""
    out = io.BytesIO()
    width, height = A4
    canvas = pdf.new_canvas(out, compress=compress, title="Phiếu báo kết quả học tập")
    margin = 15 * mm
    for student in students:
        data = selectors.student_report(student)
        y = height - 18 * mm
        y = pdf.draw_wrapped(canvas, data["school"].name.upper(), margin, y,
                             width - 2 * margin, font=pdf.FONT_BOLD, size=10)
        y = pdf.draw_wrapped(canvas, "PHIẾU BÁO KẾT QUẢ HỌC TẬP", margin, y - 4,
                             width - 2 * margin, font=pdf.FONT_BOLD, size=14,
                             align="center")
        y = pdf.draw_wrapped(
            canvas, f"Năm học {data['school_class'].year.name} — Lớp {data['school_class'].name}",
            margin, y, width - 2 * margin, size=10, align="center") - 4
        y = pdf.draw_rows(canvas, [
            ("Họ và tên", student.full_name), ("Mã học sinh", student.code),
            ("Ngày sinh", student.birth_date.strftime("%d/%m/%Y"))],
            margin, y, width - 2 * margin) - 4
        columns = [margin, margin + 52 * mm, margin + 112 * mm, margin + 132 * mm,
                   margin + 152 * mm]
        canvas.setFont(pdf.FONT_BOLD, 8)
        for x, label in zip(columns, ["Môn học", "Điểm học kì II", "TB HKI", "TB HKII",
                                      "Cả năm"], strict=True):
            canvas.drawString(x, y, label)
        y -= 12
        for line in data["lines"]:
            if y < 45 * mm:
                canvas.showPage()
                y = height - 20 * mm
            canvas.setFont(pdf.FONT, 8)
            canvas.drawString(columns[0], y, line.subject.name[:34])
            canvas.drawString(columns[1], y, " ".join(v or "–" for _s, v in line.terms[2])[:40])
            canvas.drawString(columns[2], y, line.term_results[1] or "–")
            canvas.drawString(columns[3], y, line.term_results[2] or "–")
            canvas.drawString(columns[4], y, line.year or "–")
            y -= 11
        y -= 6
        results = data["results"]
        rows = []
        for period, label in ((1, "Học kì I"), (2, "Học kì II"), (0, "Cả năm")):
            r = results.get(period)
            if r is not None:
                rows.append((f"{label}: học tập", LEVEL_VI.get(r.learning, r.learning or "–")))
                if r.conduct:
                    rows.append((f"{label}: rèn luyện", LEVEL_VI.get(r.conduct, r.conduct)))
        year = results.get(0)
        if year is not None and year.outcome:
            rows.append(("Kết quả cuối năm", OUTCOME_VI.get(year.outcome, year.outcome)))
        if year is not None and year.title:
            rows.append(("Danh hiệu", TITLE_VI.get(year.title, year.title)))
        rows.append(("Số buổi nghỉ", f"{data['absence_total']} "
                                     f"(có phép {data['absence_permitted']})"))
        pdf.draw_rows(canvas, rows, margin, y, width - 2 * margin)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _xlsx(rows: list[list], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def class_summary_xlsx(school_class: SchoolClass) -> bytes:
    """The class's year summary as schools send it to the Department: one row per student,
    each subject's year average (or Đạt / Chưa đạt), the levels, absences, outcome."""
    students = list(school_class.students.all())
    first = selectors.student_report(students[0]) if students else None
    header = ["STT", "Mã học sinh", "Họ và tên"]
    if first:
        header += [line.subject.name for line in first["lines"]]
    header += ["Học tập", "Rèn luyện", "Nghỉ (buổi)", "Kết quả", "Danh hiệu"]
    rows = [header]
    for i, student in enumerate(students, 1):
        data = first if i == 1 else selectors.student_report(student)
        year = data["results"].get(0) or Result(learning="", conduct="")
        rows.append([i, student.code, student.full_name,
                     *[line.year for line in data["lines"]],
                     LEVEL_VI.get(year.learning, ""), LEVEL_VI.get(year.conduct, ""),
                     data["absence_total"], OUTCOME_VI.get(year.outcome, ""),
                     TITLE_VI.get(year.title, "")])
    return _xlsx(rows, f"Lớp {school_class.name}")


def province_xlsx(figures: dict) -> bytes:
    rows = [["Xã/phường", "Cấp học", *LEVEL_VI.values()]]
    for item in figures["distribution"]:
        rows.append([item["commune"], item["level"],
                     *[item["counts"].get(code, 0) for code in LEVEL_VI]])
    rows += [[], ["Trường", "Ô điểm đã nhập", "Nhập đúng hạn"]]
    rows += [[r["school"], r["cells"], r["by_deadline"]] for r in figures["on_time"]]
    rows += [[], ["Trường dùng sổ điểm (60 ngày)", figures["schools_using"], figures["schools"]]]
    return _xlsx(rows, "Toàn tỉnh")


STUDENT_COLUMNS = ("Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính", "Lớp",
                   "Phụ huynh", "Điện thoại phụ huynh")


def _row_error(row: int, column: str, error):
    """"Row 5, column “Lớp”: …" — the inner message translated with the outer one."""
    return school_error(E.IMPORT_ROW, field=f"row {row}", row=row, column=column,
                        message=error.text)


def import_students(*, actor, school, data: bytes) -> int:
    """Students (and their guardians) from the Excel template: every row is checked first,
    every bad cell reported (row and column), and nothing is written unless all are good."""
    if not services.is_leader(actor, school.pk):
        from tinhso.core.errors import CoreError, core_error

        raise core_error(CoreError.FORBIDDEN)
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
    except Exception:
        raise school_error(E.IMPORT_FILE, field="file") from None
    if not rows or tuple(str(c or "").strip() for c in rows[0][:len(STUDENT_COLUMNS)]) \
            != STUDENT_COLUMNS:
        raise school_error(E.IMPORT_HEADER, field="file", columns=", ".join(STUDENT_COLUMNS))
    classes = {c.name: c for c in SchoolClass.objects.filter(school=school)}
    seen = set(Student.objects.filter(code__in=[str(r[0] or "").strip() for r in rows[1:]])
               .values_list("code", flat=True))
    errors, clean = [], []
    for n, raw in enumerate(rows[1:], start=2):
        cells = [str(c).strip() if c is not None else "" for c in
                 (list(raw) + [None] * 7)[:7]]
        if not any(cells):
            continue
        code, name, born, sex, class_name, guardian, phone = cells
        row_errors = []
        if not code:
            row_errors.append(_row_error(n, STUDENT_COLUMNS[0], school_error(E.REQUIRED)))
        elif code in seen:
            row_errors.append(_row_error(n, STUDENT_COLUMNS[0],
                                         school_error(E.DUPLICATE, value=code)))
        if not name:
            row_errors.append(_row_error(n, STUDENT_COLUMNS[1], school_error(E.REQUIRED)))
        birth = raw[2] if isinstance(raw[2], datetime.datetime | datetime.date) else None
        if birth is None:
            try:
                day, month, year = (int(part) for part in born.split("/"))
                birth = datetime.date(year, month, day)
            except ValueError:
                row_errors.append(_row_error(n, STUDENT_COLUMNS[2],
                                             school_error(E.BAD_DATE, value=born[:20])))
        if isinstance(birth, datetime.datetime):
            birth = birth.date()
        sex_code = {"nam": "m", "nữ": "f", "nu": "f"}.get(sex.lower())
        if sex_code is None:
            row_errors.append(_row_error(n, STUDENT_COLUMNS[3], school_error(E.REQUIRED)))
        if class_name not in classes:
            row_errors.append(_row_error(n, STUDENT_COLUMNS[4],
                                         school_error(E.UNKNOWN_CLASS, value=class_name[:20])))
        if phone:
            try:
                phone = normalize_mobile(phone, "phone")
            except InvalidValue as exc:
                row_errors.append(_row_error(n, STUDENT_COLUMNS[6], exc))
        seen.add(code)
        errors.extend(row_errors)
        if not row_errors:
            clean.append((code, name, birth, sex_code, classes[class_name], guardian, phone))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        for code, name, birth, sex, school_class, guardian, phone in clean:
            student = Student.objects.create(
                school=school, school_class=school_class, code=code, full_name=name,
                birth_date=birth, sex=sex,
                number=school_class.students.count() + 1)
            if phone:
                services.add_guardian(actor=actor, student=student,
                                      full_name=guardian or name, phone=phone)
        audit.record(actor=actor, action="schools.students_imported", obj=school,
                     after={"count": len(clean)})
    return len(clean)


def students_xlsx(school_class: SchoolClass) -> list[list]:
    """A class's students in exactly the layout `import_students` reads (the first
    guardian of each)."""
    rows = [list(STUDENT_COLUMNS)]
    for student in school_class.students.prefetch_related("guardians"):
        guardian = next(iter(student.guardians.all()), None)
        rows.append([student.code, student.full_name, student.birth_date.strftime("%d/%m/%Y"),
                     "Nữ" if student.sex == "f" else "Nam", school_class.name,
                     guardian.full_name if guardian else "", guardian.phone if guardian else ""])
    return rows


def class_gradebook_xlsx(school_class: SchoolClass) -> bytes:
    """A class's gradebook as a workbook: the first sheet its students in the import
    template's layout (so it can be read back), then one sheet per subject with every cell
    of both terms, the term averages and the year."""
    from tinhso.schools.models import Subject, Term

    book = Workbook()
    sheet = book.active
    sheet.title = "Học sinh"
    for row in students_xlsx(school_class):
        sheet.append(row)
    terms = {t.number: t for t in Term.objects.filter(year=school_class.year_id)}
    reports = {s.pk: selectors.student_report(s) for s in school_class.students.all()}
    for subject in Subject.objects.filter(school=school_class.school_id,
                                          grade=school_class.grade):
        grids = {n: selectors.class_grid(school_class, subject, t) for n, t in terms.items()}
        sheet = book.create_sheet(subject.name[:31].replace("/", "-"))
        header = ["STT", "Mã học sinh", "Họ và tên"]
        for n, grid in grids.items():
            label = "HKI" if n == 1 else "HKII"
            header += [f"{label} {services.SLOT_SHORT.get(slot, slot)}" for slot in grid.slots]
            header.append(f"{label} TB")
        header.append("Cả năm")
        sheet.append(header)
        for i, student in enumerate(school_class.students.all(), 1):
            row = [i, student.code, student.full_name]
            for grid in grids.values():
                grid_row = next(r for r in grid.rows if r.student.pk == student.pk)
                row += [selectors.show(v) for _slot, v in grid_row.cells]
                row.append(selectors.show(grid_row.average))
            line = next(x for x in reports[student.pk]["lines"] if x.subject.pk == subject.pk)
            row.append(line.year)
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TEACHER_COLUMNS = ("Họ và tên", "Điện thoại", "Email", "Chủ nhiệm lớp", "Phân công dạy")


def teachers_xlsx(school) -> bytes:
    """The school's teachers in exactly the layout `import_teachers` reads."""
    from tinhso.schools.models import Teacher

    rows = [list(TEACHER_COLUMNS)]
    for t in Teacher.objects.filter(school=school).select_related("user"):
        homeroom = ", ".join(t.homerooms.order_by("name").values_list("name", flat=True))
        teaches = "; ".join(f"{a.subject.code}: {a.school_class.name}" for a in
                            t.assignments.select_related("subject", "school_class")
                            .order_by("school_class__name", "subject__order"))
        rows.append([t.full_name, t.phone or t.user.phone or "", t.user.email or "",
                     homeroom, teaches])
    return _xlsx(rows, "Giáo viên")


def import_teachers(*, actor, school, data: bytes) -> int:
    """Teachers from the Excel template (one row each: name, mobile, email, the class they
    are homeroom of, their subjects as “subject code or name: class; …”). Every row is
    checked first and every bad cell reported; nothing is written unless all are good."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from tinhso.accounts.models import Membership, Role, User
    from tinhso.core.errors import CoreError, core_error
    from tinhso.schools.models import Assignment, Subject, Teacher

    if not services.is_leader(actor, school.pk):
        raise core_error(CoreError.FORBIDDEN)
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
    except Exception:
        raise school_error(E.IMPORT_FILE, field="file") from None
    width = len(TEACHER_COLUMNS)
    if not rows or tuple(str(c or "").strip() for c in rows[0][:width]) != TEACHER_COLUMNS:
        raise school_error(E.IMPORT_HEADER, field="file", columns=", ".join(TEACHER_COLUMNS))
    classes = {c.name: c for c in SchoolClass.objects.filter(school=school)}
    subjects = {}
    for s in Subject.objects.filter(school=school):
        subjects[(s.grade, s.code.lower())] = s
        subjects[(s.grade, s.name.lower())] = s
    known_phones = set(Teacher.objects.filter(school=school).exclude(phone="")
                       .values_list("phone", flat=True))
    taken_homerooms = {name for name, c in classes.items() if c.homeroom_id}
    taken_pairs = set(Assignment.objects.filter(school_class__school=school)
                      .values_list("school_class_id", "subject_id"))
    errors, clean = [], []
    for n, raw in enumerate(rows[1:], start=2):
        cells = [str(c).strip() if c is not None else "" for c in
                 (list(raw) + [None] * width)[:width]]
        if not any(cells):
            continue
        name, phone, email, homeroom, teaches = cells
        row_errors = []
        if not name:
            row_errors.append(_row_error(n, TEACHER_COLUMNS[0], school_error(E.REQUIRED)))
        if not phone:
            row_errors.append(_row_error(n, TEACHER_COLUMNS[1], school_error(E.REQUIRED)))
        else:
            try:
                phone = normalize_mobile(phone, "phone")
            except InvalidValue as exc:
                row_errors.append(_row_error(n, TEACHER_COLUMNS[1], exc))
            else:
                if phone in known_phones:
                    row_errors.append(_row_error(n, TEACHER_COLUMNS[1],
                                                 school_error(E.DUPLICATE, value=phone)))
                known_phones.add(phone)
        if email:
            try:
                validate_email(email)
                email = email.lower()
            except ValidationError:
                row_errors.append(_row_error(n, TEACHER_COLUMNS[2],
                                             school_error(E.BAD_EMAIL, value=email[:40])))
        home = None
        if homeroom:
            home = classes.get(homeroom)
            if home is None:
                row_errors.append(_row_error(n, TEACHER_COLUMNS[3], school_error(
                    E.UNKNOWN_CLASS, value=homeroom[:20])))
            elif homeroom in taken_homerooms:
                row_errors.append(_row_error(n, TEACHER_COLUMNS[3],
                                             school_error(E.DUPLICATE, value=homeroom[:20])))
            taken_homerooms.add(homeroom)
        pairs = []
        for part in (p.strip() for p in teaches.replace("\n", ";").split(";")):
            if not part:
                continue
            subject_text, sep, class_text = part.partition(":")
            subject_text, class_text = subject_text.strip(), class_text.strip()
            if not sep or not subject_text or not class_text:
                row_errors.append(_row_error(n, TEACHER_COLUMNS[4], school_error(
                    E.ASSIGNMENT_FORMAT, value=part[:40])))
                continue
            for class_name in (c.strip() for c in class_text.split(",")):
                school_class = classes.get(class_name)
                if school_class is None:
                    row_errors.append(_row_error(n, TEACHER_COLUMNS[4], school_error(
                        E.UNKNOWN_CLASS, value=class_name[:20])))
                    continue
                subject = subjects.get((school_class.grade, subject_text.lower()))
                if subject is None:
                    row_errors.append(_row_error(n, TEACHER_COLUMNS[4], school_error(
                        E.UNKNOWN_SUBJECT, value=subject_text[:40], grade=school_class.grade)))
                    continue
                if (school_class.pk, subject.pk) in taken_pairs:
                    row_errors.append(_row_error(n, TEACHER_COLUMNS[4], school_error(
                        E.DUPLICATE, value=f"{subject.name}: {class_name}")))
                    continue
                taken_pairs.add((school_class.pk, subject.pk))
                pairs.append((school_class, subject))
        errors.extend(row_errors)
        if not row_errors:
            clean.append((name, phone, email, home, pairs))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        for name, phone, email, home, pairs in clean:
            user = (User.objects.filter(phone=phone).first()
                    or (User.objects.filter(email=email).first() if email else None)
                    or User.objects.create_user(email or None, None, phone=phone,
                                                full_name=name[:150]))
            Membership.objects.get_or_create(user=user, organization=school.organization,
                                             role=Role.TEACHER)
            teacher, _ = Teacher.objects.get_or_create(
                school=school, user=user, defaults={"full_name": name[:150], "phone": phone})
            if home is not None:
                SchoolClass.objects.filter(pk=home.pk).update(homeroom=teacher)
            for school_class, subject in pairs:
                Assignment.objects.create(teacher=teacher, school_class=school_class,
                                          subject=subject)
        audit.record(actor=actor, action="schools.teachers_imported", obj=school,
                     after={"count": len(clean)})
    return len(clean)
