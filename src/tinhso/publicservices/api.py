"""Public-services API (/api/v1/public-services/…): every action of the pages, calling
the same services; lists paged; another agency's dossier is 404. Tracking and rating need
no account: the dossier code plus the second factor, rate-limited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Status

from tinhso.accounts.auth import session_auth
from tinhso.accounts.models import Role, User
from tinhso.accounts.permissions import require, roles_of
from tinhso.core.paging import Page, PageIn, page_of
from tinhso.core.request_context import client_address
from tinhso.core.schema_types import Id
from tinhso.core.selectors import working_calendar
from tinhso.publicservices import selectors, services, statistics
from tinhso.publicservices.access import (
    OFFICER_ROLES,
    PROVINCE_ROLES,
    agencies_of,
    visible_dossier,
)
from tinhso.publicservices.models import Agency, Dossier, DossierState, Procedure
from tinhso.publicservices.schemas import (
    AssignIn,
    CatalogueQuery,
    DeskReceptionIn,
    DossierDetailOut,
    DossierOut,
    ExtensionIn,
    HandOverIn,
    NoteIn,
    ProcedureOut,
    RateIn,
    RatingOut,
    RefuseIn,
    ResolveIn,
    StatisticsQuery,
    SupplementIn,
    TrackIn,
    TrackOut,
    TransferIn,
)
from tinhso.publicservices.services import feedback
from tinhso.publicservices.workflow import RESOLVED_STATES

router = Router(tags=["public-services"])
S = DossierState


def dossier_out(d: Dossier, now=None, limit=None) -> dict:
    step = d.current_step
    return {
        "id": d.pk, "code": d.code, "procedure_code": d.procedure.code,
        "procedure_name": d.procedure.name, "agency_code": d.agency.code,
        "receiving_agency_code": d.receiving_agency.code, "channel": d.channel,
        "state": d.state, "state_label": str(d.get_state_display()),
        "applicant_name": d.applicant_name, "submitted_at": d.submitted_at,
        "received_at": d.received_at, "appointment_at": d.appointment_at,
        "due_at": d.due_at, "effective_due_at": d.effective_due_at,
        "extension_used": d.extension_used, "outcome": d.outcome,
        "current_step": step.name if step else None, "assignee_id": d.assignee_id,
        "due_status": selectors.due_class(d, now, limit) if now and limit else "",
    }


def _detail(user, pk: int) -> dict:
    d = visible_dossier(user, pk)
    now = timezone.now()
    out = dossier_out(d, now, selectors.soon_limit(working_calendar(), now))
    out["steps"] = [{"order": s.order, "name": s.name, "kind": s.kind,
                     "agency_code": s.agency.code, "assignee_id": s.assignee_id,
                     "received_at": s.received_at, "due_at": s.due_at,
                     "finished_at": s.finished_at, "outcome": s.outcome}
                    for s in d.steps.select_related("agency")]
    out["timeline"] = [{"state": t["state"], "label": str(t["label"]), "at": t["at"]}
                       for t in feedback.timeline(d)]
    return out


def _paged(rows, page: PageIn):
    now = timezone.now()
    limit = selectors.soon_limit(working_calendar(), now)
    return page_of(rows, page, lambda d: dossier_out(d, now, limit))


def _colleague(dossier: Dossier, user_id: int | None):
    if user_id is None:
        return None
    org = dossier.agency.organization_id
    found = User.objects.filter(pk=user_id, memberships__organization_id=org,
                                memberships__role__in=list(OFFICER_ROLES),
                                is_active=True).first() if org else None
    if found is None:
        raise Http404("assignee")
    return found


# ---------------------------------------------------------------- lists


@router.get("/procedures", response=Page[ProcedureOut], auth=None)
def procedures(request, page: Query[PageIn], filters: Query[CatalogueQuery]):
    """The procedures offered online, searched without accents (``q``: name, code, field;
    best match first) and filtered by field, level and online level (full / partial)."""
    rows = selectors.online_catalogue(q=filters.q, field=filters.field, level=filters.level,
                                      online=filters.online)
    return page_of(rows, page, lambda p: {
        "code": p.code, "name": p.name, "field": p.field, "level": p.level,
        "processing_days": float(p.processing_days), "fee_vnd": p.fee_vnd,
        "online_level": p.online_level})



@router.get("/dossiers", response=Page[DossierOut], auth=session_auth)
def list_dossiers(request, page: Query[PageIn], state: DossierState | None = None):
    """Dossiers the caller may see (an officer: their agencies'; a citizen: their own)."""
    rows = Dossier.objects.visible_to(request.auth).select_related(
        "procedure", "agency", "receiving_agency", "current_step").order_by("-id")
    if state:
        rows = rows.filter(state=state)
    return _paged(rows, page)


@router.get("/console/mine", response=Page[DossierOut], auth=session_auth)
def my_dossiers(request, page: Query[PageIn]):
    """The officer's open dossiers, soonest due first, with due-soon / overdue."""
    return _paged(selectors.my_dossiers(request.auth), page)


@router.get("/console/reception-queue", response=Page[DossierOut], auth=session_auth)
def reception_queue(request, page: Query[PageIn]):
    """Dossiers waiting at the caller's one-stop desk (oldest first)."""
    return _paged(selectors.reception_queue(request.auth), page)


@router.get("/console/results-to-return", response=Page[DossierOut], auth=session_auth)
def results_to_return(request, page: Query[PageIn]):
    return _paged(selectors.results_to_return(request.auth), page)


@router.get("/console/approvals", response=Page[DossierOut], auth=session_auth)
def approvals(request, page: Query[PageIn]):
    """The leader's list: dossiers at the approval step."""
    return _paged(selectors.approval_list(request.auth), page)


@router.get("/dossiers/{dossier_id}", response=DossierDetailOut, auth=session_auth)
def get_dossier(request, dossier_id: Id):
    """One dossier with its process control sheet (BM.05) and timeline; another agency's
    is 404."""
    return _detail(request.auth, dossier_id)


# ---------------------------------------------------------------- actions


@router.post("/dossiers", response={201: DossierDetailOut}, auth=session_auth)
def receive_at_desk(request, payload: DeskReceptionIn):
    """A walk-in dossier at the one-stop desk: submitted and received at once (code,
    receipt moment, appointment)."""
    procedure = Procedure.objects.filter(code=payload.procedure_code).first()
    agency = Agency.objects.filter(code=payload.agency_code).first()
    if procedure is None or agency is None:
        raise Http404("procedure or agency")
    applicant = {f"applicant_{k}": v for k, v in payload.applicant.dict().items() if v}
    d = services.receive_at_desk(actor=request.auth, procedure=procedure, agency=agency,
                                 applicant=applicant,
                                 papers=[{"name": name} for name in payload.papers])
    return Status(201, _detail(request.auth, d.pk))


@router.post("/dossiers/{dossier_id}/accept", response=DossierDetailOut, auth=session_auth)
def accept(request, dossier_id: Id):
    """The desk receives a submitted dossier (a portal dossier keeps its code)."""
    services.accept_dossier(actor=request.auth, dossier=visible_dossier(request.auth,
                                                                        dossier_id).pk)
    return _detail(request.auth, dossier_id)


@router.post("/dossiers/{dossier_id}/hand-over", response=DossierDetailOut,
             auth=session_auth)
def hand_over(request, dossier_id: Id, payload: HandOverIn):
    """The current step is done; the next starts (optionally with an assignee)."""
    d = visible_dossier(request.auth, dossier_id)
    services.hand_over(actor=request.auth, dossier=d.pk,
                       assignee=_colleague(d, payload.assignee_id), note=payload.note)
    return _detail(request.auth, dossier_id)


@router.post("/dossiers/{dossier_id}/assign", response=DossierDetailOut, auth=session_auth)
def assign(request, dossier_id: Id, payload: AssignIn):
    d = visible_dossier(request.auth, dossier_id)
    services.assign_dossier(actor=request.auth, dossier=d.pk,
                            assignee=_colleague(d, payload.assignee_id))
    return _detail(request.auth, dossier_id)


@router.post("/dossiers/{dossier_id}/supplement-request", response=DossierDetailOut,
             auth=session_auth)
def supplement_request(request, dossier_id: Id, payload: SupplementIn):
    """Ask for missing papers (BM.02): before reception it sends the dossier back; during
    processing it pauses the clock."""
    d = visible_dossier(request.auth, dossier_id)
    if d.state == S.SUBMITTED:
        services.request_completion(actor=request.auth, dossier=d.pk,
                                    missing=payload.missing, reason=payload.reason)
    else:
        services.request_supplement(actor=request.auth, dossier=d.pk,
                                    missing=payload.missing, reason=payload.reason)
    return _detail(request.auth, dossier_id)


@router.post("/dossiers/{dossier_id}/supply", response=DossierDetailOut, auth=session_auth)
def supply(request, dossier_id: Id):
    """The applicant (or the desk for them) supplies what was asked: the clock resumes."""
    d = visible_dossier(request.auth, dossier_id)
    if d.state == S.INCOMPLETE:
        services.resubmit_dossier(actor=request.auth, dossier=d.pk)
    else:
        services.supply_supplement(actor=request.auth, dossier=d.pk)
    return _detail(request.auth, dossier_id)


@router.post("/dossiers/{dossier_id}/transfer", response=DossierDetailOut,
             auth=session_auth)
def transfer(request, dossier_id: Id, payload: TransferIn):
    """Send the dossier to another agency; the clock goes with it."""
    d = visible_dossier(request.auth, dossier_id)
    to = Agency.objects.filter(code=payload.agency_code).first()
    if to is None:
        raise Http404("agency")
    services.transfer_dossier(actor=request.auth, dossier=d.pk, to_agency=to,
                              note=payload.note)
    return _detail(request.auth, dossier_id)


@router.post("/dossiers/{dossier_id}/extension", response=DossierDetailOut,
             auth=session_auth)
def extension(request, dossier_id: Id, payload: ExtensionIn):
    """The apology and new-date letter (BM.04), once, at least one working day before."""
    d = visible_dossier(request.auth, dossier_id)
    services.issue_extension(actor=request.auth, dossier=d.pk, new_due=payload.new_due,
                             reason=payload.reason)
    return _detail(request.auth, dossier_id)


@router.post("/dossiers/{dossier_id}/resolve", response=DossierDetailOut, auth=session_auth)
def resolve(request, dossier_id: Id, payload: ResolveIn):
    """The leader approves: the result is ready; judged on time or late. Irreversible."""
    d = visible_dossier(request.auth, dossier_id)
    services.resolve_dossier(actor=request.auth, dossier=d.pk,
                             result_summary=payload.result_summary)
    return _detail(request.auth, dossier_id)


@router.post("/dossiers/{dossier_id}/return", response=DossierDetailOut, auth=session_auth)
def return_result(request, dossier_id: Id):
    """The desk returns the result. Irreversible."""
    d = visible_dossier(request.auth, dossier_id)
    services.return_result(actor=request.auth, dossier=d.pk)
    return _detail(request.auth, dossier_id)


@router.post("/dossiers/{dossier_id}/refuse", response=DossierDetailOut, auth=session_auth)
def refuse(request, dossier_id: Id, payload: RefuseIn):
    """Refuse with a reason (BM.03). Irreversible."""
    d = visible_dossier(request.auth, dossier_id)
    services.refuse_dossier(actor=request.auth, dossier=d.pk, reason=payload.reason,
                            note=payload.note)
    return _detail(request.auth, dossier_id)


@router.post("/dossiers/{dossier_id}/withdraw", response=DossierDetailOut,
             auth=session_auth)
def withdraw(request, dossier_id: Id, payload: NoteIn):
    """The applicant withdraws the dossier."""
    d = visible_dossier(request.auth, dossier_id)
    services.withdraw_dossier(actor=request.auth, dossier=d.pk, note=payload.note)
    return _detail(request.auth, dossier_id)


# ---------------------------------------------------------------- tracking, rating


def _tracked(request, payload: TrackIn) -> Dossier:
    d = feedback.track(payload.code, payload.factor, address=client_address(request))
    if d is None:
        raise Http404("dossier")
    return d


@router.post("/tracking", response=TrackOut, auth=None)
def track(request, payload: TrackIn):
    """Public: a dossier's timeline for its code and the applicant's mobile number or the
    last digits of the ID (404 for any wrong pair; 429 after too many lookups)."""
    d = _tracked(request, payload)
    return {"code": d.code, "procedure_name": d.procedure.name, "agency_name": d.agency.name,
            "state": d.state, "state_label": str(d.get_state_display()),
            "received_at": d.received_at, "appointment_at": d.appointment_at,
            "due_at": d.effective_due_at, "outcome": d.outcome,
            "can_rate": d.state in RESOLVED_STATES and not hasattr(d, "satisfaction"),
            "timeline": [{"state": t["state"], "label": str(t["label"]), "at": t["at"]}
                         for t in feedback.timeline(d)]}


@router.post("/tracking/rating", response={201: RatingOut}, auth=None)
def rate(request, payload: RateIn):
    """The applicant rates a dossier once its result is ready (code + second factor)."""
    d = _tracked(request, payload)
    rating = feedback.rate_dossier(dossier=d, levels=payload.dict(), comment=payload.comment,
                                   actor=getattr(request, "user", None))
    return Status(201, {"code": d.code, "score": rating.score, "rated_at": rating.rated_at})


# ---------------------------------------------------------------- statistics


def _json_rows(rows: list[dict]) -> list[dict]:
    out = []
    for row in rows:
        clean = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()
                 if k != "index"}
        clean["index"] = row.get("index")
        out.append(clean)
    return out


