"""Calling trucks from the yard to the gate, in the queue's order."""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from tinhso.accounts.permissions import require
from tinhso.border import selectors
from tinhso.border.models import Declaration, DeclarationState, Gate
from tinhso.border.services.common import locked_pk, notify_driver_later, transition

S = DeclarationState


def call_next(*, actor, gate: Gate, count: int, now: datetime | None = None) -> list[Declaration]:
    """Call the next trucks of the yard queue, at most what the gate can take this hour."""
    require(actor, "border.gate_console")
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the gate row: two operators pressing "call" at once must not call twice.
        gate = Gate.objects.select_for_update().get(pk=gate.pk)
        room = selectors.gate_room_now(gate, now)
        queue = selectors.yard_queue(gate)[: max(0, min(count, room))]
        called = []
        for entry in queue:
            declaration = locked_pk(entry.key)
            if declaration.state != S.IN_YARD:
                continue
            transition(declaration, S.CALLED, actor=actor, at=now)
            called.append(declaration)
            notify_driver_later(
                declaration, "called",
                f"Xe {declaration.plate}: mời lên {_gate_vi(gate.name)} ngay.",
                f"Truck {declaration.plate}: please drive to {gate.name} now.",
            )
    if called:  # everyone behind them moved up
        cache.delete(selectors.queue_positions_key(gate.pk))
    return called


def _gate_vi(name: str) -> str:
    """"Cửa khẩu quốc tế Hữu Nghị" as it is; a bare "Tân Thanh" becomes "cửa khẩu Tân Thanh"."""
    return name if name.casefold().startswith("cửa khẩu") else f"cửa khẩu {name}"
