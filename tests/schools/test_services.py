"""The gradebook's writes: cells, bad input, locking and approval, the history, attendance."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.models import OutgoingNotification
from tinhso.schools import services
from tinhso.schools.models import (
    Attendance,
    ChangeRequest,
    GradeChange,
    Result,
    Score,
)


def save(w, raw, slot="tx1", subject="toan", student=0, actor=None, term=1, **kw):
    return services.save_score(actor=actor or w.ha, student=w.pupils[student],
                               subject=w.subjects[subject], term=w.terms[term], slot=slot,
                               raw=raw, now=timezone.now(), **kw)


def test_a_cell_saves_and_its_history_records_before_after_who(world):
    save(world, "7,5")
    save(world, "8")
    score = Score.objects.get()
    assert score.value == Decimal("8.0") and score.version == 2
    history = list(GradeChange.objects.order_by("id").values_list("before", "after", "by"))
    assert history == [("", "7.5", world.ha.pk), ("7.5", "8.0", world.ha.pk)]
    save(world, "8.0")  # the same value: nothing written
    assert GradeChange.objects.count() == 2


@pytest.mark.parametrize(("raw", "code", "words"), [
    ("10.5", "schools.score_range", "0 to 10"),
    ("7.25", "schools.score_decimals", "one decimal"),
    ("bảy", "schools.score_number", "not a score"),
    ("-1", "schools.score_range", "0 to 10"),
])
def test_bad_scores_are_refused_naming_the_cell_in_both_languages(world, raw, code, words):
    with pytest.raises(DomainError) as caught:
        save(world, raw, slot="tx2")
    error = caught.value
    assert error.code == code and error.field == "tx2"
    assert "Hoàng Minh Anh · TX2" in error.message_en and words in error.message_en
    assert "Hoàng Minh Anh · TX2" in error.message_vi and error.message_vi != error.message_en
    assert not Score.objects.exists() and not GradeChange.objects.exists()


def test_comment_subject_takes_dat_or_chua_dat_only(world):
    save(world, "Đ", slot="nx", subject="gdtc", actor=world.binh)
    assert Score.objects.get().mark == "dat"
    with pytest.raises(DomainError) as caught:
        save(world, "7", slot="nx", subject="gdtc", actor=world.binh)
    assert caught.value.code == "schools.mark_choice"
    with pytest.raises(DomainError):
        save(world, "7", slot="tx4", subject="gdcd", actor=world.binh)  # 35 periods: 2 TX


@pytest.mark.parametrize("who", ["binh", "cuong", "leader", "g1"])
def test_only_the_subject_teacher_of_the_class_writes_its_cells(world, who):
    actor = world.g1.user if who == "g1" else getattr(world, who)
    with pytest.raises(DomainError) as caught:
        save(world, "7", actor=actor)  # maths of 6A1 is Hà's
    assert caught.value.code == "schools.not_your_class"
    assert not Score.objects.exists()


def test_a_student_of_another_class_is_refused(world):
    with pytest.raises(DomainError) as caught:
        services.save_score(actor=world.ha, student=world.other, subject=world.subjects["toan"],
                            term=world.terms[1], slot="tx1", raw="7", now=timezone.now())
    assert caught.value.code == "schools.not_your_class"


def test_a_concurrent_change_is_refused_not_overwritten(world):
    save(world, "6")
    save(world, "7", expected="6.0")
    with pytest.raises(DomainError) as caught:
        save(world, "9", expected="6.0")
    assert caught.value.code == "schools.stale" and "7.0" in caught.value.message_en
    assert Score.objects.get().value == Decimal("7.0")


def test_locking_then_change_needs_reason_and_leader_approval(world, clock):
    term = world.terms[1]
    save(world, "4.5", slot="ck")
    with pytest.raises(DomainError) as early:
        services.lock_term(actor=world.leader, term=term, now=timezone.now())
    assert early.value.code == "schools.lock_too_early"
    clock.move_to(datetime.datetime(2027, 1, 21, 8, tzinfo=datetime.UTC))
    with pytest.raises(DomainError):
        services.lock_term(actor=world.ha, term=term, now=timezone.now())  # not a leader
    services.lock_term(actor=world.leader, term=term, now=timezone.now())
    with pytest.raises(DomainError) as locked:
        save(world, "5", slot="ck")
    assert locked.value.code == "schools.term_locked" and locked.value.status == 409
    with pytest.raises(DomainError) as no_reason:
        services.request_change(actor=world.ha, student=world.pupils[0],
                                subject=world.subjects["toan"], term=term, slot="ck", raw="5",
                                reason="", note="", now=timezone.now())
    assert no_reason.value.code == "reason.required"
    request = services.request_change(
        actor=world.ha, student=world.pupils[0], subject=world.subjects["toan"], term=term,
        slot="ck", raw="5", reason="re_marked", note="Phúc khảo", now=timezone.now())
    assert Score.objects.get().value == Decimal("4.5")  # nothing changes before approval
    with pytest.raises(DomainError):
        services.decide_change(actor=world.ha, request=request, approve=True,
                               now=timezone.now())
    services.decide_change(actor=world.leader, request=request, approve=True,
                           now=timezone.now())
    assert Score.objects.get().value == Decimal("5.0")
    last = GradeChange.objects.first()
    assert (last.before, last.after, last.by, last.approved_by) == (
        "4.5", "5.0", world.ha, world.leader)
    assert "Phúc khảo" in last.reason
    with pytest.raises(DomainError) as twice:
        services.decide_change(actor=world.leader, request=request, approve=False,
                               now=timezone.now())
    assert twice.value.code == "schools.request_decided"
    assert ChangeRequest.objects.get().state == "approved"


def test_the_history_cannot_be_edited_or_deleted(world):
    save(world, "7")
    change = GradeChange.objects.get()
    change.after = "10.0"
    with pytest.raises(PermissionError):
        change.save()
    with pytest.raises(PermissionError):
        change.delete()
    with pytest.raises(PermissionError):
        GradeChange.objects.filter(pk=change.pk).update(after="10.0")
    with pytest.raises(PermissionError):
        GradeChange.objects.all().delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE schools_gradechange SET after = '10.0'")
    assert GradeChange.objects.get().after == "7.0"


@pytest.mark.postgres
def test_the_database_refuses_deleting_history_on_postgresql(world):
    save(world, "7")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM schools_gradechange")
    assert GradeChange.objects.count() == 1


def test_attendance_by_the_homeroom_teacher_notifies_guardians_the_same_day(world):
    day = timezone.localdate()
    count = services.record_absences(actor=world.ha, school_class=world.a1, day=day,
                                     absent={world.pupils[0].pk: True,
                                             world.pupils[2].pk: False}, now=timezone.now())
    assert count == 2 and Attendance.objects.count() == 2
    sent = list(OutgoingNotification.objects.filter(kind="schools.absence"))
    assert [n.recipient for n in sent] == ["0912345001"]  # the third pupil has no guardian
    assert "Hoàng Minh Anh" in sent[0].message_vi and "có phép" in sent[0].message_vi
    # correcting the roll call: one absence left, nobody notified twice
    services.record_absences(actor=world.ha, school_class=world.a1, day=day,
                             absent={world.pupils[0].pk: False}, now=timezone.now())
    assert list(Attendance.objects.values_list("student_id", "permitted")) == [
        (world.pupils[0].pk, False)]
    assert OutgoingNotification.objects.filter(kind="schools.absence").count() == 1


@pytest.mark.parametrize("who", ["binh", "cuong", "leader"])
def test_only_the_homeroom_teacher_takes_the_roll(world, who):
    with pytest.raises(DomainError):
        services.record_absences(actor=getattr(world, who), school_class=world.a1,
                                 day=timezone.localdate(), absent={world.pupils[0].pk: True},
                                 now=timezone.now())


def test_no_roll_call_for_a_future_day_or_another_class(world):
    with pytest.raises(DomainError) as future:
        services.record_absences(actor=world.ha, school_class=world.a1,
                                 day=timezone.localdate() + datetime.timedelta(days=1),
                                 absent={}, now=timezone.now())
    assert future.value.code == "schools.future_day"
    with pytest.raises(DomainError) as stranger:
        services.record_absences(actor=world.ha, school_class=world.a1,
                                 day=timezone.localdate(), absent={world.other.pk: True},
                                 now=timezone.now())
    assert stranger.value.code == "schools.not_in_class"


def fill_year(w, student=0, score="8", comment="Đ"):
    """Every cell of both terms of one student, directly through the service."""
    for term in (1, 2):
        for code, subject in w.subjects.items():
            actor = w.ha if code in ("toan", "ngu_van") else w.binh
            from tinhso.schools.selectors import subject_info
            for slot in subject_info(subject).slots():
                save(w, comment if slot == "nx" else score, slot=slot, subject=code,
                     student=student, actor=actor, term=term)


def test_results_and_promotion_with_the_absence_limit(world):
    fill_year(world, score="9")
    services.set_conduct(actor=world.ha, student=world.pupils[0], period=0, level="tot",
                         now=timezone.now())
    year = Result.objects.get(student=world.pupils[0], period=0)
    assert (year.learning, year.outcome, year.title) == ("tot", "promoted", "xuat_sac")
    assert Result.objects.get(student=world.pupils[0], period=1).learning == "tot"
    # 46 sessions absent: not promoted, whatever the grades (Art. 12)
    start = datetime.date(2026, 9, 7)
    Attendance.objects.bulk_create([
        Attendance(student=world.pupils[0], day=start + datetime.timedelta(days=i // 2),
                   session="am" if i % 2 == 0 else "pm", recorded_by=world.ha,
                   recorded_at=timezone.now()) for i in range(46)])
    services.recompute_class(world.a1)
    year.refresh_from_db()
    assert (year.absences, year.outcome, year.title) == (46, "retained", "")


def test_a_failed_comment_subject_lowers_the_level(world):
    fill_year(world, score="9", comment="CĐ")
    services.recompute_class(world.a1)
    # one comment subject... two here (gdtc, hdtn) are Chưa đạt: Chưa đạt
    assert Result.objects.get(student=world.pupils[0], period=1).learning == "chua_dat"


def test_a_guardian_logs_in_with_a_one_time_code(world, settings):
    phone = services.request_guardian_code("091 234 5001")
    assert phone == "0912345001"
    line = json.loads(settings.NOTIFY_FILE.read_text().splitlines()[-1]) \
        if settings.NOTIFY_FILE.exists() else None
    sent = OutgoingNotification.objects.filter(kind="schools.guardian_code").get()
    code = sent.message_vi.split(": ")[1][:6]
    assert line is None or line["recipient"] == phone
    with pytest.raises(DomainError) as wrong:
        services.guardian_login(phone, "000000" if code != "000000" else "111111")
    assert wrong.value.code == "schools.code_wrong"
    assert services.guardian_login(phone, code) == world.g1.user
    with pytest.raises(DomainError):
        services.guardian_login(phone, code)  # used once
    with pytest.raises(DomainError) as stranger:
        services.request_guardian_code("0987654321")
    assert stranger.value.code == "schools.not_a_guardian"
    with pytest.raises(InvalidInput):
        services.request_guardian_code("024 3826 1234")


def test_the_admin_cannot_edit_or_delete_the_history(world, client):
    from tests.factories import UserFactory

    save(world, "7")
    change = GradeChange.objects.get()
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    base = "/admin/schools/gradechange/"
    assert client.get(base).status_code == 200
    assert client.post(f"{base}{change.pk}/change/", {"after": "10.0"}).status_code == 403
    assert client.post(f"{base}{change.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(base, {"action": "delete_selected", "_selected_action": [change.pk],
                       "post": "yes"})
    assert GradeChange.objects.get().after == "7.0"
