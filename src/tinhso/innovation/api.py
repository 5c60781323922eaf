"""Innovation API under /api/v1/innovation: the same services and selectors as the pages.
The directory, calls, rankings, news, events and showcase are public; writes need a
session (founders, the innovation office, judges)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from tinhso.accounts.auth import session_auth
from tinhso.accounts.permissions import require
from tinhso.core.paging import Page, PageIn, page_of
from tinhso.core.schema_types import Id, text
from tinhso.innovation import selectors, services
from tinhso.innovation.errors import InnovationError as E
from tinhso.innovation.errors import innovation_error
from tinhso.innovation.models import (
    Application,
    Assignment,
    Call,
    CallState,
    Profile,
)
from tinhso.innovation.schemas import (
    ApplicationIn,
    ApplicationOut,
    AssignmentOut,
    CallIn,
    CallOut,
    DeclarationIn,
    EventOut,
    FiguresOut,
    JudgesIn,
    MoveIn,
    NewsOut,
    ProfileIn,
    ProfileOut,
    RankedOut,
    ScoreOut,
    ScoresIn,
    ShowcaseOut,
)

router = Router(tags=["innovation"])


def profile_out(p: Profile) -> dict:
    return {"id": p.pk, "kind": p.kind, "name": p.name, "field": p.field,
            "field_label": str(p.get_field_display()), "stage": p.stage,
            "commune": p.commune.code, "commune_name": p.commune.name, "summary": p.summary,
            "team": p.team, "products": p.products, "website": p.website,
            "facebook": p.facebook, "tax_code": p.tax_code, "state": p.state,
            "review_note": p.review_note}


def call_out(c: Call) -> dict:
    return {"id": c.pk, "title": c.title, "description": c.description,
            "eligibility": c.eligibility, "deadline": c.deadline,
            "deadline_local": services.local_text(c.deadline),
            "is_open": c.is_open(timezone.now()), "state": c.state,
            "required_attachments": c.required_attachments,
            "criteria": [{"id": k.pk, "name": k.name, "weight": k.weight,
                          "max_score": k.max_score} for k in c.criteria.all()],
            "funded_places": c.funded_places}


def application_out(a: Application) -> dict:
    return {"id": a.pk, "number": a.number, "call": a.call_id, "profile": a.profile_id,
            "profile_name": a.profile.name, "project_title": a.project_title,
            "summary": a.summary, "budget_vnd": a.budget_vnd, "submitted_at": a.submitted_at,
            "updated_at": a.updated_at,
            "attachments": sorted(a.attachments.values_list("slot", flat=True)),
            "funded": a.funded}


def _profile_input(payload: ProfileIn) -> services.ProfileInput:
    return services.ProfileInput(
        kind=payload.kind, name=payload.name, field=payload.field, stage=payload.stage,
        commune_code=payload.commune, summary=payload.summary, team=payload.team,
        products=payload.products, website=payload.website, facebook=payload.facebook,
        tax_code=payload.tax_code)


# --- profiles ------------------------------------------------------------------------

@router.get("/profiles", response=Page[ProfileOut], auth=None)
def list_profiles(request, page: Query[PageIn], q: text(100) = "", field: text(16) = "",
                  stage: text(16) = "", kind: text(12) = "", commune: int | None = None):
    """The public directory: published profiles, accent-insensitive search and filters."""
    rows = selectors.directory(selectors.DirectoryFilter(q=q, field=field, stage=stage,
                                                         kind=kind, commune=commune))
    return page_of(rows, page, profile_out)


@router.get("/profiles/{profile_id}", response=ProfileOut, auth=None)
def get_profile(request, profile_id: Id):
    return profile_out(get_object_or_404(
        Profile.objects.visible_to(request.user).select_related("commune"), pk=profile_id))


@router.post("/profiles", response={201: ProfileOut}, auth=session_auth)
def create_profile(request, payload: ProfileIn):
    profile = services.create_profile(actor=request.user, data=_profile_input(payload))
    return Status(201, profile_out(profile))


@router.put("/profiles/{profile_id}", response=ProfileOut, auth=session_auth)
def update_profile(request, profile_id: Id, payload: ProfileIn):
    profile = get_object_or_404(Profile, pk=profile_id, owner=request.user)
    return profile_out(services.update_profile(actor=request.user, profile=profile,
                                               data=_profile_input(payload)))


@router.post("/profiles/{profile_id}/actions", response=ProfileOut, auth=session_auth)
def move_profile(request, profile_id: Id, payload: MoveIn):
    """submit (the founder), publish or return with a note (the innovation office)."""
    profile = get_object_or_404(Profile.objects.visible_to(request.user), pk=profile_id)
    return profile_out(services.move_profile(actor=request.user, profile=profile,
                                             action=payload.action, note=payload.note))


# --- calls and applications ------------------------------------------------------------

@router.get("/calls", response=Page[CallOut], auth=None)
def list_calls(request, page: Query[PageIn], open_only: bool = False):
    rows = selectors.open_calls(timezone.now()) if open_only else \
        Call.objects.order_by("-deadline")
    return page_of(rows.prefetch_related("criteria"), page, call_out)


@router.get("/calls/{call_id}", response=CallOut, auth=None)
def get_call(request, call_id: Id):
    return call_out(get_object_or_404(Call, pk=call_id))


@router.post("/calls", response={201: CallOut}, auth=session_auth)
def create_call(request, payload: CallIn):
    call = services.create_call(actor=request.user, data=services.CallInput(
        title=payload.title, description=payload.description,
        eligibility=payload.eligibility, deadline=payload.deadline,
        required_attachments=list(payload.required_attachments),
        criteria=[services.CriterionInput(c.name, c.weight, c.max_score)
                  for c in payload.criteria], funded_places=payload.funded_places))
    return Status(201, call_out(call))


def _files(call: Call, attachments: list[UploadedFile] | None) -> dict[int, object]:
    """Uploaded files in the order of the call's required attachments."""
    return {slot: f for slot, f in enumerate((attachments or [])[:len(call.required_attachments)])
            if f}


