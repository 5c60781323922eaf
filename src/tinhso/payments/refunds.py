"""Refunds: money paid to us, sent back to the payer's bank account by a transfer order.

An app that takes payments registers a :class:`RefundKind` (like a ``PayableKind`` for the
bank webhook) with what to do when the bank confirms the transfer (a market order becomes
``refunded``). Then::

    refund = request_refund(actor=…, kind="market_order", source_reference="DH…",
                            amount_vnd=…, account=BuyerAccount(…), purpose="HOAN DH…")
    send(refund)                            # requested → sent (the bank's reference)
    record_result(adapter="simulator", bank_reference=…, confirmed=True)  # → confirmed

States: ``requested → sent → confirmed | failed``; every step is audited and locked on the
row. Idempotent: asking again for a source with an open (not failed) request returns it;
sending a request already sent does nothing; the bank's same answer twice does nothing
(a contrary answer is refused, 409). After a failure a new request may be made.

How the transfer order reaches the bank is a :class:`RefundAdapter` (chosen by
``settings.PAYMENTS_REFUND_ADAPTER``, default ``simulator``): ``submit`` hands the order
to the bank and returns the bank's reference; the bank's result comes back later through
``record_result``: the bank's signed callback (:func:`receive_result`, ``POST
/api/v1/payments/refund-results``, signed like the credit webhook by the same shared secret),
or, for a transfer order left ``sent`` longer than ``PAYMENTS_REFUND_POLL_AFTER_SECONDS``
(30 minutes by default), the periodic :func:`poll_sent` asking the adapter
(:meth:`RefundAdapter.status`). The :class:`SimulatedBank` here also answers at once
through :func:`simulate_results` (the demo and tests).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tinhso.core import audit
from tinhso.core.errors import DomainError, FieldCollector
from tinhso.core.validators import check_text
from tinhso.payments.banks import bank_by_bin, clean_account_number
from tinhso.payments.errors import PaymentError, payment_error, payment_invalid
from tinhso.payments.models import RefundRequest, RefundState
from tinhso.payments.providers.base import RefundResult

R = RefundState
logger = logging.getLogger(__name__)
#: A transfer order still ``sent`` this long after it left is asked about (``poll_sent``).
POLL_AFTER_SECONDS = 1800
#: At most this many are asked about per run (the oldest first); the next run goes on.
POLL_BATCH = 200


@dataclass(frozen=True, slots=True)
class BankAccount:
    """Where the money goes back: the payer's account, as they gave it."""

    bank_bin: str
    account_number: str
    account_name: str


@dataclass(frozen=True, slots=True)
class RefundKind:
    name: str
    # (refund, *, at) -> None, inside the transaction that records the bank's confirmation
    confirmed: Callable[..., None]
    # (refund, *, at) -> None, likewise for a failure (optional)
    failed: Callable[..., None] | None = None


_KINDS: dict[str, RefundKind] = {}


def register(kind: RefundKind) -> None:
    """Idempotent: registering a kind again under its name replaces it."""
    _KINDS[kind.name] = kind


# ---------------------------------------------------------------- adapters


class RefundAdapter:
    """Hands a transfer order to a bank. ``submit`` returns the bank's reference (raise
    ``RefundRejected`` when the bank refuses it at once)."""

    code = ""

    def submit(self, refund: RefundRequest) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def status(self, refund: RefundRequest) -> RefundResult | None:
        """The bank's answer for a sent order when asked (``poll_sent``): None while the
        bank has none yet (or cannot be asked); raise ``OSError`` when it cannot be
        reached (asked again at the next run)."""
        return None


class RefundRejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SimulatedBank(RefundAdapter):
    """A local bank for development, the demo and tests: accepts every order (reference
    ``SIM…``); :func:`simulate_results` then answers for it — an account number ending in
    ``0000`` is "closed" and the transfer fails, any other is credited."""

    code = "simulator"
    CLOSED_SUFFIX = "0000"

    def submit(self, refund: RefundRequest) -> str:
        return f"SIM{refund.reference}"

    @classmethod
    def outcome(cls, refund: RefundRequest) -> tuple[bool, str]:
        if refund.account_number.endswith(cls.CLOSED_SUFFIX):
            return False, "Tài khoản người nhận đã đóng (ngân hàng mô phỏng)"
        return True, ""

    def status(self, refund: RefundRequest) -> RefundResult | None:
        confirmed, reason = self.outcome(refund)
        return RefundResult(bank_reference=refund.bank_reference, confirmed=confirmed,
                            reason=reason)


ADAPTERS: dict[str, type[RefundAdapter]] = {SimulatedBank.code: SimulatedBank}


def adapter() -> RefundAdapter:
    code = getattr(settings, "PAYMENTS_REFUND_ADAPTER", SimulatedBank.code)
    return ADAPTERS[code]()


# ---------------------------------------------------------------- the flow


