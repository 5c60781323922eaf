"""Pages of the innovation system (phone-first, Vietnamese first): the public home, the
directory of startups and cooperatives, calls and their published rankings, news, events
(with .ics), the showcase of the digital stores' OCOP products and the figures; the
founder's profiles and applications; the office's review, calls and judging board; the
judge's declarations and score sheets. Every write goes through `services`, as the API
does."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.accounts.permissions import has_perm, require
from tinhso.core import files as core_files
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.language import current_language
from tinhso.core.models import AdministrativeUnit
from tinhso.core.money import format_vnd
from tinhso.innovation import calendar, presenters, selectors, services
from tinhso.innovation.errors import InnovationError, innovation_error
from tinhso.innovation.models import (
    Application,
    Assignment,
    Call,
    CallState,
    Conflict,
    Event,
    Field,
    News,
    Profile,
    ProfileKind,
    ProfileState,
    Stage,
)
from tinhso.innovation.selectors import DirectoryFilter

CRITERIA_ROWS = 5


def _errors(error: InvalidInput | DomainError) -> dict[str, str]:
    language = current_language()
    if isinstance(error, DomainError):
        return {error.field or "general": error.message(language)}
    return {e.field: e.message(language) for e in error.errors}


def _int(value) -> int | None:
    try:
        return int(str(value or "").strip())
    except ValueError:
        return None


def _communes():
    return AdministrativeUnit.objects.exclude(kind=AdministrativeUnit.Kind.PROVINCE).order_by(
        "name")


def _uploads(request, call: Call) -> dict[int, object]:
    return {slot: request.FILES[f"attachment-{slot}"]
            for slot in range(len(call.required_attachments))
            if f"attachment-{slot}" in request.FILES}


# ---------------------------------------------------------------------------
# Public pages
# ---------------------------------------------------------------------------

def home(request):
    now = timezone.now()
    language = current_language()
    return render(request, "innovation/home.html", {
        "calls": selectors.open_calls(now)[:5],
        "news": [presenters.localised(n, language) for n in selectors.news(4)],
        "events": [presenters.localised(e, language)
                   for e in selectors.events_from(timezone.localdate(now))[:4]],
        "products": selectors.showcase(today=timezone.localdate(now), limit=4),
        "profiles": Profile.objects.published().select_related("commune")
        .order_by("-published_at", "-pk")[:4],
    })


def directory(request):
    filters = DirectoryFilter(q=(request.GET.get("q") or "")[:100],
                              field=request.GET.get("field", "")[:16],
                              stage=request.GET.get("stage", "")[:16],
                              kind=request.GET.get("kind", "")[:12],
                              commune=_int(request.GET.get("commune")))
    return render(request, "innovation/directory.html", {
        "profiles": selectors.directory(filters)[:60], "filters": filters,
        "fields": Field.choices, "stages": Stage.choices, "kinds": ProfileKind.choices,
        "communes": _communes()})


def profile_detail(request, pk: int):
    profile = get_object_or_404(Profile.objects.visible_to(request.user)
                                .select_related("commune", "owner"), pk=pk)
    mine = request.user.is_authenticated and profile.owner_id == request.user.pk
    office = has_perm(request.user, "innovation.review")
    return render(request, "innovation/profile.html", {
        "profile": profile, "mine": mine, "office": office,
        "can_submit": mine and profile.state in (ProfileState.DRAFT, ProfileState.RETURNED),
        "can_publish": office and profile.state == ProfileState.SUBMITTED,
        "can_return": office and profile.state in (ProfileState.SUBMITTED,
                                                   ProfileState.PUBLISHED),
        "links": [u for u in (profile.website, profile.facebook) if u]})


def calls(request):
    now = timezone.now()
    return render(request, "innovation/calls.html", {
        "open": selectors.open_calls(now),
        "past": Call.objects.exclude(pk__in=selectors.open_calls(now)).order_by("-deadline")[:30]})


def call_detail(request, pk: int):
    call = get_object_or_404(Call, pk=pk)
    now = timezone.now()
    mine = None
    if request.user.is_authenticated:
        mine = Application.objects.filter(call=call, applicant=request.user).first()
    return render(request, "innovation/call.html", {
        "call": call, "open": call.is_open(now), "mine": mine,
        "deadline": services.local_text(call.deadline),
        "criteria": call.criteria.all(),
        "may_apply": has_perm(request.user, "innovation.found"),
        "office": has_perm(request.user, "innovation.review")})


def results(request, pk: int):
    call = get_object_or_404(Call, pk=pk, state=CallState.RESULTS)
    return render(request, "innovation/results.html", {
        "call": call, "rows": selectors.published_ranking(call)})


def showcase(request):
    return render(request, "innovation/showcase.html", {
        "products": selectors.showcase(today=timezone.localdate(), limit=48)})


def news_detail(request, pk: int):
    item = get_object_or_404(selectors.published_news(), pk=pk)
    return render(request, "innovation/news.html", {
        "item": presenters.localised(item, current_language())})


def events(request):
    language = current_language()
    rows = [presenters.localised(e, language)
            for e in selectors.events_from(timezone.localdate() - timedelta(days=30))[:100]]
    return render(request, "innovation/events.html", {"events": rows})


def events_ics(request):
    rows = selectors.events_from(timezone.localdate() - timedelta(days=30))[:500]
    return _ics(calendar.render(rows, stamp=timezone.now()), "su-kien-khoi-nghiep.ics")


def event_ics(request, pk: int):
    event = get_object_or_404(Event, pk=pk, is_published=True)
    return _ics(calendar.render([event], stamp=timezone.now()), f"su-kien-{event.pk}.ics")


def _ics(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def image(request, kind: str, pk: int):
    model = {"tin": News, "su-kien": Event}.get(kind)
    if model is None:
        raise Http404
    item = get_object_or_404(model, pk=pk, is_published=True)
    if not item.image:
        raise Http404
    return core_files.serve(item.image, max_age=3600)


def figures(request):
    require(request.user, "innovation.figures")
    return render(request, "innovation/figures.html", {"figures": selectors.figures()})


def figures_json(request):
    require(request.user, "innovation.figures")
    return JsonResponse(selectors.figures())


# ---------------------------------------------------------------------------
# Founders
# ---------------------------------------------------------------------------

def _profile_input(data) -> services.ProfileInput:
    return services.ProfileInput(
        kind=data.get("kind", ""), name=data.get("name", ""), field=data.get("field", ""),
        stage=data.get("stage", ""), commune_code=_int(data.get("commune")),
        summary=data.get("summary", ""), team=data.get("team", ""),
        products=data.get("products", ""), website=data.get("website", ""),
        facebook=data.get("facebook", ""), tax_code=data.get("tax_code", ""))


def _profile_form(request, profile=None, data=None, errors=None, status=200):
    if data is None and profile is not None:
        data = {"kind": profile.kind, "name": profile.name, "field": profile.field,
                "stage": profile.stage, "commune": str(profile.commune.code),
                "summary": profile.summary, "team": profile.team, "products": profile.products,
                "website": profile.website, "facebook": profile.facebook,
                "tax_code": profile.tax_code}
    return render(request, "innovation/profile_form.html", {
        "profile": profile, "data": data or {}, "errors": errors or {},
        "fields": Field.choices, "stages": Stage.choices, "kinds": ProfileKind.choices,
        "communes": _communes()}, status=status)


@login_required
def mine(request):
    require(request.user, "innovation.found")
    return render(request, "innovation/mine.html", {
        "profiles": Profile.objects.filter(owner=request.user).select_related("commune"),
        "applications": Application.objects.filter(applicant=request.user)
        .select_related("call", "profile").order_by("-submitted_at"),
        "calls": selectors.open_calls(timezone.now())})


@login_required
def profile_new(request):
    require(request.user, "innovation.found")
    if request.method != "POST":
        return _profile_form(request)
    try:
        profile = services.create_profile(actor=request.user, data=_profile_input(request.POST))
    except InvalidInput as error:
        return _profile_form(request, data=request.POST, errors=_errors(error), status=422)
    messages.success(request, _("The profile is saved as a draft. Send it for review when "
                                "it is ready."))
    return redirect("innovation:profile", pk=profile.pk)


@login_required
def profile_edit(request, pk: int):
    profile = get_object_or_404(Profile, pk=pk, owner=request.user)
    if request.method != "POST":
        return _profile_form(request, profile)
    try:
        services.update_profile(actor=request.user, profile=profile,
                                data=_profile_input(request.POST))
    except (InvalidInput, DomainError) as error:
        return _profile_form(request, profile, data=request.POST, errors=_errors(error),
                             status=422)
    messages.success(request, _("The profile is saved."))
    return redirect("innovation:profile", pk=profile.pk)


@login_required
@require_POST
def profile_move(request, pk: int):
    profile = get_object_or_404(Profile.objects.visible_to(request.user), pk=pk)
    action = request.POST.get("action", "")
    try:
        services.move_profile(actor=request.user, profile=profile, action=action,
                              note=request.POST.get("note", ""))
    except (InvalidInput, DomainError) as error:
        for message in _errors(error).values():
            messages.error(request, message)
        return redirect("innovation:profile", pk=profile.pk)
    done = {"submit": _("The profile is sent to the innovation office for review."),
            "publish": _("The profile is published in the directory."),
            "return": _("The profile is returned to its founder with your note.")}
    messages.success(request, done.get(action, ""))
    if action == "submit":
        return redirect("innovation:profile", pk=profile.pk)
    return redirect("innovation:review")


def _application_input(data) -> services.ApplicationInput:
    return services.ApplicationInput(project_title=data.get("project_title", ""),
                                     summary=data.get("summary", ""),
                                     budget_vnd=data.get("budget_vnd", "") or 0)


def _application_form(request, call, application=None, data=None, errors=None, status=200):
    if data is None and application is not None:
        data = {"project_title": application.project_title, "summary": application.summary,
                "budget_vnd": application.budget_vnd, "profile": str(application.profile_id)}
    have = {a.slot: a for a in application.attachments.all()} if application else {}
    return render(request, "innovation/apply.html", {
        "call": call, "application": application, "data": data or {}, "errors": errors or {},
        "deadline": services.local_text(call.deadline),
        "profiles": Profile.objects.filter(owner=request.user,
                                           state=ProfileState.PUBLISHED),
        "slots": [(i, label, have.get(i), (errors or {}).get(f"attachment-{i}", ""))
                  for i, label in enumerate(call.required_attachments)],
    }, status=status)


@login_required
def apply(request, pk: int):
    require(request.user, "innovation.found")
    call = get_object_or_404(Call, pk=pk)
    mine = Application.objects.filter(call=call, applicant=request.user).first()
    if mine is not None:
        return redirect("innovation:application_edit", pk=mine.pk)
    if request.method != "POST":
        return _application_form(request, call)
    profile = Profile.objects.filter(owner=request.user,
                                     pk=_int(request.POST.get("profile")) or 0).first()
    try:
        if profile is None:
            raise innovation_error(InnovationError.PROFILE_NOT_PUBLISHED, field="profile")
        application = services.submit_application(
            actor=request.user, call=call, profile=profile,
            data=_application_input(request.POST), uploads=_uploads(request, call))
    except (InvalidInput, DomainError) as error:
        return _application_form(request, call, data=request.POST, errors=_errors(error),
                                 status=422)
    messages.success(request, _("Your application is received: receipt %(number)s.")
                     % {"number": application.number})
    return redirect("innovation:application", pk=application.pk)


@login_required
def application_edit(request, pk: int):
    application = get_object_or_404(Application.objects.select_related("call"), pk=pk,
                                    applicant=request.user)
    call = application.call
    if not call.is_open(timezone.now()):
        messages.error(request, _("The deadline has passed: the application can no longer "
                                  "be changed."))
        return redirect("innovation:application", pk=application.pk)
    if request.method != "POST":
        return _application_form(request, call, application)
    try:
        services.update_application(actor=request.user, application=application,
                                    data=_application_input(request.POST),
                                    uploads=_uploads(request, call))
    except (InvalidInput, DomainError) as error:
        return _application_form(request, call, application, data=request.POST,
                                 errors=_errors(error), status=422)
    messages.success(request, _("Your changes are saved."))
    return redirect("innovation:application", pk=application.pk)


def _visible_application(user, pk: int) -> Application:
    return get_object_or_404(Application.objects.visible_to(user)
                             .select_related("call", "profile__commune"), pk=pk)


@login_required
def application_detail(request, pk: int):
    application = _visible_application(request.user, pk)
    call = application.call
    return render(request, "innovation/application.html", {
        "application": application, "call": call,
        "mine": application.applicant_id == request.user.pk,
        "open": call.is_open(timezone.now()),
        "deadline": services.local_text(call.deadline),
        "submitted": services.local_text(application.submitted_at),
        "budget": format_vnd(application.budget_vnd),
        "updated": services.local_text(application.updated_at),
        "attachments": _labelled(application)})


def _labelled(application: Application) -> list[tuple]:
    """Each attachment with the label of the required attachment it answers."""
    labels = application.call.required_attachments
    return [(a, labels[a.slot] if a.slot < len(labels) else str(a.slot + 1))
            for a in application.attachments.all()]


@login_required
def receipt_pdf(request, pk: int):
    application = _visible_application(request.user, pk)
    data = presenters.receipt_pdf(application)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (f'attachment; filename="bien-nhan-{application.number}'
                                       '.pdf"')
    return response


@login_required
def attachment(request, pk: int, slot: int):
    application = _visible_application(request.user, pk)
    item = get_object_or_404(application.attachments, slot=slot)
    return core_files.serve(item.stored_name, attachment=True,
                            download_name=f"{application.number}-{slot + 1}."
                            f"{item.stored_name.rsplit('.', 1)[-1]}")


# ---------------------------------------------------------------------------
# The innovation office
# ---------------------------------------------------------------------------

@login_required
def review(request):
    require(request.user, "innovation.review")
    return render(request, "innovation/review.html", {
        "waiting": Profile.objects.filter(state=ProfileState.SUBMITTED)
        .select_related("commune", "owner").order_by("updated_at"),
        "calls": Call.objects.order_by("-deadline")[:20]})


def _call_input(data) -> services.CallInput:
    deadline = presenters.parse_moment(data.get("deadline", ""))
    criteria = [services.CriterionInput(data.get(f"criterion-{i}-name", ""),
                                        data.get(f"criterion-{i}-weight", "") or 0,
                                        data.get(f"criterion-{i}-max", "") or 10)
                for i in range(CRITERIA_ROWS)]
    return services.CallInput(
        title=data.get("title", ""), description=data.get("description", ""),
        eligibility=data.get("eligibility", ""), deadline=deadline,
        required_attachments=[line for line in data.get("attachments", "").splitlines()
                              if line.strip()][:10],
        criteria=criteria, funded_places=data.get("funded_places", "") or 0)


@login_required
def call_new(request):
    require(request.user, "innovation.review")
    data = request.POST or {}
    rows = [(i, data.get(f"criterion-{i}-name", ""), data.get(f"criterion-{i}-weight", ""),
             data.get(f"criterion-{i}-max", "") or 10) for i in range(CRITERIA_ROWS)]
    context = {"rows": rows, "data": data, "errors": {}}
    if request.method != "POST":
        return render(request, "innovation/call_form.html", context)
    try:
        call = services.create_call(actor=request.user, data=_call_input(request.POST))
    except InvalidInput as error:
        context["errors"] = _errors(error)
        return render(request, "innovation/call_form.html", context, status=422)
    messages.success(request, _("The call is published."))
    return redirect("innovation:call", pk=call.pk)


@login_required
def judging(request, pk: int):
    require(request.user, "innovation.review")
    call = get_object_or_404(Call, pk=pk)
    return render(request, "innovation/judging.html", {
        "call": call, "board": selectors.judging_board(call), "judges": selectors.judges(),
        "missing": selectors.missing_scores(call),
        "after_deadline": timezone.now() >= call.deadline,
        "ranking": presenters.ranking_rows(call) if call.state != CallState.RESULTS else []})


@login_required
@require_POST
def assign(request, pk: int):
    require(request.user, "innovation.review")
    application = get_object_or_404(Application.objects.select_related("call"), pk=pk)
    ids = [i for i in (_int(v) for v in request.POST.getlist("judges")) if i]
    chosen = list(selectors.judges().filter(pk__in=ids))
    try:
        services.assign_judges(actor=request.user, application=application, judges=chosen)
    except DomainError as error:
        messages.error(request, error.message(current_language()))
    return redirect("innovation:judging", pk=application.call_id)


@login_required
def publish(request, pk: int):
    require(request.user, "innovation.review")
    call = get_object_or_404(Call, pk=pk)
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        return render(request, "innovation/confirm_publish.html", {
            "call": call, "missing": selectors.missing_scores(call)})
    try:
        services.publish_results(actor=request.user, call=call)
    except DomainError as error:
        messages.error(request, error.message(current_language()))
        return redirect("innovation:judging", pk=call.pk)
    messages.success(request, _("The results are published."))
    return redirect("innovation:results", pk=call.pk)


# ---------------------------------------------------------------------------
# Judges
# ---------------------------------------------------------------------------

@login_required
def judge_home(request):
    require(request.user, "innovation.judge")
    rows = selectors.my_assignments(request.user).exclude(conflict=Conflict.DECLARED)
    return render(request, "innovation/judge_home.html", {
        "todo": rows.filter(application__call__state=CallState.OPEN),
        "done": rows.filter(application__call__state=CallState.RESULTS)[:50]})


@login_required
def judge_assignment(request, pk: int):
    require(request.user, "innovation.judge")
    assignment = get_object_or_404(Assignment.objects.select_related(
        "application__call", "application__profile__commune"), pk=pk, judge=request.user)
    if assignment.conflict == Conflict.DECLARED:
        raise Http404  # a conflicted judge does not see the application
    application, call = assignment.application, assignment.application.call
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("declare"):
                services.declare_interest(
                    actor=request.user, assignment=assignment,
                    conflict=request.POST.get("declare") == "conflict",
                    note=request.POST.get("note", ""))
                if request.POST.get("declare") == "conflict":
                    messages.success(request, _("Your conflict of interest is recorded: "
                                                "this application is taken off your list."))
                    return redirect("innovation:judge_home")
            else:
                services.score_application(
                    actor=request.user, assignment=assignment,
                    scores=[services.ScoreInput(c.pk, request.POST.get(f"score-{c.pk}"),
                                                request.POST.get(f"comment-{c.pk}", ""))
                            for c in call.criteria.all()])
                messages.success(request, _("Your scores are saved."))
            return redirect("innovation:judge_assignment", pk=assignment.pk)
        except (InvalidInput, DomainError) as error:
            errors, status = _errors(error), 422
    scores = {s.criterion_id: s for s in assignment.scores.all()}
    sheet = [(c, request.POST.get(f"score-{c.pk}") if errors else
              (scores[c.pk].value if c.pk in scores else ""),
              request.POST.get(f"comment-{c.pk}", "") if errors else
              (scores[c.pk].comment if c.pk in scores else ""),
              errors.get(f"score-{c.pk}", ""))
             for c in call.criteria.all()]
    return render(request, "innovation/judge_assignment.html", {
        "assignment": assignment, "application": application, "call": call,
        "pending": assignment.conflict == Conflict.PENDING, "sheet": sheet, "errors": errors,
        "may_score": call.state == CallState.OPEN and timezone.now() >= call.deadline,
        "attachments": _labelled(application)}, status=status)
