"""Other things than fee invoices that a bank transfer can pay (a market order…), found by
the reference in the transfer description.

payments never imports the apps that use it: an app registers a :class:`PayableKind` at
start-up (its ``AppConfig.ready``) with the pattern of its references, a way to lock the
payable by reference, and what to do once the exact amount arrived. The bank webhook
(:func:`tinhso.payments.services.record_bank_credit`) tries the invoice reference first,
then each registered kind, and applies the same rules to all: the exact amount to the
right account while still payable marks it paid; anything else goes to the
reconciliation list, never silently accepted."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Due:
    """What a payable expects, read under its row lock."""

    reference: str
    amount_vnd: int
    account_number: str  # the receiving account the transfer must be credited to
    payable: bool  # still waiting for this payment (not paid, cancelled or expired)
    organization: object | None = None  # for the audit entry
    obj: object = None  # the locked row, given back to ``mark_paid``


@dataclass(frozen=True, slots=True)
class PayableKind:
    name: str
    pattern: re.Pattern[str]  # searched in the description, upper-cased, only [0-9A-Z] kept
    lock: Callable[[str], Due | None]  # inside the webhook's transaction
    mark_paid: Callable[..., None]  # (due, *, bank_transaction, paid_at) -> None


_KINDS: dict[str, PayableKind] = {}


def register(kind: PayableKind) -> None:
    """Idempotent: registering a kind again under its name replaces it."""
    _KINDS[kind.name] = kind


def kinds() -> list[PayableKind]:
    return list(_KINDS.values())


def find(compact_description: str) -> tuple[PayableKind, str] | tuple[None, str]:
    """The first registered kind whose reference appears in the description, with it."""
    for kind in _KINDS.values():
        match = kind.pattern.search(compact_description)
        if match:
            return kind, match.group(0)
    return None, ""
