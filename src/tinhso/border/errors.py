"""Error codes of the digital border gate, with their English templates (gettext msgids;
the Vietnamese is in ``locale/vi/LC_MESSAGES/django.po``) and HTTP statuses."""

from enum import StrEnum

from django.utils.translation import gettext_lazy, gettext_noop

from tinhso.core.errors import coded_error, coded_invalid, move_to


class BorderError(StrEnum):
    NOT_ALLOWED_IN_STATE = "border.state"
    SLOT_FULL = "border.slot_full"
    SLOT_PAST = "border.slot_past"
    GATE_CLOSED = "border.gate_closed"
    UNKNOWN_CAMERA = "border.camera"
    CAMERA_NOT_YOURS = "border.camera_owner"
    NOT_REQUIRED_AGENCY = "border.agency"
    UNKNOWN_AGENCY = "border.agency_unknown"
    UNKNOWN_VERDICT = "border.verdict"
    EVENT_ALREADY_HANDLED = "border.event_handled"
    NOTICE_KIND = "border.notice_kind"
    ENTERPRISE_NOT_CHOSEN = "border.enterprise"
    PLATE_IN_PIPELINE = "border.plate_in_pipeline"
    DESK_CAMERA = "border.desk_camera"
    NOT_YOUR_YARD = "border.yard_owner"
    NOT_YOUR_GATE = "border.gate_operator"
    YARD_FULL = "border.yard_full"
    # Field errors of the declaration and notice forms (border_invalid, always a 422).
    TOO_LONG = "too_long"
    INTEGER = "integer"
    RANGE = "range"
    DATETIME = "datetime"
    DATETIME_REQUIRED = "datetime.required"
    CHOICE = "choice"
    INTERNATIONAL_PHONE = "phone.international"
    DIRECTION_CHOICE = "direction.choice"
    GATE_DIRECTION = "direction"
    ARRIVAL_RANGE = "expected_arrival.range"
    LOADING_ORDER = "loaded_at.order"
    FROZEN_IN_YARD = "frozen"
    PLATE_ACTIVE_TRIP = "plate.active_trip"
    SLOT_BEFORE_EARLIER_TRIP = "slot.earlier_trip"
    TRIP_AFTER_LATER = "plate.later_trip"
    MANUAL_REASON = "manual.reason"
    NOTICE_ORDER = "notice.order"
    NOTICE_CAPACITY = "notice.capacity"
    NOTICE_DIRECTION = "notice.directions"
    # Field errors of the gate board's configuration (services.gates).
    TIME_OF_DAY = "time"
    NUMBER = "number"
    HOURS_ORDER = "gate.hours_order"
    NO_SHOW_WINDOW = "gate.no_show_window"
    WAIT_THRESHOLDS = "gate.wait_thresholds"
    BACKLOG_THRESHOLDS = "gate.backlog_thresholds"
    UNKNOWN_GATE = "gate.unknown"
    UNKNOWN_YARD = "yard.unknown"
    UNKNOWN_ORGANIZATION = "organization.unknown"
    INACTIVE_ORGANIZATION = "organization.inactive"
    NOT_YARD_OPERATOR = "yard.operator_kind"
    BELOW_OCCUPANCY = "yard.below_occupancy"
    YARD_CODE_FORMAT = "yard.code_format"
    CAMERA_CODE_FORMAT = "camera.code_format"
    CODE_TAKEN = "code.taken"
    CAMERA_POSITION = "camera.position"
    GATE_CAMERA_IN_YARD = "camera.gate_in_yard"
    YARD_CAMERA_NEEDS_YARD = "camera.yard_required"
    YARD_OF_OTHER_GATE = "camera.yard_other_gate"


