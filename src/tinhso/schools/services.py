"""Every write of the schools system: one function per use case, in one transaction, with
its audit entry; the pages and the API call these.

A cell save locks the cell's row (or creates it; a concurrent create retries once as an
update), so two teachers saving at once both land in the history and none is lost.
A locked term's cell changes only through a `ChangeRequest` that the school's leader
approves; the approval writes the cell and a `GradeChange` naming the approver.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F

from tinhso.accounts.models import Membership, Role, User
from tinhso.accounts.permissions import has_perm
from tinhso.core import audit, onetime
from tinhso.core.errors import CoreError, InvalidInput, core_error
from tinhso.core.notifications import Notification, send
from tinhso.core.reasons import clean_reason
from tinhso.core.validators import InvalidValue, normalize_mobile
from tinhso.schools import gradebook
from tinhso.schools.errors import SchoolError as E
from tinhso.schools.errors import school_error, school_invalid
from tinhso.schools.models import (
    Assignment,
    Attendance,
    ChangeReason,
    ChangeRequest,
    GradeChange,
    Guardian,
    Notice,
    NoticeRead,
    Result,
    SchoolClass,
    SchoolYear,
    Score,
    Student,
    Subject,
    Term,
)
from tinhso.schools.rules import circular22 as c22
from tinhso.schools.rules import circular27 as c27

SLOT_SHORT = {"tx1": "TX1", "tx2": "TX2", "tx3": "TX3", "tx4": "TX4", "gk": "GK", "ck": "CK",
              "nx": "NX", "lv": "MĐ", "kt": "KT"}
COMMENT_MARKS = {"đ": "dat", "d": "dat", "đạt": "dat", "dat": "dat",
                 "cđ": "chua_dat", "cd": "chua_dat", "chưa đạt": "chua_dat",
                 "chua dat": "chua_dat", "chua_dat": "chua_dat"}
LEVEL_MARKS = {"t": "htt", "htt": "htt", "hoàn thành tốt": "htt", "h": "ht", "ht": "ht",
               "hoàn thành": "ht", "c": "cht", "cht": "cht", "chưa hoàn thành": "cht"}


# ---------------------------------------------------------------- who may do what

def is_leader(user, school_id: int) -> bool:
    from tinhso.schools.models import School

    org = School.objects.filter(pk=school_id).values_list("organization_id", flat=True).first()
    return org is not None and has_perm(user, "schools.lead", org)


def teaches_subject(user, school_class: SchoolClass, subject: Subject) -> bool:
    return Assignment.objects.filter(teacher__user=user, school_class=school_class,
                                     subject=subject).exists()


def is_homeroom(user, school_class: SchoolClass) -> bool:
    return school_class.homeroom_id is not None and school_class.homeroom.user_id == user.pk


def sees_class(user, school_class: SchoolClass) -> bool:
    """Teachers of the class (subject or homeroom), the school's leader, the province."""
    return (is_leader(user, school_class.school_id) or is_homeroom(user, school_class)
            or Assignment.objects.filter(teacher__user=user, school_class=school_class).exists()
            or has_perm(user, "schools.province"))


# ---------------------------------------------------------------- cells

def cell_label(student: Student, slot: str) -> str:
    return f"{student.full_name} · {SLOT_SHORT.get(slot, slot)}"


def clean_cell(subject: Subject, slot: str, raw: str, *, cell: str,
               grade: int | None = None) -> tuple[Decimal | None, str]:
    """The typed text of a cell → (value, mark); "" clears the cell. Raises a DomainError
    that names the cell."""
    info = gradebook.SubjectInfo(subject.pk, subject.code, subject.kind,
                                 subject.periods_per_year)
    if slot not in info.slots():
        raise school_error(E.SLOT, field=slot, cell=cell)
    text = (raw or "").strip()
    if not text:
        return None, ""
    shown = text[:12]
    if slot == "nx":
        mark = COMMENT_MARKS.get(text.lower())
        if mark is None:
            raise school_error(E.MARK_CHOICE, field=slot, cell=cell, value=shown,
                               choices="Đ, CĐ")
        return None, mark
    if slot == "lv":
        mark = LEVEL_MARKS.get(text.lower())
        if mark is None:
            raise school_error(E.MARK_CHOICE, field=slot, cell=cell, value=shown,
                               choices="T, H, C")
        return None, mark
    if slot == "kt":
        if grade is not None and not c27.has_test(subject.code, grade):
            raise school_error(E.SLOT, field=slot, cell=cell)
        try:
            return Decimal(c27.parse_test_score(text)), ""
        except c27.TestScoreError:
            raise school_error(E.TEST_SCORE, field=slot, cell=cell, value=shown) from None
    try:
        return c22.parse_score(text), ""
    except c22.ScoreError as error:
        code = {"number": E.SCORE_NUMBER, "range": E.SCORE_RANGE,
                "decimals": E.SCORE_DECIMALS}[error.reason]
        raise school_error(code, field=slot, cell=cell, value=shown) from None


