"""Pages of the schools system (Vietnamese first, phone-first): the teacher's classes, the
gradebook grid (keyboard, paste from Excel, htmx save per cell; a stack of cards on a
phone), the roll call, the leader's locking and approvals, the guardians' portal (phone and
one-time code), report cards, summaries and the province dashboard. Every write goes
through `services`, as the API does."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.accounts.permissions import has_perm, organizations_with_permission, require
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.language import current_language
from tinhso.schools import reports, selectors, services
from tinhso.schools.models import (
    Assignment,
    Attendance,
    ChangeReason,
    ChangeRequest,
    School,
    SchoolClass,
    Student,
    Subject,
    Term,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _error_text(error) -> str:
    language = current_language()
    if isinstance(error, InvalidInput):
        return " ".join(e.message(language) for e in error.errors)
    return error.message(language)


def _class_or_404(user, pk: int) -> SchoolClass:
    school_class = get_object_or_404(SchoolClass.objects.select_related("school", "year",
                                                                        "homeroom"), pk=pk)
    if not services.sees_class(user, school_class):
        raise Http404
    return school_class


def _student_or_404(user, pk: int) -> Student:
    student = selectors.visible_students(user).filter(pk=pk).select_related(
        "school", "school_class__year").first()
    if student is None:
        raise Http404
    return student


@login_required
def home(request):
    """Where each role starts: a teacher's classes, a leader's school, a guardian's
    children, the province's dashboard."""
    user = request.user
    if has_perm(user, "schools.province") and not has_perm(user, "schools.teach"):
        return redirect("schools:province")
    if has_perm(user, "schools.guardian") and not (has_perm(user, "schools.teach")
                                                    or has_perm(user, "schools.lead")):
        return redirect("schools:family")
    if not (has_perm(user, "schools.teach") or has_perm(user, "schools.lead")):
        raise Http404
    assignments = (Assignment.objects.filter(teacher__user=user)
                   .select_related("school_class", "subject")
                   .order_by("school_class__name", "subject__order"))
    homerooms = SchoolClass.objects.filter(homeroom__user=user).select_related("school")
    led = School.objects.filter(
        organization_id__in=organizations_with_permission(user, "schools.lead"))
    return render(request, "schools/home.html", {
        "assignments": assignments, "homerooms": homerooms, "led": led,
        "led_classes": SchoolClass.objects.filter(school__in=led).select_related("school"),
        "terms": Term.objects.filter(year__classes__in=[a.school_class for a in assignments]
                                     ).distinct() if assignments else [],
    })


def _grid_context(request, class_pk: int, subject_pk: int, number: int) -> dict:
    school_class = _class_or_404(request.user, class_pk)
    subject = get_object_or_404(Subject, pk=subject_pk, school=school_class.school,
                                grade=school_class.grade)
    term = get_object_or_404(Term, year=school_class.year, number=number)
    grid = selectors.class_grid(school_class, subject, term)
    editable = (not term.is_locked
                and services.teaches_subject(request.user, school_class, subject))
    return {"grid": grid, "editable": editable, "term": term, "subject": subject,
            "school_class": school_class, "slot_label": services.SLOT_SHORT,
            "may_request": term.is_locked and services.teaches_subject(
                request.user, school_class, subject),
            "terms": school_class.year.terms.all(),
            "subjects": Subject.objects.filter(school=school_class.school,
                                               grade=school_class.grade)}


@login_required
def grid(request, class_pk: int, subject_pk: int, number: int):
    """The gradebook of one class × subject × term."""
    return render(request, "schools/grid.html", _grid_context(request, class_pk, subject_pk,
                                                               number))


