"""The order state machine, written once: allowed edges as data, one check.

One table serves both the order (what the buyer pays) and its shop orders (what each
seller packs); ``services.orders.transition`` is the only code that changes either's
state, and each change is an audit entry and an ``OrderEvent``.

How the two levels move together:

- **Money and cancellation act on the whole order** (``ORDER_TARGETS``): the bank pays
  the order (``placed → paid``), the buyer or the back office cancels it, the expiry task
  expires it, the accountant refunds it. The same edge is applied, in the same
  transaction, to every shop order still on the order's state.
- **Fulfilment is per shop order** (``SELLER_TARGETS``): each seller packs, ships (or
  makes ready at the hub) and delivers its own part. The order then follows its *least
  advanced* shop order: it is ``packed`` once every seller packed, ``shipped`` once every
  part left, ``delivered`` once every part arrived.
- A delivered order is ``completed`` when the buyer confirms receipt, or by the periodic
  task ``MARKET_COMPLETE_AFTER_DAYS`` days after delivery; its shop orders complete with
  it (this is when sellers are due their payout).
- Cash on delivery skips ``paid``: the sellers pack a placed order, the cash is taken at
  delivery (``paid_at`` is stamped then). A bank-transfer order is packed only once paid.
"""

from __future__ import annotations

from tinhso.market.models import Fulfilment, OrderState, PaymentMethod

S = OrderState

TRANSITIONS: dict[str, dict[str, str]] = {
    S.PLACED: {
        S.PAID: "the bank transfer arrived with the exact amount and the order code",
        S.PACKED: "cash on delivery: the seller packs an order paid at the door",
        S.CANCELLED: "cancelled before any payment; the stock is released",
        S.EXPIRED: "a VietQR order not paid in time; the stock is released",
    },
    S.PAID: {
        S.PACKED: "the seller packed the goods",
        S.REFUND_DUE: "a paid order is cancelled; the stock is released, the money is owed back",
    },
    S.PACKED: {
        S.SHIPPED: "the goods left for the buyer's address",
        S.READY_FOR_PICKUP: "the goods wait at the hub for the buyer",
        S.CANCELLED: "a cash-on-delivery order cancelled before it left; stock released",
        S.REFUND_DUE: "a paid order cancelled before it left; stock released, money owed back",
    },
    S.SHIPPED: {S.DELIVERED: "the buyer received the goods"},
    S.READY_FOR_PICKUP: {S.DELIVERED: "the buyer picked the goods up at the hub"},
    S.DELIVERED: {S.COMPLETED: "the buyer confirmed receipt, or the dispute period ended"},
    S.REFUND_DUE: {S.REFUNDED: "the money was sent back to the buyer"},
    S.COMPLETED: {},
    S.CANCELLED: {},
    S.EXPIRED: {},
    S.REFUNDED: {},
}

# ---- Groups of states: each defined here once.

# Targets the whole order takes (and its shop orders with it).
ORDER_TARGETS = frozenset({S.PAID, S.CANCELLED, S.EXPIRED, S.REFUND_DUE, S.REFUNDED,
                           S.COMPLETED})
# Targets one seller gives its own shop order.
SELLER_TARGETS = frozenset({S.PACKED, S.SHIPPED, S.READY_FOR_PICKUP, S.DELIVERED})
# Goods still on the shelf: leaving these for cancelled / expired / refund_due releases
# the stock the order took.
STOCK_HELD_STATES = frozenset({S.PLACED, S.PAID, S.PACKED})
# What a seller has to act on now.
TO_HANDLE_STATES = (S.PLACED, S.PAID, S.PACKED, S.SHIPPED, S.READY_FOR_PICKUP)
# The order is over.
FINAL_STATES = frozenset({S.COMPLETED, S.CANCELLED, S.EXPIRED, S.REFUNDED})
# Money received for the order (by transfer, or in cash at the door).
PAID_STATES = frozenset({S.PAID, S.REFUND_DUE, S.REFUNDED})
# Irreversible seller actions ask for a confirmation first.
CONFIRM_TARGETS = frozenset({S.SHIPPED, S.READY_FOR_PICKUP, S.DELIVERED})

# How far fulfilment went, for "the order follows its least advanced shop order".
_PROGRESS = {S.PLACED: 0, S.PAID: 1, S.PACKED: 2, S.SHIPPED: 3, S.READY_FOR_PICKUP: 3,
             S.DELIVERED: 4}


def can_transition(current: str, target: str, *, payment_method: str,
                   fulfilment: str) -> bool:
    """Whether the edge exists and fits the order: cash on delivery is packed without
    being paid and never owes a refund; a transfer order is packed only once paid; a
    delivery ships, a pickup is made ready at the hub."""
    if target not in TRANSITIONS.get(current, {}):
        return False
    cod = payment_method == PaymentMethod.CASH_ON_DELIVERY
    if current == S.PLACED and target == S.PACKED:
        return cod
    if current == S.PACKED and target == S.CANCELLED:
        return cod
    if current == S.PACKED and target == S.REFUND_DUE:
        return not cod
    if target == S.SHIPPED:
        return fulfilment == Fulfilment.DELIVERY
    if target == S.READY_FOR_PICKUP:
        return fulfilment == Fulfilment.PICKUP
    return True


def follow(shop_order_states: list[str]) -> str | None:
    """The fulfilment state the order takes from its shop orders: the least advanced
    one (None when a shop order is outside fulfilment, e.g. cancelled)."""
    if not shop_order_states or any(s not in _PROGRESS for s in shop_order_states):
        return None
    return min(shop_order_states, key=_PROGRESS.__getitem__)


def advances(current: str, target: str) -> bool:
    return _PROGRESS.get(target, -1) > _PROGRESS.get(current, 99)
