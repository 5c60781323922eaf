"""Documents API (/api/v1/documents/…): the same services and selectors as the pages.
Someone else's document (or a secret one the caller may not see) is a 404."""

from __future__ import annotations

import functools
from datetime import date
from typing import Literal

from django.http import Http404, HttpResponse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from tinhso.accounts.auth import session_auth
from tinhso.accounts.models import User
from tinhso.accounts.permissions import has_perm
from tinhso.core import files
from tinhso.core.errors import InvalidInput
from tinhso.core.paging import Page, PageIn, page_of
from tinhso.core.schema_types import Code, Id, text
from tinhso.core.validators import InvalidValue, check_date_in_window
from tinhso.documents import reference, registers, selectors, services
from tinhso.documents.access import agencies_of
from tinhso.documents.errors import DocumentError, document_error
from tinhso.documents.models import Agency, Direction, OutgoingDocument, Unit
from tinhso.documents.presenters import (
    incoming_detail_out,
    incoming_out,
    link_out,
    outgoing_detail_out,
    outgoing_out,
    related_out,
)
from tinhso.documents.schemas import (
    AcknowledgementIn,
    AcknowledgementOut,
    AssignIn,
    CloseIn,
    DeskOut,
    DraftIn,
    ForwardIn,
    IncomingDetailOut,
    IncomingOut,
    LinkIn,
    LinkOut,
    LinkResultOut,
    OpinionIn,
    OutgoingDetailOut,
    OutgoingOut,
    RelatedDocumentOut,
    ReturnIn,
    ScannedIn,
    StatisticsOut,
    TransitionIn,
    VersionIn,
)

router = Router(tags=["documents"], auth=session_auth)


def fields_as_422(view):
    """A service's InvalidValue (one field) answers 422 like a schema error."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except InvalidValue as error:
            raise InvalidInput([error]) from None
    return wrapper


def _my_agency(request, agency_id: int) -> Agency:
    agency = agencies_of(request.auth).filter(pk=agency_id).first()
    if agency is None:
        raise document_error(DocumentError.NOT_STAFF, field="agency_id")
    return agency


def _agency(pk: int, field: str) -> Agency:
    agency = Agency.objects.filter(pk=pk, is_active=True).first()
    if agency is None:
        raise document_error(DocumentError.UNKNOWN_AGENCY, field=field)
    return agency


def _user(pk: int, field: str):
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise document_error(DocumentError.ASSIGNEE, field=field)
    return user


def _filters(q, doc_type, agency_id, register_id, state, date_from, date_to):
    for value, field in ((date_from, "date_from"), (date_to, "date_to")):
        if value is not None:
            check_date_in_window(value, field)
    return selectors.Filters(q=q, doc_type=doc_type, agency=agency_id, register=register_id,
                             state=state, date_from=date_from, date_to=date_to)


@router.get("/reference")
def reference_data(request):
    """Document types (Decree 30 Art. 7, Appendix III abbreviations), urgency and
    confidentiality levels, authority prefixes, the agencies and the caller's agencies."""
    return {
        "types": [{"code": t.code, "name": t.name, "abbreviation": t.abbreviation,
                   "may_be_legal": t.may_be_legal} for t in reference.DOCUMENT_TYPES],
        "urgency": [u.value for u in reference.Urgency],
        "confidentiality": [c.value for c in reference.Confidentiality],
        "authority_prefixes": [p for p in reference.AUTHORITY_PREFIXES if p],
        "agencies": [{"id": a.pk, "name": a.name, "abbreviation": a.abbreviation,
                      "exchange_code": a.exchange_code, "on_platform": a.on_platform}
                     for a in Agency.objects.filter(is_active=True)],
        "my_agencies": list(agencies_of(request.auth).values_list("pk", flat=True)),
    }


# --- outgoing ---------------------------------------------------------------------------

@router.get("/outgoing", response=Page[OutgoingOut])
@fields_as_422
def list_outgoing(request, page: Query[PageIn], q: text(200) = "", doc_type: Code = "",
                  agency_id: Id | None = None, register_id: Id | None = None,
                  state: Code = "", date_from: date | None = None,
                  date_to: date | None = None):
    """Outgoing documents the caller may see (secret ones only to those allowed),
    searched without accents over number-symbol, excerpt, agency and text."""
    rows = selectors.outgoing(request.auth, _filters(q, doc_type, agency_id, register_id,
                                                     state, date_from, date_to))
    return page_of(rows, page, outgoing_out)


