"""Error codes of the innovation system, with their English templates (gettext msgids)."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_noop

from tinhso.core.errors import coded_error, coded_invalid


class InnovationError(StrEnum):
    TEXT_TOO_LONG = "innovation.text_too_long"
    CHOICE = "innovation.choice"
    UNKNOWN_COMMUNE = "innovation.unknown_commune"
    BAD_LINK = "innovation.bad_link"
    NOT_ALLOWED = "innovation.not_allowed"
    NOT_OWNER = "innovation.not_owner"
    DEADLINE_PASSED = "innovation.deadline_passed"
    DEADLINE_IN_PAST = "innovation.deadline_in_past"
    CALL_CLOSED = "innovation.call_closed"
    PROFILE_NOT_PUBLISHED = "innovation.profile_not_published"
    ALREADY_APPLIED = "innovation.already_applied"
    ATTACHMENT_MISSING = "innovation.attachment_missing"
    NO_CRITERIA = "innovation.no_criteria"
    WEIGHT_RANGE = "innovation.weight_range"
    MAX_SCORE_RANGE = "innovation.max_score_range"
    SCORE_RANGE = "innovation.score_range"
    SCORE_MISSING = "innovation.score_missing"
    NOT_A_JUDGE = "innovation.not_a_judge"
    CONFLICTED = "innovation.conflicted"
    NOT_DECLARED = "innovation.not_declared"
    DECLARED_ALREADY = "innovation.declared_already"
    JUDGING_NOT_STARTED = "innovation.judging_not_started"
    RESULTS_PUBLISHED = "innovation.results_published"
    SCORES_MISSING = "innovation.scores_missing"
    AMOUNT_RANGE = "innovation.amount_range"
    PLACES_RANGE = "innovation.places_range"


MESSAGES: dict[InnovationError, tuple[str, int]] = {
    InnovationError.TEXT_TOO_LONG: (gettext_noop("At most {max} characters."), 422),
    InnovationError.CHOICE: (gettext_noop("This is not one of the allowed values."), 422),
    InnovationError.UNKNOWN_COMMUNE: (
        gettext_noop("Choose a commune or ward of Lạng Sơn."), 422),
    InnovationError.BAD_LINK: (
        gettext_noop("A link starts with https:// or http://."), 422),
    InnovationError.NOT_ALLOWED: (
        gettext_noop("This profile cannot be “{action}” now (it is {state})."), 409),
    InnovationError.NOT_OWNER: (gettext_noop("Only the founder may change this profile."), 403),
    InnovationError.DEADLINE_PASSED: (
        gettext_noop("The deadline ({deadline}, Vietnam time) has passed: the application "
                     "can no longer be submitted or changed."), 409),
    InnovationError.DEADLINE_IN_PAST: (
        gettext_noop("The deadline must be later than now."), 422),
    InnovationError.CALL_CLOSED: (gettext_noop("This call is closed."), 409),
    InnovationError.PROFILE_NOT_PUBLISHED: (
        gettext_noop("Apply with a published profile of yours."), 422),
    InnovationError.ALREADY_APPLIED: (
        gettext_noop("This profile has already applied to the call: change that "
                     "application instead."), 409),
    InnovationError.ATTACHMENT_MISSING: (
        gettext_noop("Attach “{label}”."), 422),
    InnovationError.NO_CRITERIA: (gettext_noop("Give at least one criterion."), 422),
    InnovationError.WEIGHT_RANGE: (gettext_noop("A weight is from 1 to 100."), 422),
    InnovationError.MAX_SCORE_RANGE: (
        gettext_noop("The highest score of a criterion is from 1 to 100."), 422),
    InnovationError.SCORE_RANGE: (
        gettext_noop("“{criterion}”: give a score from 0 to {max}."), 422),
    InnovationError.SCORE_MISSING: (gettext_noop("“{criterion}”: give a score."), 422),
    InnovationError.NOT_A_JUDGE: (gettext_noop("Choose a judge of the innovation council."),
                                  422),
    InnovationError.CONFLICTED: (
        gettext_noop("You declared a conflict of interest for this application."), 404),
    InnovationError.NOT_DECLARED: (
        gettext_noop("Declare first whether you have a conflict of interest."), 409),
    InnovationError.DECLARED_ALREADY: (
        gettext_noop("The declaration of interest is already made."), 409),
    InnovationError.JUDGING_NOT_STARTED: (
        gettext_noop("Judging starts after the deadline."), 409),
    InnovationError.RESULTS_PUBLISHED: (
        gettext_noop("The results are published: scores can no longer change."), 409),
    InnovationError.SCORES_MISSING: (
        gettext_noop("{count} scores are still missing: the results are published once "
                     "every assigned judge has scored."), 409),
    InnovationError.AMOUNT_RANGE: (
        gettext_noop("Give an amount from 0 to 100.000.000.000 ₫."), 422),
    InnovationError.PLACES_RANGE: (gettext_noop("Give a number from 0 to 100."), 422),
}

innovation_error = coded_error(MESSAGES)
innovation_invalid = coded_invalid(MESSAGES)
