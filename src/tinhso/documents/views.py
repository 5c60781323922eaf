"""Pages of official documents (clerk, head, handler, signer; phone and desktop). Same rule
as the API: parse, authorise, call a service or selector, render. Someone else's or a
secret document the person may not see is a 404."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tinhso.accounts.models import User
from tinhso.accounts.permissions import has_perm
from tinhso.core import files
from tinhso.core.errors import DomainError
from tinhso.core.validators import InvalidValue
from tinhso.documents import reference, selectors, services, workflow
from tinhso.documents.access import agencies_of
from tinhso.documents.models import (
    Agency,
    Confidentiality,
    IncomingState,
    OutgoingDocument,
    OutgoingState,
    ReturnReason,
    Unit,
    Urgency,
)

ACTION_VI = {"submit": "Trình duyệt", "return": "Trả lại để sửa", "approve": "Duyệt ký",
             "issue": "Phát hành (cấp số, ký số)", "cancel": "Hủy dự thảo"}
IRREVERSIBLE = {"issue": "Văn bản sẽ được cấp số, ký số và không thể sửa nữa. "
                         "The document gets its number and signatures and can no longer "
                         "be changed.",
                "cancel": "Dự thảo bị hủy và không thể phát hành. "
                          "The draft is cancelled and can never be issued."}


def _error(err) -> dict:
    return {"field": err.field, "message_vi": err.message_vi, "message_en": err.message_en}


def _id(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**53 else None


def _date(value) -> date | None:
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day and 1900 <= day.year <= 2100 else None


def _filters(request) -> selectors.Filters:
    g = request.GET
    doc_type = g.get("doc_type", "")
    return selectors.Filters(
        q=g.get("q", "")[:200], doc_type=doc_type if doc_type in reference.TYPES_BY_CODE
        else "", state=g.get("state", "")[:20], date_from=_date(g.get("date_from")),
        date_to=_date(g.get("date_to")))


def _clean_query(text: str) -> str:
    return "".join(ch for ch in text if ch >= " ")[:200]


@login_required
def home(request):
    user = request.user
    return render(request, "documents/home.html", {
        "desk": selectors.my_assignments(user),
        "to_approve": selectors.waiting_for(user, "approve")[:50],
        "to_issue": selectors.waiting_for(user, "issue")[:50]
        if has_perm(user, "documents.clerk") else [],
        "queue": selectors.incoming(user, selectors.Filters(state=IncomingState.RECEIVED))[:50]
        if has_perm(user, "documents.clerk") else [],
        "to_assign": selectors.incoming(user, selectors.Filters(
            state=IncomingState.REGISTERED))[:50]
        if has_perm(user, "documents.assign") else [],
    })


def _page_rows(rows, request, size=30):
    page = _id(request.GET.get("page")) or 1
    page = min(page, 10_000)
    return list(rows[(page - 1) * size: page * size + 1]), page


@login_required
def incoming_list(request):
    f = _filters(request)
    f = selectors.Filters(**{**f.__dict__, "q": _clean_query(f.q)})
    rows, page = _page_rows(selectors.incoming(request.user, f), request)
    return render(request, "documents/incoming_list.html", {
        "rows": rows[:30], "has_next": len(rows) > 30, "page": page, "f": f,
        "types": reference.DOCUMENT_TYPES, "states": IncomingState.choices,
        "can_register": has_perm(request.user, "documents.clerk")})


@login_required
def outgoing_list(request):
    f = _filters(request)
    f = selectors.Filters(**{**f.__dict__, "q": _clean_query(f.q)})
    rows, page = _page_rows(selectors.outgoing(request.user, f), request)
    return render(request, "documents/outgoing_list.html", {
        "rows": rows[:30], "has_next": len(rows) > 30, "page": page, "f": f,
        "types": reference.DOCUMENT_TYPES, "states": OutgoingState.choices,
        "can_draft": has_perm(request.user, "documents.draft")})


def _draft_context(request, data=None, errors=None):
    agencies = list(agencies_of(request.user))
    return {
        "agencies": agencies, "data": data or {}, "errors": errors or {},
        "types": reference.DOCUMENT_TYPES, "urgencies": Urgency.choices,
        "levels": Confidentiality.choices,
        "prefixes": [p for p in reference.AUTHORITY_PREFIXES if p],
        "recipients": Agency.objects.filter(is_active=True).order_by("name"),
        "units": Unit.objects.filter(agency__in=agencies).select_related("agency"),
        "signers": User.objects.filter(pk__in=[u.pk for a in agencies
                                               for u in selectors.staff_choices(a,
                                                                                "documents.sign")]),
    }


@login_required
def outgoing_new(request):
    if not has_perm(request.user, "documents.draft"):
        raise Http404
    if request.method != "POST":
        return render(request, "documents/outgoing_new.html", _draft_context(request))
    p = request.POST
    mine = {a.pk: a for a in agencies_of(request.user)}
    try:
        agency = mine.get(_id(p.get("agency")))
        if agency is None:
            raise InvalidValue("agency", "required", "This value is required.")
        signer = User.objects.filter(pk=_id(p.get("signer")), is_active=True).first()
        unit = Unit.objects.filter(pk=_id(p.get("unit")), agency=agency).first() \
            if p.get("unit") else None
        recipients = list(Agency.objects.filter(
            pk__in=[i for i in map(_id, p.getlist("recipients")) if i]))
        doc = services.create_draft(
            actor=request.user, agency=agency, doc_type=p.get("doc_type", ""),
            excerpt=p.get("excerpt", ""), signer=signer,
            signer_title=p.get("signer_title", ""), authority=p.get("authority", ""),
            authority_of=p.get("authority_of", ""), unit=unit,
            urgency=p.get("urgency", Urgency.NORMAL),
            confidentiality=p.get("confidentiality", Confidentiality.NORMAL),
            is_legal=p.get("is_legal") == "on", recipients=recipients,
            body=request.FILES.get("body"))
    except (DomainError, InvalidValue) as err:
        errors = {err.field or "form": _error(err)}
        return render(request, "documents/outgoing_new.html",
                      _draft_context(request, data=p, errors=errors), status=422)
    return redirect("documents:outgoing", doc.pk)


@login_required
def outgoing_detail(request, pk: int):
    doc = selectors.outgoing_detail(request.user, pk)
    actions = [(a, ACTION_VI[a], workflow.ACTION_LABELS[a])
               for a in selectors.available_actions(request.user, doc)]
    return render(request, "documents/outgoing_detail.html", {
        "doc": doc, "actions": actions, "type": reference.document_type(doc.doc_type),
        "is_word": doc.body_content_type == files.CONTENT_TYPES["docx"],
        "recipients": doc.recipients.select_related("agency"),
        "comments": doc.comments.select_related("author"),
        "versions": doc.versions.select_related("uploaded_by"),
        "can_send": doc.state == OutgoingState.ISSUED and has_perm(
            request.user, "documents.clerk", doc.agency.organization_id)
        and selectors.still_to_send(doc).exists(),
        "can_upload": doc.state in workflow.EDITABLE and (
            request.user == doc.drafter or has_perm(request.user, "documents.review",
                                                    doc.agency.organization_id)),
        "error": request.session.pop("documents_error", None),
        **links_context(request.user, doc),
    })


@login_required
def outgoing_act(request, pk: int, action: str):
    """The confirmation page of a workflow step (with its comment); only its form acts."""
    doc = selectors.outgoing_detail(request.user, pk)
    if action not in workflow.EDGES:
        raise Http404
    error = None
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.transition(actor=request.user, document=doc, action=action,
                                comment=request.POST.get("comment", ""))
            return redirect("documents:outgoing", doc.pk)
        except (DomainError, InvalidValue) as err:
            error = _error(err)
    return render(request, "documents/outgoing_act.html", {
        "doc": doc, "action": action, "label_vi": ACTION_VI[action],
        "label_en": workflow.ACTION_LABELS[action], "consequence": IRREVERSIBLE.get(action),
        "needs_comment": action == "return", "error": error}, status=422 if error else 200)


@login_required
def outgoing_send(request, pk: int):
    """The clerk's confirmation page for sending an issued document to its recipients (it
    cannot be called back); only its form (``confirm=yes``) sends."""
    doc = selectors.outgoing_detail(request.user, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.send(actor=request.user, document=doc)
        except DomainError as err:
            request.session["documents_error"] = _error(err)
        return redirect("documents:outgoing", doc.pk)
    return render(request, "documents/outgoing_send.html", {
        "doc": doc, "recipients": selectors.still_to_send(doc).select_related("agency")
        .order_by("agency__name")})


@login_required
@require_POST
def outgoing_version(request, pk: int):
    doc = selectors.outgoing_detail(request.user, pk)
    try:
        services.upload_version(actor=request.user, document=doc,
                                upload=request.FILES.get("body"),
                                note=request.POST.get("note", ""))
    except (DomainError, InvalidValue, AttributeError) as err:
        request.session["documents_error"] = _error(err) if not isinstance(
            err, AttributeError) else {"field": "body",
                                       "message_vi": "Chọn tệp PDF hoặc Word (.docx).",
                                       "message_en": "Choose a PDF or Word (.docx) file."}
    return redirect("documents:outgoing", doc.pk)


@login_required
def outgoing_pdf(request, pk: int):
    doc = selectors.outgoing_detail(request.user, pk)
    name = doc.signed_file or doc.body_file
    return files.serve(name, download_name=f"van-ban-di-{doc.pk}.{name.rsplit('.', 1)[-1]}")


def _incoming_context(request, doc, error=None):
    user = request.user
    org = doc.agency.organization_id
    return {
        "doc": doc, "type": reference.document_type(doc.doc_type),
        "checks": doc.signature_checks.all(),
        "assignments": doc.assignments.select_related("assignee"),
        "opinions": doc.opinions.select_related("author"),
        "can_register": doc.state == IncomingState.RECEIVED and has_perm(
            user, "documents.clerk", org),
        "can_assign": doc.state in (IncomingState.REGISTERED, IncomingState.ASSIGNED)
        and has_perm(user, "documents.assign", org),
        "handlers": selectors.staff_choices(doc.agency, "documents.handle"),
        "is_handler": doc.state != IncomingState.CLOSED and doc.assignments.filter(
            assignee=user, state="active").exists(),
        "replies": OutgoingDocument.objects.visible_to(user).filter(
            agency=doc.agency, state=OutgoingState.ISSUED).order_by("-issued_at")[:30],
        "error": error or request.session.pop("documents_error", None),
        **links_context(user, doc),
    }


@login_required
def incoming_detail(request, pk: int):
    doc = selectors.incoming_detail(request.user, pk)
    return render(request, "documents/incoming_detail.html", _incoming_context(request, doc))


@login_required
@require_POST
def incoming_act(request, pk: int, action: str):
    doc = selectors.incoming_detail(request.user, pk)
    p, user = request.POST, request.user
    try:
        if action == "register":
            services.register_received(actor=user, document=doc)
        elif action == "assign":
            assignee = User.objects.filter(pk=_id(p.get("assignee")), is_active=True).first()
            services.assign(actor=user, document=doc, assignee=assignee,
                            working_days=_id(p.get("working_days")) or 0,
                            instructions=p.get("instructions", ""))
        elif action == "opinion":
            services.add_opinion(actor=user, document=doc, text=p.get("text", ""))
        elif action == "forward":
            assignee = User.objects.filter(pk=_id(p.get("assignee")), is_active=True).first()
            services.forward(actor=user, document=doc, assignee=assignee,
                             instructions=p.get("instructions", ""))
        elif action == "close":
            reply = OutgoingDocument.objects.visible_to(user).filter(
                pk=_id(p.get("reply"))).first() if p.get("reply") else None
            services.close(actor=user, document=doc, reply=reply, note=p.get("note", ""))
        else:
            raise Http404
    except (DomainError, InvalidValue) as err:
        request.session["documents_error"] = _error(err)
    return redirect("documents:incoming", doc.pk)


@login_required
def incoming_return(request, pk: int):
    """The clerk's confirmation page for sending a received document back with a reason;
    only its form (``confirm=yes``) acts."""
    doc = selectors.incoming_detail(request.user, pk)
    if not (doc.state == IncomingState.RECEIVED
            and has_perm(request.user, "documents.clerk", doc.agency.organization_id)):
        raise Http404
    error = None
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.return_to_sender(actor=request.user, document=doc,
                                      reason=request.POST.get("reason", ""),
                                      note=request.POST.get("note", ""))
            return redirect("documents:incoming", doc.pk)
        except (DomainError, InvalidValue) as err:
            error = _error(err)
    return render(request, "documents/incoming_return.html", {
        "doc": doc, "reasons": ReturnReason.choices, "error": error,
        "data": request.POST if request.method == "POST" else {}})


@login_required
def incoming_new(request):
    if not has_perm(request.user, "documents.clerk"):
        raise Http404
    context = {"agencies": agencies_of(request.user), "types": reference.DOCUMENT_TYPES,
               "urgencies": Urgency.choices, "levels": Confidentiality.choices,
               "data": {}, "errors": {}}
    if request.method != "POST":
        return render(request, "documents/incoming_new.html", context)
    p = request.POST
    try:
        agency = agencies_of(request.user).filter(pk=_id(p.get("agency"))).first()
        if agency is None:
            raise InvalidValue("agency", "required", "This value is required.")
        doc_date = _date(p.get("doc_date"))
        if doc_date is None:
            raise InvalidValue("doc_date", "required", "This value is required.")
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidValue("file", "required", "This value is required.")
        doc = services.register_scanned(
            actor=request.user, agency=agency, upload=upload,
            sender_name=p.get("sender_name", ""), number_symbol=p.get("number_symbol", ""),
            doc_date=doc_date, doc_type=p.get("doc_type", ""), excerpt=p.get("excerpt", ""),
            urgency=p.get("urgency", Urgency.NORMAL),
            confidentiality=p.get("confidentiality", Confidentiality.NORMAL))
    except (DomainError, InvalidValue) as err:
        context.update(data=p, errors={err.field or "form": _error(err)})
        return render(request, "documents/incoming_new.html", context, status=422)
    return redirect("documents:incoming", doc.pk)


@login_required
def incoming_pdf(request, pk: int):
    doc = selectors.incoming_detail(request.user, pk)
    return files.serve(doc.file, download_name=f"van-ban-den-{doc.pk}.pdf")


# --- links to public-service dossiers and meetings ------------------------------------

def _linked_document(user, kind: str, pk: int):
    if kind == "incoming":
        return selectors.incoming_detail(user, pk)
    if kind == "outgoing":
        return selectors.outgoing_detail(user, pk)
    raise Http404


def links_context(user, doc) -> dict:
    """The "Linked records" section of a document's page."""
    can_link = services.may_link(user, doc)
    return {"links": selectors.links_of(user, doc), "can_link": can_link,
            "meetings": selectors.linkable_meetings(user) if can_link else []}