@login_required
@require_POST
def cell(request, class_pk: int, subject_pk: int, number: int):
    """htmx: save one cell; answers the cell again (with its error, if any)."""
    school_class = _class_or_404(request.user, class_pk)
    subject = get_object_or_404(Subject, pk=subject_pk, school=school_class.school)
    term = get_object_or_404(Term, year=school_class.year, number=number)
    student = get_object_or_404(Student, pk=request.POST.get("student") or 0,
                                school_class=school_class)
    slot = request.POST.get("slot", "")
    raw = request.POST.get("value", "")
    expected = request.POST.get("expected")
    error, status = "", 200
    try:
        score = services.save_score(actor=request.user, student=student, subject=subject,
                                    term=term, slot=slot, raw=raw, now=timezone.now(),
                                    expected=expected)
        shown = score.display() if score else ""
    except (DomainError, InvalidInput) as exc:
        error, status = _error_text(exc), getattr(exc, "status", 422)
        shown = raw
    average = None
    if not error:
        row = next(r for r in selectors.class_grid(school_class, subject, term).rows
                   if r.student.pk == student.pk)
        average = row.average
    response = render(request, "schools/_cell.html", {
        "student": student, "slot": slot, "value": shown, "error": error,
        "editable": True, "average": average, "slot_label": services.SLOT_SHORT,
        "saved": not error,
        "url": request.path})
    response.status_code = 200 if status < 500 else status  # htmx swaps 200 only
    return response


@login_required
def change_request(request, class_pk: int, subject_pk: int, number: int):
    """A teacher asks to change a cell of a locked term (reason from a short table)."""
    context = _grid_context(request, class_pk, subject_pk, number)
    if not context["may_request"]:
        raise Http404
    errors = ""
    if request.method == "POST":
        student = get_object_or_404(Student, pk=request.POST.get("student") or 0,
                                    school_class=context["school_class"])
        try:
            services.request_change(
                actor=request.user, student=student, subject=context["subject"],
                term=context["term"], slot=request.POST.get("slot", ""),
                raw=request.POST.get("value", ""), reason=request.POST.get("reason", ""),
                note=request.POST.get("note", ""), now=timezone.now())
        except (DomainError, InvalidInput) as exc:
            errors = _error_text(exc)
        else:
            messages.success(request, _("The request was sent to the school leader."))
            return redirect("schools:grid", class_pk, subject_pk, number)
    return render(request, "schools/change_request.html", {
        **context, "errors": errors, "reasons": ChangeReason.choices})


@login_required
def attendance(request, class_pk: int):
    """The homeroom teacher's roll call: tick who is absent, with or without permission."""
    school_class = _class_or_404(request.user, class_pk)
    if not services.is_homeroom(request.user, school_class):
        raise Http404
    try:
        day = date.fromisoformat(request.POST.get("day") or request.GET.get("day") or "")
    except ValueError:
        day = timezone.localdate()
    session = request.POST.get("session") or request.GET.get("session") or "am"
    if session not in Attendance.Session.values:
        session = "am"
    error = ""
    if request.method == "POST":
        absent = {}
        for student in school_class.students.all():
            mark = request.POST.get(f"s{student.pk}", "")
            if mark in ("p", "k"):
                absent[student.pk] = mark == "p"
        try:
            count = services.record_absences(actor=request.user, school_class=school_class,
                                             day=day, absent=absent, now=timezone.now(),
                                             session=session)
        except DomainError as exc:
            error = _error_text(exc)
        else:
            messages.success(request, _("Roll call saved: %(n)s absent.") % {"n": count})
            return redirect(f"{request.path}?day={day.isoformat()}&session={session}")
    marks = {a.student_id: ("p" if a.permitted else "k") for a in Attendance.objects.filter(
        student__school_class=school_class, day=day, session=session)}
    return render(request, "schools/attendance.html", {
        "school_class": school_class, "day": day, "session": session, "error": error,
        "rows": [(s, marks.get(s.pk, "")) for s in school_class.students.all()],
        "sessions": Attendance.Session.choices})


@login_required
def leader(request):
    """The leader's desk: terms to lock, change requests to decide."""
    require(request.user, "schools.lead")
    orgs = organizations_with_permission(request.user, "schools.lead")
    schools = School.objects.filter(organization_id__in=orgs)
    return render(request, "schools/leader.html", {
        "terms": Term.objects.filter(year__school__in=schools).select_related("year__school"),
        "requests": ChangeRequest.objects.filter(
            term__year__school__in=schools, state=ChangeRequest.State.PENDING)
        .select_related("student", "subject", "requested_by"),
        "today": timezone.localdate(),
    })


def _led_term(user, pk: int) -> Term:
    term = get_object_or_404(Term.objects.select_related("year__school"), pk=pk)
    if not services.is_leader(user, term.year.school_id):
        raise Http404
    return term


