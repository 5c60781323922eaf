"""Error codes of the one-stop public services, with their English templates (gettext
msgids; the Vietnamese is in ``locale/vi/LC_MESSAGES/django.po``) and HTTP statuses."""

from enum import StrEnum

from django.utils.translation import gettext_lazy, gettext_noop

from tinhso.core.errors import coded_error, coded_invalid, move_to


class PublicServiceError(StrEnum):
    NOT_ALLOWED_IN_STATE = "publicservices.state"
    PROCEDURE_INACTIVE = "publicservices.procedure_inactive"
    AGENCY_LEVEL = "publicservices.agency_level"
    AGENCY_INACTIVE = "publicservices.agency_inactive"
    CODE_TAKEN = "publicservices.code_taken"
    CODE_FORMAT = "publicservices.code_format"
    NOT_ASSIGNEE = "publicservices.not_assignee"
    ASSIGNEE_AGENCY = "publicservices.assignee_agency"
    SAME_AGENCY = "publicservices.same_agency"
    EXTENSION_USED = "publicservices.extension_used"
    EXTENSION_TOO_LATE = "publicservices.extension_too_late"
    EXTENSION_DATE = "publicservices.extension_date"
    MISSING_LIST = "publicservices.missing"
    REQUIRED = "required"
    TOO_LONG = "too_long"
    IMPORT_HEADER = "publicservices.import_header"
    IMPORT_VALUE = "publicservices.import_value"
    IMPORT_FILE = "publicservices.import_file"
    # Part B: rating, tracking, consoles.
    RATING_STATE = "publicservices.rating_state"
    RATING_ONCE = "publicservices.rating_once"
    RATING_LEVEL = "publicservices.rating_level"
    TRACKING_LIMIT = "publicservices.tracking_limit"
    YEAR_RANGE = "publicservices.year_range"
    PAPER_MISSING = "publicservices.paper_missing"
    FEE_UNPAID = "publicservices.fee_unpaid"


MESSAGES: dict[PublicServiceError, tuple[str, int]] = {
    # {action}: one of the Action phrases below; {state}: the DossierState label.
    PublicServiceError.NOT_ALLOWED_IN_STATE: (
        gettext_noop("Cannot {action} while the dossier is “{state}”."), 409),
    PublicServiceError.PROCEDURE_INACTIVE: (
        gettext_noop("The procedure {code} is no longer in the catalogue."), 422),
    PublicServiceError.AGENCY_LEVEL: (
        gettext_noop("{agency} does not receive procedures of this level."), 422),
    PublicServiceError.AGENCY_INACTIVE: (gettext_noop("{agency} is not active."), 422),
    PublicServiceError.CODE_TAKEN: (
        gettext_noop("A dossier with the code {code} already exists."), 409),
    PublicServiceError.CODE_FORMAT: (
        gettext_noop("“{code}” is not a dossier code of the national format."), 422),
    PublicServiceError.NOT_ASSIGNEE: (
        gettext_noop("This step of the dossier is assigned to someone else."), 403),
    PublicServiceError.ASSIGNEE_AGENCY: (
        gettext_noop("The assignee must work in {agency}."), 422),
    PublicServiceError.SAME_AGENCY: (
        gettext_noop("The dossier is already handled by {agency}."), 422),
    PublicServiceError.EXTENSION_USED: (
        gettext_noop("The appointment of this dossier was already re-set once."), 409),
    PublicServiceError.EXTENSION_TOO_LATE: (
        gettext_noop("The apology letter must be issued at least one working day before the "
                     "appointment ({due})."), 409),
    PublicServiceError.EXTENSION_DATE: (
        gettext_noop("The new date must be a working day after the appointment ({due})."),
        422),
    PublicServiceError.MISSING_LIST: (
        gettext_noop("List what is missing, one paper per line."), 422),
    PublicServiceError.REQUIRED: (gettext_noop("This field is required."), 422),
    PublicServiceError.TOO_LONG: (
        gettext_noop("At most {max} characters."), 422),
    PublicServiceError.IMPORT_HEADER: (
        gettext_noop("The file has no column “{column}” (national portal layout)."), 422),
    # {row}: the spreadsheet row number; {column}: its header; {value}: what was there.
    PublicServiceError.IMPORT_VALUE: (
        gettext_noop("Row {row}, column “{column}”: “{value}” is not valid."), 422),
    PublicServiceError.IMPORT_FILE: (
        gettext_noop("The file cannot be read as Excel (.xlsx) or CSV."), 422),
    PublicServiceError.RATING_STATE: (
        gettext_noop("A dossier can be rated once its result is ready."), 409),
    PublicServiceError.RATING_ONCE: (gettext_noop("This dossier has already been rated."), 409),
    PublicServiceError.RATING_LEVEL: (
        gettext_noop("Choose one of the three levels for this criterion."), 422),
    PublicServiceError.TRACKING_LIMIT: (
        gettext_noop("Too many lookups from here. Try again in a few minutes."), 429),
    PublicServiceError.PAPER_MISSING: (
        gettext_noop("Attach the paper “{paper}”: it is required."), 422),
    # {reference}: the dossier's payment reference (DVC00000042).
    PublicServiceError.FEE_UNPAID: (
        gettext_noop("The fee of this online dossier ({reference}) is not paid yet: it can be "
                     "received once the bank confirms the payment."), 409),
    PublicServiceError.YEAR_RANGE: (gettext_noop("The year must be between {low} and {high}."),
                                    422),
}

public_service_error = coded_error(MESSAGES)
public_service_invalid = coded_invalid(MESSAGES)


class Action:
    """What a person tried to do, as NOT_ALLOWED_IN_STATE names it."""

    ACCEPT = gettext_lazy("accept the dossier")
    EXTEND = gettext_lazy("re-set the appointment")
    HAND_OVER = gettext_lazy("hand the dossier over")
    TRANSFER = gettext_lazy("transfer the dossier")
    ASSIGN = gettext_lazy("assign the dossier")

    move_to = staticmethod(move_to)  # core.errors: the same phrase for every app
