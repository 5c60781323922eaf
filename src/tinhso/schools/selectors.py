"""Reads of the schools system: the gradebook grid, a child's page, the province's figures.

`gradebook_usage` is a contract with the operations dashboard (tinhso.ioc): keep its
signature and meaning.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q

from tinhso.schools import gradebook
from tinhso.schools.models import (
    Attendance,
    GradeChange,
    Notice,
    Result,
    School,
    SchoolClass,
    Score,
    Student,
    Subject,
    Term,
)
from tinhso.schools.rules import circular22 as c22
from tinhso.schools.rules import circular27 as c27

USAGE_DAYS = 60


def gradebook_usage(*, on: datetime.date, commune_code: int | None = None) -> tuple[int, int]:
    """(schools that entered at least one grade in the 60 days up to ``on``, all schools),
    in one commune (core.AdministrativeUnit.code) when given."""
    schools = School.objects.all()
    if commune_code is not None:
        schools = schools.filter(commune__code=commune_code)
    since = datetime.datetime.combine(on - datetime.timedelta(days=USAGE_DAYS - 1),
                                      datetime.time.min, tzinfo=datetime.UTC)
    until = datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time.min,
                                      tzinfo=datetime.UTC)
    active = schools.filter(pk__in=Score.objects.filter(
        updated_at__gte=since, updated_at__lt=until).values("student__school_id"))
    return active.count(), schools.count()


def visible_students(user):
    """The students a user may see: a guardian their children, a teacher the classes they
    teach or lead, the school's leader their school, the province every one."""
    from tinhso.accounts.permissions import has_perm, organizations_with_permission

    if not getattr(user, "is_authenticated", False):
        return Student.objects.none()
    if has_perm(user, "schools.province"):
        return Student.objects.all()
    lead = organizations_with_permission(user, "schools.lead")
    return Student.objects.filter(
        Q(guardians__user=user) | Q(school__organization_id__in=lead)
        | Q(school_class__homeroom__user=user)
        | Q(school_class__assignments__teacher__user=user)).distinct()


def visible_classes(user):
    from tinhso.accounts.permissions import has_perm, organizations_with_permission

    if not getattr(user, "is_authenticated", False):
        return SchoolClass.objects.none()
    if has_perm(user, "schools.province"):
        return SchoolClass.objects.all()
    lead = organizations_with_permission(user, "schools.lead")
    return SchoolClass.objects.filter(
        Q(school__organization_id__in=lead) | Q(homeroom__user=user)
        | Q(assignments__teacher__user=user)).distinct()


def subject_info(subject: Subject) -> gradebook.SubjectInfo:
    return gradebook.SubjectInfo(subject.pk, subject.code, subject.kind,
                                 subject.periods_per_year)


@dataclass
class GridRow:
    student: Student
    cells: list[tuple[str, str]]  # (slot, shown value)
    average: object = None


@dataclass
class Grid:
    school_class: SchoolClass
    subject: Subject
    term: Term
    slots: tuple[str, ...]
    rows: list[GridRow] = field(default_factory=list)


def class_grid(school_class: SchoolClass, subject: Subject, term: Term) -> Grid:
    """One class × subject × term: a row per student, a cell per slot, the term average."""
    info = subject_info(subject)
    slots = info.slots()
    if subject.kind == Subject.Kind.PRIMARY and not c27.has_test(subject.code,
                                                                 school_class.grade):
        slots = ("lv",)
    students = list(school_class.students.all())
    values: dict[int, dict[str, object]] = defaultdict(dict)
    for sid, slot, value, mark in Score.objects.filter(
            student__school_class=school_class, subject=subject, term=term).values_list(
            "student_id", "slot", "value", "mark"):
        values[sid][slot] = value if value is not None else mark
    grid = Grid(school_class, subject, term, slots)
    for student in students:
        cells = values.get(student.pk, {})
        shown = [(slot, "" if cells.get(slot) is None else str(cells[slot])) for slot in slots]
        grid.rows.append(GridRow(student, shown, gradebook.subject_term(info, cells)))
    return grid


