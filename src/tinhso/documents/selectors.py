"""Reads of the documents app. Every list starts from ``visible_to(user)`` (access.py), so
confidentiality holds in lists, search results and downloads alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from tinhso.core import search
from tinhso.documents import search_index as ix
from tinhso.documents.access import search_keys
from tinhso.documents.models import (
    UNREGISTERED,
    Agency,
    Assignment,
    AssignmentState,
    DeliveryState,
    IncomingDocument,
    IncomingState,
    OutgoingDocument,
    OutgoingState,
    Recipient,
)


@dataclass(frozen=True)
class Filters:
    q: str = ""
    doc_type: str = ""
    agency: int | None = None      # the user's agency (receiver / issuer)
    sender: str = ""               # issuing agency's name, for incoming
    register: int | None = None
    state: str = ""
    date_from: date | None = None
    date_to: date | None = None


#: The date each list is filtered on; an outgoing draft has no issue date yet, so its
#: creation date stands in.
_DATE_FIELDS = {IncomingDocument: ("arrived_at", None),
                OutgoingDocument: ("issued_at", "created_at")}


def _where(model, f: Filters) -> Q:
    """The filters the search index does not hold (dates, the sender's name)."""
    field, fallback = _DATE_FIELDS[model]
    where = Q()
    for bound, lookup in ((f.date_from, "gte"), (f.date_to, "lte")):
        if bound is None:
            continue
        on_date = Q(**{f"{field}__date__{lookup}": bound})
        if fallback:
            on_date |= Q(**{f"{field}__isnull": True, f"{fallback}__date__{lookup}": bound})
        where &= on_date
    if f.sender and model is IncomingDocument:
        where &= Q(sender_name__icontains=f.sender)
    return where


def _keys(f: Filters) -> list[str]:
    """The equality filters as key words of the search index (search_index.py)."""
    keys = []
    if f.doc_type:
        keys.append(ix.type_key(f.doc_type))
    if f.agency:
        keys.append(ix.agency_key(f.agency))
    if f.register:
        keys.append(ix.register_key(f.register))
    if f.state:
        keys.append(ix.state_key(f.state))
    return keys


def _listed(user, rows: QuerySet, f: Filters, order: tuple[str, ...]):
    """One list, filtered; with words, searched through ``core.search.find``: words,
    filters and the row-level rule matched inside the index (bounded work per query;
    numbers and excerpts matching every word first, then the rest, newest first; counted
    up to ``search.COUNT_CAP``); ``rows`` (already ``visible_to``) fetches the page."""
    where = _where(rows.model, f)
    if f.q:
        visible = search_keys(user)
        if not visible:
            return rows.none()
        return search.find(rows, f.q, keys=[visible, *_keys(f)], where=where or None)
    lookups = {"doc_type": f.doc_type, "agency_id": f.agency, "register_id": f.register,
               "state": f.state}
    return rows.filter(where, **{k: v for k, v in lookups.items() if v}).order_by(*order)


def incoming(user, f: Filters = Filters()) -> QuerySet[IncomingDocument] | search.Found:
    rows = IncomingDocument.objects.visible_to(user).select_related("agency", "register")
    return _listed(user, rows, f, ("-arrived_at", "-id"))


def outgoing(user, f: Filters = Filters()) -> QuerySet[OutgoingDocument] | search.Found:
    rows = OutgoingDocument.objects.visible_to(user).select_related("agency", "signer",
                                                                     "register")
    return _listed(user, rows, f, ("-created_at", "-id"))


def incoming_detail(user, pk: int) -> IncomingDocument:
    return get_object_or_404(IncomingDocument.objects.visible_to(user)
                             .select_related("agency", "register", "reply"), pk=pk)


def outgoing_detail(user, pk: int) -> OutgoingDocument:
    return get_object_or_404(OutgoingDocument.objects.visible_to(user)
                             .select_related("agency", "signer", "drafter", "unit"), pk=pk)


def my_assignments(user, *, today: date | None = None) -> dict[str, list[Assignment]]:
    """The handler's desk: what is overdue, due within two days, and the rest."""
    today = today or timezone.localdate()
    rows = list(Assignment.objects.filter(assignee=user, state=AssignmentState.ACTIVE,
                                          document__in=IncomingDocument.objects
                                          .visible_to(user))
                .select_related("document").order_by("deadline"))
    from tinhso.core.selectors import working_calendar

    soon = working_calendar().add_working_days(today, 2)
    return {
        "overdue": [a for a in rows if a.deadline < today],
        "due_soon": [a for a in rows if today <= a.deadline <= soon],
        "later": [a for a in rows if a.deadline > soon],
    }


def still_to_send(document: OutgoingDocument) -> QuerySet[Recipient]:
    """The recipients a send would still deliver to: pending, and (for an agency outside
    the platform) with no exchange message queued yet — one message per recipient."""
    return Recipient.objects.filter(document=document, state=DeliveryState.PENDING,
                                    message__isnull=True)


def waiting_for(user, action: str) -> QuerySet[OutgoingDocument]:
    """Drafts waiting for this person: to approve (signer) or to issue (clerk)."""
    rows = OutgoingDocument.objects.visible_to(user)
    if action == "approve":
        return rows.filter(state=OutgoingState.IN_REVIEW, signer=user)
    if action == "review":
        return rows.filter(state=OutgoingState.IN_REVIEW)
    if action == "issue":
        return rows.filter(state=OutgoingState.APPROVED)
    return rows.none()


def statistics(user, *, agency: Agency, date_from: date, date_to: date) -> dict:
    """For the operations dashboard: counts per issuing agency and the on-time handling
    rate of the period's closed documents."""
    rows = incoming(user, Filters(agency=agency.pk, date_from=date_from, date_to=date_to))
    rows = rows.exclude(state__in=UNREGISTERED)
    per_sender = list(rows.values("sender_name").annotate(count=Count("id"))
                      .order_by("-count", "sender_name")[:50])
    closed = rows.filter(state=IncomingState.CLOSED, due_date__isnull=False)
    closed_total = closed.count()
    on_time = sum(1 for closed_at, due in closed.values_list("closed_at", "due_date")
                  if timezone.localtime(closed_at).date() <= due)
    out = outgoing(user, Filters(agency=agency.pk, date_from=date_from, date_to=date_to,
                                 state=OutgoingState.ISSUED))
    return {
        "agency": agency.name,
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "incoming": rows.count(),
        "outgoing_issued": out.count(),
        "per_sender": per_sender,
        "closed_with_deadline": closed_total,
        "closed_on_time": on_time,
        "on_time_rate": round(on_time / closed_total, 4) if closed_total else None,
        "open_overdue": rows.filter(state=IncomingState.ASSIGNED,
                                    due_date__lt=timezone.localdate()).count(),
    }


def available_actions(user, doc: OutgoingDocument) -> list[str]:
    """The workflow edges this person may take on this draft now (the service decides
    again when it is taken)."""
    from tinhso.accounts.permissions import has_perm
    from tinhso.documents import workflow

    org = doc.agency.organization_id
    actions = []
    for name, edge in workflow.EDGES.items():
        if doc.state not in edge.source:
            continue
        allowed = has_perm(user, edge.permission, org) or (
            name in ("submit", "cancel") and user.pk == doc.drafter_id)
        if name == "approve":
            allowed = allowed and (user.pk == doc.signer_id or user.is_superuser)
        if allowed:
            actions.append(name)
    return actions


def staff_choices(agency: Agency, permission: str):
    """People of the agency holding a permission (signers, handlers)."""
    from tinhso.accounts.models import User
    from tinhso.accounts.permissions import PERMISSIONS

    return (User.objects.filter(is_active=True, memberships__organization_id=agency
                                .organization_id,
                                memberships__role__in=PERMISSIONS[permission])
            .distinct().order_by("full_name"))


# --- visibility for other apps, and links to dossiers and meetings ---------------------

def visible_incoming(user) -> QuerySet[IncomingDocument]:
    """Incoming documents ``user`` may see (the rule of ``access.py``: the agency's staff;
    a secret one only its leader, clerk and handlers). For other apps choosing or showing
    a document (a meeting's agenda item): never offer or show one outside this set."""
    return IncomingDocument.objects.visible_to(user)


def visible_outgoing(user) -> QuerySet[OutgoingDocument]:
    """Outgoing documents ``user`` may see (drafts included; ``.filter(state="issued")``
    for issued ones only). Same rule and same use as ``visible_incoming``."""
    return OutgoingDocument.objects.visible_to(user)


def can_see(user, document: IncomingDocument | OutgoingDocument | None) -> bool:
    """Whether ``user`` may see this one document (its number, excerpt, file)."""
    if document is None or document.pk is None:
        return False
    return type(document).objects.visible_to(user).filter(pk=document.pk).exists()


@dataclass(frozen=True)
class Related:
    """A linked document as the dossier's or meeting's page shows it."""

    kind: str              # "incoming" | "outgoing"
    pk: int
    number_symbol: str
    excerpt: str
    type_name: str
    on: date | None        # arrival date, issue date, or the draft's creation date
    state_label: str
    url: str


def related_documents(user, *, dossier=None, meeting=None) -> list[Related]:
    """The documents linked to a dossier or a meeting that ``user`` may see, newest first:
    a secret document (or another agency's) is left out, not hidden behind a label."""
    from django.urls import reverse

    from tinhso.documents import reference
    from tinhso.documents.models import DocumentLink

    if (dossier is None) == (meeting is None):
        raise ValueError("one of dossier or meeting")
    target = {"dossier": dossier} if dossier is not None else {"meeting": meeting}
    links = DocumentLink.objects.filter(**target)
    rows: list[Related] = []
    for doc in (IncomingDocument.objects.visible_to(user)
                .filter(pk__in=links.filter(incoming__isnull=False).values("incoming_id"))):
        rows.append(Related("incoming", doc.pk, doc.number_symbol, doc.excerpt,
                            reference.document_type(doc.doc_type).name,
                            timezone.localdate(doc.arrived_at), str(doc.get_state_display()),
                            reverse("documents:incoming", args=[doc.pk])))
    for doc in (OutgoingDocument.objects.visible_to(user)
                .filter(pk__in=links.filter(outgoing__isnull=False).values("outgoing_id"))):
        rows.append(Related("outgoing", doc.pk, doc.number_symbol, doc.excerpt,
                            reference.document_type(doc.doc_type).name,
                            timezone.localdate(doc.issued_at or doc.created_at),
                            str(doc.get_state_display()),
                            reverse("documents:outgoing", args=[doc.pk])))
    rows.sort(key=lambda r: (r.on or date.min, r.pk), reverse=True)
    return rows


@dataclass(frozen=True)
class LinkRow:
    """One link as the document's page and the API show it. ``visible``: whether the
    viewer may open the dossier or the meeting; otherwise only its code (a dossier) or
    nothing of it (a meeting's title may say more than the viewer should know)."""

    pk: int
    target: str            # "dossier" | "meeting"
    target_id: int
    label: str
    url: str
    visible: bool
    created_at: object
    created_by: str


def links_of(user, document: IncomingDocument | OutgoingDocument) -> list[LinkRow]:
    """The dossiers and meetings a document (already checked visible) is linked to."""
    from django.urls import reverse

    from tinhso.meetings.models import Meeting
    from tinhso.publicservices.models import Dossier

    links = list(document.links.select_related("dossier", "dossier__procedure", "meeting",
                                               "created_by"))
    dossiers = set(Dossier.objects.visible_to(user).filter(
        pk__in=[x.dossier_id for x in links if x.dossier_id]).values_list("pk", flat=True))
    meetings = set(Meeting.objects.visible_to(user).filter(
        pk__in=[x.meeting_id for x in links if x.meeting_id]).values_list("pk", flat=True))
    rows = []
    for x in links:
        by = x.created_by.full_name if x.created_by else ""
        if x.dossier_id:
            seen = x.dossier_id in dossiers
            label = x.dossier.code or f"#{x.dossier_id}"
            if seen:
                label = f"{label} — {x.dossier.procedure.name}"
            rows.append(LinkRow(x.pk, "dossier", x.dossier_id, label,
                                reverse("publicservices:dossier", args=[x.dossier_id])
                                if seen else "", seen, x.created_at, by))
        else:
            seen = x.meeting_id in meetings
            m = x.meeting
            label = (f"{m.title} — {timezone.localtime(m.starts_at):%d/%m/%Y %H:%M}"
                     if seen else f"#{x.meeting_id}")
            rows.append(LinkRow(x.pk, "meeting", x.meeting_id, label,
                                reverse("meetings:detail", args=[x.meeting_id])
                                if seen else "", seen, x.created_at, by))
    return rows


def link_target(user, *, dossier_code: str = "", meeting_id: int | None = None) -> dict:
    """The one dossier (by its code) or meeting (by its id) named, among those ``user`` may
    see, as ``{"dossier": …}`` or ``{"meeting": …}``. An unknown code and another agency's
    dossier read the same, so the answer never tells that it exists."""
    from tinhso.core.validators import check_text
    from tinhso.documents.errors import DocumentError, document_error
    from tinhso.meetings.models import Meeting
    from tinhso.publicservices.models import Dossier

    code = (dossier_code or "").strip().upper()
    check_text(code, "dossier_code")
    if bool(code) == (meeting_id is not None):
        raise document_error(DocumentError.LINK_TARGET,
                             field="meeting_id" if code else "dossier_code")
    if code:
        dossier = Dossier.objects.visible_to(user).filter(code=code[:40]).first()
        if dossier is None:
            raise document_error(DocumentError.UNKNOWN_DOSSIER, field="dossier_code")
        return {"dossier": dossier}
    meeting = None
    if isinstance(meeting_id, int) and 0 < meeting_id < 2**53:
        meeting = Meeting.objects.visible_to(user).filter(pk=meeting_id).first()
    if meeting is None:
        raise document_error(DocumentError.UNKNOWN_MEETING, field="meeting_id")
    return {"meeting": meeting}


def linkable_meetings(user, *, now=None, limit: int = 100):
    """Meetings the user may see, from three months back to six ahead, to choose from
    when linking a document (the API takes any visible meeting's id)."""
    from datetime import timedelta

    from tinhso.meetings.models import Meeting

    now = now or timezone.now()
    return (Meeting.objects.visible_to(user)
            .filter(starts_at__gte=now - timedelta(days=92),
                    starts_at__lte=now + timedelta(days=183))
            .exclude(state=Meeting.State.CANCELLED).order_by("starts_at")[:limit])
