"""Public tracking of a dossier (code + second factor) and the applicant's satisfaction
rating after the result.

Tracking reveals a dossier only to whoever gives its code *and* the applicant's mobile
number or the last digits (at least 4) of their ID number; a wrong pair answers exactly
like an unknown code, and lookups are counted per client address and per code (cache)
so the second factor cannot be guessed by trying.
"""

from __future__ import annotations

import hmac
import re
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from tinhso.core import audit
from tinhso.core.validators import check_text
from tinhso.publicservices.errors import PublicServiceError as E
from tinhso.publicservices.errors import public_service_error
from tinhso.publicservices.models import Dossier, DossierState
from tinhso.publicservices.ratings import (
    CRITERIA_FIELDS,
    RatingLevel,
    SatisfactionRating,
    rating_score,
)
from tinhso.publicservices.workflow import RESOLVED_STATES

CODE_MAX = 40
FACTOR_MIN_ID_DIGITS = 4
COMMENT_MAX = 1000


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def _phone_key(text: str) -> str:
    digits = _digits(text)
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def second_factor_matches(dossier: Dossier, factor: str) -> bool:
    """The applicant's mobile number (any usual spelling), or at least the last 4 digits
    of the ID number (CCCD) on the dossier."""
    given = _phone_key(factor)
    if not given:
        return False
    phone = _phone_key(dossier.applicant_phone)
    if phone and len(given) == len(phone) and hmac.compare_digest(given, phone):
        return True
    id_number = _digits(dossier.applicant_id_number)
    if id_number and FACTOR_MIN_ID_DIGITS <= len(given) <= len(id_number):
        return hmac.compare_digest(id_number[-len(given):], given)
    return False


def _throttle(key: str, limit: int, window_s: int) -> bool:
    """Count one attempt under ``key``; True when over the limit."""
    cache.add(key, 0, window_s)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_s)
        count = 1
    return count > limit


def track(code: str, factor: str, *, address: str | None) -> Dossier | None:
    """The dossier for this code and second factor, or None (unknown, wrong factor, draft).
    Raises TRACKING_LIMIT (429) after too many lookups from one address, or too many
    failed ones for one code."""
    code = (code or "").strip().upper()[:CODE_MAX]
    window = settings.TRACKING_WINDOW_S
    if _throttle(f"ps-track:addr:{address or '-'}", settings.TRACKING_PER_ADDRESS, window):
        raise public_service_error(E.TRACKING_LIMIT, field="code")
    if cache.get(f"ps-track:code-fail:{code}", 0) >= settings.TRACKING_FAILURES_PER_CODE:
        raise public_service_error(E.TRACKING_LIMIT, field="code")
    dossier = (Dossier.objects.select_related("procedure", "agency", "receiving_agency")
               .filter(code=code).exclude(state=DossierState.DRAFT).first()) if code else None
    if dossier is None or not second_factor_matches(dossier, factor):
        if code:
            _throttle(f"ps-track:code-fail:{code}", 10**6, window)
        return None
    return dossier


def timeline(dossier: Dossier) -> list[dict]:
    """What tracking shows: each state change's state and moment (no names, no notes)."""
    return [{"state": change.to_state, "label": DossierState(change.to_state).label,
             "at": change.at}
            for change in dossier.history.order_by("at", "id")]


def rate_dossier(*, dossier: Dossier | int, levels: dict, comment: str = "",
                 actor=None, now: datetime | None = None) -> SatisfactionRating:
    """The applicant's rating, once, after the result (the caller has checked who rates:
    the applicant's account, or the tracking's second factor)."""
    now = now or timezone.now()
    cleaned = {}
    for field in CRITERIA_FIELDS:
        value = levels.get(field)
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value not in RatingLevel.values:
            raise public_service_error(E.RATING_LEVEL, field=field)
        cleaned[field] = value
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise public_service_error(E.TOO_LONG, field="comment", max=COMMENT_MAX)
    check_text(comment, "comment")
    with transaction.atomic():
        pk = dossier if isinstance(dossier, int) else dossier.pk
        dossier = Dossier.objects.select_for_update().get(pk=pk)
        if dossier.state not in RESOLVED_STATES:
            raise public_service_error(E.RATING_STATE, field="dossier")
        if SatisfactionRating.objects.filter(dossier=dossier).exists():
            raise public_service_error(E.RATING_ONCE, field="dossier")
        try:
            with transaction.atomic():
                rating = SatisfactionRating.objects.create(
                    dossier=dossier, score=rating_score(cleaned), comment=comment,
                    rated_at=now, agency_id=dossier.agency_id,
                    procedure_id=dossier.procedure_id,
                    received_at=dossier.received_at or dossier.submitted_at or now,
                    **cleaned)
        except IntegrityError:
            raise public_service_error(E.RATING_ONCE, field="dossier") from None
        audit.record(actor=actor if getattr(actor, "is_authenticated", False) else None,
                     action="dossier.rated", obj=dossier,
                     organization=dossier.agency.organization,
                     after={**cleaned, "score": rating.score})
    return rating
