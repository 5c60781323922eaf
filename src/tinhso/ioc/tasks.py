"""Background work of the operations dashboard: thin wrappers over the services, safe to
run twice. Scheduled in ``settings.PERIODIC_TASKS``."""

from __future__ import annotations

from django_tasks import task

from tinhso.ioc import reports, services


@task()
def refresh_indicators() -> dict:
    """Every computed indicator's figures for the period in progress, then the alerts."""
    result = services.refresh()
    return {"figures": result.figures, "unavailable": result.unavailable,
            "no_data": result.no_data, "alerts": result.alerts}


@task()
def send_due_reports() -> list[str]:
    """The weekly report of the last finished week and the monthly one of the last
    finished month, each generated once and sent to the leadership."""
    return reports.generate_due()
