"""Schools API under /api/v1/schools: the same services and selectors as the pages."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status

from tinhso.accounts.auth import session_auth
from tinhso.accounts.permissions import require
from tinhso.schools import selectors, services
from tinhso.schools.models import ChangeRequest, SchoolClass, Student, Subject, Term

router = Router(tags=["schools"])


class CellIn(Schema):
    student: int
    subject: int
    term: int
    slot: str
    value: str
    expected: str | None = None


class CellOut(Schema):
    student: int
    subject: int
    term: int
    slot: str
    value: str
    version: int


class ChangeIn(CellIn):
    reason: str
    note: str = ""


class ChangeOut(Schema):
    id: int
    state: str
    before: str
    after: str


class DecisionIn(Schema):
    approve: bool


class AbsencesIn(Schema):
    day: date
    session: str = "am"
    absent: dict[int, bool]


class GridRowOut(Schema):
    student: int
    name: str
    cells: dict[str, str]
    term_result: str


class GridOut(Schema):
    school_class: str
    subject: str
    term: int
    locked: bool
    slots: list[str]
    rows: list[GridRowOut]


class UsageOut(Schema):
    on: date
    schools_using: int
    schools: int


class ProvinceOut(Schema):
    on: date
    schools_using: int
    schools: int
    students: int
    absences: int
    distribution: list[dict]
    on_time: list[dict]


def _class(user, pk: int) -> SchoolClass:
    school_class = get_object_or_404(SchoolClass, pk=pk)
    if not services.sees_class(user, school_class):
        raise Http404
    return school_class


def _cell_target(user, payload: CellIn):
    student = get_object_or_404(Student.objects.select_related("school_class"),
                                pk=payload.student)
    if not services.sees_class(user, student.school_class):
        raise Http404
    subject = get_object_or_404(Subject, pk=payload.subject)
    term = get_object_or_404(Term, pk=payload.term)
    return student, subject, term


@router.get("/classes/{class_id}/subjects/{subject_id}/terms/{number}", response=GridOut,
            auth=session_auth)
def gradebook(request, class_id: int, subject_id: int, number: int):
    """One class × subject × term of the gradebook."""
    school_class = _class(request.user, class_id)
    subject = get_object_or_404(Subject, pk=subject_id, school=school_class.school_id)
    term = get_object_or_404(Term, year=school_class.year_id, number=number)
    grid = selectors.class_grid(school_class, subject, term)
    return {"school_class": school_class.name, "subject": subject.name, "term": number,
            "locked": term.is_locked, "slots": list(grid.slots),
            "rows": [{"student": r.student.pk, "name": r.student.full_name,
                      "cells": dict(r.cells), "term_result": selectors.show(r.average)}
                     for r in grid.rows]}


@router.post("/cells", response=CellOut, auth=session_auth)
def save_cell(request, payload: CellIn):
    """Write one cell of an open term (422 naming the cell on bad input, 409 if locked)."""
    student, subject, term = _cell_target(request.user, payload)
    score = services.save_score(actor=request.user, student=student, subject=subject,
                                term=term, slot=payload.slot, raw=payload.value,
                                now=timezone.now(), expected=payload.expected)
    return {"student": student.pk, "subject": subject.pk, "term": term.pk,
            "slot": payload.slot, "value": score.display() if score else "",
            "version": score.version if score else 0}


@router.post("/change-requests", response={201: ChangeOut}, auth=session_auth)
def request_change(request, payload: ChangeIn):
    student, subject, term = _cell_target(request.user, payload)
    change = services.request_change(actor=request.user, student=student, subject=subject,
                                     term=term, slot=payload.slot, raw=payload.value,
                                     reason=payload.reason, note=payload.note,
                                     now=timezone.now())
    return 201, {"id": change.pk, "state": change.state, "before": change.before,
                 "after": change.after}


@router.post("/change-requests/{request_id}/decision", response=ChangeOut, auth=session_auth)
def decide(request, request_id: int, payload: DecisionIn):
    change = get_object_or_404(ChangeRequest.objects.select_related("student"), pk=request_id)
    if not services.is_leader(request.user, change.student.school_id):
        raise Http404
    change = services.decide_change(actor=request.user, request=change,
                                    approve=payload.approve, now=timezone.now())
    return {"id": change.pk, "state": change.state, "before": change.before,
            "after": change.after}


@router.post("/terms/{term_id}/lock", response=dict, auth=session_auth)
def lock(request, term_id: int):
    term = get_object_or_404(Term.objects.select_related("year"), pk=term_id)
    if not services.is_leader(request.user, term.year.school_id):
        raise Http404
    term = services.lock_term(actor=request.user, term=term, now=timezone.now())
    return {"id": term.pk, "locked_at": term.locked_at.isoformat()}


@router.post("/classes/{class_id}/absences", response=dict, auth=session_auth)
def absences(request, class_id: int, payload: AbsencesIn):
    school_class = _class(request.user, class_id)
    count = services.record_absences(actor=request.user, school_class=school_class,
                                     day=payload.day, absent=payload.absent,
                                     now=timezone.now(), session=payload.session)
    return {"absent": count}


@router.get("/students/{student_id}", response=dict, auth=session_auth)
def student(request, student_id: int):
    """A student's grades and results — their guardians, teachers, leader, the province."""
    pupil = selectors.visible_students(request.user).filter(pk=student_id).first()
    if pupil is None:
        raise Http404
    data = selectors.student_report(pupil)
    return {
        "id": pupil.pk, "name": pupil.full_name, "class": data["school_class"].name,
        "subjects": [{"subject": line.subject.name, "term1": dict(line.terms[1]),
                      "term2": dict(line.terms[2]), "term1_result": line.term_results[1],
                      "term2_result": line.term_results[2], "year": line.year}
                     for line in data["lines"]],
        "absences": data["absence_total"],
        "results": {str(p): {"learning": r.learning, "conduct": r.conduct,
                             "outcome": r.outcome, "title": r.title}
                    for p, r in data["results"].items()},
    }