MARK_VI = {"dat": "Đạt", "chua_dat": "Chưa đạt", **c27.SUBJECT_LEVEL_VI}


def show(value) -> str:
    """A cell or result as a Vietnamese reader sees it."""
    if value is None or value == "":
        return ""
    text = str(value)
    return MARK_VI.get(text, text)


@dataclass
class SubjectLine:
    subject: Subject
    terms: dict[int, list[tuple[str, str]]]
    term_results: dict[int, str]
    year: str


def student_report(student: Student) -> dict:
    """Everything a child's report card and the guardian's page show."""
    school_class = student.school_class
    subjects = list(Subject.objects.filter(school_id=student.school_id,
                                           grade=school_class.grade))
    terms = {t.number: t for t in Term.objects.filter(year=school_class.year_id)}
    cells: dict[tuple[int, int], dict[str, object]] = defaultdict(dict)
    for subject_id, term_id, slot, value, mark in Score.objects.filter(
            student=student).values_list("subject_id", "term_id", "slot", "value", "mark"):
        number = next((n for n, t in terms.items() if t.pk == term_id), None)
        if number:
            cells[(number, subject_id)][slot] = value if value is not None else mark
    infos = [subject_info(s) for s in subjects]
    computed = gradebook.compute_year(infos, cells) if not student.school.is_primary else None
    lines = []
    for subject, info in zip(subjects, infos, strict=True):
        slots = info.slots()
        per_term = {n: [(s, show(cells.get((n, subject.pk), {}).get(s))) for s in slots]
                    for n in (1, 2)}
        results = {n: show(getattr(computed, f"term{n}")[subject.pk]) if computed else ""
                   for n in (1, 2)}
        year = show(computed.year[subject.pk]) if computed else ""
        lines.append(SubjectLine(subject, per_term, results, year))
    results = {r.period: r for r in Result.objects.filter(student=student,
                                                          year=school_class.year_id)}
    absences = Attendance.objects.filter(student=student).order_by("-day", "session")
    return {
        "student": student, "school_class": school_class, "school": student.school,
        "lines": lines, "results": results, "terms": terms,
        "absences": list(absences[:30]),
        "absence_total": absences.count(),
        "absence_permitted": absences.filter(permitted=True).count(),
        "history": list(GradeChange.objects.filter(student=student)
                        .select_related("subject", "by", "approved_by")[:50]),
        "notices": list(notices_for_student(student)[:10]),
        "level_label": {**{k.value: v for k, v in c22.LEVEL_LABEL_VI.items()},
                        **{k.value: v for k, v in c27.RESULT_VI.items()}},
    }


LEVEL_VI = {**{k.value: v for k, v in c22.LEVEL_LABEL_VI.items()},
            **{k.value: v for k, v in c27.RESULT_VI.items()}}
CONDUCT_LEVELS = [(k.value, v) for k, v in c22.LEVEL_LABEL_VI.items()]
OUTCOME_VI = {k.value: v for k, v in c22.OUTCOME_LABEL_VI.items()}
TITLE_VI = {k.value: v for k, v in c22.TITLE_LABEL_VI.items()}