def _shown(value: Decimal | None, mark: str) -> str:
    return str(value) if value is not None else mark


def _check_cell(student: Student, subject: Subject, term: Term) -> None:
    if (subject.school_id != student.school_id or subject.grade != student.school_class.grade
            or term.year_id != student.school_class.year_id):
        raise school_error(E.NOT_IN_CLASS, field="student")


def _write_cell(*, actor, student, subject, term, slot, value, mark, now, reason="",
                approver=None, expected: str | None = None) -> Score:
    """Lock-or-create the cell, write it, append the history. Inside a transaction."""
    for attempt in (1, 2):
        score = (Score.objects.select_for_update()
                 .filter(student=student, subject=subject, term=term, slot=slot).first())
        before = _shown(score.value, score.mark) if score else ""
        if expected is not None and expected.strip() != before:
            raise school_error(E.STALE, field=slot, cell=cell_label(student, slot),
                               value=before or "—")
        after = _shown(value, mark)
        if before == after:
            return score
        if score is None:
            try:
                with transaction.atomic():
                    score = Score.objects.create(student=student, subject=subject, term=term,
                                                 slot=slot, value=value, mark=mark,
                                                 updated_at=now, updated_by=actor)
            except IntegrityError:
                if attempt == 2:
                    raise
                continue  # another teacher created it a moment ago: lock it and update
        else:
            Score.objects.filter(pk=score.pk).update(value=value, mark=mark, updated_at=now,
                                                     updated_by=actor,
                                                     version=F("version") + 1)
            score.value, score.mark = value, mark
        GradeChange.objects.create(student=student, subject=subject, term=term, slot=slot,
                                   before=before, after=after, by=actor, at=now,
                                   reason=reason, approved_by=approver)
        audit.record(actor=actor, action="schools.grade", obj=score,
                     before={"value": before}, after={"value": after}, note=reason)
        return score
    raise AssertionError("unreachable")


def save_score(*, actor, student: Student, subject: Subject, term: Term, slot: str, raw: str,
               now: datetime, expected: str | None = None) -> Score | None:
    """A subject teacher writes one cell of an open term. ``expected``: the value the
    teacher's page showed (a concurrent change is then refused instead of overwritten)."""
    cell = cell_label(student, slot)
    _check_cell(student, subject, term)
    if not teaches_subject(actor, student.school_class, subject):
        raise school_error(E.NOT_YOUR_CLASS, field="subject")
    value, mark = clean_cell(subject, slot, raw, cell=cell, grade=student.school_class.grade)
    with transaction.atomic():
        term = Term.objects.select_for_update().get(pk=term.pk)
        if term.is_locked:
            raise school_error(E.TERM_LOCKED, field=slot, cell=cell)
        return _write_cell(actor=actor, student=student, subject=subject, term=term,
                           slot=slot, value=value, mark=mark, now=now, expected=expected)


def request_change(*, actor, student: Student, subject: Subject, term: Term, slot: str,
                   raw: str, reason: str, note: str, now: datetime) -> ChangeRequest:
    """A change to a cell of a locked term: recorded as a request for the leader."""
    cell = cell_label(student, slot)
    _check_cell(student, subject, term)
    if not teaches_subject(actor, student.school_class, subject):
        raise school_error(E.NOT_YOUR_CLASS, field="subject")
    reason, note = clean_reason(ChangeReason, reason, note)
    value, mark = clean_cell(subject, slot, raw, cell=cell, grade=student.school_class.grade)
    with transaction.atomic():
        term = Term.objects.select_for_update().get(pk=term.pk)
        if not term.is_locked:
            raise school_error(E.TERM_OPEN, field=slot)
        score = Score.objects.filter(student=student, subject=subject, term=term,
                                     slot=slot).first()
        before = _shown(score.value, score.mark) if score else ""
        after = _shown(value, mark)
        if before == after:
            raise school_error(E.NOTHING_CHANGES, field=slot)
        request = ChangeRequest.objects.create(
            student=student, subject=subject, term=term, slot=slot, before=before,
            after=after, reason=reason, note=note, requested_by=actor, requested_at=now)
        audit.record(actor=actor, action="schools.change_requested", obj=request,
                     before={"value": before}, after={"value": after}, note=reason)
    return request


