"""Error codes of the schools system, with their English templates (gettext msgids)."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_noop

from tinhso.core.errors import coded_error, coded_invalid


class SchoolError(StrEnum):
    SCORE_NUMBER = "schools.score_number"
    SCORE_RANGE = "schools.score_range"
    SCORE_DECIMALS = "schools.score_decimals"
    TEST_SCORE = "schools.test_score"
    MARK_CHOICE = "schools.mark_choice"
    SLOT = "schools.slot"
    NOT_IN_CLASS = "schools.not_in_class"
    NOT_YOUR_CLASS = "schools.not_your_class"
    TERM_LOCKED = "schools.term_locked"
    RESULTS_LOCKED = "schools.results_locked"
    TERM_OPEN = "schools.term_open"
    LOCK_TOO_EARLY = "schools.lock_too_early"
    ALREADY_LOCKED = "schools.already_locked"
    NOTHING_CHANGES = "schools.nothing_changes"
    REQUEST_DECIDED = "schools.request_decided"
    STALE = "schools.stale"
    DAY_OUTSIDE_YEAR = "schools.day_outside_year"
    FUTURE_DAY = "schools.future_day"
    LEVEL_CHOICE = "schools.level_choice"
    CODE_TOO_SOON = "schools.code_too_soon"
    CODE_WRONG = "schools.code_wrong"
    CODE_TOO_MANY = "schools.code_too_many"
    NOT_A_GUARDIAN = "schools.not_a_guardian"
    IMPORT_FILE = "schools.import_file"
    IMPORT_ROW = "schools.import_row"
    IMPORT_HEADER = "schools.import_header"
    DUPLICATE = "schools.duplicate"
    REQUIRED = "schools.required"
    UNKNOWN_CLASS = "schools.unknown_class"
    BAD_DATE = "schools.bad_date"
    NOT_PRIMARY = "schools.not_primary"
    PRIMARY_NO_CONDUCT = "schools.primary_no_conduct"
    UNKNOWN_SUBJECT = "schools.unknown_subject"
    ASSIGNMENT_FORMAT = "schools.assignment_format"
    TOO_LONG = "schools.too_long"
    BAD_EMAIL = "schools.bad_email"


MESSAGES: dict[SchoolError, tuple[str, int]] = {
    SchoolError.SCORE_NUMBER: (
        gettext_noop("{cell}: “{value}” is not a score: type a number from 0 to 10."), 422),
    SchoolError.SCORE_RANGE: (
        gettext_noop("{cell}: a score is from 0 to 10 (you typed {value})."), 422),
    SchoolError.SCORE_DECIMALS: (
        gettext_noop("{cell}: a score has at most one decimal (you typed {value})."), 422),
    SchoolError.TEST_SCORE: (
        gettext_noop("{cell}: the test score is a whole number from 1 to 10 (you typed "
                     "{value})."), 422),
    SchoolError.MARK_CHOICE: (
        gettext_noop("{cell}: choose one of {choices} (you typed {value})."), 422),
    SchoolError.SLOT: (gettext_noop("{cell}: this subject has no such column."), 422),
    SchoolError.NOT_IN_CLASS: (
        gettext_noop("This student is not in the class of this gradebook."), 422),
    SchoolError.NOT_YOUR_CLASS: (
        gettext_noop("You do not teach this subject in this class."), 403),
    SchoolError.TERM_LOCKED: (
        gettext_noop("{cell}: the term is locked; ask the school leader to approve a change, "
                     "with its reason."), 409),
    SchoolError.RESULTS_LOCKED: (
        gettext_noop("The term is locked: only the school leader can change its conduct or "
                     "qualities now; ask the leader."), 409),
    SchoolError.TERM_OPEN: (
        gettext_noop("The term is not locked: change the grade directly."), 409),
    SchoolError.LOCK_TOO_EARLY: (
        gettext_noop("The term can be locked after its grade entry deadline ({deadline})."),
        409),
    SchoolError.ALREADY_LOCKED: (gettext_noop("The term is already locked."), 409),
    SchoolError.NOTHING_CHANGES: (gettext_noop("The new grade is the same as the old one."),
                                  422),
    SchoolError.REQUEST_DECIDED: (gettext_noop("This request has already been decided."), 409),
    SchoolError.STALE: (
        gettext_noop("{cell}: someone changed this grade meanwhile (it is now {value}); "
                     "reload and try again."), 409),
    SchoolError.DAY_OUTSIDE_YEAR: (gettext_noop("This day is outside the school year."), 422),
    SchoolError.FUTURE_DAY: (gettext_noop("Attendance cannot be recorded for a future day."),
                             422),
    SchoolError.LEVEL_CHOICE: (gettext_noop("This is not one of the allowed levels."), 422),
    SchoolError.CODE_TOO_SOON: (
        gettext_noop("A code was just sent: wait a minute before asking again."), 429),
    SchoolError.CODE_WRONG: (gettext_noop("The code is wrong or has expired."), 422),
    SchoolError.CODE_TOO_MANY: (
        gettext_noop("Too many wrong codes: ask for a new code."), 422),
    SchoolError.NOT_A_GUARDIAN: (
        gettext_noop("No school has this number as a guardian's phone."), 422),
    SchoolError.IMPORT_FILE: (
        gettext_noop("The file is not an Excel workbook (.xlsx)."), 422),
    SchoolError.IMPORT_ROW: (gettext_noop("Row {row}, column “{column}”: {message}"), 422),
    SchoolError.IMPORT_HEADER: (
        gettext_noop("The first row must hold the columns {columns}."), 422),
    SchoolError.DUPLICATE: (gettext_noop("“{value}” appears more than once or exists already."),
                            422),
    SchoolError.REQUIRED: (gettext_noop("This field is required."), 422),
    SchoolError.UNKNOWN_CLASS: (gettext_noop("Class “{value}” does not exist in this school."),
                                422),
    SchoolError.BAD_DATE: (gettext_noop("“{value}” is not a date (dd/mm/yyyy)."), 422),
    SchoolError.NOT_PRIMARY: (
        gettext_noop("Qualities and competences are assessed in primary classes only."), 422),
    SchoolError.PRIMARY_NO_CONDUCT: (
        gettext_noop("Primary classes have no conduct level: assess qualities and "
                     "competences instead."), 422),
    SchoolError.UNKNOWN_SUBJECT: (
        gettext_noop("Subject “{value}” is not taught in grade {grade} of this school."), 422),
    SchoolError.ASSIGNMENT_FORMAT: (
        gettext_noop("“{value}” is not “subject: class” (for example “toan: 6A1”)."), 422),
    SchoolError.TOO_LONG: (gettext_noop("At most {limit} characters."), 422),
    SchoolError.BAD_EMAIL: (gettext_noop("“{value}” is not an email address."), 422),
}

school_error = coded_error(MESSAGES)
school_invalid = coded_invalid(MESSAGES)
