"""Bank-notification adapters, one module per bank; ``demo`` is the local simulator's."""

from __future__ import annotations

from tinhso.payments.providers.base import BankCredit, BankNotificationAdapter, RefundResult
from tinhso.payments.providers.demo import DemoAdapter

ADAPTERS: dict[str, type[BankNotificationAdapter]] = {DemoAdapter.code: DemoAdapter}

__all__ = ["ADAPTERS", "BankCredit", "BankNotificationAdapter", "DemoAdapter", "RefundResult",
           "get_adapter"]


def get_adapter(provider: str) -> BankNotificationAdapter:
    from tinhso.payments.config import webhook_secret
    from tinhso.payments.errors import PaymentError, payment_error

    adapter_class = ADAPTERS.get(provider)
    if adapter_class is None:
        raise payment_error(PaymentError.UNKNOWN_PROVIDER, provider=provider[:40])
    secret = webhook_secret(provider)
    if not secret:
        raise payment_error(PaymentError.NOT_CONFIGURED, provider=provider)
    return adapter_class(secret)
