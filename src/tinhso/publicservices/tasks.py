"""Background work of the public services: thin wrappers over services, safe to run twice."""

from __future__ import annotations

from django_tasks import task

from tinhso.publicservices import services


@task()
def warn_due_dossiers() -> dict[str, int]:
    """Periodic (settings.PERIODIC_TASKS): warn assignees and heads before and at the due
    moment of each open dossier."""
    return services.warn_due_dossiers()
