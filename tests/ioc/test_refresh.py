"""The scheduled refresh: snapshots per period and commune, a failing source keeps its
last good figure (never a zero), a missing system is "no data yet"; alerts raised once,
notified to the owner agency and shown until acknowledged with a note."""

from __future__ import annotations

import sys
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import user_with_role
from tests.market import hub_factories as f
from tinhso.accounts.models import Role
from tinhso.core.errors import DomainError
from tinhso.core.models import AuditEntry, OutgoingNotification
from tinhso.ioc import services, sources
from tinhso.ioc.models import Alert, Snapshot, SnapshotState, Status
from tinhso.ioc.tasks import refresh_indicators
from tinhso.market.models import HouseholdCount

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(catalogue, communes):
    chi_lang, bac_son, _ = communes
    now = timezone.now()
    HouseholdCount.objects.create(commune=chi_lang, year=2026, households=10, source="x",
                                  entered_at=now)
    HouseholdCount.objects.create(commune=bac_son, year=2026, households=10, source="x",
                                  entered_at=now)
    for i in range(6):
        f.shop(unit=chi_lang, bank=i < 2)
    return catalogue


def snap(code, commune=None, period="2026-12"):
    return Snapshot.objects.get(indicator__code=code, period=period,
                                commune__code=commune) if commune else Snapshot.objects.get(
        indicator__code=code, period=period, commune__isnull=True)


def test_the_task_computes_every_indicator_for_the_province_and_its_communes(
        market, clock, monkeypatch):
    monkeypatch.setitem(sys.modules, "tinhso.schools.selectors", None)
    result = refresh_indicators.enqueue().return_value
    assert result["figures"] == 13 and result["unavailable"] == []
    assert "schools_gradebook" in result["no_data"]
    shops = snap("households_with_shop")
    assert (shops.value, shops.target, shops.status) == (D("30.0"), D(55), Status.OFF_TRACK)
    assert snap("households_with_shop", 20001).value == D("60.0")
    assert snap("households_with_shop", 20002).value == D("0.0")
    schools = snap("schools_gradebook")
    assert (schools.state, schools.value) == (SnapshotState.NO_DATA, None)
    # Province-wide indicators have no commune rows.
    assert not Snapshot.objects.filter(indicator__code="border_backlog",
                                       commune__isnull=False).exists()
    # Running again updates the same rows (one per indicator, period and commune).
    count = Snapshot.objects.count()
    services.refresh()
    assert Snapshot.objects.count() == count


def test_a_failing_source_shows_unavailable_with_the_last_good_figure(
        market, clock, monkeypatch):
    services.refresh(codes=["households_with_shop"])
    good_at = snap("households_with_shop").last_good_at

    def broken(period, now):
        raise ConnectionError("database of the market unreachable")

    monkeypatch.setitem(sources.SOURCES, "market.households_with_shop", broken)
    clock.move_to(timezone.now() + timedelta(hours=2))
    services.refresh(codes=["households_with_shop"])
    row = snap("households_with_shop")
    assert row.state == SnapshotState.UNAVAILABLE
    assert row.value == D("30.0") and row.last_good_at == good_at  # never a zero
    assert "unreachable" in row.error
    assert snap("households_with_shop", 20001).state == SnapshotState.UNAVAILABLE
    # A new month while the source is still down: no value, the time of the last good one.
    clock.move_to(timezone.now() + timedelta(days=30))
    services.refresh(codes=["households_with_shop"])
    january = snap("households_with_shop", period="2027-01")
    assert (january.state, january.value, january.last_good_at) == (
        SnapshotState.UNAVAILABLE, None, good_at)
    # December's figure is history: the later refreshes did not touch it.
    assert snap("households_with_shop").computed_at < january.computed_at


def test_off_track_raises_one_alert_notified_to_the_owner(market, clock):
    services.refresh()
    alert = Alert.objects.get(indicator__code="households_with_shop")
    assert (alert.rule, alert.period, alert.value, alert.target) == (
        "off_track", "2026-12", D("30.0"), D(55))
    services.refresh()  # again: no second alert for the same rule and period
    assert Alert.objects.filter(indicator__code="households_with_shop").count() == 1
    sent = OutgoingNotification.objects.filter(recipient="so-cong-thuong", kind="ioc.alert")
    assert ("“Hộ gia đình có cửa hàng số” chậm tiến độ: đạt 30, mục tiêu 55 (kỳ 2026-12)."
            in [n.message_vi for n in sent])
    assert sent.filter(message_vi__contains="Hộ gia đình có cửa hàng số").count() == 1
    assert AuditEntry.objects.filter(action="ioc.alert_raised").exists()


def test_a_sudden_change_and_a_stale_source_raise_alerts(market, clock, monkeypatch):
    services.refresh(codes=["households_with_shop"])
    clock.move_to(timezone.now() + timedelta(days=30))  # January 2027
    f.shop(unit=Snapshot.objects.filter(commune__code=20001).first().commune, bank=True)
    for _ in range(8):
        f.shop(unit=Snapshot.objects.filter(commune__code=20002).first().commune)
    services.refresh(codes=["households_with_shop"])
    assert Alert.objects.filter(rule="sudden_change", period="2027-01").exists()  # 30 → 75

    monkeypatch.setitem(sources.SOURCES, "market.households_with_shop",
                        lambda period, now: 1 / 0)
    clock.move_to(timezone.now() + timedelta(hours=25))
    services.refresh(codes=["households_with_shop"])
    assert Alert.objects.filter(rule="stale", indicator__code="households_with_shop").exists()


def test_an_alert_is_shown_until_acknowledged_with_a_note(market, clock):
    services.refresh()
    alert = Alert.objects.get(indicator__code="households_with_shop")
    operator = user_with_role(Role.IOC_OPERATOR)
    owner_officer = user_with_role(Role.DATA_OFFICER, market["households_with_shop"].owner)
    stranger = user_with_role(Role.DATA_OFFICER)  # another agency's officer
    leader = user_with_role(Role.PROVINCE_LEADER)
    with pytest.raises(DomainError) as error:
        services.acknowledge_alert(actor=operator, alert_id=alert.pk, note="  ",
                                   now=timezone.now())
    assert error.value.field == "note"
    with pytest.raises(PermissionDenied):
        services.acknowledge_alert(actor=leader, alert_id=alert.pk, note="ok",
                                   now=timezone.now())
    with pytest.raises(Alert.DoesNotExist):
        services.acknowledge_alert(actor=stranger, alert_id=alert.pk, note="ok",
                                   now=timezone.now())
    assert Alert.objects.open().filter(pk=alert.pk).exists()
    services.acknowledge_alert(actor=owner_officer, alert_id=alert.pk,
                               note="Đã giao các xã vận động hộ mở cửa hàng.",
                               now=timezone.now())
    assert not Alert.objects.open().filter(pk=alert.pk).exists()
    with pytest.raises(DomainError) as again:
        services.acknowledge_alert(actor=operator, alert_id=alert.pk, note="x",
                                   now=timezone.now())
    assert again.value.code == "ioc.already_acknowledged"
    assert AuditEntry.objects.filter(action="ioc.alert_acknowledged",
                                     object_id=str(alert.pk)).count() == 1
