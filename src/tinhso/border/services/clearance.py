"""One-stop clearance: customs, quarantine (when the goods need it) and border guard."""

from __future__ import annotations

from django.db import transaction

from tinhso.accounts.permissions import has_perm, require
from tinhso.border import selectors
from tinhso.border.errors import Action, BorderError, border_error
from tinhso.border.models import (
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
                     note: str = "") -> ClearanceDecision:
    """One agency's verdict. The truck is cleared when every agency its goods and direction
    need has passed it; a hold stops it; a reject ends the trip."""
    if agency not in AGENCY_PERMISSION:
        # Who may record no verdict at all is refused as for a real agency, before being
        # told the agency does not exist.
        if not any(has_perm(actor, permission) for permission in AGENCY_PERMISSION.values()):
            require(actor, AGENCY_PERMISSION[Agency.CUSTOMS])
        raise border_error(BorderError.UNKNOWN_AGENCY, field="agency", agency=agency)
    require(actor, AGENCY_PERMISSION[Agency(agency)])
    if verdict not in Verdict.values:
        raise border_error(BorderError.UNKNOWN_VERDICT, field="verdict", verdict=verdict)
    with transaction.atomic():
        declaration = locked(declaration)
        if agency not in required_agencies(declaration):
            raise border_error(BorderError.NOT_REQUIRED_AGENCY, field="agency",
                               agency=Agency(agency).label)
        if declaration.state not in CLEARANCE_STATES:
            raise not_allowed(declaration, Action.RECORD_VERDICT)
        decision = ClearanceDecision.objects.create(
            declaration=declaration, agency=agency, verdict=verdict, note=note, officer=actor)
        audit.record(actor=actor, action=f"clearance.{agency}.{verdict}", obj=declaration,
                     after={"agency": agency, "verdict": verdict}, note=note)
        if verdict == Verdict.REJECT:
            release_slot(declaration)
            transition(declaration, S.REJECTED, actor=actor, note=note, also=("slot",))
            notify_enterprise_later(declaration, "rejected",
                                     f"Xe {declaration.plate} bị từ chối: {note}",
                                     f"Truck {declaration.plate} was rejected: {note}")
        elif verdict == Verdict.HOLD:
            if declaration.state != S.HELD:
                transition(declaration, S.HELD, actor=actor, note=note)
            notify_enterprise_later(declaration, "held",
                                     f"Xe {declaration.plate} bị tạm giữ để kiểm tra: {note}",
                                     f"Truck {declaration.plate} is held for inspection: {note}")
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
