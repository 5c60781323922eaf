"""Order of the yard queue: pure, no Django import, so the console and tests share it.

Booked trucks that arrived within their slot's grace window go first, in slot order, then
by check-in time; trucks without a (valid) booking follow in check-in order. Perishable
loads are then interleaved: after `interleave` other trucks, the next waiting perishable
load goes first, so fruit never waits behind a long run of other goods.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class QueueEntry:
    key: int
    checked_in_at: datetime
    slot_starts_at: datetime | None  # None: no booking, or booking lost by arriving late
    perishable: bool


def base_order(entries: Sequence[QueueEntry]) -> list[QueueEntry]:
    booked = sorted((e for e in entries if e.slot_starts_at is not None),
                    key=lambda e: (e.slot_starts_at, e.checked_in_at, e.key))
    walk_in = sorted((e for e in entries if e.slot_starts_at is None),
                     key=lambda e: (e.checked_in_at, e.key))
    return booked + walk_in


def call_order(entries: Sequence[QueueEntry], interleave: int) -> list[QueueEntry]:
    ordered = base_order(entries)
    if interleave <= 0:
        return ordered
    perishables = [e for e in ordered if e.perishable]
    others = [e for e in ordered if not e.perishable]
    position = {e.key: i for i, e in enumerate(ordered)}
    result: list[QueueEntry] = []
    run_of_others = 0
    p = o = 0
    while p < len(perishables) or o < len(others):
        take_perishable = o >= len(others) or (
            p < len(perishables)
            and (run_of_others >= interleave
                 or position[perishables[p].key] < position[others[o].key])
        )
        if take_perishable:
            result.append(perishables[p])
            p += 1
            run_of_others = 0
        else:
            result.append(others[o])
            o += 1
            run_of_others += 1
    return result
