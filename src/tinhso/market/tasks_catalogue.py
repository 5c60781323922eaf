"""Background work of the catalogue (thin wrappers over services)."""

from django_tasks import task

from tinhso.market.services import catalogue


@task()
def remind_ocop_expiring() -> int:
    return catalogue.remind_ocop_expiring()
