"""Every write of the documents app: one function per use case, keyword-only ``actor``,
one transaction, the audit entry inside it.

Numbering (issue and arrival numbers) comes from `core.sequences` inside the transaction
that uses the number: a refused or failed issue rolls back and gives its number back."""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tinhso.accounts.permissions import has_perm
from tinhso.core import audit, files, notifications, outbox, signing
from tinhso.core import credentials as creds
from tinhso.core.models import OutboxState
from tinhso.core.validators import ErrorCode as VErr
from tinhso.core.validators import check_date_in_window, check_text, invalid_value
from tinhso.documents import exchange, pdfs, reference, selectors, workflow
from tinhso.documents.access import staff_organizations
from tinhso.documents.errors import DocumentError, document_error
from tinhso.documents.models import (
    UNREGISTERED,
    Agency,
    Assignment,
    AssignmentState,
    Comment,
    Confidentiality,
    DeliveryState,
    Direction,
    DocumentLink,
    ExchangeMessage,
    IncomingDocument,
    IncomingState,
    Opinion,
    OutgoingDocument,
    OutgoingState,
    Recipient,
    Register,
    ReturnReason,
    SignatureCheck,
    Source,
    Unit,
    Urgency,
    Version,
)

logger = logging.getLogger("tinhso.documents")

EXCERPT_MAX = 500
MAX_WORKING_DAYS = 90


# --- small checks ---------------------------------------------------------------------