@login_required
@require_POST
def link_add(request, kind: str, pk: int):
    doc = _linked_document(request.user, kind, pk)
    meeting = request.POST.get("meeting_id", "")
    try:
        if meeting and _id(meeting) is None:
            raise InvalidValue("meeting_id", "required", "This value is required.")
        services.link_document(actor=request.user, document=doc,
                               dossier_code=request.POST.get("dossier_code", ""),
                               meeting_id=_id(meeting))
    except (DomainError, InvalidValue) as err:
        request.session["documents_error"] = _error(err)
    return redirect(f"documents:{kind}", doc.pk)


@login_required
def link_remove(request, kind: str, pk: int, link_id: int):
    """The confirmation page for removing a link; only its form (``confirm=yes``) acts.
    A link already removed (a second tap, another tab) goes back to the document."""
    doc = _linked_document(request.user, kind, pk)
    if not services.may_link(request.user, doc):
        raise Http404
    row = next((x for x in selectors.links_of(request.user, doc) if x.pk == link_id), None)
    if row is None:
        return redirect(f"documents:{kind}", doc.pk)
    error = None
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        link = doc.links.filter(pk=link_id).first()  # gone since: removed, nothing to do
        try:
            if link is not None:
                services.unlink_document(actor=request.user, link=link)
            return redirect(f"documents:{kind}", doc.pk)
        except DomainError as err:
            error = _error(err)
    return render(request, "documents/link_remove.html", {
        "doc": doc, "kind": kind, "row": row, "error": error}, status=422 if error else 200)
