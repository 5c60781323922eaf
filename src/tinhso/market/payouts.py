"""How a paid order's money is split between its sellers and the hub (pure, no Django).

The rule, written once:

1. **Commission is taken per shop order, on the goods only.** A shop order's commission is
   ``items_total × commission_bp / 10 000`` rounded **half-up** to the whole đồng
   (``(items × bp + 5 000) // 10 000`` in integers; 0.5 đ goes to the hub).
2. **The delivery fee goes to the seller**, whole: the seller packs and delivers its own
   part (a pickup at the hub has no delivery fee), so the hub takes nothing on it.
3. **The seller's payout is the rest**: ``payout = items_total + delivery_fee − commission``.

So for every shop order ``payout + commission = total`` exactly, and since an order's total
is the sum of its shop orders' totals, every đồng the buyer paid is either a member's
payout or the hub's commission. A member's payout for a period is the sum over its shop
orders; nothing is rounded a second time.

Who pays and at what rate: the hub that received the buyer's money (the order's ``hub``)
pays its members out at its ``commission_bp``; an order paid into the market's collection
account (an independent shop, or shops of several hubs in one order) is paid out by the
market at **0** commission.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

BASIS_POINTS = 10_000


class PayoutInputError(ValueError):
    """An amount or a rate outside what the rule accepts (a programming error upstream)."""


def commission(items_total_vnd: int, commission_bp: int) -> int:
    """The hub's commission on ``items_total_vnd`` of goods, rounded half-up."""
    if isinstance(items_total_vnd, bool) or not isinstance(items_total_vnd, int) \
            or items_total_vnd < 0:
        raise PayoutInputError("items_total_vnd must be a non-negative int")
    if isinstance(commission_bp, bool) or not isinstance(commission_bp, int) \
            or not 0 <= commission_bp <= BASIS_POINTS:
        raise PayoutInputError("commission_bp must be an int from 0 to 10000")
    return (items_total_vnd * commission_bp + BASIS_POINTS // 2) // BASIS_POINTS


@dataclass(frozen=True)
class Part:
    """One shop order as the split sees it."""

    shop_id: int
    items_total_vnd: int
    delivery_fee_vnd: int = 0
    key: object = None  # the caller's handle (a shop order id), carried through

    @property
    def total_vnd(self) -> int:
        return self.items_total_vnd + self.delivery_fee_vnd


@dataclass(frozen=True)
class Split:
    part: Part
    commission_vnd: int
    payout_vnd: int


def split(part: Part, commission_bp: int) -> Split:
    """One shop order's commission and payout (``payout + commission = total``)."""
    if isinstance(part.delivery_fee_vnd, bool) or not isinstance(part.delivery_fee_vnd, int) \
            or part.delivery_fee_vnd < 0:
        raise PayoutInputError("delivery_fee_vnd must be a non-negative int")
    fee = commission(part.items_total_vnd, commission_bp)
    return Split(part, fee, part.total_vnd - fee)


@dataclass
class MemberPayout:
    shop_id: int
    items_total_vnd: int = 0
    delivery_total_vnd: int = 0
    commission_vnd: int = 0
    payout_vnd: int = 0
    splits: list[Split] = field(default_factory=list)


def member_payouts(parts: Iterable[Part], commission_bp: int) -> dict[int, MemberPayout]:
    """Each member's payout over many shop orders, by shop id (in first-seen order)."""
    members: dict[int, MemberPayout] = {}
    for part in parts:
        one = split(part, commission_bp)
        member = members.setdefault(part.shop_id, MemberPayout(part.shop_id))
        member.items_total_vnd += part.items_total_vnd
        member.delivery_total_vnd += part.delivery_fee_vnd
        member.commission_vnd += one.commission_vnd
        member.payout_vnd += one.payout_vnd
        member.splits.append(one)
    return members


def check_accounted(paid_total_vnd: int, members: Iterable[MemberPayout]) -> None:
    """Every đồng accounted for: payouts + commission = what was paid, or raise."""
    members = list(members)
    accounted = sum(m.payout_vnd + m.commission_vnd for m in members)
    if accounted != paid_total_vnd:
        raise PayoutInputError(f"payouts + commission = {accounted}, paid {paid_total_vnd}")