@login_required
def lock(request, pk: int):
    """GET: the confirmation page; POST confirm=yes: lock the term."""
    term = _led_term(request.user, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.lock_term(actor=request.user, term=term, now=timezone.now())
        except DomainError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("The term is locked."))
        return redirect("schools:leader")
    return render(request, "schools/confirm_lock.html", {"term": term})


@login_required
@require_POST
def decide(request, pk: int):
    change = get_object_or_404(ChangeRequest.objects.select_related("student"), pk=pk)
    if not services.is_leader(request.user, change.student.school_id):
        raise Http404
    try:
        services.decide_change(actor=request.user, request=change,
                               approve=request.POST.get("decision") == "approve",
                               now=timezone.now())
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("schools:leader")


# ---------------------------------------------------------------- guardians

def family_login(request):
    """A guardian logs in with the phone on record and a one-time code."""
    phone, error, sent = request.POST.get("phone", ""), "", False
    if request.method == "POST":
        try:
            if request.POST.get("code"):
                user = services.guardian_login(phone, request.POST["code"])
                login(request, user, backend="tinhso.accounts.backends.EmailOrPhoneBackend")
                return redirect("schools:family")
            phone = services.request_guardian_code(phone)
            sent = True
        except (DomainError, InvalidInput) as exc:
            error = _error_text(exc)
            sent = bool(request.POST.get("code"))
    return render(request, "schools/family_login.html",
                  {"phone": phone, "error": error, "sent": sent})


@login_required
def family(request):
    """A guardian's children (only theirs)."""
    children = Student.objects.filter(guardians__user=request.user).select_related(
        "school_class", "school")
    if len(children) == 1:
        return redirect("schools:child", children[0].pk)
    return render(request, "schools/family.html", {"children": children})


@login_required
def child(request, pk: int):
    """A child's grades, averages, attendance, comments and the school's notices."""
    student = _student_or_404(request.user, pk)
    context = selectors.student_report(student)
    if student.school.is_primary:
        from tinhso.schools import traits as trait_list
        from tinhso.schools.rules import circular27 as c27

        english = current_language() != "vi"
        got = selectors.student_traits(student)
        labels = {level.value: c27.TRAIT_LEVEL_VI[level] for level in c27.TraitLevel}
        context["traits"] = [
            (number, [((name_en if english else name_vi), labels[got[number][code]])
                      for code, name_vi, name_en in trait_list.ALL if code in got[number]])
            for number in sorted(got)]
    return render(request, "schools/child.html", context)


