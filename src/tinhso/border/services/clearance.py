"""One-stop clearance: customs, quarantine (when the goods need it) and border guard."""

from __future__ import annotations

from django.db import transaction
from django.utils import translation

from tinhso.accounts.permissions import has_perm, require
from tinhso.border import selectors
from tinhso.border.errors import Action, BorderError, border_error
from tinhso.border.models import (
    VERDICT_REASONS,
    Agency,
    ClearanceDecision,
    Declaration,
    DeclarationState,
    Verdict,
)
from tinhso.border.services.booking import release_slot
from tinhso.border.services.common import (
    locked,
    not_allowed,
    notify_enterprise_later,
    transition,
)
from tinhso.border.workflow import CLEARANCE_STATES
from tinhso.core import audit
from tinhso.core.reasons import clean_reason, reason_text

S = DeclarationState
AGENCY_PERMISSION = {
    Agency.CUSTOMS: "border.clear_customs",
    Agency.QUARANTINE: "border.clear_quarantine",
    Agency.BORDER_GUARD: "border.clear_border_guard",
}

def required_agencies(declaration: Declaration) -> set[str]:
    agencies = {Agency.CUSTOMS, Agency.BORDER_GUARD}
    if declaration.goods.needs_quarantine:
        agencies.add(Agency.QUARANTINE)
    return agencies


def record_clearance(*, actor, declaration: Declaration, agency: str, verdict: str,
                     note: str = "", reason: str = "") -> ClearanceDecision:
    """One agency's verdict. The truck is cleared when every agency its goods and direction
    need has passed it; a hold stops it; a reject ends the trip. A hold or a reject needs a
    reason (a code of ``HoldReason`` / ``RejectReason``; "other" needs a note), stored with
    the verdict, in the audit entry and in the enterprise's notification; a pass needs none."""
    if agency not in AGENCY_PERMISSION:
        # Who may record no verdict at all is refused as for a real agency, before being
        # told the agency does not exist.
        if not any(has_perm(actor, permission) for permission in AGENCY_PERMISSION.values()):
            require(actor, AGENCY_PERMISSION[Agency.CUSTOMS])
        raise border_error(BorderError.UNKNOWN_AGENCY, field="agency", agency=agency)
    require(actor, AGENCY_PERMISSION[Agency(agency)])
    if verdict not in Verdict.values:
        raise border_error(BorderError.UNKNOWN_VERDICT, field="verdict", verdict=verdict)
    reasons = VERDICT_REASONS.get(verdict)
    if reasons is not None:
        reason, note = clean_reason(reasons, reason, note)
    else:
        reason, note = "", (note or "").strip()
    with transaction.atomic():
        declaration = locked(declaration)
        if agency not in required_agencies(declaration):
            raise border_error(BorderError.NOT_REQUIRED_AGENCY, field="agency",
                               agency=Agency(agency).label)
        if declaration.state not in CLEARANCE_STATES:
            raise not_allowed(declaration, Action.RECORD_VERDICT)
        decision = ClearanceDecision.objects.create(
            declaration=declaration, agency=agency, verdict=verdict, reason=reason, note=note,
            officer=actor)
        after = {"agency": agency, "verdict": verdict}
        if reason:
            after["reason"] = reason
        audit.record(actor=actor, action=f"clearance.{agency}.{verdict}", obj=declaration,
                     after=after, note=note)
        if reasons is not None:
            why = {lang: reason_text(reasons, reason, note, lang) for lang in ("vi", "en")}
            who = {}
            for lang in ("vi", "en"):
                with translation.override(lang):
                    who[lang] = str(Agency(agency).label)
        if verdict == Verdict.REJECT:
            release_slot(declaration)
            transition(declaration, S.REJECTED, actor=actor, note=why["en"], also=("slot",),
                       details={"agency": agency, "reason": reason})
            notify_enterprise_later(
                declaration, "rejected",
                f"Xe {declaration.plate} bị {who['vi']} từ chối: {why['vi']}",
                f"Truck {declaration.plate} was rejected by {who['en']}: {why['en']}")
        elif verdict == Verdict.HOLD:
            if declaration.state != S.HELD:
                transition(declaration, S.HELD, actor=actor, note=why["en"],
                           details={"agency": agency, "reason": reason})
            notify_enterprise_later(
                declaration, "held",
                f"Xe {declaration.plate} bị {who['vi']} tạm giữ: {why['vi']}",
                f"Truck {declaration.plate} is held by {who['en']}: {why['en']}")
        else:
            if declaration.state == S.HELD and not selectors.open_holds(declaration):
                transition(declaration, declaration.state_before_hold, actor=actor,
                           note="hold lifted")
            clear_if_complete(declaration, actor=actor)
    return decision


def clear_if_complete(declaration: Declaration, *, actor) -> None:
    if declaration.state == S.AT_GATE and selectors.passed_agencies(declaration) >= (
            required_agencies(declaration)):
        transition(declaration, S.CLEARED, actor=actor)


def can_act_for_agency(user, agency: str) -> bool:
    return has_perm(user, AGENCY_PERMISSION[Agency(agency)])
