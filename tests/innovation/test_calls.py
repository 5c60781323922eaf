"""Calls and applications: the deadline is an instant, enforced on the server with `now`
as an input, at the edge of the minute; attachments are checked by content."""

from datetime import timedelta

import pytest
import time_machine

from tests.innovation.conftest import (
    PDF,
    before,
    call_input,
    profile_input,
    published_profile,
    upload,
    vn,
)
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.models import AuditEntry
from tinhso.innovation import services
from tinhso.innovation.models import Application, Attachment, Call

pytestmark = pytest.mark.django_db


def apply(founder, call, profile, now=None, **kw):
    data = services.ApplicationInput(project_title=kw.pop("title", "Mở rộng vùng na VietGAP"),
                                     summary="Kế hoạch mở rộng 10 ha.", budget_vnd="50.000.000")
    return services.submit_application(actor=founder, call=call, profile=profile, data=data,
                                       uploads=kw.pop("uploads", {0: upload()}), now=now)


@pytest.fixture
def profile(founder, officer, commune):
    return published_profile(founder, officer, commune)


def test_an_application_gets_a_receipt_number_and_is_audited(founder, call, profile):
    application = apply(founder, call, profile)
    assert application.number == "KN-2026-0001"
    assert application.budget_vnd == 50_000_000
    assert application.attachments.get().content_type == "application/pdf"
    assert AuditEntry.objects.filter(action="innovation.application.submit",
                                     object_id=str(application.pk)).exists()


def test_one_second_before_the_deadline_is_on_time_the_deadline_itself_is_late(
        founder, call, profile, deadline):
    # 16:59:59 Vietnam time: accepted, and still editable.
    application = apply(founder, call, profile, now=before(deadline))
    services.update_application(
        actor=founder, application=application, now=before(deadline, 0) - timedelta(
            microseconds=1), uploads={},
        data=services.ApplicationInput("Tên mới", "Tóm tắt mới", 0))
    # 17:00:00.000: late, for a change as for a new application.
    with pytest.raises(DomainError) as error:
        services.update_application(actor=founder, application=application, now=deadline,
                                    uploads={}, data=services.ApplicationInput("x", "y", 0))
    assert error.value.code == "innovation.deadline_passed"
    assert "17:00 10/12/2026" in error.value.message("vi")
    assert Application.objects.get().project_title == "Tên mới"


def test_a_new_application_at_the_deadline_minute_is_refused(founder, call, profile,
                                                             deadline):
    with pytest.raises(DomainError):
        apply(founder, call, profile, now=deadline + timedelta(seconds=30))
    assert not Application.objects.exists()


def test_the_deadline_is_one_instant_whatever_time_zone_it_is_written_in(officer):
    # The office types 10:00 UTC: that is 17:00 in Vietnam, and stored as that instant.
    from datetime import UTC, datetime

    call = services.create_call(actor=officer, data=call_input(
        datetime(2026, 12, 10, 10, 0, tzinfo=UTC)))
    call = Call.objects.get(pk=call.pk)
    assert call.deadline == vn(2026, 12, 10, 17, 0)
    assert services.local_text(call.deadline) == "17:00 10/12/2026"
    assert call.is_open(vn(2026, 12, 10, 16, 59, 59))
    assert not call.is_open(vn(2026, 12, 10, 17, 0))
    # 16:59:59 written in Bangkok's zone (UTC+7 too) or in UTC says the same instant.
    assert call.is_open(datetime(2026, 12, 10, 9, 59, 59, tzinfo=UTC))
    assert not call.is_open(datetime(2026, 12, 10, 10, 0, tzinfo=UTC))


def test_without_now_the_servers_clock_decides(founder, call, profile, deadline):
    with time_machine.travel(deadline + timedelta(minutes=1), tick=False), \
            pytest.raises(DomainError):
        apply(founder, call, profile)
    with time_machine.travel(before(deadline, 60), tick=False):
        assert apply(founder, call, profile).number


def test_a_missing_or_false_attachment_is_refused_and_nothing_is_kept(
        founder, call, profile, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    with pytest.raises(InvalidInput) as error:
        apply(founder, call, profile, uploads={})
    assert error.value.errors[0].field == "attachment-0"
    assert "Kế hoạch kinh doanh" in error.value.errors[0].message("vi")
    # A text file named .pdf: refused by its content.
    with pytest.raises(InvalidInput) as error:
        apply(founder, call, profile, uploads={0: upload(b"not a pdf at all", "plan.pdf")})
    assert error.value.errors[0].code == "file.type"
    # Over 5 MB: refused.
    big = PDF[:-6] + b" " * (5 * 1024 * 1024) + b"%%EOF\n"
    with pytest.raises(InvalidInput) as error:
        apply(founder, call, profile, uploads={0: upload(big)})
    assert error.value.errors[0].code == "file.too_large"
    assert not Application.objects.exists() and not Attachment.objects.exists()
    assert list(tmp_path.rglob("*.pdf")) == []


def test_a_replaced_attachment_is_deleted_after_commit(founder, call, profile, settings,
                                                      django_capture_on_commit_callbacks):
    application = apply(founder, call, profile)
    first = application.attachments.get().stored_name
    with django_capture_on_commit_callbacks(execute=True):
        services.update_application(actor=founder, application=application,
                                    data=services.ApplicationInput("Dự án", "Tóm tắt", 0),
                                    uploads={0: upload(PDF + b"\n")})
    assert not (settings.PRIVATE_MEDIA_ROOT / first).exists()
    assert application.attachments.get().stored_name != first


def test_one_application_per_profile_and_only_with_ones_own_published_profile(
        founder, other_founder, officer, call, profile, commune):
    apply(founder, call, profile)
    with pytest.raises(DomainError) as error:
        apply(founder, call, profile)
    assert error.value.code == "innovation.already_applied"
    with pytest.raises(DomainError):
        apply(other_founder, call, profile)  # not theirs
    draft = services.create_profile(actor=founder, data=profile_input(commune, name="Nháp"))
    with pytest.raises(DomainError):
        apply(founder, call, draft)
    assert Application.objects.count() == 1


def test_another_founder_cannot_change_an_application(founder, other_founder, call, profile):
    application = apply(founder, call, profile)
    with pytest.raises(DomainError):
        services.update_application(actor=other_founder, application=application,
                                    data=services.ApplicationInput("x", "y", 0), uploads={})


def test_a_call_needs_criteria_with_weights_and_a_future_deadline(officer, founder, deadline):
    bad = call_input(vn(2026, 12, 1, 8, 0), title="",
                     criteria=[services.CriterionInput("Đổi mới", 0, 10),
                               services.CriterionInput("Thị trường", 50, 1000)])
    with pytest.raises(InvalidInput) as error:
        services.create_call(actor=officer, data=bad)
    assert {e.field for e in error.value.errors} == {
        "title", "deadline", "criteria.0.weight", "criteria.1.max_score"}
    with pytest.raises(InvalidInput) as error:
        services.create_call(actor=officer, data=call_input(deadline, criteria=[]))
    assert error.value.errors[0].field == "criteria"
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.create_call(actor=founder, data=call_input(deadline))
    assert not Call.objects.exists()
