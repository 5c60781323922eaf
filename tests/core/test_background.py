"""Background work of the shared kernel: notifications delivered by a task with retries,
the periodic scheduler, housekeeping."""

import json
import os
from dataclasses import asdict
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.border.conftest import all_at_once
from tests.conftest import run_worker
from tinhso.core import notifications, outbox, scheduler
from tinhso.core.models import OutboxState, OutgoingNotification, PeriodicRun
from tinhso.core.notifications import Notification


def note(recipient="0912000002") -> Notification:
    return Notification(recipient=recipient, kind="called", message_vi="Mời lên cửa khẩu.",
                        message_en="Please drive to the gate.", link="/border/ticket/x/")


def test_send_records_the_message_and_delivers_it_after_the_commit(
        db, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.NOTIFY_BACKEND, settings.NOTIFY_FILE = "file", tmp_path / "n.jsonl"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = notifications.send(note())
    # Recorded at once, delivered only once the transaction commits.
    assert OutgoingNotification.objects.get().state == OutboxState.PENDING
    assert len(callbacks) == 1 and not settings.NOTIFY_FILE.exists()
    callbacks[0]()
    row.refresh_from_db()
    assert (row.state, row.attempts, row.delivered_at is not None) == ("delivered", 1, True)
    [line] = settings.NOTIFY_FILE.read_text("utf-8").splitlines()
    assert json.loads(line)["message_vi"] == "Mời lên cửa khẩu."
    # The task is idempotent: running it again sends nothing more.
    assert notifications.deliver(row.pk) == "skipped"
    assert len(settings.NOTIFY_FILE.read_text("utf-8").splitlines()) == 1


def test_attachments_travel_with_the_notification_to_the_backend(
        db, settings, django_capture_on_commit_callbacks):
    """An attachment (an invitation's .ics) is stored with the row and handed to the
    backend at delivery, byte for byte; a notification without one is unchanged."""
    seen = []

    class Capture(notifications.NotificationBackend):
        def send(self, notification):
            seen.append(notification)

    notifications.BACKENDS["capture-test"] = Capture
    settings.NOTIFY_BACKEND = "capture-test"
    ics = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    try:
        with django_capture_on_commit_callbacks(execute=True):
            notifications.send(Notification(**{**asdict(note()), "attachments": (
                notifications.Attachment("hoi-nghi.ics", "text/calendar; method=REQUEST",
                                         ics),)}))
            notifications.send(note())
    finally:
        del notifications.BACKENDS["capture-test"]
    with_file, plain = seen
    assert with_file.attachments == (
        notifications.Attachment("hoi-nghi.ics", "text/calendar; method=REQUEST", ics),)
    assert plain.attachments == () and plain == note()
    too_big = notifications.Attachment("x.bin", "application/octet-stream",
                                       b"x" * (notifications.MAX_ATTACHMENT_BYTES + 1))
    with pytest.raises(ValueError, match="MAX_ATTACHMENT_BYTES"):
        notifications.send(Notification(**{**asdict(note()), "attachments": (too_big,)}))


def test_a_failing_delivery_is_retried_with_backoff_then_given_up(
        db, settings, flaky, clock, django_capture_on_commit_callbacks):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    flaky.failures_left = 99
    with django_capture_on_commit_callbacks(execute=True):
        row = notifications.send(note())
    row.refresh_from_db()
    assert (row.state, row.attempts, row.retrying) == ("pending", 1, True)
    assert row.last_error == "ConnectionError: SMS gateway unreachable"
    assert row.next_attempt_at >= row.last_attempt_at + outbox.backoff(1)

    # Not due yet: neither the task nor the sweep tries again.
    assert notifications.deliver(row.pk) == "skipped" and notifications.retry_due() == 0
    for attempt, wait in ((2, outbox.backoff(1)), (3, outbox.backoff(2))):
        clock.move_to(timezone.now() + wait + outbox.SWEEP_GRACE)
        assert notifications.retry_due() == 1  # the periodic sweep queues (and runs) it
        row.refresh_from_db()
        assert row.attempts == attempt
    assert (row.state, row.next_attempt_at) == ("failed", None)
    assert len(flaky.calls) == 3
    clock.move_to(timezone.now() + timedelta(days=1))
    assert notifications.retry_due() == 0  # a failed one waits for a person


def test_a_worker_that_died_mid_attempt_is_retried_after_its_lease(db, flaky, clock):
    row = OutgoingNotification.objects.create(**asdict(note()),
                                              next_attempt_at=timezone.now())
    assert outbox.claim(OutgoingNotification, row.pk, now=timezone.now()) is not None
    # ... and the worker is killed before it records anything.
    assert notifications.deliver(row.pk) == "skipped"  # another worker keeps off the lease
    clock.move_to(timezone.now() + outbox.LEASE + outbox.SWEEP_GRACE)
    assert notifications.retry_due() == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("delivered", 2)


def test_a_notification_that_cannot_even_be_queued_waits_for_the_sweep(
        db, flaky, settings, clock, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["elsewhere"]}}  # every enqueue is refused
    with django_capture_on_commit_callbacks(execute=True):
        row = notifications.send(note())
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 0) and flaky.calls == []
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": settings.TASK_QUEUES}}
    clock.move_to(timezone.now() + outbox.SWEEP_GRACE + timedelta(seconds=1))
    assert notifications.retry_due() == 1
    row.refresh_from_db()
    assert row.state == "delivered"


# ---------------------------------------------------------------- scheduler


