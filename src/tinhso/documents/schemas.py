"""Pydantic schemas of the documents API: every text, id and date bounded at the edge."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from tinhso.core.schema_types import Code, Id, text


class DraftIn(Schema):
    agency_id: Id
    doc_type: Code
    excerpt: text(500, min_length=1)
    signer_id: Id
    signer_title: text(120, min_length=1)
    authority: text(5) = ""
    authority_of: text(120) = ""
    unit_id: Id | None = None
    urgency: Code = "thuong"
    confidentiality: Code = "thuong"
    is_legal: bool = False
    recipient_ids: list[Id] = Field(default_factory=list, max_length=200)


class TransitionIn(Schema):
    action: Code
    comment: text(4000) = ""


class VersionIn(Schema):
    note: text(500) = ""


class ScannedIn(Schema):
    agency_id: Id
    sender_name: text(255, min_length=1)
    number_symbol: text(60, min_length=1)
    doc_date: date
    doc_type: Code
    excerpt: text(500, min_length=1)
    urgency: Code = "thuong"
    confidentiality: Code = "thuong"


class AssignIn(Schema):
    assignee_id: Id
    working_days: int = Field(ge=1, le=90)
    instructions: text(4000) = ""
    unit_id: Id | None = None


class ForwardIn(Schema):
    assignee_id: Id
    instructions: text(4000) = ""
    working_days: int | None = Field(None, ge=1, le=90)


class OpinionIn(Schema):
    text: text(4000, min_length=1)


class CloseIn(Schema):
    reply_id: Id | None = None
    note: text(4000) = ""


class LinkIn(Schema):
    """Exactly one: a public-service dossier's code, or a meeting's id."""

    dossier_code: text(40) = ""
    meeting_id: Id | None = None


class LinkOut(Schema):
    id: int
    target: str = Field(description="dossier | meeting")
    target_id: int
    label: str = Field(description="the dossier's code and procedure, or the meeting's "
                                   "title and start; only the id when the caller may not "
                                   "see it")
    visible: bool
    created_at: datetime
    created_by: str


class LinkResultOut(LinkOut):
    created: bool = Field(description="false when the link already existed")


class RelatedDocumentOut(Schema):
    kind: str = Field(description="incoming | outgoing")
    id: int
    number_symbol: str
    excerpt: str
    type_name: str
    date: date | None
    state_label: str


class AcknowledgementIn(Schema):
    """A receiving agency's answer to one of our messages, as the axis brings it."""

    message_id: text(64, min_length=1)
    status: Code = Field(description="received | returned")
    reason: Code = Field("", description="when returned: wrong_recipient, not_valid, "
                                          "unreadable, other")
    note: text(500) = ""


class AcknowledgementOut(Schema):
    recorded: bool


class ReturnIn(Schema):
    reason: Code = Field(description="wrong_recipient, not_valid, unreadable, other")
    note: text(500) = ""


class RecipientOut(Schema):
    agency: str
    state: str
    delivered_at: datetime | None
    received_at: datetime | None
    return_reason: str = ""
    return_note: str = ""


class OutgoingOut(Schema):
    id: int
    agency: str
    doc_type: str
    doc_type_name: str
    excerpt: str
    state: str
    state_label: str
    urgency: str
    confidentiality: str
    number_symbol: str
    issued_at: datetime | None
    signer: str
    version: int
    created_at: datetime


class OutgoingDetailOut(OutgoingOut):
    signer_title: str
    authority: str
    recipients: list[RecipientOut]
    comments: list[dict]
    actions: list[str]


class SignatureCheckOut(Schema):
    verdict: str
    verdict_label: str
    signer: str
    organisation: str
    signed_at: datetime | None
    checked_at: datetime


class IncomingOut(Schema):
    id: int
    agency: str
    arrival_number: int | None
    year: int | None
    arrived_at: datetime
    sender_name: str
    number_symbol: str
    doc_date: date
    doc_type: str
    excerpt: str
    urgency: str
    confidentiality: str
    state: str
    state_label: str
    signature_verdict: str
    signature_label: str
    due_date: date | None
    duplicate_of: int | None


class AssignmentOut(Schema):
    id: int
    assignee: str
    instructions: str
    deadline: date
    working_days: int
    state: str


class IncomingDetailOut(IncomingOut):
    signature_checks: list[SignatureCheckOut]
    assignments: list[AssignmentOut]
    opinions: list[dict]
    reply_id: int | None


class DeskItemOut(Schema):
    document_id: int
    number_symbol: str
    excerpt: str
    deadline: date
    overdue: bool


class DeskOut(Schema):
    overdue: list[DeskItemOut]
    due_soon: list[DeskItemOut]
    later: list[DeskItemOut]


class StatisticsOut(Schema):
    agency: str
    date_from: str
    date_to: str
    incoming: int
    outgoing_issued: int
    per_sender: list[dict]
    closed_with_deadline: int
    closed_on_time: int
    on_time_rate: float | None
    open_overdue: int