def decide_change(*, actor, request: ChangeRequest, approve: bool,
                  now: datetime) -> ChangeRequest:
    """The school's leader approves (the cell changes, the history names them) or rejects."""
    if not is_leader(actor, request.student.school_id):
        raise core_error(CoreError.FORBIDDEN)
    with transaction.atomic():
        request = ChangeRequest.objects.select_for_update().select_related(
            "student__school_class", "subject", "term").get(pk=request.pk)
        if request.state != ChangeRequest.State.PENDING:
            raise school_error(E.REQUEST_DECIDED)
        if approve:
            value, mark = clean_cell(request.subject, request.slot, request.after,
                                     cell=cell_label(request.student, request.slot))
            why = request.get_reason_display() + (f" — {request.note}" if request.note else "")
            _write_cell(actor=request.requested_by, student=request.student,
                        subject=request.subject, term=request.term, slot=request.slot,
                        value=value, mark=mark, now=now, reason=str(why)[:500],
                        approver=actor)
        request.state = (ChangeRequest.State.APPROVED if approve
                         else ChangeRequest.State.REJECTED)
        request.decided_by, request.decided_at = actor, now
        request.save(update_fields=["state", "decided_by", "decided_at"])
        audit.record(actor=actor, action=f"schools.change_{request.state}", obj=request)
    return request


def lock_term(*, actor, term: Term, now: datetime) -> Term:
    """Circular 22 practice: the leader locks the term's grades after the entry deadline."""
    if not is_leader(actor, term.year.school_id):
        raise core_error(CoreError.FORBIDDEN)
    with transaction.atomic():
        term = Term.objects.select_for_update().get(pk=term.pk)
        if term.is_locked:
            raise school_error(E.ALREADY_LOCKED)
        if now.date() <= term.entry_deadline:
            raise school_error(E.LOCK_TOO_EARLY,
                               deadline=term.entry_deadline.strftime("%d/%m/%Y"))
        term.locked_at, term.locked_by = now, actor
        term.save(update_fields=["locked_at", "locked_by"])
        audit.record(actor=actor, action="schools.term_locked", obj=term)
    return term


# ---------------------------------------------------------------- attendance

def record_absences(*, actor, school_class: SchoolClass, day: date,
                    absent: dict[int, bool], now: datetime,
                    session: str = Attendance.Session.MORNING) -> int:
    """The homeroom teacher's roll call of one session: ``absent[student_id] =
    permitted`` replaces that session's absences. Guardians of newly absent students are
    notified at once (the same day). Returns the number of absences."""
    if not is_homeroom(actor, school_class):
        raise school_error(E.NOT_YOUR_CLASS, field="class")
    year = school_class.year
    if not year.starts <= day <= year.ends:
        raise school_error(E.DAY_OUTSIDE_YEAR, field="day")
    if day > now.date():
        raise school_error(E.FUTURE_DAY, field="day")
    students = {s.pk: s for s in school_class.students.all()}
    unknown = [pk for pk in absent if pk not in students]
    if unknown:
        raise school_error(E.NOT_IN_CLASS, field="student")
    with transaction.atomic():
        existing = {a.student_id: a for a in Attendance.objects.select_for_update().filter(
            student__school_class=school_class, day=day, session=session)}
        for pk, row in existing.items():
            if pk not in absent:
                row.delete()
            elif row.permitted != absent[pk]:
                row.permitted = absent[pk]
                row.save(update_fields=["permitted"])
        for pk, permitted in absent.items():
            if pk in existing:
                continue
            Attendance.objects.create(student_id=pk, day=day, session=session,
                                      permitted=permitted, recorded_by=actor, recorded_at=now)
            student = students[pk]
            for guardian in student.guardians.all():
                send(Notification(
                    recipient=guardian.phone, kind="schools.absence",
                    message_vi=f"{student.full_name} nghỉ học buổi "
                               f"{'sáng' if session == 'am' else 'chiều'} "
                               f"{day.strftime('%d/%m/%Y')} "
                               f"({'có phép' if permitted else 'không phép'}).",
                    message_en=f"{student.full_name} was absent on {day.isoformat()} "
                               f"({'with' if permitted else 'without'} permission).",
                    link="/schools/family/"))
        audit.record(actor=actor, action="schools.attendance", obj=school_class,
                     after={"day": day.isoformat(), "session": session,
                            "absent": sorted(absent)})
    return len(absent)


def absences_of(student_ids, year: SchoolYear) -> dict[int, int]:

    rows = (Attendance.objects.filter(student_id__in=student_ids, day__gte=year.starts,
                                      day__lte=year.ends)
            .values("student_id").annotate(n=Count("id")))
    return {r["student_id"]: r["n"] for r in rows}


# ---------------------------------------------------------------- conduct and results

def set_conduct(*, actor, student: Student, period: int, level: str, remark: str = "",
                now: datetime) -> Result:
    """The homeroom teacher sets a term's (1, 2) or the year's (0) conduct (Art. 8)."""
    if not is_homeroom(actor, student.school_class):
        raise school_error(E.NOT_YOUR_CLASS, field="student")
    if level not in c22.Level.__members__.values() or period not in (0, 1, 2):
        raise school_error(E.LEVEL_CHOICE, field="level")
    with transaction.atomic():
        result, _ = Result.objects.select_for_update().get_or_create(
            student=student, year=student.school_class.year, period=period)
        before = result.conduct
        result.conduct, result.remark = level, (remark or "")[:500]
        result.save(update_fields=["conduct", "remark"])
        audit.record(actor=actor, action="schools.conduct", obj=result,
                     before={"conduct": before}, after={"conduct": level})
    recompute_class(student.school_class)
    return result