@router.post("/outgoing", response={201: OutgoingDetailOut})
@fields_as_422
def create_outgoing(request, payload: Form[DraftIn], body: File[UploadedFile] = None):
    """A new draft (multipart: the fields and the body as a PDF or a Word .docx; the
    issued copy is made from a PDF body)."""
    agency = _my_agency(request, payload.agency_id)
    unit = None
    if payload.unit_id:
        unit = Unit.objects.filter(pk=payload.unit_id).first()
        if unit is None:
            raise document_error(DocumentError.UNIT, field="unit_id")
    doc = services.create_draft(
        actor=request.auth, agency=agency, doc_type=payload.doc_type, excerpt=payload.excerpt,
        signer=_user(payload.signer_id, "signer_id"), signer_title=payload.signer_title,
        authority=payload.authority, authority_of=payload.authority_of, unit=unit,
        urgency=payload.urgency, confidentiality=payload.confidentiality,
        is_legal=payload.is_legal,
        recipients=[_agency(pk, "recipient_ids") for pk in payload.recipient_ids], body=body)
    return 201, outgoing_detail_out(doc, request.auth)


@router.get("/outgoing/{doc_id}", response=OutgoingDetailOut)
def get_outgoing(request, doc_id: Id):
    return outgoing_detail_out(selectors.outgoing_detail(request.auth, doc_id), request.auth)


@router.post("/outgoing/{doc_id}/versions", response=OutgoingDetailOut)
@fields_as_422
def upload_version(request, doc_id: Id, body: File[UploadedFile],
                   payload: Form[VersionIn] = None):
    doc = selectors.outgoing_detail(request.auth, doc_id)
    services.upload_version(actor=request.auth, document=doc, upload=body,
                            note=payload.note if payload else "")
    return outgoing_detail_out(selectors.outgoing_detail(request.auth, doc_id), request.auth)


@router.post("/outgoing/{doc_id}/transition", response=OutgoingDetailOut)
@fields_as_422
def transition(request, doc_id: Id, payload: TransitionIn):
    """submit, return (with a comment), approve (the signer), issue (the clerk: number,
    signatures), cancel."""
    doc = selectors.outgoing_detail(request.auth, doc_id)
    services.transition(actor=request.auth, document=doc, action=payload.action,
                        comment=payload.comment)
    return outgoing_detail_out(selectors.outgoing_detail(request.auth, doc_id), request.auth)


@router.post("/outgoing/{doc_id}/send", response=OutgoingDetailOut)
def send(request, doc_id: Id):
    """Deliver an issued document to its recipients (platform queues, or the exchange
    axis through the outbox)."""
    doc = selectors.outgoing_detail(request.auth, doc_id)
    services.send(actor=request.auth, document=doc)
    return outgoing_detail_out(selectors.outgoing_detail(request.auth, doc_id), request.auth)


@router.get("/outgoing/{doc_id}/pdf", response={200: None})
def outgoing_pdf(request, doc_id: Id):
    """The signed copy once issued, the latest body before."""
    doc = selectors.outgoing_detail(request.auth, doc_id)
    name = doc.signed_file or doc.body_file
    return files.serve(name, download_name=f"van-ban-di-{doc.pk}.{name.rsplit('.', 1)[-1]}")


# --- incoming ---------------------------------------------------------------------------

@router.get("/incoming", response=Page[IncomingOut])
@fields_as_422
def list_incoming(request, page: Query[PageIn], q: text(200) = "", doc_type: Code = "",
                  agency_id: Id | None = None, register_id: Id | None = None,
                  state: Code = "", date_from: date | None = None,
                  date_to: date | None = None):
    rows = selectors.incoming(request.auth, _filters(q, doc_type, agency_id, register_id,
                                                     state, date_from, date_to))
    return page_of(rows, page, incoming_out)


@router.post("/incoming", response={201: IncomingDetailOut})
@fields_as_422
def register_scanned(request, payload: Form[ScannedIn], file: File[UploadedFile]):
    """The clerk registers a document received on paper or by e-mail (its PDF): arrival
    number, signature validation, duplicate alert."""
    doc = services.register_scanned(
        actor=request.auth, agency=_my_agency(request, payload.agency_id), upload=file,
        sender_name=payload.sender_name, number_symbol=payload.number_symbol,
        doc_date=payload.doc_date, doc_type=payload.doc_type, excerpt=payload.excerpt,
        urgency=payload.urgency, confidentiality=payload.confidentiality)
    return 201, incoming_detail_out(doc)