def clean_account(account: BankAccount) -> BankAccount:
    """Every bad field named at once (``bank_bin``, ``account_number``, ``account_name``)."""
    c = FieldCollector()

    def bank(value: str) -> str:
        if bank_by_bin(value) is None:
            raise payment_invalid(PaymentError.REFUND_BANK, field="bank_bin")
        return value.strip()

    def number(value: str) -> str:
        cleaned = clean_account_number(value)
        if cleaned is None:
            raise payment_invalid(PaymentError.REFUND_ACCOUNT, field="account_number")
        return cleaned

    def name(value: str) -> str:
        value = " ".join((value or "").split())
        if not value or len(value) > 120:
            raise payment_invalid(PaymentError.REFUND_NAME, field="account_name")
        return check_text(value, "account_name")

    c.field("bank_bin", bank, account.bank_bin or "")
    c.field("account_number", number, account.account_number or "")
    c.field("account_name", name, account.account_name)
    c.raise_if_invalid()
    return BankAccount(c.cleaned["bank_bin"], c.cleaned["account_number"],
                       c.cleaned["account_name"])


def open_refund(kind: str, source_reference: str) -> RefundRequest | None:
    return (RefundRequest.objects.filter(kind=kind, source_reference=source_reference)
            .exclude(state=R.FAILED).first())


def _new_reference() -> str:
    return "HOAN" + "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8))


def request_refund(*, actor, kind: str, source_reference: str, amount_vnd: int,
                   account: BankAccount, purpose: str, organization=None,
                   now: datetime | None = None) -> RefundRequest:
    """The transfer order, recorded (``requested``); the open one if there already is one
    for this source (idempotent: a double click, or a retry, never pays twice)."""
    if kind not in _KINDS:
        raise LookupError(f"refund kind {kind!r} is not registered")
    if not isinstance(amount_vnd, int) or amount_vnd <= 0:
        raise payment_error(PaymentError.BAD_AMOUNT, field="amount")
    account = clean_account(account)
    now = now or timezone.now()
    existing = open_refund(kind, source_reference)
    if existing is not None:
        return existing
    bank = bank_by_bin(account.bank_bin)
    try:
        with transaction.atomic():
            refund = RefundRequest.objects.create(
                reference=_new_reference(), kind=kind, source_reference=source_reference,
                amount_vnd=amount_vnd, bank_bin=account.bank_bin, bank_name=bank.short_name,
                account_number=account.account_number, account_name=account.account_name,
                purpose=purpose[:60], requested_at=now, organization=organization,
                requested_by=actor if getattr(actor, "is_authenticated", False) else None)
            audit.record(actor=actor if refund.requested_by_id else None,
                         action="payments.refund_requested", obj=refund,
                         organization=organization,
                         after={"state": R.REQUESTED, "amount_vnd": amount_vnd,
                                "source": f"{kind}:{source_reference}",
                                "bank": account.bank_bin,
                                "account": account.account_number[-4:]})
    except IntegrityError:  # the same source asked at the same moment: theirs stands
        existing = open_refund(kind, source_reference)
        if existing is None:
            raise
        return existing
    return refund


def send(refund: RefundRequest, *, actor=None, now: datetime | None = None,
         bank: RefundAdapter | None = None) -> RefundRequest:
    """``requested → sent``: the transfer order handed to the bank, its reference kept.
    A request no longer ``requested`` is returned as it is (sent once only)."""
    bank = bank or adapter()
    now = now or timezone.now()
    with transaction.atomic():
        refund = RefundRequest.objects.select_for_update().get(pk=refund.pk)
        if refund.state != R.REQUESTED:
            return refund
        try:
            reference = bank.submit(refund)
        except RefundRejected as rejected:
            _settle(refund, confirmed=False, reason=rejected.reason, actor=actor, at=now)
            return refund
        refund.state, refund.adapter, refund.bank_reference = R.SENT, bank.code, reference
        refund.sent_at = now
        refund.save(update_fields=["state", "adapter", "bank_reference", "sent_at"])
        audit.record(actor=actor, action="payments.refund_sent", obj=refund,
                     organization=refund.organization if actor is None else None,
                     before={"state": R.REQUESTED},
                     after={"state": R.SENT, "bank_reference": reference, "adapter": bank.code})
    return refund


def record_result(*, adapter: str, bank_reference: str, confirmed: bool, reason: str = "",
                  actor=None, now: datetime | None = None, via: str = "") -> RefundRequest:
    """The bank's answer for a sent transfer order: ``confirmed`` (the money left our
    account for the payer's) or ``failed`` (with the bank's reason). The same answer twice
    does nothing; a contrary answer after a final one is refused. ``via``: how the answer
    came (``bank_callback``, ``status_poll``…), kept in the audit entry."""
    return _record(adapter=adapter, bank_reference=bank_reference, confirmed=confirmed,
                   reason=reason, actor=actor, now=now, via=via)[0]