def subject_infos(school_id: int, grade: int) -> list[gradebook.SubjectInfo]:
    return [gradebook.SubjectInfo(*row) for row in Subject.objects.filter(
        school_id=school_id, grade=grade).values_list("id", "code", "kind",
                                                      "periods_per_year")]


def recompute_class(school_class: SchoolClass) -> int:
    """Recompute every student's term and year results of a class from its cells."""
    return recompute_students(school_class.year, school_class.school_id, school_class.grade,
                              list(school_class.students.values_list("id", flat=True)))


def recompute_students(year: SchoolYear, school_id: int, grade: int | None,
                       ids: list[int] | None = None) -> int:
    """Recompute the term and year `Result`s of the given students (or of every student
    of the school, grade None) from their cells.

    The province recomputes 250,000 pupils, so this reads with a raw cursor and no model
    objects: per student and subject ONE row, each term's cells added up by the database
    into one packed integer (`gradebook` "packed cells"); then the rules in integer tenths
    (`gradebook.compute_year_packed`), and one upsert of the results."""
    where, params = ["s.school_id = %s", "c.year_id = %s"], [school_id, year.pk]
    if grade is not None:
        where.append("c.grade = %s")
        params.append(grade)
    if ids is not None:
        if not ids:
            return 0
        where.append(f"s.id IN ({', '.join(['%s'] * len(ids))})")
        params += list(ids)
    students_sql = ("SELECT s.id FROM schools_student s JOIN schools_schoolclass c "
                    f"ON c.id = s.school_class_id WHERE {' AND '.join(where)}")
    with connection.cursor() as cursor:
        cursor.execute(students_sql.replace("SELECT s.id", "SELECT s.id, c.grade", 1), params)
        grade_of = dict(cursor.fetchall())
        if not grade_of:
            return 0
        subjects_by_grade: dict[int, list] = {}
        cursor.execute("SELECT grade, id, code, kind, periods_per_year FROM schools_subject "
                       "WHERE school_id = %s ORDER BY grade, \"order\", id", [school_id])
        for row in cursor.fetchall():
            subjects_by_grade.setdefault(row[0], []).append(gradebook.SubjectInfo(*row[1:]))
        cursor.execute("SELECT number, id FROM schools_term WHERE year_id = %s", [year.pk])
        terms = dict(cursor.fetchall())
        term1, term2 = terms.get(1, 0), terms.get(2, 0)
        # A whole school: its year and terms hold only its pupils' cells, results and
        # qualities. A class or a grade: the students' own rows, through the indexes that
        # lead with the student.
        whole_school = ids is None and grade is None
        scope = [] if whole_school else params

        def only(column: str) -> str:
            return "" if whole_school else f" AND {column} IN ({students_sql})"

        # PostgreSQL sums a bigint in numeric, slower than in a double — which is exact
        # here: a packed subject-term stays below 2**41, far under 2**53.
        cell = ("CAST(sc.packed AS DOUBLE PRECISION)" if connection.vendor == "postgresql"
                else "sc.packed")
        cursor.execute(
            f"SELECT sc.student_id, sc.subject_id, "
            f"CAST(SUM({cell}) FILTER (WHERE sc.term_id = %s) AS BIGINT), "
            f"CAST(SUM({cell}) FILTER (WHERE sc.term_id = %s) AS BIGINT) "
            f"FROM schools_score sc WHERE sc.term_id IN (%s, %s){only('sc.student_id')} "
            "GROUP BY 1, 2",
            [term1, term2, term1, term2, *scope])
        packed: dict[int, dict] = {pk: {} for pk in grade_of}
        for sid, subject_id, p1, p2 in cursor.fetchall():
            of_student = packed.get(sid)
            if of_student is not None:  # (a pupil since moved to another year's class)
                of_student[subject_id] = (p1, p2)
        cursor.execute(
            "SELECT a.student_id, COUNT(*) FROM schools_attendance a WHERE a.day >= %s "
            f"AND a.day <= %s AND a.student_id IN ({students_sql}) GROUP BY 1",
            [year.starts, year.ends, *params])
        absences = dict(cursor.fetchall())
        cursor.execute(
            "SELECT r.student_id, r.conduct FROM schools_result r WHERE r.year_id = %s AND "
            "r.period = 0 AND r.conduct <> ''" + only("r.student_id"), [year.pk, *scope])
        conduct = dict(cursor.fetchall())
        # Primary: the qualities and competences assessed at the end of the year (term II)
        # count in the year result (Circular 27 Art. 9 cl. 2).
        cursor.execute("SELECT t.student_id, t.level FROM schools_traitassessment t WHERE "
                       "t.term_id = %s" + only("t.student_id"), [term2, *scope])
        traits: dict[int, list] = {}
        for sid, level in cursor.fetchall():
            traits.setdefault(sid, []).append(c27.TraitLevel(level))
    rows = []
    for sid, student_grade in grade_of.items():
        subjects = subjects_by_grade.get(student_grade, [])
        primary = any(s.kind == gradebook.PRIMARY for s in subjects)
        computed = compute_results_packed(subjects, packed[sid], primary=primary,
                                          absent=absences.get(sid, 0),
                                          conduct=conduct.get(sid, ""),
                                          traits=traits.get(sid, ()))
        rows += [(sid, *values) for values in computed]
    _upsert_results(year.pk, rows)
    return len(grade_of)


