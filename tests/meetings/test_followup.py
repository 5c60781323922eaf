"""Readiness board and reminders, attendance (absent points, late joins), conclusions
becoming overdue on the working calendar and flagged once, statistics."""

import json
from datetime import date, timedelta

import pytest
import time_machine

from tests.meetings.conftest import at, book
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.models import CalendarOverride
from tinhso.meetings import selectors, services
from tinhso.meetings.models import Conclusion

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(secretary, province, hall):
    return book(secretary, province, hall, at(0, 14), at(0, 16),
                point_codes=["so-y-te", "so-khcn", "so-noi-vu"])


def test_the_board_counts_ready_problem_and_silent_points_and_reminds_the_silent(
        meeting, secretary, settings, django_capture_on_commit_callbacks):
    y_te = meeting.point_bookings.get(point__code="so-y-te")
    khcn = meeting.point_bookings.get(point__code="so-khcn")
    with pytest.raises(DomainError):  # 09:30: the check opens at 12:00
        services.confirm_readiness(actor=None, booking=y_te, status="ok")
    with time_machine.travel(at(0, 13), tick=False):
        services.confirm_readiness(actor=None, booking=y_te, status="ok")
        with pytest.raises(InvalidInput):
            services.confirm_readiness(actor=None, booking=khcn, status="problem", note="  ")
        services.confirm_readiness(actor=None, booking=khcn, status="problem",
                                   note="Mất tín hiệu âm thanh")
        board = selectors.board(meeting)
        assert (board["total"], board["ok"], board["problem"], board["silent"]) == (4, 1, 1, 2)
        settings.NOTIFY_FILE.write_text("")
        with django_capture_on_commit_callbacks(execute=True):
            assert services.remind_silent_points(actor=secretary, meeting=meeting) == 2
    reminded = [json.loads(line) for line in settings.NOTIFY_FILE.read_text().splitlines()]
    assert {n["kind"] for n in reminded} == {"meeting.readiness_reminder"} and len(reminded) == 2


def test_attendance_absent_points_and_late_joins(meeting):
    y_te = meeting.point_bookings.get(point__code="so-y-te")
    khcn = meeting.point_bookings.get(point__code="so-khcn")
    with time_machine.travel(at(0, 13, 55), tick=False):
        services.record_attendance(actor=None, booking=y_te, count=6,
                                   people=[("Lê Văn An", "Giám đốc")])
    with time_machine.travel(at(0, 14, 20), tick=False):
        attendee = services.qr_check_in(meeting=meeting, point_code="so-khcn",
                                        full_name="Trần Thị Bình")
    assert attendee.late and not y_te.attendees.get().late
    absent = {b.point.code for b in selectors.absent_points(meeting)}
    assert absent == {"so-noi-vu", "ubnd-tinh"}
    khcn.refresh_from_db()
    assert khcn.joined_at == at(0, 14, 20)
    with time_machine.travel(at(0, 16, 1), tick=False), pytest.raises(DomainError):
        services.qr_check_in(meeting=meeting, point_code="so-khcn", full_name="Muộn quá")
    with pytest.raises(InvalidInput):
        services.record_attendance(actor=None, booking=y_te, count=-1, people=[])


def test_conclusions_are_due_in_working_days_and_become_overdue_once(
        meeting, secretary, settings, django_capture_on_commit_callbacks):
    # A provincial day off on Friday 4 December moves the deadline a day further.
    CalendarOverride.objects.create(date=date(2026, 12, 4), is_working_day=False,
                                    reason="Nghỉ bù")
    with time_machine.travel(at(0, 16, 30), tick=False):
        services.record_minutes(actor=secretary, meeting=meeting, text="Biên bản", conclusions=[
            services.ConclusionIn("Hoàn thiện kế hoạch", "so-y-te", 2),
            services.ConclusionIn("Ghi nhận")])
    task = Conclusion.objects.get(text="Hoàn thiện kế hoạch")
    assert task.due_on == date(2026, 12, 7)  # Thu 3, (Fri 4 off), Mon 7
    assert Conclusion.objects.get(text="Ghi nhận").due_on is None
    today = date(2026, 12, 7)
    assert not task.is_overdue(today) and task.is_overdue(today + timedelta(days=1))
    settings.NOTIFY_FILE.write_text("")
    with time_machine.travel(at(6, 8), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        assert services.flag_overdue() == 1
        assert services.flag_overdue() == 0  # once
    sent = [json.loads(line) for line in settings.NOTIFY_FILE.read_text().splitlines()]
    assert [n["recipient"] for n in sent] == ["so-y-te"] and "Quá hạn" in sent[0]["message_vi"]
    assert list(selectors.overdue(date(2026, 12, 8))) == [task]
    # Progress to 100 % marks it done; it is no longer overdue.
    services.report_progress(actor=secretary, conclusion=task, percent=100, note="Đã xong")
    assert not selectors.overdue(date(2026, 12, 8)).exists()
    with pytest.raises(InvalidInput):
        services.report_progress(actor=secretary, conclusion=task, percent=101, note="x")


def test_minutes_before_the_meeting_are_refused(meeting, secretary):
    with pytest.raises(DomainError) as refused:
        services.record_minutes(actor=secretary, meeting=meeting, text="Sớm", conclusions=[])
    assert refused.value.code == "meeting.minutes_too_early"


def test_statistics_count_meetings_hours_attendance_and_faults(meeting, secretary, admin):
    services.set_point_state(actor=admin, point=meeting.point_bookings.get(
        point__code="so-noi-vu").point, state="faulty", note="Hỏng micro")
    with time_machine.travel(at(0, 14, 5), tick=False):
        services.record_attendance(actor=None, booking=meeting.point_bookings.get(
            point__code="so-y-te"), count=3, people=[])
    with time_machine.travel(at(1, 9), tick=False):
        from django.utils import timezone

        stats = selectors.statistics(year=2026, now=timezone.now())
    assert stats["meetings"] == 1 and stats["hours"] == 2.0
    assert stats["per_month"] == [{"month": "2026-12", "province": 1, "department": 0,
                                   "commune": 0}]
    assert stats["attendance_rate_pct"] == 25.0  # 1 of 4 points
    assert stats["faults"] == 1 and stats["points_ready"] == 212