@router.get("/usage", response=UsageOut, auth=session_auth)
def usage(request, on: date | None = None, commune: int | None = None):
    """Schools that entered a grade in the 60 days up to ``on`` (operations dashboard)."""
    require(request.user, "schools.province")
    on = on or timezone.localdate()
    used, total = selectors.gradebook_usage(on=on, commune_code=commune)
    return {"on": on, "schools_using": used, "schools": total}


@router.get("/province", response=ProvinceOut, auth=session_auth)
def province(request):
    """The Department of Education's figures (the dashboard page's data)."""
    require(request.user, "schools.province")
    return selectors.province_figures(on=timezone.localdate())


# ---------------------------------------------------------------- conduct, qualities, notices

class ConductIn(Schema):
    period: int  # 1, 2 or 0 for the year
    levels: dict[int, str] = {}  # student id → tot / kha / dat / chua_dat / "" (clear)
    remarks: dict[int, str] = {}


class TraitsIn(Schema):
    term: int  # 1 or 2
    levels: dict[int, dict[str, str]]  # student id → {trait code: tot / dat / can_co_gang}


class NoticeIn(Schema):
    title: str
    body: str
    school_id: int | None = None  # the whole school (its leader) …
    class_id: int | None = None  # … or one class (its leader or teachers)


class NoticeOut(Schema):
    id: int
    title: str
    body: str
    school: str
    school_class: str | None
    published_at: str
    read: bool | None = None  # a guardian: whether they opened it
    read_by: int | None = None  # staff: guardians who opened it …
    audience: int | None = None  # … of the guardians it is addressed to


@router.post("/classes/{class_id}/conduct", response=dict, auth=session_auth)
def conduct(request, class_id: int, payload: ConductIn):
    """The homeroom teacher's conduct levels of a term or the year (Circular 22 Art. 8)."""
    school_class = _class(request.user, class_id)
    changed = services.set_class_conduct(actor=request.user, school_class=school_class,
                                         period=payload.period, levels=payload.levels,
                                         remarks=payload.remarks, now=timezone.now())
    return {"changed": changed}


@router.post("/classes/{class_id}/qualities", response=dict, auth=session_auth)
def qualities(request, class_id: int, payload: TraitsIn):
    """A primary class's qualities and competences of a term (Circular 27/2020)."""
    school_class = _class(request.user, class_id)
    term = get_object_or_404(Term, year=school_class.year_id, number=payload.term)
    levels = {(sid, trait): level for sid, row in payload.levels.items()
              for trait, level in row.items()}
    changed = services.set_traits(actor=request.user, school_class=school_class, term=term,
                                  levels=levels, now=timezone.now())
    return {"changed": changed}


def _notice_out(notice, read=None, counts=None) -> dict:
    return {"id": notice.pk, "title": notice.title, "body": notice.body,
            "school": notice.school.name,
            "school_class": notice.school_class.name if notice.school_class_id else None,
            "published_at": notice.published_at.isoformat(), "read": read,
            "read_by": counts[0] if counts else None,
            "audience": counts[1] if counts else None}


@router.get("/notices", response=list[NoticeOut], auth=session_auth)
def notices(request):
    """Staff: their school's and classes' notices with read counts; a guardian: those for
    their children, each with whether they opened it."""
    from tinhso.accounts.permissions import has_perm
    from tinhso.schools.models import NoticeRead

    user = request.user
    if has_perm(user, "schools.teach") or has_perm(user, "schools.lead"):
        items = list(selectors.notices_for_staff(user)
                     .select_related("school", "school_class")[:100])
        counts = selectors.read_counts(items)
        return [_notice_out(n, counts=counts[n.pk]) for n in items]
    items = list(selectors.notices_for_guardian(user)
                 .select_related("school", "school_class")[:100])
    read = set(NoticeRead.objects.filter(user=user, notice__in=items)
               .values_list("notice_id", flat=True))
    return [_notice_out(n, read=n.pk in read) for n in items]


@router.post("/notices", response={201: NoticeOut}, auth=session_auth)
def post_notice(request, payload: NoticeIn):
    from tinhso.schools.models import School

    school_class = None
    if payload.class_id is not None:
        school_class = _class(request.user, payload.class_id)
        school = school_class.school
    else:
        school = get_object_or_404(School, pk=payload.school_id or 0)
    notice = services.publish_notice(actor=request.user, school=school,
                                     school_class=school_class, title=payload.title,
                                     body=payload.body, now=timezone.now())
    return Status(201, _notice_out(notice, counts=(0, services.notice_audience(notice).count())))


@router.post("/notices/{notice_id}/read", response=dict, auth=session_auth)
def read_notice(request, notice_id: int):
    """A guardian's read receipt (idempotent); 404 for a notice not addressed to them."""
    notice = selectors.notices_for_guardian(request.user).filter(pk=notice_id).first()
    if notice is None:
        raise Http404
    return {"first_read": services.mark_notice_read(user=request.user, notice=notice,
                                                    now=timezone.now())}