@router.post("/calls/{call_id}/applications", response={201: ApplicationOut},
             auth=session_auth)
def apply(request, call_id: Id, payload: Form[ApplicationIn],
          attachments: File[list[UploadedFile]] = None):
    """multipart/form-data: the fields and one file per required attachment, in order.
    The deadline is checked against the server's clock, never a time the client sends."""
    call = get_object_or_404(Call, pk=call_id)
    profile = Profile.objects.filter(pk=payload.profile or 0, owner=request.user).first()
    if profile is None:
        raise innovation_error(E.PROFILE_NOT_PUBLISHED, field="profile")
    application = services.submit_application(
        actor=request.user, call=call, profile=profile,
        data=services.ApplicationInput(payload.project_title, payload.summary,
                                       payload.budget_vnd),
        uploads=_files(call, attachments))
    return Status(201, application_out(application))


@router.get("/applications/{application_id}", response=ApplicationOut, auth=session_auth)
def get_application(request, application_id: Id):
    return application_out(get_object_or_404(
        Application.objects.visible_to(request.user).select_related("profile"),
        pk=application_id))


@router.post("/applications/{application_id}", response=ApplicationOut, auth=session_auth)
def update_application(request, application_id: Id, payload: Form[ApplicationIn],
                       attachments: File[list[UploadedFile]] = None):
    """Change one's application until the deadline (multipart, files replace those sent)."""
    application = get_object_or_404(Application.objects.select_related("call", "profile"),
                                    pk=application_id, applicant=request.user)
    application = services.update_application(
        actor=request.user, application=application,
        data=services.ApplicationInput(payload.project_title, payload.summary,
                                       payload.budget_vnd),
        uploads=_files(application.call, attachments))
    return application_out(application)


# --- judging ------------------------------------------------------------------------------

@router.post("/applications/{application_id}/judges", response=list[AssignmentOut],
             auth=session_auth)