def _record(*, adapter: str, bank_reference: str, confirmed: bool, reason: str, actor,
            now: datetime | None, via: str) -> tuple[RefundRequest, bool]:
    """``record_result``, also telling whether this answer changed anything."""
    now = now or timezone.now()
    with transaction.atomic():
        refund = (RefundRequest.objects.select_for_update()
                  .filter(adapter=adapter, bank_reference=bank_reference).first())
        if refund is None:
            raise payment_error(PaymentError.REFUND_UNKNOWN, field="bank_reference")
        target = R.CONFIRMED if confirmed else R.FAILED
        if refund.state == target:
            return refund, False
        if refund.state != R.SENT:
            raise payment_error(PaymentError.REFUND_STATE, reference=refund.reference,
                                state=R(refund.state).label)
        _settle(refund, confirmed=confirmed, reason=reason, actor=actor, at=now, via=via)
    return refund, True


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    refund: RefundRequest
    #: the same answer was already recorded (the bank retried): nothing changed
    duplicate: bool


def receive_result(*, provider: str, body: bytes, headers: Mapping[str, str],
                   now: datetime | None = None) -> CallbackAnswer:
    """The bank's signed refund-result callback: the signature and its freshness checked
    exactly as for a credit notification (401; nothing read before), the body parsed
    (400/422), then :func:`record_result` for the transfer orders of the refund adapter
    this bank answers for: a repeat changes nothing (``duplicate``), an unknown bank
    reference is 404, a contrary answer after a final one 409."""
    from tinhso.payments.providers import get_adapter

    bank = get_adapter(provider)
    bank.verify(body, headers)
    result = bank.parse_refund_result(body)
    if not bank.refund_adapter:
        raise payment_error(PaymentError.REFUND_UNKNOWN, field="bank_reference")
    refund, changed = _record(adapter=bank.refund_adapter,
                              bank_reference=result.bank_reference,
                              confirmed=result.confirmed, reason=result.reason, actor=None,
                              now=now, via=f"bank_callback:{provider}")
    return CallbackAnswer(refund, duplicate=not changed)


def poll_after() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "PAYMENTS_REFUND_POLL_AFTER_SECONDS",
                                         POLL_AFTER_SECONDS)))


def poll_sent(*, now: datetime | None = None) -> list[str]:
    """Transfer orders ``sent`` longer than ``poll_after()`` whose bank sent no callback
    (lost, or never configured): their adapter is asked, the oldest first, and a final
    answer is recorded like a callback (``via`` ``status_poll``). A bank that cannot be
    reached, or has no answer yet, is asked again at the next run; a callback arriving
    meanwhile wins (the row is locked, the same answer twice does nothing). Returns the
    references settled."""
    now = now or timezone.now()
    stuck = (RefundRequest.objects.filter(state=R.SENT, sent_at__lte=now - poll_after())
             .order_by("sent_at", "pk")[:POLL_BATCH])
    done = []
    for refund in stuck:
        adapter_class = ADAPTERS.get(refund.adapter)
        if adapter_class is None:
            logger.warning("refund %s: no adapter %r to ask", refund.reference, refund.adapter)
            continue
        try:
            result = adapter_class().status(refund)
        except OSError as error:
            logger.warning("refund %s: bank %s not reachable: %s", refund.reference,
                           refund.adapter, error)
            continue
        if result is None:
            continue
        try:
            _, changed = _record(adapter=refund.adapter, bank_reference=refund.bank_reference,
                                 confirmed=result.confirmed, reason=result.reason, actor=None,
                                 now=now, via="status_poll")
        except DomainError as error:  # settled the other way meanwhile: that answer stands
            logger.warning("refund %s: poll answer refused: %s", refund.reference, error)
            continue
        if changed:
            done.append(refund.reference)
    return done


def _settle(refund: RefundRequest, *, confirmed: bool, reason: str, actor, at,
            via: str = "") -> None:
    before = refund.state
    refund.state = R.CONFIRMED if confirmed else R.FAILED
    refund.failure_reason = "" if confirmed else (reason or "")[:255]
    refund.settled_at = at
    refund.save(update_fields=["state", "failure_reason", "settled_at"])
    audit.record(actor=actor, action=f"payments.refund_{refund.state}", obj=refund,
                 organization=refund.organization if actor is None else None,
                 before={"state": before},
                 after={"state": refund.state, "reason": refund.failure_reason,
                        **({"via": via} if via else {})})
    kind = _KINDS.get(refund.kind)
    if kind is not None:
        handler = kind.confirmed if confirmed else kind.failed
        if handler is not None:
            handler(refund, at=at)


def simulate_results(*, now: datetime | None = None) -> list[str]:
    """The simulated bank answers for every transfer order it was sent (the demo's
    periodic step; tests call it): returns the references settled."""
    done = []
    for refund in RefundRequest.objects.filter(state=R.SENT, adapter=SimulatedBank.code):
        ok, reason = SimulatedBank.outcome(refund)
        record_result(adapter=SimulatedBank.code, bank_reference=refund.bank_reference,
                      confirmed=ok, reason=reason, now=now, via="simulator")
        done.append(refund.reference)
    return done
