"""Error codes of the operations dashboard, with their English templates (gettext msgids)."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_noop

from tinhso.core.errors import coded_error, coded_invalid


class IocError(StrEnum):
    UNKNOWN_INDICATOR = "ioc.unknown_indicator"
    NOT_MANUAL = "ioc.not_manual"
    WRONG_UNIT = "ioc.wrong_unit"
    WRONG_PERIOD = "ioc.wrong_period"
    FUTURE_PERIOD = "ioc.future_period"
    VALUE = "ioc.value"
    PERCENT_RANGE = "ioc.percent_range"
    DOCUMENT_REQUIRED = "ioc.document_required"
    PAST_YEAR = "ioc.past_year"
    NOT_WAITING = "ioc.not_waiting"
    OWN_VALUE = "ioc.own_value"
    NOTE_REQUIRED = "ioc.note_required"
    ALREADY_ACKNOWLEDGED = "ioc.already_acknowledged"
    TEXT_TOO_LONG = "ioc.text_too_long"
    REPORT_KIND = "ioc.report_kind"
    YEAR = "ioc.year"
    MONTH = "ioc.month"
    BACKFILL_RANGE = "ioc.backfill_range"
    BACKFILL_NOT_OVER = "ioc.backfill_not_over"


MESSAGES: dict[IocError, tuple[str, int]] = {
    IocError.UNKNOWN_INDICATOR: (gettext_noop("Indicator “{code}” does not exist."), 422),
    IocError.NOT_MANUAL: (
        gettext_noop("“{code}” is computed from its system: it is not entered by hand."), 422),
    IocError.WRONG_UNIT: (
        gettext_noop("This indicator is measured in {unit}, not “{given}”."), 422),
    IocError.WRONG_PERIOD: (
        gettext_noop("Give the period as a quarter, for example {example}."), 422),
    IocError.FUTURE_PERIOD: (gettext_noop("The period {period} has not started yet."), 422),
    IocError.VALUE: (gettext_noop("Give a number (for example 12.5)."), 422),
    IocError.PERCENT_RANGE: (gettext_noop("A percentage is from 0 to 100."), 422),
    IocError.DOCUMENT_REQUIRED: (
        gettext_noop("Attach the source document (PDF or a photo of it)."), 422),
    IocError.PAST_YEAR: (
        gettext_noop("{year} is over: a target is set for this year or a later one."), 422),
    IocError.NOT_WAITING: (gettext_noop("This value is not waiting for review."), 409),
    IocError.OWN_VALUE: (
        gettext_noop("A value is reviewed by someone other than the person who entered it."),
        409),
    IocError.NOTE_REQUIRED: (gettext_noop("Write a note on what was done."), 422),
    IocError.ALREADY_ACKNOWLEDGED: (gettext_noop("This alert is already acknowledged."), 409),
    IocError.TEXT_TOO_LONG: (gettext_noop("At most {max} characters."), 422),
    IocError.REPORT_KIND: (gettext_noop("A report is weekly or monthly."), 422),
    IocError.YEAR: (gettext_noop("Give a year from 2000 to 2099, for example {example}."),
                    422),
    IocError.MONTH: (gettext_noop("Give a month, for example {example}."), 422),
    IocError.BACKFILL_RANGE: (
        gettext_noop("The first period comes after the last one ({start} to {end})."), 422),
    IocError.BACKFILL_NOT_OVER: (
        gettext_noop("{period} is not over yet: the scheduled refresh computes the period "
                     "in progress."), 422),
}

ioc_error = coded_error(MESSAGES)
ioc_invalid = coded_invalid(MESSAGES)