@router.get("/statistics", response=dict, auth=session_auth)
def statistics_json(request, query: Query[StatisticsQuery]):
    """Decision 766 statistics of a year for the operations dashboard: the province's
    counts and index, each agency's, the province and commune rankings, and the rows of
    ``by`` (agency, field, procedure, month). A head or leader sees their agencies only."""
    require(request.auth, "publicservices.statistics")
    period = statistics.Period.year(query.year)
    user = request.auth
    if user.is_superuser or any(role in PROVINCE_ROLES for role, _o in roles_of(user)):
        data = statistics.province_statistics(period)
        agencies = None
    else:
        agencies = agencies_of(user, {Role.HEAD_OF_UNIT, Role.AGENCY_LEADER})
        if not agencies:
            raise PermissionDenied("publicservices.statistics")
        data = {"period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
                "total": (statistics.counts(period, agencies=agencies) or [None])[0],
                "agencies": statistics.counts(period, by="agency", agencies=agencies),
                "province_ranking": [], "commune_ranking": []}
    rows = data["agencies"] if query.by == "agency" else statistics.counts(
        period, by=query.by, agencies=agencies)
    return {"period": data["period"], "by": query.by,
            "total": _json_rows([data["total"]])[0] if data["total"] else None,
            "rows": _json_rows(rows),
            "province_ranking": [{"code": r["agency__code"], "name": r["agency__name"],
                                  "total": r["total"], "rank": r["rank"]}
                                 for r in data["province_ranking"]],
            "commune_ranking": [{"code": r["agency__code"], "name": r["agency__name"],
                                 "total": r["total"], "rank": r["rank"]}
                                for r in data["commune_ranking"]]}