_TENTHS = tuple(Decimal(i).scaleb(-1) for i in range(101))  # 0.0 … 10.0, built once


def compute_results_packed(subjects, packed, *, primary: bool, absent: int,
                           conduct: str, traits=()) -> list[tuple]:
    """One student's Result values, [(period, learning, absences, outcome, title)], from
    their packed cells (`compute_results` on the cells themselves); ``traits``: a primary
    pupil's year-end quality and competence levels (those not assessed yet do not count)."""
    if primary:
        levels, tests = {}, {}
        for s in subjects:
            p2 = packed.get(s.id, (None, None))[1]
            level = gradebook.unpack_mark(p2, gradebook.LV_SHIFT)
            if level:
                levels[s.code] = c27.SubjectLevel(level)
            test = gradebook.unpack_test(p2)
            if test is not None:
                tests[s.code] = test
        learning = outcome = ""
        if len(levels) == len(subjects) and subjects:
            result = c27.year_result(levels, traits, tests)
            learning = result.value
            outcome = (c22.Outcome.PROMOTED.value if c27.completes_programme(result)
                       else c22.Outcome.RE_ASSESS.value)
        return [(0, learning, absent, outcome, "")]
    computed = gradebook.compute_year_packed(subjects, packed)
    t1, t2, year_level = computed.levels
    outcome = title = ""
    if year_level and conduct:
        decision = c22.promotion(
            learning=year_level, conduct=c22.Level(conduct), absent_sessions=absent,
            year_scores={code: _TENTHS[v] for code, v in computed.year_scores.items()},
            year_comments={code: c22.Comment(m) for code, m in computed.year_comments.items()})
        outcome = decision.outcome.value
        title = decision.title.value if decision.title else ""
    return [(1, t1.value if t1 else "", absent, "", ""),
            (2, t2.value if t2 else "", absent, "", ""),
            (0, year_level.value if year_level else "", absent, outcome, title)]


def _pg_array(values) -> str:
    """A PostgreSQL array literal of integers or of codes (letters and "_" only): joined in
    C, where psycopg's list adapter walks the list in Python."""
    return "{" + ",".join(map(str, values)) + "}"


def _upsert_results(year_id: int, rows: list[tuple]) -> None:
    """Write computed results ``(student, period, learning, absences, outcome, title)``
    without building model objects, keeping conduct and remark, and leaving a row that
    did not change untouched (no new row version, no WAL): on PostgreSQL one INSERT …
    SELECT FROM unnest(arrays) ON CONFLICT for all the rows (a statement per row cost more
    than the rules); elsewhere (SQLite) the same upsert row by row with executemany."""
    if not rows:
        return
    table = Result._meta.db_table
    head = (f"INSERT INTO {table} (student_id, year_id, period, learning, absences, "
            "outcome, title, conduct, remark) ")
    tail = (" ON CONFLICT (student_id, year_id, period) DO UPDATE SET "
            "learning = excluded.learning, absences = excluded.absences, "
            "outcome = excluded.outcome, title = excluded.title WHERE "
            + " OR ".join(f"{table}.{c} <> excluded.{c}"
                          for c in ("learning", "absences", "outcome", "title")))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sid, period, learning, absences, outcome, title = zip(*rows, strict=True)
            # An empty code travels as NULL (an empty array element would need quotes) and
            # comes back as "" through COALESCE.
            codes = [_pg_array(v or "NULL" for v in column) for column in (learning, outcome,
                                                                            title)]
            cursor.execute(
                head + "SELECT s, %s, p, COALESCE(l, ''), a, COALESCE(o, ''), "
                "COALESCE(t, ''), '', '' FROM unnest(%s::bigint[], %s::int[], %s::text[], "
                "%s::int[], %s::text[], %s::text[]) AS r(s, p, l, a, o, t)" + tail,
                [year_id, _pg_array(sid), _pg_array(period), codes[0], _pg_array(absences),
                 codes[1], codes[2]])
        else:
            cursor.executemany(head + "VALUES (%s, %s, %s, %s, %s, %s, %s, '', '')" + tail,
                               [(r[0], year_id, *r[1:]) for r in rows])


