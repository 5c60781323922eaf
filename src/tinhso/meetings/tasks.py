"""Background work of the meetings system: thin wrappers over services, safe to run twice."""

from __future__ import annotations

from django_tasks import task

from tinhso.meetings import services


@task()
def flag_overdue_conclusions() -> int:
    """Periodic (settings.PERIODIC_TASKS): tell each agency, once, of its overdue tasks."""
    return services.flag_overdue()