@login_required
def report_pdf(request, pk: int):
    student = _student_or_404(request.user, pk)
    response = HttpResponse(reports.report_cards_pdf([student]), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="phieu-diem-{student.code}.pdf"'
    return response


@login_required
def class_pdf(request, class_pk: int):
    school_class = _class_or_404(request.user, class_pk)
    body = reports.report_cards_pdf(list(school_class.students.all()))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="phieu-diem-{school_class.name}.pdf"'
    return response


@login_required
def class_xlsx(request, class_pk: int):
    school_class = _class_or_404(request.user, class_pk)
    response = HttpResponse(reports.class_summary_xlsx(school_class), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="tong-hop-{school_class.name}.xlsx"'
    return response


def _import_page(request, school_pk: int, run, template: str, columns):
    """An import page of the leader: a bad file changes nothing and every bad cell is
    listed."""
    school = get_object_or_404(School, pk=school_pk)
    if not services.is_leader(request.user, school.pk):
        raise Http404
    errors, created = [], None
    if request.method == "POST" and request.FILES.get("file"):
        try:
            created = run(actor=request.user, school=school, data=request.FILES["file"].read())
        except InvalidInput as exc:
            errors = [e.message(current_language()) for e in exc.errors]
        except DomainError as exc:
            errors = [_error_text(exc)]
    return render(request, template, {"school": school, "errors": errors, "created": created,
                                      "columns": columns})


@login_required
def students_import(request, school_pk: int):
    """The leader imports students from the Excel template."""
    return _import_page(request, school_pk, reports.import_students, "schools/import.html",
                        reports.STUDENT_COLUMNS)


# ---------------------------------------------------------------- province

@login_required
def province(request):
    require(request.user, "schools.province")
    figures = selectors.province_figures(on=timezone.localdate())
    return render(request, "schools/province.html", {"f": figures,
                                                     "level_vi": selectors.LEVEL_VI})


@login_required
def province_xlsx(request):
    require(request.user, "schools.province")
    body = reports.province_xlsx(selectors.province_figures(on=timezone.localdate()))
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="so-diem-toan-tinh.xlsx"'
    return response


# ---------------------------------------------------------------- conduct (Circular 22)

PERIODS = (1, 2, 0)


@login_required
def conduct(request, class_pk: int, period: int):
    """The homeroom teacher's conduct grid of a term (1, 2) or the year (0): one level and
    an optional comment per student, saved together. The class's other teachers and the
    leader read it; everyone else gets 404."""
    school_class = _class_or_404(request.user, class_pk)
    if period not in PERIODS or school_class.school.is_primary:
        raise Http404
    term = services.results_term(school_class, period)
    editable = services.may_edit_results(request.user, school_class, term)
    errors = []
    if request.method == "POST":
        if not editable:
            raise Http404
        students = list(school_class.students.all())
        levels = {s.pk: request.POST.get(f"conduct-{s.pk}", "") for s in students
                  if f"conduct-{s.pk}" in request.POST}
        remarks = {s.pk: request.POST.get(f"remark-{s.pk}", "") for s in students
                   if f"remark-{s.pk}" in request.POST}
        try:
            n = services.set_class_conduct(actor=request.user, school_class=school_class,
                                           period=period, levels=levels, remarks=remarks,
                                           now=timezone.now())
        except InvalidInput as exc:
            errors = [e.message(current_language()) for e in exc.errors]
        except DomainError as exc:
            errors = [_error_text(exc)]
        else:
            messages.success(request, _("Conduct saved: %(n)s students changed.") % {"n": n})
            return redirect("schools:conduct", school_class.pk, period)
    rows = selectors.conduct_grid(school_class, period)
    if errors:  # show what was typed, not what is stored
        rows = [(s, request.POST.get(f"conduct-{s.pk}", c), request.POST.get(f"remark-{s.pk}", r),
                 lv) for s, c, r, lv in rows]
    return render(request, "schools/conduct.html", {
        "school_class": school_class, "period": period, "periods": PERIODS, "rows": rows,
        "editable": editable, "locked": term.is_locked, "errors": errors,
        "levels": selectors.CONDUCT_LEVELS, "level_label": selectors.LEVEL_VI})


# ---------------------------------------------------------------- primary: qualities

@login_required
def traits(request, class_pk: int, number: int):
    """A primary class's qualities and competences for a term (Circular 27/2020): the
    homeroom teacher sets Tốt / Đạt / Cần cố gắng per student and trait."""
    from tinhso.schools import traits as trait_list
    from tinhso.schools.rules import circular27 as c27

    school_class = _class_or_404(request.user, class_pk)
    if not school_class.school.is_primary:
        raise Http404
    term = get_object_or_404(Term, year=school_class.year, number=number)
    editable = services.may_edit_results(request.user, school_class, term)
    errors = []
    if request.method == "POST":
        if not editable:
            raise Http404
        levels = {}
        for student in school_class.students.all():
            for code in trait_list.CODES:
                key = f"{code}-{student.pk}"
                if key in request.POST:
                    levels[(student.pk, code)] = request.POST.get(key, "")
        try:
            n = services.set_traits(actor=request.user, school_class=school_class, term=term,
                                    levels=levels, now=timezone.now())
        except InvalidInput as exc:
            errors = [e.message(current_language()) for e in exc.errors]
        except DomainError as exc:
            errors = [_error_text(exc)]
        else:
            messages.success(request, _("Qualities and competences saved: %(n)s changes.")
                             % {"n": n})
            return redirect("schools:traits", school_class.pk, number)
    english = current_language() != "vi"
    groups = [(en if english else vi, [(code, name_en if english else name_vi)
                                       for code, name_vi, name_en in items])
              for vi, en, items in trait_list.GROUPS]
    return render(request, "schools/traits.html", {
        "school_class": school_class, "term": term, "terms": school_class.year.terms.all(),
        "rows": selectors.trait_grid(school_class, term), "groups": groups,
        "editable": editable, "locked": term.is_locked, "errors": errors,
        "levels": [(level.value, c27.TRAIT_LEVEL_VI[level]) for level in c27.TraitLevel]})


# ---------------------------------------------------------------- notices

def _is_staff(user) -> bool:
    return has_perm(user, "schools.teach") or has_perm(user, "schools.lead")


@login_required
def notices(request):
    """Staff: the notices of their school and classes with read receipts, and the form to
    post one (leader: the school or a class; teacher: their classes). Guardians: the
    notices for their children's classes and schools, unread ones marked."""
    user = request.user
    if not _is_staff(user):
        if not has_perm(user, "schools.guardian"):
            raise Http404
        items = list(selectors.notices_for_guardian(user).select_related("school_class")[:50])
        from tinhso.schools.models import NoticeRead

        read = set(NoticeRead.objects.filter(user=user, notice__in=items)
                   .values_list("notice_id", flat=True))
        return render(request, "schools/notices_family.html", {
            "items": [(n, n.pk in read) for n in items]})
    led = list(School.objects.filter(
        organization_id__in=organizations_with_permission(user, "schools.lead")))
    targets = [(f"school-{s.pk}", _("Whole school: %(name)s") % {"name": s.name}) for s in led]
    classes = selectors.visible_classes(user).select_related("school").order_by("name")
    targets += [(f"class-{c.pk}", _("Class %(name)s") % {"name": c.name}) for c in classes
                if services.may_post_to(user, c.school, c)]
    errors, form = [], {"title": "", "body": "", "target": ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        kind, _sep, pk = form["target"].partition("-")
        school_class, school = None, None
        if kind == "class" and pk.isdigit():
            school_class = SchoolClass.objects.select_related("school").filter(pk=pk).first()
            school = school_class.school if school_class else None
        elif kind == "school" and pk.isdigit():
            school = School.objects.filter(pk=pk).first()
        if school is None or form["target"] not in dict(targets):
            errors = [_("Choose who the notice is for.")]
        else:
            try:
                services.publish_notice(actor=user, school=school, school_class=school_class,
                                        title=form["title"], body=form["body"],
                                        now=timezone.now())
            except InvalidInput as exc:
                errors = [f"{_field_label(e.field)}: {e.message(current_language())}"
                          for e in exc.errors]
            except DomainError as exc:
                errors = [_error_text(exc)]
            else:
                messages.success(request, _("The notice is published; guardians get a "
                                            "message."))
                return redirect("schools:notices")
    items = list(selectors.notices_for_staff(user).select_related("school_class", "school",
                                                                   "author")[:50])
    return render(request, "schools/notices.html", {
        "items": items, "reads": selectors.read_counts(items), "targets": targets,
        "errors": errors, "form": form})


def _field_label(field: str) -> str:
    return {"title": _("Notice title"), "body": _("Text")}.get(field, field)


@login_required
def notice(request, pk: int):
    """One notice. A guardian of its audience opening it leaves a read receipt; staff who
    see it get the count; anyone else 404."""
    from tinhso.schools.models import Notice

    item = get_object_or_404(Notice.objects.select_related("school", "school_class"), pk=pk)
    user = request.user
    if selectors.notices_for_staff(user).filter(pk=pk).exists():
        return render(request, "schools/notice.html", {
            "n": item, "reads": selectors.read_counts([item])[item.pk]})
    if not selectors.notices_for_guardian(user).filter(pk=pk).exists():
        raise Http404
    services.mark_notice_read(user=user, notice=item, now=timezone.now())
    return render(request, "schools/notice.html", {"n": item, "reads": None})


# ---------------------------------------------------------------- teachers; class workbook

@login_required
def teachers_import(request, school_pk: int):
    """The leader imports teachers (and their homerooms and subjects) from the template."""
    return _import_page(request, school_pk, reports.import_teachers,
                        "schools/import_teachers.html", reports.TEACHER_COLUMNS)


@login_required
def teachers_xlsx(request, school_pk: int):
    school = get_object_or_404(School, pk=school_pk)
    if not services.is_leader(request.user, school.pk):
        raise Http404
    response = HttpResponse(reports.teachers_xlsx(school), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="giao-vien-{school.code}.xlsx"'
    return response


@login_required
def class_gradebook_xlsx(request, class_pk: int):
    """A class's whole gradebook as Excel; its first sheet is the student import layout."""
    school_class = _class_or_404(request.user, class_pk)
    response = HttpResponse(reports.class_gradebook_xlsx(school_class), content_type=XLSX)
    response["Content-Disposition"] = (f'attachment; filename="so-diem-{school_class.name}'
                                       '.xlsx"')
    return response