def recompute_school(school) -> int:
    """Every student of the school's current years."""
    return sum(recompute_students(year, school.pk, None) for year in school.years.all())


def compute_results(subjects, cells, *, primary: bool, grade: int, absent: int,
                    conduct: dict[int, str], traits=()) -> dict[int, dict]:
    """One student's Result values per period (1, 2, 0) from their cells."""
    if primary:
        year_levels = {s.code: c27.SubjectLevel(cells[(2, s.id)]["lv"]) for s in subjects
                       if cells.get((2, s.id), {}).get("lv")}
        tests = {s.code: int(cells[(2, s.id)]["kt"]) for s in subjects
                 if cells.get((2, s.id), {}).get("kt") is not None}
        learning = ""
        if len(year_levels) == len(subjects) and subjects:
            learning = c27.year_result(year_levels, traits, tests).value
        outcome = ("" if not learning else
                   (c22.Outcome.PROMOTED.value if c27.completes_programme(
                       c27.Result(learning)) else c22.Outcome.RE_ASSESS.value))
        return {0: {"learning": learning, "absences": absent, "outcome": outcome,
                    "title": ""}}
    computed = gradebook.compute_year(subjects, cells)
    out = {}
    for period in (1, 2, 0):
        level = computed.levels[period]
        out[period] = {"learning": level.value if level else "", "absences": absent,
                       "outcome": "", "title": ""}
    year_level, year_conduct = computed.levels[0], conduct.get(0) or ""
    if year_level and year_conduct:
        scores, comments = gradebook.year_scores(subjects, computed)
        decision = c22.promotion(learning=year_level, conduct=c22.Level(year_conduct),
                                 absent_sessions=absent, year_scores=scores,
                                 year_comments=comments)
        out[0]["outcome"] = decision.outcome.value
        out[0]["title"] = decision.title.value if decision.title else ""
    return out


# ---------------------------------------------------------------- notices

def may_post_to(user, school, school_class: SchoolClass | None) -> bool:
    """The school's leader posts to the whole school or any class; a teacher to a class
    they are homeroom of or teach."""
    if is_leader(user, school.pk):
        return True
    return school_class is not None and school_class.school_id == school.pk and (
        is_homeroom(user, school_class)
        or Assignment.objects.filter(teacher__user=user, school_class=school_class).exists())


def publish_notice(*, actor, school, title: str, body: str, now: datetime,
                   school_class: SchoolClass | None = None) -> Notice:
    """A notice to the whole school (leader) or to one class (leader or its teachers);
    the guardians of the class's (or school's) students are told by message."""
    if not may_post_to(actor, school, school_class):
        raise core_error(CoreError.FORBIDDEN)
    title, body = (title or "").strip(), (body or "").strip()
    errors = []
    for field, text, limit in (("title", title, 200), ("body", body, 5000)):
        if not text:
            errors.append(school_invalid(E.REQUIRED, field=field))
        elif len(text) > limit:
            errors.append(school_invalid(E.TOO_LONG, field=field, limit=limit))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        notice = Notice.objects.create(school=school, school_class=school_class, title=title,
                                       body=body, published_at=now, author=actor)
        audit.record(actor=actor, action="schools.notice", obj=notice,
                     after={"class": school_class.name if school_class else ""})
        notice_id = notice.pk
        transaction.on_commit(lambda: notify_notice(notice_id))
    return notice


def notify_notice(notice_id: int) -> int:
    """Tell each guardian of the notice's audience once, by message (ids, not objects, so
    a retry is harmless beyond a repeated message)."""
    notice = Notice.objects.select_related("school_class").filter(pk=notice_id).first()
    if notice is None:
        return 0
    students = Student.objects.filter(school_id=notice.school_id)
    if notice.school_class_id:
        students = students.filter(school_class_id=notice.school_class_id)
    phones = sorted(set(Guardian.objects.filter(students__in=students)
                        .values_list("phone", flat=True)))
    for phone in phones:
        send(Notification(recipient=phone, kind="schools.notice",
                          message_vi=f"Thông báo của nhà trường: {notice.title}",
                          message_en=f"A notice from the school: {notice.title}",
                          link=f"/schools/notice/{notice.pk}/"))
    return len(phones)


def notice_audience(notice: Notice):
    """The guardians a notice is addressed to (a queryset of Guardian)."""
    students = Student.objects.filter(school_id=notice.school_id)
    if notice.school_class_id:
        students = students.filter(school_class_id=notice.school_class_id)
    return Guardian.objects.filter(students__in=students).distinct()


