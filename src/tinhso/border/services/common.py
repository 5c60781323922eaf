"""What every border use case shares: the one state transition, row locks, the enterprise
check and notifications sent after the commit."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tinhso.accounts.permissions import require
from tinhso.border import selectors
from tinhso.border.errors import Action, BorderError, border_error
from tinhso.border.models import Declaration, DeclarationState
from tinhso.border.workflow import TRANSITIONS, can_transition
from tinhso.core import audit
from tinhso.core.notifications import Notification, send

S = DeclarationState


def not_allowed(declaration: Declaration, action):
    """`action`: a lazy-translated phrase of `Action`, e.g. ``Action.BOOK_SLOT``."""
    return border_error(BorderError.NOT_ALLOWED_IN_STATE, action=action,
                        state=DeclarationState(declaration.state).label)


def transition(declaration: Declaration, target: str, *, actor, note: str = "",
               at: datetime | None = None, also: tuple[str, ...] = (),
               details: dict | None = None) -> Declaration:
    """The only code that changes a declaration's state. Caller holds the row lock; `also`
    names other fields the caller changed, saved in the same UPDATE; `details` (e.g. the
    reason code) go into the audit entry beside the new state."""
    current = declaration.state
    if not can_transition(current, target):
        raise not_allowed(declaration, Action.move_to(DeclarationState(target).label))
    at = at or timezone.now()
    declaration.state = target
    stamp = {S.SUBMITTED: "submitted_at", S.IN_YARD: "checked_in_at", S.CALLED: "called_at",
             S.AT_GATE: "at_gate_at", S.CLEARED: "cleared_at", S.CROSSED: "crossed_at"}.get(target)
    fields = ["state", "updated_at", *also]
    if stamp and not (target == S.IN_YARD and current == S.HELD):
        setattr(declaration, stamp, at)
        fields.append(stamp)
    if target == S.HELD:
        declaration.state_before_hold = current
        fields.append("state_before_hold")
    declaration.save(update_fields=fields)
    audit.record(
        actor=actor, action=f"declaration.{target}", obj=declaration,
        organization=declaration.enterprise if actor is None else None,
        before={"state": current}, after={"state": target, **(details or {})},
        note=note or TRANSITIONS[current][target],
    )
    return declaration


def locked(declaration: Declaration) -> Declaration:
    return locked_pk(declaration.pk)


def locked_pk(pk: int) -> Declaration:
    return Declaration.objects.select_for_update(of=("self",)).select_related(
        "goods", "gate", "slot").get(pk=pk)


def relocked(declaration: Declaration) -> Declaration:
    """Lock a declaration read before the transaction began: the copy in hand if nobody
    saved it since, a fresh read otherwise."""
    return declaration if selectors.lock_if_unchanged(declaration) else locked_pk(declaration.pk)


def require_enterprise(actor, declaration_or_org_id) -> None:
    org_id = getattr(declaration_or_org_id, "enterprise_id", declaration_or_org_id)
    require(actor, "border.declare", org_id)


def notify_driver_later(declaration: Declaration, kind: str, vi: str, en: str) -> None:
    note = Notification(recipient=declaration.driver_phone, kind=kind, message_vi=vi,
                        message_en=en, link=f"/border/ticket/{declaration.ticket_token}/")
    transaction.on_commit(lambda: send(note))


def notify_enterprise_later(declaration: Declaration, kind: str, vi: str, en: str) -> None:
    note = Notification(recipient=f"org:{declaration.enterprise_id}", kind=kind, message_vi=vi,
                        message_en=en, link=f"/border/enterprise/#d{declaration.pk}")
    transaction.on_commit(lambda: send(note))
