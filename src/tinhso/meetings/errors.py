"""Error codes of the meetings system, with their English templates (gettext msgids)."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_noop

from tinhso.core.errors import coded_error, coded_invalid


class MeetingError(StrEnum):
    ENDS_BEFORE_START = "meeting.ends_before_start"
    IN_THE_PAST = "meeting.in_the_past"
    TOO_LONG = "meeting.too_long"
    UNKNOWN_POINT = "meeting.unknown_point"
    UNKNOWN_ROOM = "meeting.unknown_room"
    NO_POINTS = "meeting.no_points"
    CONFLICT = "meeting.conflict"
    POINT_NOT_READY = "meeting.point_not_ready"
    CANCELLED = "meeting.cancelled"
    LINK_NOT_YET = "meeting.link_not_yet"
    LINK_EXPIRED = "meeting.link_expired"
    READINESS_NOT_OPEN = "meeting.readiness_not_open"
    NOTE_REQUIRED = "meeting.note_required"
    ATTENDANCE_NOT_OPEN = "meeting.attendance_not_open"
    MINUTES_TOO_EARLY = "meeting.minutes_too_early"
    UNKNOWN_AGENCY = "meeting.unknown_agency"
    DEADLINE_RANGE = "meeting.deadline_range"
    PROGRESS_RANGE = "meeting.progress_range"
    SERIES_EXCEPTION = "meeting.series_exception"
    SERIES_COUNT = "meeting.series_count"
    TEXT_TOO_LONG = "meeting.text_too_long"
    CHOICE = "meeting.choice"
    RANGE = "meeting.range"
    UNKNOWN_DOCUMENT = "meeting.unknown_document"
    SERIES_UNTIL = "meeting.series_until"
    SERIES_LENGTH = "meeting.series_length"
    NOT_A_SERIES = "meeting.not_a_series"


MESSAGES: dict[MeetingError, tuple[str, int]] = {
    MeetingError.ENDS_BEFORE_START: (gettext_noop("The meeting must end after it starts."), 422),
    MeetingError.IN_THE_PAST: (gettext_noop("The meeting cannot start in the past."), 422),
    MeetingError.TOO_LONG: (gettext_noop("A meeting lasts at most {hours} hours."), 422),
    MeetingError.UNKNOWN_POINT: (
        gettext_noop("Conference point “{code}” does not exist."), 422),
    MeetingError.UNKNOWN_ROOM: (gettext_noop("This room does not exist."), 422),
    MeetingError.NO_POINTS: (gettext_noop("Choose at least one participating point."), 422),
    MeetingError.CONFLICT: (
        gettext_noop("{count} conference points or rooms are already booked at that time: "
                     "{names}."), 409),
    MeetingError.POINT_NOT_READY: (
        gettext_noop("Conference point “{name}” is faulty or under maintenance."), 409),
    MeetingError.CANCELLED: (gettext_noop("This meeting was cancelled."), 409),
    MeetingError.LINK_NOT_YET: (
        gettext_noop("The link opens {minutes} minutes before the meeting starts."), 403),
    MeetingError.LINK_EXPIRED: (gettext_noop("The meeting is over: the link has expired."), 403),
    MeetingError.READINESS_NOT_OPEN: (
        gettext_noop("The connection check opens {minutes} minutes before the start."), 409),
    MeetingError.NOTE_REQUIRED: (gettext_noop("Describe the problem in the note."), 422),
    MeetingError.ATTENDANCE_NOT_OPEN: (
        gettext_noop("Attendance is recorded from the connection check until the end of the "
                     "meeting."), 409),
    MeetingError.MINUTES_TOO_EARLY: (
        gettext_noop("Minutes are recorded once the meeting has started."), 409),
    MeetingError.UNKNOWN_AGENCY: (gettext_noop("Agency “{code}” does not exist."), 422),
    MeetingError.DEADLINE_RANGE: (
        gettext_noop("The deadline is 1 to 365 working days."), 422),
    MeetingError.PROGRESS_RANGE: (gettext_noop("Progress is a percentage from 0 to 100."), 422),
    MeetingError.SERIES_EXCEPTION: (
        gettext_noop("{day} is not a date of this series."), 422),
    MeetingError.SERIES_COUNT: (gettext_noop("A weekly series has 1 to 60 meetings."), 422),
    MeetingError.TEXT_TOO_LONG: (gettext_noop("At most {max} characters."), 422),
    MeetingError.CHOICE: (gettext_noop("This is not one of the allowed values."), 422),
    MeetingError.RANGE: (gettext_noop("Give a number from {low} to {high}."), 422),
    # The same words whether the document does not exist or is not the user's to see:
    # a refusal must not tell that a secret document exists.
    MeetingError.UNKNOWN_DOCUMENT: (
        gettext_noop("This document does not exist or you may not see it."), 422),
    MeetingError.SERIES_UNTIL: (
        gettext_noop("The last day cannot be before the first day."), 422),
    MeetingError.SERIES_LENGTH: (
        gettext_noop("Give either the number of weeks or the last day."), 422),
    MeetingError.NOT_A_SERIES: (
        gettext_noop("This meeting is not part of a weekly series."), 409),
}

meeting_error = coded_error(MESSAGES)
meeting_invalid = coded_invalid(MESSAGES)