@router.get("/incoming/{doc_id}", response=IncomingDetailOut)
def get_incoming(request, doc_id: Id):
    return incoming_detail_out(selectors.incoming_detail(request.auth, doc_id))


@router.post("/incoming/{doc_id}/register", response=IncomingDetailOut)
def register_received(request, doc_id: Id):
    doc = selectors.incoming_detail(request.auth, doc_id)
    services.register_received(actor=request.auth, document=doc)
    return incoming_detail_out(selectors.incoming_detail(request.auth, doc_id))


@router.post("/incoming/{doc_id}/assign", response=IncomingDetailOut)
@fields_as_422
def assign(request, doc_id: Id, payload: AssignIn):
    doc = selectors.incoming_detail(request.auth, doc_id)
    unit = Unit.objects.filter(pk=payload.unit_id).first() if payload.unit_id else None
    services.assign(actor=request.auth, document=doc,
                    assignee=_user(payload.assignee_id, "assignee_id"),
                    working_days=payload.working_days, instructions=payload.instructions,
                    unit=unit)
    return incoming_detail_out(selectors.incoming_detail(request.auth, doc_id))


@router.post("/incoming/{doc_id}/opinions", response=IncomingDetailOut)
@fields_as_422
def add_opinion(request, doc_id: Id, payload: OpinionIn):
    doc = selectors.incoming_detail(request.auth, doc_id)
    services.add_opinion(actor=request.auth, document=doc, text=payload.text)
    return incoming_detail_out(selectors.incoming_detail(request.auth, doc_id))


@router.post("/incoming/{doc_id}/forward", response=IncomingDetailOut)
@fields_as_422
def forward(request, doc_id: Id, payload: ForwardIn):
    doc = selectors.incoming_detail(request.auth, doc_id)
    services.forward(actor=request.auth, document=doc,
                     assignee=_user(payload.assignee_id, "assignee_id"),
                     instructions=payload.instructions, working_days=payload.working_days)
    return incoming_detail_out(selectors.incoming_detail(request.auth, doc_id))


@router.post("/incoming/{doc_id}/close", response=IncomingDetailOut)
@fields_as_422
def close(request, doc_id: Id, payload: CloseIn):
    doc = selectors.incoming_detail(request.auth, doc_id)
    reply = None
    if payload.reply_id:
        reply = OutgoingDocument.objects.visible_to(request.auth).filter(
            pk=payload.reply_id).first()
        if reply is None:
            raise document_error(DocumentError.REPLY, field="reply_id")
    services.close(actor=request.auth, document=doc, reply=reply, note=payload.note)
    return incoming_detail_out(selectors.incoming_detail(request.auth, doc_id))


@router.post("/incoming/{doc_id}/return", response=IncomingDetailOut)
@fields_as_422
def return_incoming(request, doc_id: Id, payload: ReturnIn):
    """The clerk sends a received document back to its sender with a reason (instead of
    registering it); the answer goes back on the platform or over the axis."""
    doc = selectors.incoming_detail(request.auth, doc_id)
    services.return_to_sender(actor=request.auth, document=doc, reason=payload.reason,
                              note=payload.note)
    return incoming_detail_out(selectors.incoming_detail(request.auth, doc_id))


@router.post("/exchange/acknowledgements", response=AcknowledgementOut)
@fields_as_422
def acknowledgement(request, payload: AcknowledgementIn):
    """The exchange axis (its connector's account, ``documents.exchange``) brings back a
    receiving agency's answer to one of our messages: received, or returned with a reason.
    Idempotent: the same answer again answers ``recorded: false``."""
    if not has_perm(request.auth, "documents.exchange"):
        raise document_error(DocumentError.NOT_ALLOWED)
    return {"recorded": services.record_acknowledgement(
        actor=request.auth, message_id=payload.message_id, status=payload.status,
        reason=payload.reason, note=payload.note)}


@router.get("/incoming/{doc_id}/pdf", response={200: None})
def incoming_pdf(request, doc_id: Id):
    doc = selectors.incoming_detail(request.auth, doc_id)
    return files.serve(doc.file, download_name=f"van-ban-den-{doc.pk}.pdf")


# --- desk, registers, statistics ------------------------------------------------------

def _desk_item(a) -> dict:
    from django.utils import timezone

    return {"document_id": a.document_id, "number_symbol": a.document.number_symbol,
            "excerpt": a.document.excerpt, "deadline": a.deadline,
            "overdue": a.deadline < timezone.localdate()}


