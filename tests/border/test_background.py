"""Background work of the digital border gate, with the production task backend where it
matters: the scheduler and the worker mark no-shows on their own, notifications never
fail a request, what-if simulations run outside the request."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.border.conftest import declare, user
from tests.border.test_end_to_end import camera_read, declare_and_book, logged_in, post
from tests.conftest import run_worker
from tinhso.border import services
from tinhso.border.models import Declaration, Slot, WhatIfRun
from tinhso.core import notifications
from tinhso.core.models import AuditEntry, OutgoingNotification
from tinhso.core.notifications import Notification


def hour_of(moment):
    return timezone.localtime(moment).replace(minute=0, second=0, microsecond=0)


@pytest.mark.django_db(transaction=True)
def test_a_booked_truck_that_never_comes_is_a_no_show_without_anyone_running_a_command(
        border, enterprise_user, database_tasks, settings, clock):
    declaration = declare(enterprise_user)
    hour = hour_of(timezone.now() + timedelta(hours=1))
    services.book_slot(actor=enterprise_user, declaration=declaration, starts_at=hour)

    # The scheduler ticks and the worker works all along; while the truck can still come,
    # nothing happens to it.
    call_command("scheduler", once=True)
    assert DBTaskResult.objects.filter(task_path="tinhso.border.tasks.mark_no_shows",
                                       status="READY").count() == 1
    run_worker()
    assert Declaration.objects.get(pk=declaration.pk).state == "booked"

    # Past its gate's no-show window: the next period's task frees the slot.
    clock.move_to(hour + timedelta(minutes=border.no_show_after_minutes, seconds=30))
    call_command("scheduler", once=True)
    run_worker()
    declaration.refresh_from_db()
    assert (declaration.state, declaration.slot_id) == ("no_show", None)
    assert Slot.objects.get(starts_at=hour).booked == 0
    assert AuditEntry.objects.filter(object_id=str(declaration.pk), actor_label="system",
                                     after__state="no_show").exists()
    # The same worker pass delivered the enterprise's notification.
    assert "không đến trong khung giờ" in settings.NOTIFY_FILE.read_text("utf-8")
    assert OutgoingNotification.objects.get(kind="no_show").state == "delivered"
    assert not DBTaskResult.objects.filter(status="FAILED").exists()


def test_the_tasks_call_the_services(border, enterprise_user, clock):
    from tinhso.border import tasks

    declaration = declare(enterprise_user)
    hour = hour_of(timezone.now())
    services.book_slot(actor=enterprise_user, declaration=declaration, starts_at=hour)
    assert tasks.mark_no_shows.enqueue().return_value == []
    clock.shift(timedelta(hours=4))
    assert tasks.mark_no_shows.enqueue().return_value == [declaration.pk]
    assert tasks.mark_no_shows.enqueue().return_value == []  # twice is harmless
    assert tasks.refresh_advisories.enqueue().return_value == []  # nothing congested


@pytest.mark.django_db(transaction=True)
def test_a_failing_gateway_never_fails_the_request_that_notifies(
        border, camera_key, flaky, database_tasks, clock):
    """The production set-up: the gate operator's "call" answers 200 and the trucks are
    called, whatever the SMS gateway does; the delivery is a task that records the
    failure and retries."""
    truck = declare_and_book(logged_in("doanhnghiep"))
    camera_read(Client(), camera_key, "cam-yard-huu-nghi-1-in", "e1", "12C-123.45")
    flaky.failures_left = 1

    called = post(logged_in("cuakhau"), "/api/v1/border/gates/huu-nghi/call", {"count": 5})
    assert called.status_code == 200 and [c["state"] for c in called.json()] == ["called"]
    assert Declaration.objects.get(pk=truck["id"]).state == "called"
    assert flaky.calls == []  # nothing was sent inside the request
    row = OutgoingNotification.objects.get(kind="called")
    assert (row.recipient, row.state, row.attempts) == ("0912000002", "pending", 0)

    run_worker()
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 1)
    assert "SMS gateway unreachable" in row.last_error
    retry = DBTaskResult.objects.get(task_path="tinhso.core.tasks.deliver_notification",
                                     status="READY")
    assert retry.run_after == row.next_attempt_at  # queued for when it is due
    run_worker()
    assert len(flaky.calls) == 1  # not due yet

    clock.move_to(row.next_attempt_at + timedelta(seconds=1))
    run_worker()
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("delivered", 2)
    assert flaky.calls == ["0912000002", "0912000002"]


def test_the_admin_lists_failed_notifications_with_their_error_and_sends_them_again(
        border, flaky, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_MAX_ATTEMPTS = 1
    flaky.failures_left = 1
    with django_capture_on_commit_callbacks(execute=True):
        row = notifications.send(note())
    admin = Client()
    admin.force_login(user("admin"))
    page = admin.get("/admin/core/outgoingnotification/?state=failed").content.decode()
    assert "0912000002" in page and "SMS gateway unreachable" in page

    response = admin.post("/admin/core/outgoingnotification/", {
        "action": "send_again", "_selected_action": [row.pk]}, follow=True)
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.state == "pending" and row.next_attempt_at is not None
    assert AuditEntry.objects.filter(action="notification.retry", object_id=str(row.pk)).exists()
    assert notifications.deliver(row.pk) == "delivered"
    # People without the admin permission cannot see them.
    assert logged_in("cuakhau").get("/admin/core/outgoingnotification/").status_code == 302


def note() -> Notification:
    return Notification(recipient="0912000002", kind="called", message_vi="Mời lên cửa khẩu.",
                        message_en="Please drive to the gate.")


# ---------------------------------------------------------------- what-if


WHATIF = {"scenario": "normal-day", "capacity_change": -20, "policy": "booking", "seed": 1}


def test_what_if_runs_in_a_task_and_its_page_shows_the_result(
        border, django_capture_on_commit_callbacks):
    board = logged_in("bql")
    with django_capture_on_commit_callbacks(execute=True):
        response = board.post("/border/what-if/", WHATIF)
    run = WhatIfRun.objects.get()
    assert response.status_code == 302 and response.url == f"/border/what-if/{run.pk}/"
    # The tests' task backend runs the task as it is queued.
    assert (run.state, run.steps_done, run.steps_total) == ("done", 3, 3)
    assert run.requested_by == user("bql") and run.task_id
    page = board.get(response.url).content.decode()
    assert "Kết quả" in page and "<svg" in page and "Đặt lịch khung giờ" in page
    assert 'hx-trigger="every' not in page  # finished: nothing polls
    assert "Các lần chạy gần đây" in page and f"/border/what-if/{run.pk}/" in page


def test_opening_the_what_if_page_simulates_nothing(border):
    """Old links carried the parameters in the query string: they fill the form now."""
    page = logged_in("bql").get("/border/what-if/", WHATIF).content.decode()
    assert not WhatIfRun.objects.exists() and "<svg" not in page
    assert 'value="-20"' in page and 'method="post"' in page


def test_a_running_what_if_shows_its_progress_and_polls(border):
    run = WhatIfRun.objects.create(requested_by=user("bql"), state="running", steps_done=2,
                                   steps_total=6, started_at=timezone.now(), **WHATIF)
    board = logged_in("bql")
    page = board.get(f"/border/what-if/{run.pk}/").content.decode()
    assert '<progress max="6" value="2">' in page and "Đang chạy" in page
    fragment = board.get(f"/border/what-if/{run.pk}/", headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert 'hx-trigger="every 2s"' in body and "<html" not in body
    assert "HX-Request" in fragment["Vary"]
    assert "Bước 2/6" in body and "bộ xử lý nền" not in body


def test_a_what_if_whose_worker_is_gone_says_so(border, clock):
    run = WhatIfRun.objects.create(requested_by=user("bql"), **WHATIF)
    clock.move_to(timezone.now() + timedelta(hours=1))
    body = logged_in("bql").get(f"/border/what-if/{run.pk}/",
                                headers={"HX-Request": "true"}).content.decode()
    assert "bộ xử lý nền (worker) có thể đang dừng" in body


def test_a_failed_what_if_says_so_without_the_traceback(
        border, monkeypatch, django_capture_on_commit_callbacks):
    from tinhso.border import whatif

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("tinhso.border.engine.simulate", broken)
    board = logged_in("bql")
    with django_capture_on_commit_callbacks(execute=True):
        response = board.post("/border/what-if/", WHATIF)
    run = WhatIfRun.objects.get()
    assert run.state == "failed" and "secret internals" in run.error
    page = board.get(response.url).content.decode()
    assert "Mô phỏng không chạy được" in page and "secret internals" not in page
    assert whatif.run(run.pk) == "failed"  # the task again: nothing to do


@pytest.mark.parametrize("data", [{**WHATIF, "capacity_change": -95}, {**WHATIF, "seed": "x"},
                                  {**WHATIF, "scenario": "nowhere"}])
def test_a_bad_what_if_request_names_the_field_and_starts_nothing(border, data):
    response = logged_in("bql").post("/border/what-if/", data)
    assert response.status_code == 200 and 'class="errorlist"' in response.content.decode()
    assert not WhatIfRun.objects.exists()


@pytest.mark.parametrize("who", [None, "doanhnghiep", "haiquan"])
def test_what_if_is_for_the_gate_board_only(border, who):
    run = WhatIfRun.objects.create(requested_by=user("bql"), **WHATIF)
    client = logged_in(who) if who else Client()
    for response in (client.post("/border/what-if/", WHATIF),
                     client.get(f"/border/what-if/{run.pk}/")):
        assert response.status_code == (302 if who is None else 403)
    assert WhatIfRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_what_if_with_the_database_queue_end_to_end(border, database_tasks):
    board = logged_in("bql")
    response = board.post("/border/what-if/", WHATIF)
    again = board.post("/border/what-if/", WHATIF)  # a double click: the same run
    assert again.url == response.url
    run = WhatIfRun.objects.get()
    assert run.state == "queued"
    task = DBTaskResult.objects.get(task_path="tinhso.border.tasks.run_whatif")
    assert task.queue_name == "simulations" and str(task.id) == run.task_id
    assert 'hx-trigger="every 2s"' in board.get(response.url).content.decode()

    run_worker(queue="default")  # the notifications' worker leaves simulations alone
    assert WhatIfRun.objects.get().state == "queued"
    run_worker(queue="simulations")
    fragment = board.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "Kết quả" in fragment and "<svg" in fragment and "hx-trigger" not in fragment
    assert WhatIfRun.objects.get().state == "done"
