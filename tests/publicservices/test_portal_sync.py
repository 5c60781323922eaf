"""Sync with the national portal through the outbox, against the local simulator on a
real HTTP port: ordered, retried with backoff through a day-long outage, nothing lost and
nothing applied twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from tinhso.core.models import OutboxState
from tinhso.publicservices.models import DossierState as S
from tinhso.publicservices.portal import protocol, sync
from tinhso.publicservices.portal.adapter import (
    HttpPortalAdapter,
    PortalRejected,
    PortalUnavailable,
)
from tinhso.publicservices.portal.models import PortalUpdate
from tinhso.publicservices.portal.simulator import running

from . import sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(settings):
    with running(token="bi-mat") as (url, state):
        settings.PORTAL_URL = url
        settings.PORTAL_TOKEN = "bi-mat"
        yield state


def change(dossier, before, after, note=""):
    """What services.transition does: the state and its portal update in one transaction."""
    with transaction.atomic():
        dossier.state = after
        dossier.save(update_fields=["state"])
        return sync.record_change(dossier, from_state=before, to_state=after,
                                  at=timezone.now(), actor_label="Cán bộ một cửa", note=note)


def test_each_change_is_pushed_once_in_order(portal, django_capture_on_commit_callbacks):
    dossier = sample.dossier(state=S.PROCESSING)
    with django_capture_on_commit_callbacks(execute=True):
        change(dossier, S.SUBMITTED, S.PROCESSING)
        change(dossier, S.PROCESSING, S.SUPPLEMENT, "Thiếu bản sao giấy chứng sinh")
        change(dossier, S.SUPPLEMENT, S.PROCESSING)
    assert portal.applied_keys() == [(dossier.code, 1), (dossier.code, 2), (dossier.code, 3)]
    assert [u["TrangThaiHoSo"] for u in portal.applied] == [
        protocol.RECEIVED, protocol.SUPPLEMENT, protocol.PROCESSING]
    assert portal.applied[1]["NoiDungXuLy"] == "Thiếu bản sao giấy chứng sinh"
    assert set(PortalUpdate.objects.values_list("state", flat=True)) == {OutboxState.DELIVERED}


def test_a_rolled_back_change_sends_nothing(portal):
    dossier = sample.dossier()

    def failing_transition():
        with transaction.atomic():
            change(dossier, S.SUBMITTED, S.PROCESSING)
            raise RuntimeError("the transition failed after writing")

    with pytest.raises(RuntimeError, match="failed after writing"):
        failing_transition()
    assert not PortalUpdate.objects.exists()


def test_a_dossier_without_a_code_is_not_on_the_portal(portal):
    dossier = sample.dossier(state=S.SUBMITTED)
    assert dossier.code is None
    assert change(dossier, S.DRAFT, S.SUBMITTED) is None


def test_a_day_long_outage_loses_nothing_and_sends_nothing_twice(
        portal, clock, django_capture_on_commit_callbacks):
    first, second = sample.dossier(), sample.dossier()
    portal.set_down(True)
    with django_capture_on_commit_callbacks(execute=True):
        change(first, S.SUBMITTED, S.PROCESSING)
        change(second, S.SUBMITTED, S.PROCESSING)
        change(first, S.PROCESSING, S.RESOLVED)
    assert portal.applied_keys() == []
    pending = PortalUpdate.objects.filter(state=OutboxState.PENDING)
    assert pending.count() == 3
    # The second update of `first` waits behind the first: never tried out of order.
    assert PortalUpdate.objects.get(dossier=first, sequence=2).attempts == 0

    # A day of outage, with the periodic sweep running every 10 minutes.
    for _ in range(24 * 6):
        clock.shift(timedelta(minutes=10))
        with django_capture_on_commit_callbacks(execute=True):
            sync.retry_due()
    assert portal.applied_keys() == []
    assert pending.count() == 3  # still pending: not given up after a day
    assert PortalUpdate.objects.get(dossier=first, sequence=1).attempts > 10
    assert "503" in PortalUpdate.objects.get(dossier=first, sequence=1).last_error

    portal.set_down(False)
    clock.shift(timedelta(hours=1, minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        assert sync.retry_due() == 2
    assert sorted(portal.applied_keys()) == [(first.code, 1), (first.code, 2),
                                             (second.code, 1)]
    assert portal.applied_keys().index((first.code, 1)) < portal.applied_keys().index(
        (first.code, 2))
    assert not pending.exists()
    # Another sweep later finds nothing to send.
    clock.shift(timedelta(hours=2))
    assert sync.retry_due() == 0
    assert len(portal.applied) == 3


def test_a_lost_answer_is_resent_and_applied_once(portal, clock,
                                                  django_capture_on_commit_callbacks):
    dossier = sample.dossier()
    portal.set_down(True, mode="lost_answer")
    with django_capture_on_commit_callbacks(execute=True):
        change(dossier, S.SUBMITTED, S.PROCESSING)
    update = PortalUpdate.objects.get()
    assert update.state == OutboxState.PENDING and update.attempts == 1
    assert portal.applied_keys() == [(dossier.code, 1)]  # the portal has it already

    portal.set_down(False)
    clock.shift(timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        sync.retry_due()
    update.refresh_from_db()
    assert update.state == OutboxState.DELIVERED and update.attempts == 2
    assert portal.applied_keys() == [(dossier.code, 1)]


def test_two_workers_never_push_the_same_update(portal):
    dossier = sample.dossier()
    with transaction.atomic():
        change(dossier, S.SUBMITTED, S.PROCESSING)
    assert sync.deliver(dossier.pk) == "done"
    assert sync.deliver(dossier.pk) == "done"
    assert portal.applied_keys() == [(dossier.code, 1)]


def test_a_refused_update_is_left_failed_and_later_ones_go_on(portal, settings):
    dossier = sample.dossier()
    with transaction.atomic():
        bad = change(dossier, S.SUBMITTED, S.PROCESSING)
        PortalUpdate.objects.filter(pk=bad.pk).update(
            payload={**bad.payload, "TrangThaiHoSo": "99"})
        change(dossier, S.PROCESSING, S.RESOLVED)
    assert sync.deliver(dossier.pk) == "done"
    bad.refresh_from_db()
    assert bad.state == OutboxState.FAILED and "400" in bad.last_error
    assert portal.applied_keys() == [(dossier.code, 2)]


def test_no_portal_configured_keeps_the_updates(settings):
    settings.PORTAL_URL = ""
    dossier = sample.dossier()
    with transaction.atomic():
        change(dossier, S.SUBMITTED, S.PROCESSING)
    assert sync.deliver(dossier.pk) == "off"
    assert PortalUpdate.objects.get().state == OutboxState.PENDING


def test_adapter_errors_tell_retry_from_refusal(portal):
    adapter = HttpPortalAdapter("http://127.0.0.1:9", timeout=1)  # nothing listens there
    with pytest.raises(PortalUnavailable):
        adapter.fetch_new("0")
    wrong_token = HttpPortalAdapter(f"http://127.0.0.1:{_port(portal)}", token="sai")
    with pytest.raises(PortalRejected, match="401"):
        wrong_token.fetch_new("0")


def _port(state):
    from django.conf import settings

    return settings.PORTAL_URL.rsplit(":", 1)[1]


# ---- in: dossiers submitted on the national portal


def _portal_item(n: int, **over) -> dict:
    item = {"MaHoSo": f"H20.01-261202-99{n:04d}", "MaHoSoQG": f"QG-{n:06d}",
            "MaTTHC": "1.001193", "MaDonVi": "H20.01", "NgayNopHoSo": "20261202080000",
            "LoaiDoiTuong": "1", "ChuHoSo": "Hoàng Thị Mai", "SoDienThoai": "0987654321",
            "SoGiayToChuHoSo": "020190001234",
            "TaiLieuNop": [{"TenGiayTo": "Tờ khai đăng ký khai sinh"}]}
    item.update(over)
    return item


def test_portal_dossiers_enter_the_one_reception_path_keeping_their_code(
        portal, django_capture_on_commit_callbacks):
    from tests.factories import user_with_role
    from tinhso.accounts.models import Role
    from tinhso.publicservices import services
    from tinhso.publicservices.models import Channel, Dossier

    where = sample.agency("H20.01")
    sample.procedure("1.001193")
    portal.add_dossier(_portal_item(1))
    portal.add_dossier(_portal_item(2, MaTTHC="9.999999"))  # not in our catalogue
    portal.add_dossier(_portal_item(3))
    with django_capture_on_commit_callbacks(execute=True):
        assert sync.pull(limit=2) == {"received": 2, "known": 0, "rejected": 1}
    dossier = Dossier.objects.get(external_id="QG-000001")
    assert dossier.channel == Channel.PORTAL and dossier.state == S.SUBMITTED
    assert dossier.code == "H20.01-261202-990001"
    assert dossier.papers.get().name == "Tờ khai đăng ký khai sinh"
    # A second pull, and a pull from the start again (cursor lost), create nothing twice.
    assert sync.pull() == {"received": 0, "known": 0, "rejected": 0}
    from tinhso.publicservices.portal.models import PortalCursor

    PortalCursor.objects.update(cursor="")
    assert sync.pull() == {"received": 0, "known": 2, "rejected": 1}

    officer = user_with_role(Role.ONE_STOP_OFFICER, where.organization)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_dossier(actor=officer, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.code == "H20.01-261202-990001"  # kept, not renumbered
    statuses = [(u["MaHoSo"], u["SoThuTu"], u["TrangThaiHoSo"]) for u in portal.applied
                if u["MaHoSo"] == dossier.code]
    assert statuses == [(dossier.code, 1, protocol.NEW), (dossier.code, 2, protocol.RECEIVED)]
    assert portal.applied[-1]["NgayHenTra"]  # the appointment travels back


def test_a_desk_dossier_is_pushed_from_its_reception(portal,
                                                     django_capture_on_commit_callbacks):
    from tests.factories import user_with_role
    from tinhso.accounts.models import Role
    from tinhso.publicservices import services

    where = sample.agency("H20.02")
    officer = user_with_role(Role.ONE_STOP_OFFICER, where.organization)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.receive_at_desk(
            actor=officer, procedure=sample.procedure(), agency=where,
            applicant={"name": "Lý Văn Bình", "phone": "0911222333"})
    assert [(u["MaHoSo"], u["TrangThaiHoSo"]) for u in portal.applied] == [
        (dossier.code, protocol.RECEIVED)]  # submitted had no code yet: not on the portal


def test_pull_survives_a_portal_that_is_down(portal):
    sample.agency("H20.01")
    portal.add_dossier(_portal_item(1))
    portal.set_down(True)
    assert sync.pull() == {"received": 0, "known": 0, "rejected": 0}
    from tinhso.publicservices.portal.models import PortalCursor

    assert "503" in PortalCursor.objects.get().last_error


def test_an_operator_sends_a_failed_update_again_from_the_admin(
        portal, settings, client, django_capture_on_commit_callbacks):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory
    from tinhso.core.models import AuditEntry

    settings.PORTAL_MAX_ATTEMPTS = 1
    dossier = sample.dossier()
    portal.set_down(True)
    with django_capture_on_commit_callbacks(execute=True):
        update = change(dossier, S.SUBMITTED, S.PROCESSING)
    update.refresh_from_db()
    assert update.state == OutboxState.FAILED and portal.applied_keys() == []
    portal.set_down(False)

    url = "/admin/publicservices/portalupdate/"
    form = {"action": "send_again", "_selected_action": [update.pk]}
    # Staff without the permission: the action is not offered, nothing moves.
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_portalupdate"))
    client.force_login(clerk)
    assert client.get(url).status_code == 200
    client.post(url, form)
    update.refresh_from_db()
    assert update.state == OutboxState.FAILED

    operator = UserFactory(is_staff=True)
    operator.user_permissions.add(*Permission.objects.filter(
        codename__in=["view_portalupdate", "change_portalupdate"]))
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url, form)
    assert answer.status_code == 302
    update.refresh_from_db()
    assert update.state == OutboxState.DELIVERED
    assert portal.applied_keys() == [(dossier.code, 1)]
    entry = AuditEntry.objects.get(action="portal_update.retry")
    assert entry.actor == operator and entry.before["state"] == OutboxState.FAILED
    # Sending a delivered update again changes nothing.
    assert sync.retry_updates([update.pk], actor=operator) == 0
    assert len(portal.applied) == 1