def test_the_scheduler_enqueues_each_periodic_task_once_per_period(db, database_tasks, clock):
    clock.move_to(timezone.now().replace(minute=0, second=10))
    first = scheduler.tick()
    assert set(first) == {"border.mark_no_shows", "border.refresh_advisories",
                          "core.retry_notifications", "core.prune",
                          "market.expire_unpaid_orders", "market.complete_delivered_orders",
                          "market.remind_ocop_expiring", "publicservices.warn_due_dossiers",
                          "publicservices.retry_portal_updates",
                          "publicservices.pull_portal_dossiers",
                          "documents.retry_exchange", "documents.remind_due",
                          "meetings.flag_overdue_conclusions",
                          "ioc.refresh_indicators", "ioc.send_due_reports",
                          "payments.poll_sent_refunds"}
    assert scheduler.tick() == []  # same period: nothing again
    clock.move_to(timezone.now() + timedelta(minutes=2))
    assert set(scheduler.tick()) == {"border.mark_no_shows", "core.retry_notifications",
                                     "market.expire_unpaid_orders",
                                     "publicservices.retry_portal_updates",
                                     "documents.retry_exchange"}
    queued = DBTaskResult.objects.filter(task_path="tinhso.border.tasks.mark_no_shows")
    assert queued.count() == 2
    run = PeriodicRun.objects.get(name="border.mark_no_shows")
    assert run.task_id == str(queued.order_by("-enqueued_at").first().id)


def test_the_scheduler_command_ticks_once(db, database_tasks, capsys):
    call_command("scheduler", once=True)
    assert "enqueued border.mark_no_shows" in capsys.readouterr().out
    assert DBTaskResult.objects.count() == len(PeriodicRun.objects.all())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_enqueue_each_period_once(database_tasks, settings):
    all_at_once(lambda _: scheduler.tick(), range(4))
    for name, spec in settings.PERIODIC_TASKS.items():
        assert DBTaskResult.objects.filter(task_path=spec["task"]).count() == 1, name


@pytest.mark.django_db(transaction=True)
def test_prune_forgets_old_task_results_and_delivered_notifications(
        database_tasks, flaky, settings, clock):
    old = notifications.send(note())
    run_worker()
    assert OutgoingNotification.objects.get(pk=old.pk).state == "delivered"
    clock.move_to(timezone.now() + timedelta(days=settings.NOTIFY_KEEP_DAYS + 1))
    kept = notifications.send(note("0912000003"))
    from tinhso.core.tasks import prune

    prune.enqueue()
    run_worker()
    assert list(OutgoingNotification.objects.values_list("pk", flat=True)) == [kept.pk]
    # Only this pass's results are left (the prune task itself and the fresh delivery).
    assert DBTaskResult.objects.filter(
        finished_at__lt=timezone.now() - timedelta(days=1)).count() == 0


# ---------------------------------------------------------------- make run


def test_serve_runs_web_workers_and_scheduler_side_by_side(settings):
    from tinhso.core.management.commands.serve import Command

    settings.TASKS_BACKEND = "database"
    commands = Command().processes(bind="127.0.0.1:8000", web_workers=3,
                                   forwarded_allow_ips="127.0.0.1")
    assert set(commands) == {"web", "scheduler", "worker-default", "worker-simulations"}
    simulations = commands["worker-simulations"]
    assert "db_worker" in simulations and "--no-reload" in simulations
    assert simulations[simulations.index("--queue-name") + 1] == "simulations"
    settings.TASKS_BACKEND = "immediate"  # nothing queued, nothing to work
    assert set(Command().processes(bind="127.0.0.1:8000", web_workers=3,
                                   forwarded_allow_ips="127.0.0.1")) == {"web", "scheduler"}


def test_serve_stops_everything_when_the_web_server_exits(monkeypatch, tmp_path):
    """What `make run` relies on: gunicorn exits (here: at once, code 3), and the worker
    and scheduler it started beside it are stopped, not left behind."""
    import signal
    import sys

    from tinhso.core.management.commands.serve import Command

    pidfile = tmp_path / "worker.pid"
    sleeper = (f"import os, time; open({str(pidfile)!r}, 'w').write(str(os.getpid())); "
               "time.sleep(600)")
    monkeypatch.setattr(Command, "processes", lambda self, **kw: {
        "worker": [sys.executable, "-c", sleeper],
        "web": [sys.executable, "-c", f"import os, time\nwhile not os.path.exists("
                f"{str(pidfile)!r}): time.sleep(0.05)\nraise SystemExit(3)"]})
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with pytest.raises(SystemExit) as exited:
            call_command("serve")
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert exited.value.code == 3
    worker_pid = int(pidfile.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(worker_pid, 0)


@pytest.mark.django_db
def test_the_daily_prune_forgets_old_login_records_and_keeps_recent_ones(settings, clock):
    from axes.models import AccessFailureLog, AccessLog

    from tinhso.core.tasks import prune

    now = timezone.now()
    for days in (settings.LOGIN_LOGS_KEEP_DAYS + 1, 1):
        at = now - timedelta(days=days)
        # attempt_time is set on insert whatever is passed: date the rows afterwards.
        AccessLog.objects.create(username=f"u{days}", ip_address="10.0.0.1", user_agent="t")
        AccessFailureLog.objects.create(username=f"u{days}", ip_address="10.0.0.1",
                                        user_agent="t", locked_out=False)
        AccessLog.objects.filter(username=f"u{days}").update(attempt_time=at)
        AccessFailureLog.objects.filter(username=f"u{days}").update(attempt_time=at)
    prune.call()
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["u1"]
    assert list(AccessFailureLog.objects.values_list("username", flat=True)) == ["u1"]
