"""Background work of the public services: thin wrappers over services, safe to run twice."""

from __future__ import annotations

from django_tasks import task

from tinhso.publicservices import services
from tinhso.publicservices.portal import sync


@task()
def warn_due_dossiers() -> dict[str, int]:
    """Periodic (settings.PERIODIC_TASKS): warn assignees and heads before and at the due
    moment of each open dossier."""
    return services.warn_due_dossiers()


@task()
def push_portal_updates(dossier_id: int) -> str:
    """Push one dossier's pending state changes to the national portal, in order."""
    return sync.deliver(dossier_id)


@task()
def retry_portal_updates() -> int:
    """Periodic: queue again the portal pushes that are overdue."""
    return sync.retry_due()


@task()
def pull_portal_dossiers() -> dict[str, int]:
    """Periodic: receive the dossiers submitted on the national portal."""
    return sync.pull()