def province_figures(*, on: datetime.date) -> dict:
    """The Department of Education's dashboard: gradebook use, grades entered by the
    deadline, year learning results per commune and level, attendance."""
    used, total = gradebook_usage(on=on)
    distribution: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for commune, level, learning, n in (
            Result.objects.filter(period=0).exclude(learning="")
            .values_list("student__school__commune__name", "student__school__level",
                         "learning").annotate(n=Count("id"))):
        distribution[(commune, level)][learning] += n
    # Share of cells entered by each term's deadline, per school (terms whose deadline has
    # passed): cells written on or before the deadline over cells written at all.
    on_time = (Score.objects.filter(term__entry_deadline__lt=on)
               .values("student__school__name")
               .annotate(all=Count("id"),
                         early=Count("id", filter=Q(updated_at__date__lte=F("term__entry_deadline"))))
               .order_by("student__school__name"))
    students = Student.objects.count()
    absences = Attendance.objects.count()
    return {
        "on": on, "schools_using": used, "schools": total,
        "distribution": [
            {"commune": c, "level": lv, "counts": dict(counter)}
            for (c, lv), counter in sorted(distribution.items())],
        "on_time": [{"school": r["student__school__name"], "cells": r["all"],
                     "by_deadline": r["early"]} for r in on_time],
        "students": students, "absences": absences,
    }



def notices_for_student(student: Student):
    """The notices a student's guardians see: the school's and their class's, newest first."""
    return Notice.objects.filter(Q(school_class__isnull=True)
                                 | Q(school_class_id=student.school_class_id),
                                 school_id=student.school_id)


def notices_for_guardian(user):
    """Every notice addressed to one of the user's children (school-wide or their class)."""
    children = Student.objects.filter(guardians__user=user)
    return Notice.objects.filter(
        Q(school_class__isnull=True, school__in=children.values("school_id"))
        | Q(school_class__in=children.values("school_class_id"))).distinct()


def notices_for_staff(user):
    """The notices a teacher or leader sees on the notices page: their school's (a leader)
    or those of the classes they teach or lead, and school-wide ones of their schools."""
    from tinhso.accounts.permissions import organizations_with_permission

    lead = organizations_with_permission(user, "schools.lead")
    classes = visible_classes(user)
    return Notice.objects.filter(
        Q(school__organization_id__in=lead)
        | Q(school_class__in=classes.values("pk"))
        | Q(school_class__isnull=True, school__in=classes.values("school_id"))).distinct()


def read_counts(notices) -> dict[int, tuple[int, int]]:
    """notice id → (guardians who opened it, guardians it is addressed to)."""
    from tinhso.schools.models import Guardian, NoticeRead

    out = {}
    for notice in notices:
        students = Student.objects.filter(school_id=notice.school_id)
        if notice.school_class_id:
            students = students.filter(school_class_id=notice.school_class_id)
        audience = Guardian.objects.filter(students__in=students).values("user_id")
        out[notice.pk] = (NoticeRead.objects.filter(notice=notice, user_id__in=audience)
                          .count(), audience.distinct().count())
    return out


def conduct_grid(school_class: SchoolClass, period: int) -> list[tuple]:
    """(student, conduct, remark, learning) per student of a class for a period."""
    results = {r.student_id: r for r in Result.objects.filter(
        student__school_class=school_class, year=school_class.year_id, period=period)}
    rows = []
    for student in school_class.students.all():
        r = results.get(student.pk)
        rows.append((student, r.conduct if r else "", r.remark if r else "",
                     r.learning if r else ""))
    return rows


def trait_grid(school_class: SchoolClass, term: Term) -> list[tuple]:
    """(student, {trait: level}) per student of a primary class for a term."""
    from tinhso.schools.models import TraitAssessment

    levels: dict[int, dict[str, str]] = defaultdict(dict)
    for sid, trait, level in TraitAssessment.objects.filter(
            student__school_class=school_class, term=term).values_list(
            "student_id", "trait", "level"):
        levels[sid][trait] = level
    return [(s, levels.get(s.pk, {})) for s in school_class.students.all()]


def student_traits(student: Student) -> dict[int, dict[str, str]]:
    """term number → {trait: level} for a primary pupil (the guardian's page)."""
    from tinhso.schools.models import TraitAssessment

    out: dict[int, dict[str, str]] = defaultdict(dict)
    for number, trait, level in TraitAssessment.objects.filter(student=student).values_list(
            "term__number", "trait", "level"):
        out[number][trait] = level
    return dict(out)