def assign_judges(request, application_id: Id, payload: JudgesIn):
    require(request.user, "innovation.review")
    application = get_object_or_404(Application.objects.select_related("call"),
                                    pk=application_id)
    judges = list(selectors.judges().filter(pk__in=payload.judges))
    if len(judges) != len(set(payload.judges)):
        raise innovation_error(E.NOT_A_JUDGE, field="judges")
    made = services.assign_judges(actor=request.user, application=application, judges=judges)
    return [{"id": a.pk, "application": a.application_id, "judge": a.judge_id,
             "conflict": a.conflict} for a in made]


@router.get("/assignments", response=list[AssignmentOut], auth=session_auth)
def my_assignments(request):
    require(request.user, "innovation.judge")
    return [{"id": a.pk, "application": a.application_id, "judge": a.judge_id,
             "conflict": a.conflict} for a in selectors.my_assignments(request.user)]


def _my_assignment(user, pk: int) -> Assignment:
    return get_object_or_404(Assignment.objects.select_related("application__call"), pk=pk,
                             judge=user)


@router.post("/assignments/{assignment_id}/declaration", response=AssignmentOut,
             auth=session_auth)
def declare(request, assignment_id: Id, payload: DeclarationIn):
    a = services.declare_interest(actor=request.user,
                                  assignment=_my_assignment(request.user, assignment_id),
                                  conflict=payload.conflict, note=payload.note)
    return {"id": a.pk, "application": a.application_id, "judge": a.judge_id,
            "conflict": a.conflict}


@router.put("/assignments/{assignment_id}/scores", response=list[ScoreOut],
            auth=session_auth)
def score(request, assignment_id: Id, payload: ScoresIn):
    assignment = _my_assignment(request.user, assignment_id)
    saved = services.score_application(
        actor=request.user, assignment=assignment,
        scores=[services.ScoreInput(s.criterion, s.value, s.comment) for s in payload.scores])
    return [{"criterion": s.criterion_id, "value": s.value, "comment": s.comment}
            for s in saved]


@router.post("/calls/{call_id}/results", response=list[RankedOut], auth=session_auth)
def publish_results(request, call_id: Id):
    call = get_object_or_404(Call, pk=call_id)
    services.publish_results(actor=request.user, call=call)
    return _ranking(Call.objects.get(pk=call.pk))


@router.get("/calls/{call_id}/ranking", response=list[RankedOut], auth=None)
def ranking(request, call_id: Id):
    """The published ranking (404 until the results are published)."""
    return _ranking(get_object_or_404(Call, pk=call_id, state=CallState.RESULTS))


def _ranking(call: Call) -> list[dict]:
    return [{"rank": r["rank"], "application": r["application"].pk,
             "number": r["application"].number, "profile": r["application"].profile.name,
             "project_title": r["application"].project_title, "score": r["score"],
             "spread": r["spread"], "std_dev": r["std_dev"],
             "funded": r["application"].funded} for r in selectors.published_ranking(call)]


# --- news, events, showcase, figures ---------------------------------------------------------

@router.get("/news", response=list[NewsOut], auth=None)
def news(request):
    return [{"id": n.pk, "title": n.title_vi, "title_en": n.title_en, "body": n.body_vi,
             "published_at": n.published_at} for n in selectors.news(50)]


@router.get("/events", response=list[EventOut], auth=None)
def events(request):
    return [{"id": e.pk, "title": e.title_vi, "title_en": e.title_en, "body": e.body_vi,
             "location": e.location, "starts_at": e.starts_at, "ends_at": e.ends_at}
            for e in selectors.events_from(timezone.localdate())[:200]]


@router.get("/showcase", response=list[ShowcaseOut], auth=None)
def showcase(request):
    """OCOP and speciality products read live from the digital stores."""
    return selectors.showcase(today=timezone.localdate(), limit=48)


@router.get("/figures", response=FiguresOut, auth=session_auth)
def figures(request):
    require(request.user, "innovation.figures")
    return selectors.figures()



