"""Error codes of official documents, with their English templates (gettext msgids; the
Vietnamese is in the .po catalogue) and HTTP statuses."""

from enum import StrEnum

from django.utils.translation import gettext_noop

from tinhso.core.errors import coded_error


class DocumentError(StrEnum):
    TRANSITION = "documents.transition"
    NOT_ALLOWED = "documents.not_allowed"
    NO_BODY = "documents.no_body"
    BODY_NOT_PDF = "documents.body_not_pdf"
    NO_REGISTER = "documents.no_register"
    NOT_LEGAL_TYPE = "documents.not_legal_type"
    NO_RECIPIENTS = "documents.no_recipients"
    NOT_ISSUED = "documents.not_issued"
    CORRUPT_PDF = "documents.corrupt_pdf"
    UNKNOWN_AGENCY = "documents.unknown_agency"
    NOT_STAFF = "documents.not_staff"
    ASSIGNEE = "documents.assignee"
    CLOSED = "documents.closed"
    NOT_ASSIGNED = "documents.not_assigned"
    REPLY = "documents.reply"
    COMMENT_NEEDED = "documents.comment_needed"
    DAYS = "documents.working_days"
    SIGNING = "documents.signing"
    UNIT = "documents.unit"
    UNKNOWN_MESSAGE = "documents.unknown_message"
    ACKNOWLEDGED = "documents.acknowledged"
    UNKNOWN_DOSSIER = "documents.unknown_dossier"
    UNKNOWN_MEETING = "documents.unknown_meeting"
    LINK_TARGET = "documents.link_target"


MESSAGES: dict[DocumentError, tuple[str, int]] = {
    # {action}: the action's name; {state}: the document's state label.
    DocumentError.TRANSITION: (
        gettext_noop("“{action}” is not possible while the document is “{state}”."), 409),
    DocumentError.NOT_ALLOWED: (
        gettext_noop("You may not do this with this document."), 403),
    DocumentError.NO_BODY: (
        gettext_noop("Upload the document's body before sending it for review."), 422),
    DocumentError.BODY_NOT_PDF: (
        gettext_noop("The last version of the body must be a PDF to be issued."), 422),
    DocumentError.NO_REGISTER: (
        gettext_noop("The agency has no register for this series: ask the administrator to "
                     "create it."), 409),
    DocumentError.NOT_LEGAL_TYPE: (
        gettext_noop("Only a resolution or a decision can be a legal-normative document."),
        422),
    DocumentError.NO_RECIPIENTS: (gettext_noop("Choose at least one recipient."), 422),
    DocumentError.NOT_ISSUED: (
        gettext_noop("Only an issued document can be sent or linked as a reply."), 409),
    DocumentError.CORRUPT_PDF: (
        gettext_noop("The PDF cannot be read: it is damaged or not a PDF."), 422),
    DocumentError.UNKNOWN_AGENCY: (gettext_noop("Unknown agency."), 422),
    DocumentError.NOT_STAFF: (
        gettext_noop("You do not work in this agency."), 403),
    DocumentError.ASSIGNEE: (
        gettext_noop("The person assigned must work in the receiving agency."), 422),
    DocumentError.CLOSED: (gettext_noop("The document is closed."), 409),
    DocumentError.NOT_ASSIGNED: (
        gettext_noop("Only a person handling the document may do this."), 403),
    DocumentError.REPLY: (
        gettext_noop("The reply must be an issued document of the same agency."), 422),
    DocumentError.COMMENT_NEEDED: (
        gettext_noop("Say why the draft is returned."), 422),
    DocumentError.DAYS: (
        gettext_noop("The deadline must be between 1 and 90 working days."), 422),
    DocumentError.SIGNING: (
        gettext_noop("The document could not be signed: {reason}"), 422),
    DocumentError.UNIT: (gettext_noop("The unit is not part of this agency."), 422),
    DocumentError.UNKNOWN_MESSAGE: (
        gettext_noop("No document was sent with this message id."), 404),
    DocumentError.ACKNOWLEDGED: (
        gettext_noop("The recipient has already answered: “{state}”."), 409),
    # An unknown code and a dossier the person may not see read the same: the answer
    # never tells that another agency's dossier exists.
    DocumentError.UNKNOWN_DOSSIER: (
        gettext_noop("No public-service dossier with this code among those you may see."),
        422),
    DocumentError.UNKNOWN_MEETING: (
        gettext_noop("No meeting with this number among those you may see."), 422),
    DocumentError.LINK_TARGET: (
        gettext_noop("Give one of the two: a dossier code or a meeting."), 422),
}

document_error = coded_error(MESSAGES)