def _required_text(value: str | None, field: str, *, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise invalid_value(field, VErr.REQUIRED)
    check_text(text, field)
    return text[:max_length]


def _optional_text(value: str | None, field: str, *, max_length: int) -> str:
    text = (value or "").strip()
    check_text(text, field)
    return text[:max_length]


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise invalid_value(field, VErr.REQUIRED)
    return value


def _works_in(user, agency: Agency) -> bool:
    return bool(user.is_superuser or agency.organization_id in staff_organizations(user))


def _require(user, permission: str, agency: Agency) -> None:
    if not has_perm(user, permission, agency.organization_id):
        raise document_error(DocumentError.NOT_ALLOWED)


def _snapshot(doc: OutgoingDocument) -> dict:
    return {"state": doc.state, "number_symbol": doc.number_symbol, "version": doc.version}


# --- outgoing: drafts -----------------------------------------------------------------

def create_draft(*, actor, agency: Agency, doc_type: str, excerpt: str, signer,
                 signer_title: str, authority: str = "", authority_of: str = "",
                 unit: Unit | None = None, urgency: str = Urgency.NORMAL,
                 confidentiality: str = Confidentiality.NORMAL, is_legal: bool = False,
                 recipients: list[Agency] | None = None, body=None,
                 now: datetime | None = None) -> OutgoingDocument:
    now = now or timezone.now()
    _require(actor, "documents.draft", agency)
    if doc_type not in reference.TYPES_BY_CODE:
        raise invalid_value("doc_type", VErr.REQUIRED)
    if is_legal and not reference.document_type(doc_type).may_be_legal:
        raise document_error(DocumentError.NOT_LEGAL_TYPE, field="is_legal")
    excerpt = _required_text(excerpt, "excerpt", max_length=EXCERPT_MAX)
    signer_title = _required_text(signer_title, "signer_title", max_length=120)
    authority_of = _optional_text(authority_of, "authority_of", max_length=120)
    if authority not in reference.AUTHORITY_PREFIXES:
        raise invalid_value("authority", VErr.REQUIRED)
    _choice(urgency, Urgency, "urgency")
    _choice(confidentiality, Confidentiality, "confidentiality")
    if unit is not None and unit.agency_id != agency.pk:
        raise document_error(DocumentError.UNIT, field="unit")
    if signer is None or not has_perm(signer, "documents.sign", agency.organization_id):
        raise document_error(DocumentError.NOT_ALLOWED, field="signer")
    stored = None
    if body is not None:
        stored = pdfs.store_body(body, folder="documents/drafts", field="body",
                                 label="Nội dung văn bản / Body")
    with transaction.atomic():
        doc = OutgoingDocument.objects.create(
            agency=agency, unit=unit, doc_type=doc_type, is_legal=is_legal, excerpt=excerpt,
            urgency=urgency, confidentiality=confidentiality, drafter=actor, signer=signer,
            signer_title=signer_title, authority=authority, authority_of=authority_of,
            created_at=now, updated_at=now)
        _set_recipients(doc, recipients or [])
        if stored:
            _add_version(doc, actor, stored, "", now)
        audit.record(actor=actor, action="documents.draft_created", obj=doc,
                     after=_snapshot(doc), organization=agency.organization)
    return doc


def _set_recipients(doc: OutgoingDocument, agencies: list[Agency]) -> None:
    wanted = {a.pk: a for a in agencies if a.pk != doc.agency_id}
    doc.recipients.exclude(agency_id__in=wanted).delete()
    have = set(doc.recipients.values_list("agency_id", flat=True))
    Recipient.objects.bulk_create([Recipient(document=doc, agency=a)
                                   for pk, a in wanted.items() if pk not in have])


def _add_version(doc, actor, stored: tuple[str, str, str], note: str, now) -> Version:
    """``stored``: (storage name, content type, text) from ``pdfs.store_body``."""
    name, content_type, text = stored
    doc.version += 1
    doc.body_file, doc.body_content_type, doc.text = name, content_type, text
    doc.updated_at = now
    doc.save(update_fields=["version", "body_file", "body_content_type", "text", "updated_at"])
    return Version.objects.create(document=doc, number=doc.version, file=name,
                                  content_type=content_type, uploaded_by=actor,
                                  uploaded_at=now, note=note)


def upload_version(*, actor, document: OutgoingDocument, upload, note: str = "",
                   now: datetime | None = None) -> Version:
    """A new version of the draft's body (only while it is a draft, by its drafter or a
    reviewer of the agency)."""
    now = now or timezone.now()
    note = _optional_text(note, "note", max_length=500)
    if not (actor == document.drafter or has_perm(actor, "documents.review",
                                                  document.agency.organization_id)):
        raise document_error(DocumentError.NOT_ALLOWED)
    if document.state not in workflow.EDITABLE:
        raise document_error(DocumentError.TRANSITION, action="Tải phiên bản / Upload",
                             state=document.get_state_display())
    stored = pdfs.store_body(upload, folder="documents/drafts", field="body",
                             label="Nội dung văn bản / Body")
    with transaction.atomic():
        doc = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
        if doc.state not in workflow.EDITABLE:
            raise document_error(DocumentError.TRANSITION, action="Tải phiên bản / Upload",
                                 state=doc.get_state_display())
        version = _add_version(doc, actor, stored, note, now)
        audit.record(actor=actor, action="documents.version_uploaded", obj=doc,
                     after={"version": doc.version}, organization=doc.agency.organization)
    document.refresh_from_db()
    return version


def set_recipients(*, actor, document: OutgoingDocument, recipients: list[Agency]) -> None:
    if document.state == OutgoingState.ISSUED or document.state == OutgoingState.CANCELLED:
        raise document_error(DocumentError.TRANSITION, action="Nơi nhận / Recipients",
                             state=document.get_state_display())
    _require(actor, "documents.draft", document.agency)
    with transaction.atomic():
        _set_recipients(document, recipients)
        audit.record(actor=actor, action="documents.recipients_set", obj=document,
                     after={"recipients": [a.pk for a in recipients]},
                     organization=document.agency.organization)


# --- outgoing: the one transition function -------------------------------------------

def transition(*, actor, document: OutgoingDocument, action: str, comment: str = "",
               now: datetime | None = None) -> OutgoingDocument:
    """Move a draft along one edge of `workflow.EDGES`: the only code that changes an
    outgoing document's state. ``issue`` numbers, composes and signs the document in the
    same transaction; if any of it fails nothing is kept and no number is consumed."""
    now = now or timezone.now()
    edge = workflow.EDGES.get(action)
    if edge is None:
        raise invalid_value("action", VErr.REQUIRED)
    comment = _optional_text(comment, "comment", max_length=4000)
    written: list[str] = []
    try:
        _transition(actor, document, action, edge, comment, now, written)
    except BaseException:
        files.delete(*written)  # a signed copy of an issue that rolled back
        raise
    document.refresh_from_db()
    return document


def _transition(actor, document, action, edge, comment, now, written) -> None:
    with transaction.atomic():
        doc = (OutgoingDocument.objects.select_for_update(of=("self",))
               .select_related("agency", "agency__organization", "unit", "signer")
               .get(pk=document.pk))
        org_id = doc.agency.organization_id
        if not has_perm(actor, edge.permission, org_id) and not (
                action in ("submit", "cancel") and actor == doc.drafter):
            raise document_error(DocumentError.NOT_ALLOWED)
        if action == "approve" and actor != doc.signer and not actor.is_superuser:
            raise document_error(DocumentError.NOT_ALLOWED)
        if doc.state not in edge.source:
            raise document_error(DocumentError.TRANSITION,
                                 action=workflow.action_name(action),
                                 state=doc.get_state_display())
        if action == "return" and not comment:
            raise document_error(DocumentError.COMMENT_NEEDED, field="comment")
        if action == "submit" and not doc.body_file:
            raise document_error(DocumentError.NO_BODY, field="body")
        before = _snapshot(doc)
        if action == "issue":
            written.append(_issue(doc, actor, now))
        doc.state, doc.updated_at = edge.target, now
        doc.save()
        if comment:
            Comment.objects.create(document=doc, author=actor, action=action, text=comment,
                                   at=now)
        audit.record(actor=actor, action=f"documents.{action}", obj=doc, before=before,
                     after=_snapshot(doc), note=edge.reason,
                     organization=doc.agency.organization)


def outgoing_register(doc: OutgoingDocument) -> Register:
    """Which register (and so which number series) an outgoing document is counted in:
    each legal-normative type its own, secret documents their own, the rest together."""
    try:
        return Register.objects.select_related("agency").get(
            agency=doc.agency, direction=Direction.OUTGOING,
            legal_type=doc.doc_type if doc.is_legal else "",
            is_secret=doc.is_secret and not doc.is_legal)
    except Register.DoesNotExist:
        raise document_error(DocumentError.NO_REGISTER) from None


def _place(agency: Agency) -> str:
    return "Lạng Sơn"


def _issue(doc: OutgoingDocument, actor, now: datetime) -> str:
    from tinhso.core import sequences

    if not doc.body_file:
        raise document_error(DocumentError.NO_BODY, field="body")
    if doc.body_content_type != "application/pdf":  # a Word draft: the signed copy is a PDF
        raise document_error(DocumentError.BODY_NOT_PDF, field="body")
    if not doc.recipients.exists():
        raise document_error(DocumentError.NO_RECIPIENTS, field="recipients")
    body = pdfs.read_stored(doc.body_file)
    register = outgoing_register(doc)
    try:
        signer_cred = creds.credential_for_user(doc.signer,
                                                organization=doc.agency.organization, now=now)
        org_cred = creds.credential_for_organization(doc.agency.organization, now=now)
    except creds.NoCredential as exc:
        raise document_error(DocumentError.SIGNING, reason=str(exc)) from exc
    year = timezone.localtime(now).year
    # Late in the transaction: the register's series stays locked until the commit.
    number = sequences.next_number(register.series, str(year))
    number_symbol = reference.number_symbol(
        number=number, type_code=doc.doc_type, agency=doc.agency.abbreviation,
        unit=doc.unit.abbreviation if doc.unit else "", year=year, legal=doc.is_legal)
    recipients = [r.agency.name for r in doc.recipients.select_related("agency")]
    try:
        copy = pdfs.issued_copy(
            agency_name=doc.agency.name, parent_name="", number_symbol=number_symbol,
            type_code=doc.doc_type, excerpt=doc.excerpt, place=_place(doc.agency),
            issued_at=now, recipients=recipients,
            urgency_label=reference.URGENCY_LABELS[reference.Urgency(doc.urgency)]
            if doc.urgency != Urgency.NORMAL else "",
            secret_label=reference.CONFIDENTIALITY_LABELS[
                reference.Confidentiality(doc.confidentiality)] if doc.is_secret else "",
            body=body)
        appearance = signing.Appearance(
            name=doc.signer.full_name, title=doc.signer_title, authority=doc.authority,
            authority_of=doc.authority_of, organisation=doc.agency.name,
            box=pdfs.SIGNATURE_BOX, page=0)
        signed = signing.sign_pdf(copy, signer_cred, appearance=appearance,
                                  reason=f"Ký ban hành {number_symbol}")
        # The organisation's signature on the copy that is sent (invisible, Art. 16).
        signed = signing.sign_pdf(signed, org_cred, reason=f"Phát hành {number_symbol}")
    except (signing.SigningError, pdfs.UnreadablePdf, ValueError) as exc:
        raise document_error(DocumentError.SIGNING, reason=str(exc)[:200]) from exc
    name = pdfs.save_bytes(signed, folder="documents/issued")
    doc.register, doc.year, doc.number = register, year, number
    doc.number_symbol, doc.issued_at, doc.issued_by = number_symbol, now, actor
    doc.signed_file = name
    return name


# --- sending: on the platform and through the axis -----------------------------------

def send(*, actor, document: OutgoingDocument, now: datetime | None = None) -> list[Recipient]:
    """Send an issued document to its recipients: an agency on the platform finds it in
    its incoming queue at once (signature validated on arrival); one outside gets an
    exchange message, delivered by the background task with retries."""
    now = now or timezone.now()
    _require(actor, "documents.clerk", document.agency)
    if document.state != OutgoingState.ISSUED:
        raise document_error(DocumentError.NOT_ISSUED)
    data = pdfs.read_stored(document.signed_file)
    roots = creds.trusted_roots_pem()
    sent = []
    with transaction.atomic():
        # A recipient outside the platform stays pending until the axis takes its message:
        # one already queued is not sent again (selectors.still_to_send).
        pending = list(selectors.still_to_send(document).select_for_update(of=("self",))
                       .select_related("agency"))
        for recipient in pending:
            if recipient.agency.on_platform:
                incoming = _receive(
                    agency=recipient.agency, source=Source.PLATFORM,
                    message_id=f"platform-{recipient.pk}", sender=document.agency,
                    sender_name=document.agency.name, number_symbol=document.number_symbol,
                    doc_date=timezone.localdate(document.issued_at),
                    doc_type=document.doc_type, excerpt=document.excerpt,
                    urgency=document.urgency, confidentiality=document.confidentiality,
                    data=data, roots=roots, from_outgoing=document, now=now)
                recipient.state, recipient.delivered_at = DeliveryState.DELIVERED, now
                recipient.incoming = incoming
                recipient.save(update_fields=["state", "delivered_at", "incoming"])
            else:
                message = ExchangeMessage.objects.create(
                    recipient=recipient, message_id=uuid.uuid4().hex, next_attempt_at=now,
                    created_at=now)
                transaction.on_commit(partial(enqueue_exchange, message.pk), robust=True)
            sent.append(recipient)
        audit.record(actor=actor, action="documents.sent", obj=document,
                     after={"recipients": [r.agency_id for r in sent]},
                     organization=document.agency.organization)
    return sent


def enqueue_exchange(message_id: int, *, run_after: datetime | None = None) -> None:
    from tinhso.documents.tasks import deliver_exchange

    task = deliver_exchange
    try:
        if run_after is not None:
            if not task.get_backend().supports_defer:
                return  # the periodic sweep picks it up when due
            task = task.using(run_after=run_after)
        task.enqueue(message_id)
    except Exception:
        logger.exception("exchange message %s could not be queued", message_id)


def envelope(message: ExchangeMessage) -> exchange.Envelope:
    import base64

    doc = message.recipient.document
    return exchange.Envelope(
        message_id=message.message_id, from_code=doc.agency.exchange_code,
        from_name=doc.agency.name, to_code=message.recipient.agency.exchange_code,
        number_symbol=doc.number_symbol, doc_type=doc.doc_type, excerpt=doc.excerpt,
        issued_at=exchange.iso(doc.issued_at), signer=doc.signer.full_name,
        urgency=doc.urgency, confidentiality=doc.confidentiality,
        pdf_b64=base64.b64encode(pdfs.read_stored(doc.signed_file)).decode())


def deliver_exchange(message_pk: int, *, now: datetime | None = None) -> str:
    """One delivery attempt through the axis (the background task): claimed by one
    conditional UPDATE, the network call outside any transaction, the outcome recorded
    and reported back to the sender's recipient row."""
    started = now or timezone.now()
    row = outbox.claim(ExchangeMessage, message_pk, now=started)
    if row is None:
        return "skipped"
    row = ExchangeMessage.objects.select_related(
        "recipient__agency", "recipient__document__agency",
        "recipient__document__signer").get(pk=row.pk)
    try:
        receipt = exchange.axis().send(envelope(row))
    except Exception as error:
        outbox.failed(row, error, now=started,
                      max_attempts=settings.DOCUMENT_AXIS_MAX_ATTEMPTS)
        logger.warning("exchange %s failed (attempt %s): %s", row.message_id, row.attempts,
                       row.last_error)
        if row.state == OutboxState.FAILED:
            Recipient.objects.filter(pk=row.recipient_id).update(state=DeliveryState.FAILED)
        else:
            enqueue_exchange(row.pk, run_after=row.next_attempt_at)
        return row.state
    moment = now or timezone.now()
    with transaction.atomic():
        outbox.delivered(row, now=moment)
        Recipient.objects.filter(pk=row.recipient_id).exclude(
            state=DeliveryState.RECEIVED).update(state=DeliveryState.DELIVERED,
                                                 delivered_at=moment)
    logger.info("exchange %s %s", receipt.message_id, receipt.status)
    return row.state


def retry_exchange(*, now: datetime | None = None) -> int:
    """The periodic sweep: messages due again, and answers the axis has not taken yet."""
    due = outbox.overdue(ExchangeMessage, now=now or timezone.now())
    for pk in due:
        enqueue_exchange(pk)
    for pk in _acknowledgements_due():
        send_acknowledgement(pk, now=now)
    return len(due)


def _apply_acknowledgement(recipient: Recipient, *, status: str, reason: str, note: str,
                           now: datetime) -> bool:
    """The sender's recipient row takes the receiving agency's answer (row locked by the
    caller). The same answer twice is a no-op (False); a contrary one is refused."""
    target = DeliveryState.RECEIVED if status == "received" else DeliveryState.RETURNED
    if recipient.state == target:
        return False
    if recipient.state in (DeliveryState.RECEIVED, DeliveryState.RETURNED):
        raise document_error(DocumentError.ACKNOWLEDGED, state=recipient.get_state_display())
    recipient.state, recipient.acknowledged_at = target, now
    if target == DeliveryState.RECEIVED:
        recipient.received_at = now
    else:
        recipient.return_reason, recipient.return_note = reason, note
    recipient.save(update_fields=["state", "acknowledged_at", "received_at", "return_reason",
                                  "return_note"])
    return True


def _clean_acknowledgement(status: str, reason: str, note: str) -> tuple[str, str]:
    from tinhso.core.reasons import clean_reason

    if status not in exchange.Acknowledgement.STATUSES:
        raise invalid_value("status", VErr.REQUIRED)
    if status == "received":
        return "", ""
    return clean_reason(ReturnReason, reason, note)


def record_acknowledgement(*, actor, message_id: str, status: str, reason: str = "",
                           note: str = "", now: datetime | None = None) -> bool:
    """The axis brings back a receiving agency's answer to one of our messages (the
    sender's endpoint): received, or returned with a reason. Idempotent per answer
    (False when already recorded), audited, shown on the recipient row and in the
    outgoing register."""
    now = now or timezone.now()
    reason, note = _clean_acknowledgement(status, reason, note)
    with transaction.atomic():
        recipient = (Recipient.objects.select_for_update(of=("self",))
                     .select_related("document__agency")
                     .filter(message__message_id=message_id).first())
        if recipient is None:
            raise document_error(DocumentError.UNKNOWN_MESSAGE, field="message_id")
        changed = _apply_acknowledgement(recipient, status=status, reason=reason, note=note,
                                         now=now)
        if changed:
            audit.record(actor=actor, action="documents.acknowledged", obj=recipient.document,
                         after={"recipient": recipient.agency_id, "status": status,
                                "reason": reason, "note": note, "message_id": message_id},
                         organization=recipient.document.agency.organization)
    return changed


def _acknowledge_to_sender(doc: IncomingDocument, *, status: str, now: datetime) -> None:
    """Inside the receiving agency's transaction: answer the sender. On the platform the
    sender's recipient row changes at once; through the axis the answer is carried after
    the commit (and again by the periodic sweep until the axis took it)."""
    if doc.source == Source.PLATFORM and doc.from_outgoing_id:
        recipient = Recipient.objects.select_for_update().filter(
            document_id=doc.from_outgoing_id, agency=doc.agency).first()
        if recipient is not None:
            _apply_acknowledgement(recipient, status=status, reason=doc.return_reason,
                                   note=doc.return_note, now=now)
    elif doc.source == Source.AXIS and doc.message_id:
        transaction.on_commit(partial(send_acknowledgement, doc.pk), robust=True)


def send_acknowledgement(doc_pk: int, *, now: datetime | None = None) -> bool:
    """Carry one axis document's answer to its sender; True once the axis took it."""
    now = now or timezone.now()
    doc = IncomingDocument.objects.select_related("agency").get(pk=doc_pk)
    if doc.ack_sent_at or doc.state == IncomingState.RECEIVED or not doc.message_id:
        return bool(doc.ack_sent_at)
    status = "returned" if doc.state == IncomingState.RETURNED else "received"
    sender = doc.sender.exchange_code if doc.sender_id else ""
    try:
        exchange.axis().acknowledge(exchange.Acknowledgement(
            message_id=doc.message_id, from_code=doc.agency.exchange_code, to_code=sender,
            status=status, reason=doc.return_reason, note=doc.return_note,
            at=exchange.iso(now)))
    except Exception as error:  # retried by the periodic sweep
        logger.warning("acknowledgement of %s not carried: %s", doc.message_id, error)
        return False
    IncomingDocument.objects.filter(pk=doc.pk, ack_sent_at__isnull=True).update(
        ack_sent_at=now)
    return True


def _acknowledgements_due() -> list[int]:
    return list(IncomingDocument.objects.filter(
        source=Source.AXIS, ack_sent_at__isnull=True).exclude(message_id="").exclude(
        state=IncomingState.RECEIVED).values_list("pk", flat=True)[:500])


def return_to_sender(*, actor, document: IncomingDocument, reason: str, note: str = "",
                     now: datetime | None = None) -> IncomingDocument:
    """The clerk sends a received document back instead of registering it (not for this
    agency, an invalid signature or form, an unreadable file): no arrival number, the
    reason goes back to the sender."""
    from tinhso.core.reasons import clean_reason

    now = now or timezone.now()
    _require(actor, "documents.clerk", document.agency)
    reason, note = clean_reason(ReturnReason, reason, note)
    with transaction.atomic():
        doc = IncomingDocument.objects.select_for_update().select_related("agency").get(
            pk=document.pk)
        if doc.state != IncomingState.RECEIVED:
            raise document_error(DocumentError.TRANSITION, action="Trả lại / Return",
                                 state=doc.get_state_display())
        doc.state, doc.return_reason, doc.return_note = IncomingState.RETURNED, reason, note
        doc.save(update_fields=["state", "return_reason", "return_note"])
        _acknowledge_to_sender(doc, status="returned", now=now)
        audit.record(actor=actor, action="documents.incoming_returned", obj=doc,
                     after={"reason": reason, "note": note},
                     organization=doc.agency.organization)
    document.refresh_from_db()
    return document


# --- incoming ------------------------------------------------------------------------

def _validate_signatures(doc: IncomingDocument, data: bytes, roots, now) -> SignatureCheck:
    result = signing.validate_pdf(data, roots, now=now)
    doc.signature_verdict = result.verdict.value
    return SignatureCheck(document=doc, verdict=result.verdict.value, signer=result.signer,
                          organisation=(result.signatures[0].organisation
                                        if result.signatures else ""),
                          signed_at=result.signed_at, details=result.as_dict(),
                          checked_at=now)


def _incoming_register(agency: Agency, secret: bool) -> Register:
    try:
        return Register.objects.select_related("agency").get(
            agency=agency, direction=Direction.INCOMING, is_secret=secret, legal_type="")
    except Register.DoesNotExist:
        if secret:  # an agency with no separate secret register counts them together
            return _incoming_register(agency, False)
        raise document_error(DocumentError.NO_REGISTER) from None


def _receive(*, agency, source, message_id, sender, sender_name, number_symbol, doc_date,
             doc_type, excerpt, urgency, confidentiality, data, roots, from_outgoing=None,
             now, file_name: str | None = None) -> IncomingDocument:
    """Put a received document in the agency's incoming queue (idempotent per message),
    its signatures validated and stored."""
    existing = IncomingDocument.objects.filter(agency=agency, message_id=message_id).first() \
        if message_id else None
    if existing is not None:
        return existing
    name = file_name or pdfs.save_bytes(data, folder="documents/incoming")
    doc = IncomingDocument(
        agency=agency, source=source, message_id=message_id or "", sender=sender,
        sender_name=sender_name[:255], number_symbol=number_symbol[:60],
        number_symbol_key=reference.normalise_number_symbol(number_symbol)[:60],
        doc_date=doc_date, doc_type=doc_type, excerpt=excerpt[:EXCERPT_MAX], urgency=urgency,
        confidentiality=confidentiality, file=name, text=pdfs.extract_text(data),
        from_outgoing=from_outgoing, arrived_at=now, state=IncomingState.RECEIVED)
    check = _validate_signatures(doc, data, roots, now)
    doc.save()
    check.document = doc
    check.save()
    return doc


def find_duplicate(*, agency: Agency, number_symbol: str, sender_name: str,
                   exclude_pk: int | None = None) -> IncomingDocument | None:
    """The decree's duplicate alert: a registered document of this agency with the same
    number + symbol from the same issuer."""
    key = reference.normalise_number_symbol(number_symbol)
    rows = IncomingDocument.objects.filter(agency=agency, number_symbol_key=key,
                                           sender_name__iexact=sender_name.strip()).exclude(
        state__in=UNREGISTERED)
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    return rows.order_by("arrived_at").first()


def _register_number(doc: IncomingDocument, actor, now) -> None:
    from tinhso.core import sequences

    register = _incoming_register(doc.agency, doc.is_secret)
    year = timezone.localtime(now).year
    doc.duplicate_of = find_duplicate(agency=doc.agency, number_symbol=doc.number_symbol,
                                      sender_name=doc.sender_name, exclude_pk=doc.pk)
    doc.register, doc.year = register, year
    doc.arrival_number = sequences.next_number(register.series, str(year))
    doc.registered_at, doc.registered_by = now, actor
    doc.state = IncomingState.REGISTERED


def register_received(*, actor, document: IncomingDocument,
                      now: datetime | None = None) -> IncomingDocument:
    """The clerk registers a document from the incoming queue: arrival number from the
    register's series for the year, duplicate alert."""
    now = now or timezone.now()
    _require(actor, "documents.clerk", document.agency)
    with transaction.atomic():
        doc = IncomingDocument.objects.select_for_update().select_related("agency").get(
            pk=document.pk)
        if doc.state != IncomingState.RECEIVED:
            raise document_error(DocumentError.TRANSITION, action="Vào sổ / Register",
                                 state=doc.get_state_display())
        _register_number(doc, actor, now)
        doc.save()
        audit.record(actor=actor, action="documents.incoming_registered", obj=doc,
                     after={"arrival_number": doc.arrival_number, "year": doc.year,
                            "duplicate_of": doc.duplicate_of_id},
                     organization=doc.agency.organization)
        _acknowledge_to_sender(doc, status="received", now=now)
    document.refresh_from_db()
    return document


def register_scanned(*, actor, agency: Agency, upload, sender_name: str, number_symbol: str,
                     doc_date: date, doc_type: str, excerpt: str,
                     urgency: str = Urgency.NORMAL,
                     confidentiality: str = Confidentiality.NORMAL,
                     now: datetime | None = None) -> IncomingDocument:
    """A document received on paper (scanned) or by e-mail, registered at the clerk's desk:
    its PDF is checked, its signatures validated, and it gets its arrival number."""
    now = now or timezone.now()
    _require(actor, "documents.clerk", agency)
    sender_name = _required_text(sender_name, "sender_name", max_length=255)
    number_symbol = _required_text(number_symbol, "number_symbol", max_length=60)
    excerpt = _required_text(excerpt, "excerpt", max_length=EXCERPT_MAX)
    if doc_date is None:
        raise invalid_value("doc_date", VErr.REQUIRED)
    check_date_in_window(doc_date, "doc_date")
    if doc_type not in reference.TYPES_BY_CODE:
        raise invalid_value("doc_type", VErr.REQUIRED)
    _choice(urgency, Urgency, "urgency")
    _choice(confidentiality, Confidentiality, "confidentiality")
    name, data = pdfs.store_pdf(upload, folder="documents/incoming", field="file",
                                label="Tệp văn bản / File")
    roots = creds.trusted_roots_pem()
    with transaction.atomic():
        sender = Agency.objects.filter(name__iexact=sender_name).first()
        doc = _receive(agency=agency, source=Source.SCANNED, message_id="", sender=sender,
                       sender_name=sender_name, number_symbol=number_symbol,
                       doc_date=doc_date, doc_type=doc_type, excerpt=excerpt,
                       urgency=urgency, confidentiality=confidentiality, data=data,
                       roots=roots, now=now, file_name=name)
        _register_number(doc, actor, now)
        doc.save()
        audit.record(actor=actor, action="documents.incoming_registered", obj=doc,
                     after={"arrival_number": doc.arrival_number, "year": doc.year,
                            "signature": doc.signature_verdict,
                            "duplicate_of": doc.duplicate_of_id},
                     organization=agency.organization)
    return doc


def receive_from_axis(*, agency: Agency, env: exchange.Envelope,
                      now: datetime | None = None) -> IncomingDocument:
    """A message the axis brings in: queued for the clerk (idempotent per message id)."""
    now = now or timezone.now()
    try:
        issued = datetime.fromisoformat(env.issued_at)
    except ValueError:
        raise invalid_value("issued_at", VErr.REQUIRED) from None
    doc_type = env.doc_type if env.doc_type in reference.TYPES_BY_CODE else "cong_van"
    with transaction.atomic():
        doc = _receive(agency=agency, source=Source.AXIS, message_id=env.message_id,
                       sender=Agency.objects.filter(exchange_code=env.from_code).first(),
                       sender_name=env.from_name, number_symbol=env.number_symbol,
                       doc_date=timezone.localdate(issued), doc_type=doc_type,
                       excerpt=env.excerpt, urgency=env.urgency
                       if env.urgency in Urgency.values else Urgency.NORMAL,
                       confidentiality=env.confidentiality
                       if env.confidentiality in Confidentiality.values
                       else Confidentiality.NORMAL,
                       data=env.pdf, roots=creds.trusted_roots_pem(), now=now)
        audit.record(actor=None, action="documents.received_from_axis", obj=doc,
                     after={"message_id": env.message_id}, organization=agency.organization)
    return doc


def revalidate(*, actor, document: IncomingDocument,
               now: datetime | None = None) -> SignatureCheck:
    """Validate the stored PDF again (after an administrator trusted a new root)."""
    now = now or timezone.now()
    _require(actor, "documents.clerk", document.agency)
    data = pdfs.read_stored(document.file)
    with transaction.atomic():
        check = _validate_signatures(document, data, creds.trusted_roots_pem(), now)
        check.save()
        IncomingDocument.objects.filter(pk=document.pk).update(
            signature_verdict=document.signature_verdict)
        audit.record(actor=actor, action="documents.signature_revalidated", obj=document,
                     after={"verdict": check.verdict}, organization=document.agency.organization)
    return check


# --- handling ------------------------------------------------------------------------

def assign(*, actor, document: IncomingDocument, assignee, working_days: int,
           instructions: str = "", unit: Unit | None = None,
           now: datetime | None = None) -> Assignment:
    """The head assigns a registered document to a handler, with a deadline counted in
    working days (core.workdays: weekends, holidays and swapped days)."""
    from tinhso.core.selectors import working_calendar

    now = now or timezone.now()
    _require(actor, "documents.assign", document.agency)
    instructions = _optional_text(instructions, "instructions", max_length=4000)
    if not isinstance(working_days, int) or not 1 <= working_days <= MAX_WORKING_DAYS:
        raise document_error(DocumentError.DAYS, field="working_days")
    if assignee is None or not _works_in(assignee, document.agency) or \
            not has_perm(assignee, "documents.handle", document.agency.organization_id):
        raise document_error(DocumentError.ASSIGNEE, field="assignee")
    if unit is not None and unit.agency_id != document.agency_id:
        raise document_error(DocumentError.UNIT, field="unit")
    deadline = working_calendar().add_working_days(timezone.localtime(now).date(),
                                                   working_days)
    with transaction.atomic():
        doc = IncomingDocument.objects.select_for_update().get(pk=document.pk)
        if doc.state == IncomingState.RECEIVED:
            raise document_error(DocumentError.TRANSITION, action="Giao xử lý / Assign",
                                 state=doc.get_state_display())
        if doc.state == IncomingState.CLOSED:
            raise document_error(DocumentError.CLOSED)
        assignment = Assignment.objects.create(
            document=doc, assignee=assignee, unit=unit, assigned_by=actor,
            instructions=instructions, working_days=working_days, deadline=deadline,
            created_at=now)
        doc.state = IncomingState.ASSIGNED
        doc.due_date = min(filter(None, [doc.due_date, deadline])) if doc.due_date else deadline
        doc.save(update_fields=["state", "due_date"])
        audit.record(actor=actor, action="documents.assigned", obj=doc,
                     after={"assignee": assignee.pk, "deadline": deadline.isoformat()},
                     organization=doc.agency.organization)
        transaction.on_commit(partial(_notify_assignee, assignment.pk), robust=True)
    document.refresh_from_db()
    return assignment


def _notify_assignee(assignment_id: int) -> None:
    a = Assignment.objects.select_related("document", "assignee").get(pk=assignment_id)
    recipient = a.assignee.phone or a.assignee.email
    if not recipient:
        return
    notifications.send(notifications.Notification(
        recipient=recipient[:64], kind="documents.assigned",
        message_vi=f"Anh/chị được giao xử lý văn bản {a.document.number_symbol}, "
                   f"hạn {a.deadline:%d/%m/%Y}.",
        message_en=f"You are assigned document {a.document.number_symbol}, "
                   f"due {a.deadline:%d/%m/%Y}.",
        link=f"/documents/incoming/{a.document_id}/"))


def _active_assignment(doc: IncomingDocument, actor) -> Assignment:
    assignment = doc.assignments.filter(assignee=actor, state=AssignmentState.ACTIVE).first()
    if assignment is None:
        raise document_error(DocumentError.NOT_ASSIGNED)
    return assignment


def add_opinion(*, actor, document: IncomingDocument, text: str,
                now: datetime | None = None) -> Opinion:
    now = now or timezone.now()
    text = _required_text(text, "text", max_length=4000)
    with transaction.atomic():
        doc = IncomingDocument.objects.select_for_update().get(pk=document.pk)
        if doc.state == IncomingState.CLOSED:
            raise document_error(DocumentError.CLOSED)
        if not (doc.assignments.filter(assignee=actor).exists()
                or has_perm(actor, "documents.assign", doc.agency.organization_id)):
            raise document_error(DocumentError.NOT_ASSIGNED)
        opinion = Opinion.objects.create(document=doc, author=actor, text=text, at=now)
        audit.record(actor=actor, action="documents.opinion", obj=doc,
                     organization=doc.agency.organization)
    return opinion


def forward(*, actor, document: IncomingDocument, assignee, instructions: str = "",
            working_days: int | None = None, now: datetime | None = None) -> Assignment:
    """The handler passes the document on to a colleague (the deadline stays unless a new
    one is given); the handler's own assignment is marked forwarded."""
    from tinhso.core.selectors import working_calendar

    now = now or timezone.now()
    instructions = _optional_text(instructions, "instructions", max_length=4000)
    if assignee is None or not _works_in(assignee, document.agency) or \
            not has_perm(assignee, "documents.handle", document.agency.organization_id):
        raise document_error(DocumentError.ASSIGNEE, field="assignee")
    with transaction.atomic():
        doc = IncomingDocument.objects.select_for_update().get(pk=document.pk)
        if doc.state == IncomingState.CLOSED:
            raise document_error(DocumentError.CLOSED)
        mine = _active_assignment(doc, actor)
        if working_days is not None:
            if not 1 <= working_days <= MAX_WORKING_DAYS:
                raise document_error(DocumentError.DAYS, field="working_days")
            deadline = working_calendar().add_working_days(timezone.localtime(now).date(),
                                                           working_days)
        else:
            working_days, deadline = mine.working_days, mine.deadline
        mine.state = AssignmentState.FORWARDED
        mine.save(update_fields=["state"])
        assignment = Assignment.objects.create(
            document=doc, assignee=assignee, unit=mine.unit, assigned_by=actor,
            instructions=instructions, working_days=working_days, deadline=deadline,
            created_at=now)
        audit.record(actor=actor, action="documents.forwarded", obj=doc,
                     after={"assignee": assignee.pk, "deadline": deadline.isoformat()},
                     organization=doc.agency.organization)
        transaction.on_commit(partial(_notify_assignee, assignment.pk), robust=True)
    return assignment


def close(*, actor, document: IncomingDocument, reply: OutgoingDocument | None = None,
          note: str = "", now: datetime | None = None) -> IncomingDocument:
    """The handler closes the document, with the outgoing reply it led to (if any)."""
    now = now or timezone.now()
    note = _optional_text(note, "note", max_length=4000)
    if reply is not None and (reply.agency_id != document.agency_id
                              or reply.state != OutgoingState.ISSUED):
        raise document_error(DocumentError.REPLY, field="reply")
    with transaction.atomic():
        doc = IncomingDocument.objects.select_for_update().get(pk=document.pk)
        if doc.state == IncomingState.CLOSED:
            raise document_error(DocumentError.CLOSED)
        if not has_perm(actor, "documents.assign", doc.agency.organization_id):
            mine = _active_assignment(doc, actor)
            mine.state = AssignmentState.DONE
            mine.save(update_fields=["state"])
        doc.assignments.filter(state=AssignmentState.ACTIVE).update(state=AssignmentState.DONE)
        if doc.state == IncomingState.RECEIVED:
            raise document_error(DocumentError.TRANSITION, action="Hoàn thành / Close",
                                 state=doc.get_state_display())
        doc.state, doc.closed_at, doc.reply = IncomingState.CLOSED, now, reply
        doc.save(update_fields=["state", "closed_at", "reply"])
        if reply is not None and reply.in_reply_to_id is None:
            OutgoingDocument.objects.filter(pk=reply.pk).update(in_reply_to=doc)
        if note:
            Opinion.objects.create(document=doc, author=actor, text=note, at=now)
        audit.record(actor=actor, action="documents.closed", obj=doc,
                     after={"reply": reply.pk if reply else None},
                     organization=doc.agency.organization)
    document.refresh_from_db()
    return document


# --- links to public-service dossiers and meetings -------------------------------------

def may_link(actor, document) -> bool:
    """Who may link or unlink a document: a person of its agency who works on documents
    (drafts, handles, or the clerk), and who may see it."""
    return bool(has_perm(actor, "documents.link", document.agency.organization_id)
                and type(document).objects.visible_to(actor).filter(pk=document.pk).exists())


def link_document(*, actor, document: IncomingDocument | OutgoingDocument,
                  dossier_code: str = "", meeting_id: int | None = None,
                  now: datetime | None = None) -> tuple[DocumentLink, bool]:
    """Link a document to a public-service dossier (by its code) or a meeting (by its id).
    Idempotent: the same link again returns the existing row and ``created`` False (one
    row per pair, the unique constraints decide under concurrency); audited once."""
    now = now or timezone.now()
    if not may_link(actor, document):
        raise document_error(DocumentError.NOT_ALLOWED)
    target = selectors.link_target(actor, dossier_code=dossier_code, meeting_id=meeting_id)
    side = {"incoming" if isinstance(document, IncomingDocument) else "outgoing": document}
    with transaction.atomic():
        link, created = DocumentLink.objects.get_or_create(
            **side, **target, defaults={"created_by": actor, "created_at": now})
        if created:
            audit.record(actor=actor, action="documents.linked", obj=document,
                         after=_link_snapshot(link), organization=document.agency.organization)
    return link, created


def unlink_document(*, actor, link: DocumentLink) -> bool:
    """Remove a link (the page asks first). Idempotent: a link already removed answers
    False and writes nothing; the audit entry keeps what was removed."""
    document = link.document
    if not may_link(actor, document):
        raise document_error(DocumentError.NOT_ALLOWED)
    with transaction.atomic():
        row = DocumentLink.objects.select_for_update().filter(pk=link.pk).first()
        if row is None:
            return False
        snapshot = _link_snapshot(row)
        row.delete()
        audit.record(actor=actor, action="documents.unlinked", obj=document, before=snapshot,
                     organization=document.agency.organization)
    return True


def _link_snapshot(link: DocumentLink) -> dict:
    if link.dossier_id:
        return {"link": link.pk, "dossier": link.dossier_id, "dossier_code": link.dossier.code}
    return {"link": link.pk, "meeting": link.meeting_id}


def remind_due(*, today: date | None = None) -> int:
    """Daily: remind each handler once a day of assignments due within two working days
    or overdue."""
    from tinhso.core.selectors import working_calendar

    today = today or timezone.localdate()
    soon = working_calendar().add_working_days(today, 2)
    count = 0
    due = (Assignment.objects.filter(state=AssignmentState.ACTIVE, deadline__lte=soon)
           .exclude(reminded_on=today).select_related("assignee", "document"))
    for a in due:
        recipient = a.assignee.phone or a.assignee.email
        if recipient:
            late = a.deadline < today
            notifications.send(notifications.Notification(
                recipient=recipient[:64], kind="documents.due",
                message_vi=(f"Văn bản {a.document.number_symbol} "
                            f"{'đã quá hạn' if late else 'sắp đến hạn'} xử lý "
                            f"({a.deadline:%d/%m/%Y})."),
                message_en=(f"Document {a.document.number_symbol} is "
                            f"{'overdue' if late else 'due soon'} ({a.deadline:%d/%m/%Y})."),
                link=f"/documents/incoming/{a.document_id}/"))
        Assignment.objects.filter(pk=a.pk).update(reminded_on=today)
        count += 1
    return count