@router.get("/desk", response=DeskOut)
def desk(request):
    """The handler's assignments: overdue, due within two working days, later."""
    groups = selectors.my_assignments(request.auth)
    return {key: [_desk_item(a) for a in rows] for key, rows in groups.items()}


def _period(agency_id, date_from, date_to, request, permission):
    agency = _my_agency(request, agency_id)
    if not (has_perm(request.auth, permission, agency.organization_id)
            or has_perm(request.auth, "documents.clerk", agency.organization_id)):
        raise document_error(DocumentError.NOT_ALLOWED)
    check_date_in_window(date_from, "date_from")
    check_date_in_window(date_to, "date_to")
    return agency


@router.get("/statistics", response=StatisticsOut)
@fields_as_422
def statistics(request, agency_id: Id, date_from: date, date_to: date):
    """Counts per issuing agency and the on-time handling rate (operations dashboard)."""
    agency = _period(agency_id, date_from, date_to, request, "documents.reports")
    return selectors.statistics(request.auth, agency=agency, date_from=date_from,
                                date_to=date_to)


@router.get("/registers/{direction}.xlsx", response={200: None})
@fields_as_422
def register_excel(request, direction: Code, agency_id: Id, date_from: date, date_to: date):
    """The incoming or outgoing register of a period, as Excel (Decree 30 Appendix IV)."""
    from django.utils import translation

    agency = _period(agency_id, date_from, date_to, request, "documents.reports")
    filters = selectors.Filters(agency=agency.pk, date_from=date_from, date_to=date_to)
    with translation.override("vi"):
        if direction == Direction.INCOMING:
            data = registers.incoming_register(selectors.incoming(request.auth, filters),
                                               agency_name=agency.name,
                                               date_from=date_from, date_to=date_to)
        elif direction == Direction.OUTGOING:
            data = registers.outgoing_register(selectors.outgoing(request.auth, filters),
                                               agency_name=agency.name,
                                               date_from=date_from, date_to=date_to)
        else:
            raise Http404
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="so-van-ban-{direction}.xlsx"'
    return response


# --- links to public-service dossiers and meetings ------------------------------------

DocumentKind = Literal["incoming", "outgoing"]


def _document(request, kind: str, doc_id: int):
    if kind == "incoming":
        return selectors.incoming_detail(request.auth, doc_id)
    return selectors.outgoing_detail(request.auth, doc_id)


@router.get("/{kind}/{doc_id}/links", response=list[LinkOut])
def list_links(request, kind: DocumentKind, doc_id: Id):
    """The dossiers and meetings a document is linked to (a dossier or meeting the caller
    may not see shows its id only)."""
    doc = _document(request, kind, doc_id)
    return [link_out(row) for row in selectors.links_of(request.auth, doc)]


@router.post("/{kind}/{doc_id}/links", response={200: LinkResultOut, 201: LinkResultOut})
@fields_as_422
def add_link(request, kind: DocumentKind, doc_id: Id, payload: LinkIn):
    """Link the document to a public-service dossier (``dossier_code``) or a meeting
    (``meeting_id``), one of them, among those the caller may see. Idempotent: the same
    link again answers 200 with ``created: false``."""
    doc = _document(request, kind, doc_id)
    link, created = services.link_document(actor=request.auth, document=doc,
                                           dossier_code=payload.dossier_code,
                                           meeting_id=payload.meeting_id)
    row = next(r for r in selectors.links_of(request.auth, doc) if r.pk == link.pk)
    return Status(201 if created else 200, {**link_out(row), "created": created})


@router.delete("/{kind}/{doc_id}/links/{link_id}", response={204: None})
def remove_link(request, kind: DocumentKind, doc_id: Id, link_id: Id):
    """Remove a link. Idempotent: a link already removed answers 204 too."""
    doc = _document(request, kind, doc_id)
    link = doc.links.filter(pk=link_id).first()
    if link is None:
        if not services.may_link(request.auth, doc):
            raise document_error(DocumentError.NOT_ALLOWED)
        return Status(204, None)
    services.unlink_document(actor=request.auth, link=link)
    return Status(204, None)


@router.get("/related", response=list[RelatedDocumentOut])
@fields_as_422
def related(request, dossier_code: text(40) = "", meeting_id: Id | None = None):
    """The documents linked to a dossier or a meeting that the caller may see (a secret
    document, or another agency's, is left out). The dossier or meeting must be one the
    caller may see."""
    target = selectors.link_target(request.auth, dossier_code=dossier_code,
                                   meeting_id=meeting_id)
    rows = selectors.related_documents(request.auth, **target)
    return [related_out(r) for r in rows]
