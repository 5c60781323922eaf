"""Background tasks of payments: thin wrappers over the services, each safe to run twice
and with several workers. Scheduled in ``settings.PERIODIC_TASKS``."""

from __future__ import annotations

from django_tasks import task

from tinhso.payments import refunds


@task()
def poll_sent_refunds() -> list[str]:
    """Refund transfer orders the bank has not answered for too long: ask it."""
    return refunds.poll_sent()
