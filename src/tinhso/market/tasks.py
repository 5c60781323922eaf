"""Background tasks of the market's orders: thin wrappers over the services, each safe to
run twice and with several workers. Scheduled in ``settings.PERIODIC_TASKS``."""

from __future__ import annotations

from django_tasks import task

from tinhso.market.services import orders


@task()
def expire_unpaid_orders() -> list[str]:
    """VietQR orders not paid in time expire and give their stock back."""
    return orders.expire_unpaid()


@task()
def complete_delivered_orders() -> list[str]:
    """Orders delivered ``MARKET_COMPLETE_AFTER_DAYS`` ago complete."""
    return orders.complete_delivered()
