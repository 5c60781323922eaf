"""Background tasks of the shared kernel: thin wrappers, given ids, safe to run twice."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.management import call_command
from django_tasks import task, task_backends

from tinhso.core import notifications


@task(priority=10)  # "drive to the gate now" must not queue behind the periodic work
def deliver_notification(notification_id: int) -> str:
    return notifications.deliver(notification_id)


@task()
def retry_notifications() -> int:
    return notifications.retry_due()


@task()
def prune() -> dict[str, int]:
    """Daily housekeeping: delivered notifications, finished task results (failed ones
    are kept longer, for whoever investigates) and old login records (django-axes keeps
    every login and every failure; the lockout itself only looks back its cool-off time)."""
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(task_backends["default"], DatabaseBackend):
        call_command("prune_db_task_results", queue_name="*",
                     min_age_days=settings.TASK_RESULTS_KEEP_DAYS,
                     failed_min_age_days=4 * settings.TASK_RESULTS_KEEP_DAYS, verbosity=0)
    for command in ("axes_reset_logs", "axes_reset_failure_logs"):  # they print regardless
        call_command(command, age=settings.LOGIN_LOGS_KEEP_DAYS, stdout=io.StringIO())
    return {"notifications": notifications.prune()}
