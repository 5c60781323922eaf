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
    IncomingDocument,
    IncomingState,
    OutgoingDocument,
    OutgoingState,
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