def mark_notice_read(*, user, notice: Notice, now: datetime) -> bool:
    """The read receipt of a guardian opening a notice; idempotent (the first read counts).
    Returns whether this was the first read. Only the notice's audience gets a receipt."""
    if not notice_audience(notice).filter(user=user).exists():
        return False
    _read, created = NoticeRead.objects.get_or_create(notice=notice, user=user,
                                                      defaults={"read_at": now})
    return created


# ---------------------------------------------------------------- conduct of a class

def results_term(school_class: SchoolClass, period: int) -> Term:
    """The term whose lock closes a period's results: term I for term I, term II for term
    II and for the year."""
    return Term.objects.get(year_id=school_class.year_id, number=1 if period == 1 else 2)


def may_edit_results(user, school_class: SchoolClass, term: Term) -> bool:
    """Who sets a class's conduct or qualities for a term: its homeroom teacher while the
    term is open; once the leader has locked it, the leader alone — as a locked grade, it
    changes only with the leader's approval (and the leader's change is audited)."""
    if term.is_locked:
        return is_leader(user, school_class.school_id)
    return is_homeroom(user, school_class)


def _check_results_editor(actor, school_class: SchoolClass, term: Term) -> None:
    """Inside the writing transaction: the term row locked, so that a lock taken meanwhile
    is seen."""
    term = Term.objects.select_for_update().get(pk=term.pk)
    if not may_edit_results(actor, school_class, term):
        raise school_error(E.RESULTS_LOCKED if term.is_locked else E.NOT_YOUR_CLASS,
                           field="term" if term.is_locked else "class")


def set_class_conduct(*, actor, school_class: SchoolClass, period: int,
                      levels: dict[int, str], remarks: dict[int, str] | None = None,
                      now: datetime) -> int:
    """The homeroom teacher's conduct grid (Circular 22 Art. 8): a level (Tốt / Khá / Đạt /
    Chưa đạt, or "" to clear) per student for a term (1, 2) or the year (0). Every row is
    checked first; nothing is written if one is bad; one recompute for the class. Returns
    the number of students whose conduct or remark changed. The homeroom teacher sets it;
    once the term is locked, the leader (`may_edit_results`)."""
    if school_class.school.is_primary:
        raise school_error(E.PRIMARY_NO_CONDUCT, field="class")
    if period not in (0, 1, 2):
        raise school_error(E.LEVEL_CHOICE, field="period")
    term = results_term(school_class, period)
    if not (is_homeroom(actor, school_class) or is_leader(actor, school_class.school_id)):
        raise school_error(E.NOT_YOUR_CLASS, field="class")
    remarks = remarks or {}
    students = {s.pk: s for s in school_class.students.all()}
    if any(pk not in students for pk in (*levels, *remarks)):
        raise school_error(E.NOT_IN_CLASS, field="student")
    allowed = {level.value for level in c22.Level}
    errors = []
    for pk, level in levels.items():
        if level and level not in allowed:
            errors.append(school_invalid(E.LEVEL_CHOICE, field=f"conduct-{pk}"))
    for pk, remark in remarks.items():
        if len(remark or "") > 500:
            errors.append(school_invalid(E.TOO_LONG, field=f"remark-{pk}", limit=500))
    if errors:
        raise InvalidInput(errors)
    changed = 0
    with transaction.atomic():
        _check_results_editor(actor, school_class, term)
        existing = {r.student_id: r for r in Result.objects.select_for_update().filter(
            student_id__in=list(students), year=school_class.year, period=period)}
        for pk in students:
            if pk not in levels and pk not in remarks:
                continue
            result = existing.get(pk)
            before = (result.conduct, result.remark) if result else ("", "")
            after = (levels.get(pk, before[0]), (remarks.get(pk, before[1]) or "").strip())
            if before == after:
                continue
            if result is None:
                result = Result.objects.create(student_id=pk, year=school_class.year,
                                               period=period, conduct=after[0],
                                               remark=after[1])
            else:
                result.conduct, result.remark = after
                result.save(update_fields=["conduct", "remark"])
            audit.record(actor=actor, action="schools.conduct", obj=result,
                         before={"conduct": before[0]}, after={"conduct": after[0]})
            changed += 1
    if changed:
        recompute_class(school_class)
    return changed


# ---------------------------------------------------------------- primary: qualities