MESSAGES: dict[BorderError, tuple[str, int]] = {
    # {action}: one of the Action phrases below; {state}: DeclarationState label.
    BorderError.NOT_ALLOWED_IN_STATE: (
        gettext_noop("Cannot {action} while the declaration is “{state}”."), 409),
    BorderError.SLOT_FULL: (gettext_noop("This slot is full. See the nearest free slots."), 409),
    BorderError.SLOT_PAST: (
        gettext_noop("The {hour} slot has passed. Choose the current hour or a later one."), 422),
    BorderError.GATE_CLOSED: (
        gettext_noop("The gate is closed at that hour ({opens}–{closes})."), 422),
    BorderError.UNKNOWN_CAMERA: (gettext_noop("No camera “{code}”."), 404),
    BorderError.CAMERA_NOT_YOURS: (
        gettext_noop("This API key may not send events for camera “{code}”."), 403),
    # {agency}: Agency label.
    BorderError.NOT_REQUIRED_AGENCY: (gettext_noop("This load does not need {agency}."), 409),
    BorderError.UNKNOWN_AGENCY: (
        gettext_noop("“{agency}” is not an agency: choose customs, quarantine or border_guard."),
        422),
    BorderError.UNKNOWN_VERDICT: (
        gettext_noop("“{verdict}” is not a verdict: choose pass, hold or reject."), 422),
    BorderError.EVENT_ALREADY_HANDLED: (gettext_noop("This event has already been handled."), 409),
    BorderError.NOTICE_KIND: (gettext_noop("Unknown kind of notice."), 422),
    # 422, or 403 for someone who declares for no enterprise at all.
    BorderError.ENTERPRISE_NOT_CHOSEN: (gettext_noop("Choose the enterprise you declare for."), 422),
    # {other}: the declaration code (TK0000012) of the trip already in the pipeline.
    BorderError.PLATE_IN_PIPELINE: (
        gettext_noop("Truck {plate} is already in a yard or at the gate on declaration {other}: "
                     "that trip must end before this one is checked in."), 409),
    # {role}: Role label.
    BorderError.DESK_CAMERA: (
        gettext_noop("Reads of camera “{code}” are resolved by its {role}."), 403),
    BorderError.NOT_YOUR_YARD: (gettext_noop("You do not operate {yard}."), 403),
    BorderError.NOT_YOUR_GATE: (
        gettext_noop("Only the gate operator of {gate} may record its crossings by hand."),
        403),
    BorderError.YARD_FULL: (gettext_noop("{yard} is full."), 409),
    BorderError.TOO_LONG: (gettext_noop("At most {max_length} characters."), 422),
    BorderError.INTEGER: (gettext_noop("Must be a whole number."), 422),
    BorderError.RANGE: (gettext_noop("Must be between {low} and {high}."), 422),
    BorderError.DATETIME: (
        gettext_noop("Not a valid date and time (e.g. 2026-12-01 08:00)."), 422),
    BorderError.DATETIME_REQUIRED: (gettext_noop("A date and time is required."), 422),
    BorderError.CHOICE: (gettext_noop("Not one of the choices."), 422),
    BorderError.INTERNATIONAL_PHONE: (gettext_noop("Not a valid international phone number."),
                                      422),
    BorderError.DIRECTION_CHOICE: (gettext_noop("Choose export, import or transit."), 422),
    BorderError.GATE_DIRECTION: (gettext_noop("{gate} does not serve this direction."), 422),
    BorderError.ARRIVAL_RANGE: (
        gettext_noop("Expected arrival must be between 12 hours ago and {days} days ahead."),
        422),
    BorderError.LOADING_ORDER: (
        gettext_noop("Loading must come before the expected arrival."), 422),
    BorderError.FROZEN_IN_YARD: (
        gettext_noop("The truck is in the yard: its gate, direction and plate can no longer "
                     "change. Cancel the declaration and declare again if needed."), 422),
    # {until}: local date and time the vehicle's current trip is due to end.
    BorderError.PLATE_ACTIVE_TRIP: (
        gettext_noop("This vehicle already has a trip under way until {until}: a second "
                     "declaration must be for a later trip (expected arrival after that)."),
        422),
    # {other}: the declaration code of the earlier trip; {until}: when it ends.
    BorderError.SLOT_BEFORE_EARLIER_TRIP: (
        gettext_noop("This vehicle's earlier trip {other} takes it until {until}: this later "
                     "trip's slot must start then or after."), 422),
    # {other}: the declaration code of the later trip; {due}: when it is due.
    BorderError.TRIP_AFTER_LATER: (
        gettext_noop("This vehicle's later trip {other} is due at {due}: this trip must end "
                     "before then (or cancel that one first)."), 422),
    BorderError.MANUAL_REASON: (
        gettext_noop("Say why the truck is checked by hand (e.g. camera broken, plate dirty)."),
        422),
    BorderError.NOTICE_ORDER: (gettext_noop("The end must come after the start."), 422),
    BorderError.NOTICE_CAPACITY: (
        gettext_noop("Remaining capacity must be between 1 and 99 %."), 422),
    BorderError.NOTICE_DIRECTION: (gettext_noop("Unknown direction."), 422),
    BorderError.TIME_OF_DAY: (
        gettext_noop("Not a time of day: type it as 07:00 (00:00 to 23:59)."), 422),
    BorderError.NUMBER: (gettext_noop("Must be a number (e.g. 4 or 0.5)."), 422),
    BorderError.HOURS_ORDER: (
        gettext_noop("The closing time ({closes}) must come after the opening time ({opens}). "
                     "For a gate open day and night, tick “Open 24 hours”."), 422),
    BorderError.NO_SHOW_WINDOW: (
        gettext_noop("Must be at least {minutes} minutes: the 60-minute slot plus the {grace} "
                     "minutes of late-arrival grace; otherwise a truck still within its grace "
                     "would be marked a no-show."), 422),
    BorderError.WAIT_THRESHOLDS: (
        gettext_noop("The “congested” threshold must be above the “busy” one ({busy} h)."),
        422),
    BorderError.BACKLOG_THRESHOLDS: (
        gettext_noop("The “congested” threshold must be above the “busy” one ({busy} trucks)."),
        422),
    BorderError.UNKNOWN_GATE: (gettext_noop("No border gate “{code}”."), 422),
    BorderError.UNKNOWN_YARD: (gettext_noop("No yard “{code}”."), 422),
    BorderError.UNKNOWN_ORGANIZATION: (gettext_noop("No organisation “{code}”."), 422),
    BorderError.INACTIVE_ORGANIZATION: (
        gettext_noop("Organisation “{code}” is no longer active."), 422),
    BorderError.NOT_YARD_OPERATOR: (gettext_noop("“{name}” is not a yard operator."), 422),
    BorderError.BELOW_OCCUPANCY: (
        gettext_noop("{inside} trucks are in the yard: the capacity cannot be lower."), 422),
    BorderError.YARD_CODE_FORMAT: (
        gettext_noop("Lower-case letters, digits and hyphens, at most 30 characters "
                     "(e.g. yard-huu-nghi-2)."), 422),
    BorderError.CAMERA_CODE_FORMAT: (
        gettext_noop("A camera id has letters, digits, dots, hyphens or underscores, at most "
                     "40 characters (e.g. cam-yard-huu-nghi-2-in)."), 422),
    BorderError.CODE_TAKEN: (gettext_noop("The code “{code}” is already in use."), 422),
    BorderError.CAMERA_POSITION: (
        gettext_noop("Unknown position: yard entry, yard exit or border gate."), 422),
    BorderError.GATE_CAMERA_IN_YARD: (
        gettext_noop("A camera at the border gate belongs to no yard: leave the yard empty."),
        422),
    BorderError.YARD_CAMERA_NEEDS_YARD: (
        gettext_noop("A camera at a yard entry or exit needs its yard."), 422),
    BorderError.YARD_OF_OTHER_GATE: (
        gettext_noop("Yard “{yard}” belongs to {yard_gate}, not to {gate}."), 422),
}

border_error = coded_error(MESSAGES)
border_invalid = coded_invalid(MESSAGES)


class Action:
    """What a person tried to do, as NOT_ALLOWED_IN_STATE names it: "Cannot {action}…"."""

    BOOK_SLOT = gettext_lazy("book a slot")
    CORRECT = gettext_lazy("correct the declaration")
    CANCEL = gettext_lazy("cancel the declaration")
    RECORD_VERDICT = gettext_lazy("record a verdict")
    MATCH_OTHER_GATE_CAMERA = gettext_lazy("match it to another gate's camera")

    move_to = staticmethod(move_to)  # core.errors: the same phrase for every app
