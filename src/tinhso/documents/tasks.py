"""Background work of the documents app: thin wrappers over services, given ids."""

from __future__ import annotations

from django_tasks import task

from tinhso.documents import services


@task()
def deliver_exchange(message_id: int) -> str:
    return services.deliver_exchange(message_id)


@task()
def retry_exchange() -> int:
    return services.retry_exchange()


@task()
def remind_due() -> int:
    return services.remind_due()