def set_traits(*, actor, school_class: SchoolClass, term: Term,
               levels: dict[tuple[int, str], str], now: datetime) -> int:
    """The homeroom teacher's qualities-and-competences grid of a primary class for a term
    (Circular 27/2020 Art. 6 cl. 2(b)): ``levels[(student_id, trait)]`` is Tốt / Đạt /
    Cần cố gắng, or "" to clear. All or nothing. Returns the number of cells changed. The
    homeroom teacher sets them; once the term is locked, the leader (`may_edit_results`)."""
    from tinhso.schools import traits
    from tinhso.schools.models import TraitAssessment

    if not (is_homeroom(actor, school_class) or is_leader(actor, school_class.school_id)):
        raise school_error(E.NOT_YOUR_CLASS, field="class")
    if not school_class.school.is_primary:
        raise school_error(E.NOT_PRIMARY, field="class")
    if term.year_id != school_class.year_id:
        raise school_error(E.NOT_IN_CLASS, field="term")
    students = set(school_class.students.values_list("pk", flat=True))
    allowed = {level.value for level in c27.TraitLevel}
    errors = []
    for (pk, trait), level in levels.items():
        if pk not in students:
            raise school_error(E.NOT_IN_CLASS, field="student")
        if trait not in traits.CODES or (level and level not in allowed):
            errors.append(school_invalid(E.LEVEL_CHOICE, field=f"{trait}-{pk}"))
    if errors:
        raise InvalidInput(errors)
    changed = 0
    with transaction.atomic():
        _check_results_editor(actor, school_class, term)
        existing = {(t.student_id, t.trait): t for t in
                    TraitAssessment.objects.select_for_update().filter(
                        student_id__in=students, term=term)}
        for (pk, trait), level in levels.items():
            row = existing.get((pk, trait))
            if (row.level if row else "") == level:
                continue
            if not level:
                row.delete()
            elif row is None:
                TraitAssessment.objects.create(student_id=pk, term=term, trait=trait,
                                               level=level, updated_at=now, updated_by=actor)
            else:
                row.level, row.updated_at, row.updated_by = level, now, actor
                row.save(update_fields=["level", "updated_at", "updated_by"])
            changed += 1
        if changed:
            audit.record(actor=actor, action="schools.traits", obj=school_class,
                         after={"term": term.number, "changed": changed})
    if changed and term.number == 2:  # the year-end levels count in the year result
        recompute_class(school_class)
    return changed


# ---------------------------------------------------------------- guardians' login

CODE_ERRORS = {onetime.Refusal.TOO_SOON: E.CODE_TOO_SOON, onetime.Refusal.WRONG: E.CODE_WRONG,
               onetime.Refusal.TOO_MANY: E.CODE_TOO_MANY}


def request_guardian_code(phone: str) -> str:
    """Send a six-digit code (core.onetime) to a guardian's number on record; returns the
    normalised number."""
    try:
        phone = normalize_mobile(phone, "phone")
    except InvalidValue as error:
        raise InvalidInput([error]) from None
    if not Guardian.objects.filter(phone=phone).exists():
        raise school_error(E.NOT_A_GUARDIAN, field="phone")
    try:
        code = onetime.issue("schools.guardian", phone)
    except onetime.CodeRefused as refused:
        raise school_error(CODE_ERRORS[refused.refusal], field="phone") from None
    send(Notification(
        recipient=phone, kind="schools.guardian_code",
        message_vi=f"Mã đăng nhập Sổ liên lạc điện tử: {code} (hiệu lực 10 phút). "
                   "Không chia sẻ mã này.",
        message_en=f"Your school portal login code: {code} (valid 10 minutes). "
                   "Do not share it."))
    return phone


def guardian_login(phone: str, code: str) -> User:
    """The guardian's user once the code matches (five wrong codes burn it)."""
    try:
        phone = normalize_mobile(phone, "phone")
    except InvalidValue as error:
        raise InvalidInput([error]) from None
    try:
        onetime.check("schools.guardian", phone, code)
    except onetime.CodeRefused as refused:
        raise school_error(CODE_ERRORS[refused.refusal], field="code") from None
    guardian = Guardian.objects.select_related("user").get(phone=phone)
    return guardian.user


@dataclass
class GuardianIn:
    full_name: str
    phone: str


def add_guardian(*, actor, student: Student, full_name: str, phone: str) -> Guardian:
    """Link a guardian (by phone, validated) to a student; creates the login if new."""
    if not is_leader(actor, student.school_id) and not is_homeroom(actor, student.school_class):
        raise core_error(CoreError.FORBIDDEN)
    try:
        phone = normalize_mobile(phone, "phone")
    except InvalidValue as error:
        raise InvalidInput([error]) from None
    with transaction.atomic():
        guardian = Guardian.objects.filter(phone=phone).first()
        if guardian is None:
            user = User.objects.filter(phone=phone).first() or User.objects.create_user(
                phone=phone, password=None, full_name=full_name.strip()[:150])
            guardian = Guardian.objects.create(user=user, full_name=full_name.strip()[:150],
                                               phone=phone)
        Membership.objects.get_or_create(user=guardian.user,
                                         organization=student.school.organization,
                                         role=Role.GUARDIAN)
        guardian.students.add(student)
        audit.record(actor=actor, action="schools.guardian_linked", obj=guardian,
                     after={"student": student.code})
    return guardian

