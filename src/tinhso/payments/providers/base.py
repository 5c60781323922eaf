"""What every bank-notification adapter does: check the request is really from the bank,
then turn the bank's format into a :class:`BankCredit`."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from tinhso.payments.config import REPLAY_WINDOW_SECONDS
from tinhso.payments.errors import PaymentError, payment_error


@dataclass(frozen=True, slots=True)
class BankCredit:
    """A credit to the province's account, as the bank notified it."""

    transaction_id: str
    amount_vnd: int
    description: str
    account: str = ""
    credited_at: datetime | None = None
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RefundResult:
    """The bank's final answer for a transfer order we sent it (``payments.refunds``):
    credited to the payer (``confirmed``) or not, with the bank's reason."""

    bank_reference: str
    confirmed: bool
    reason: str = ""
    raw: dict = field(default_factory=dict)


class BankNotificationAdapter:
    """Base class. Subclasses set ``code`` and implement :meth:`parse`; the default
    :meth:`verify` checks an HMAC-SHA256 signature over ``<timestamp>.<raw body>``."""

    code: str = ""
    #: The ``payments.refunds.RefundAdapter`` whose transfer orders this bank answers for
    #: through the signed refund-result callback ("" = this bank sends none).
    refund_adapter: str = ""
    signature_header = "X-Signature"
    timestamp_header = "X-Timestamp"

    def __init__(self, secret: str, *, clock=time.time):
        self.secret = secret.encode()
        self.clock = clock

    @staticmethod
    def sign(secret: str | bytes, timestamp: str, body: bytes) -> str:
        key = secret.encode() if isinstance(secret, str) else secret
        digest = hmac.new(key, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        return f"sha256={digest}"

    def verify(self, request_body: bytes, headers: Mapping[str, str]) -> None:
        """Raise a 401 DomainError unless the signature is right and the timestamp fresh.

        The timestamp is signed together with the body, so an old notification cannot be
        replayed with a new timestamp; within the window, replays are caught by the
        (provider, transaction id) unique key.
        """
        timestamp = (headers.get(self.timestamp_header) or "").strip()
        given = (headers.get(self.signature_header) or "").strip()
        expected = self.sign(self.secret, timestamp, request_body)
        if not timestamp or not hmac.compare_digest(given.encode(), expected.encode()):
            raise payment_error(PaymentError.BAD_SIGNATURE)
        try:
            sent = int(timestamp)
        except ValueError:
            raise payment_error(PaymentError.BAD_SIGNATURE) from None
        if abs(self.clock() - sent) > REPLAY_WINDOW_SECONDS:
            raise payment_error(PaymentError.STALE, seconds=REPLAY_WINDOW_SECONDS)

    def parse(self, body: bytes) -> BankCredit:  # pragma: no cover - abstract
        raise NotImplementedError

    def parse_refund_result(self, body: bytes) -> RefundResult:  # pragma: no cover
        """The refund-result callback's body (same signature, checked by :meth:`verify`)."""
        raise NotImplementedError
