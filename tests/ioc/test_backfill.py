"""Recomputing past periods (`services.backfill`, `tinhso ioc_backfill`): each finished
month of the span, the province and each commune, idempotent; figures that are a state of
the moment (the yards' backlog) are left as they were; manual indicators take their
approved value; bad input names its field and writes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.conftest import VIETNAM
from tests.factories import DeclarationFactory, GateFactory, user_with_role
from tinhso.accounts.models import Role
from tinhso.core.errors import InvalidInput
from tinhso.core.models import AuditEntry
from tinhso.ioc import services
from tinhso.ioc.models import ManualState, ManualValue, Snapshot, SnapshotState

pytestmark = pytest.mark.django_db


@pytest.fixture
def crossings(catalogue, communes, clock):
    """Hữu Nghị in Chi Lăng: 31 trucks crossed in October 2026, 15 in November, each after
    two hours in the yard; and one truck waiting now."""
    chi_lang = communes[0]
    gate = GateFactory()
    gate.commune = chi_lang
    gate.save(update_fields=["commune"])
    for month, count in ((10, 31), (11, 15)):
        for i in range(count):
            crossed = datetime(2026, month, 1 + i % 28, 10, tzinfo=VIETNAM)
            DeclarationFactory(crossed=True, gate=gate, crossed_at=crossed,
                               checked_in_at=crossed - timedelta(hours=2))
    DeclarationFactory(in_yard=True, gate=gate)
    return catalogue


def figure(code, period, commune=None):
    rows = Snapshot.objects.filter(indicator__code=code, period=period)
    rows = rows.filter(commune__code=commune) if commune else rows.filter(commune__isnull=True)
    return rows.first()


def test_past_months_are_computed_for_the_province_and_the_communes(crossings):
    result = services.backfill(start="2026-09", end="2026-11",
                               codes=["border_trucks_per_day", "border_mean_wait"])
    assert result.periods["border_trucks_per_day"] == ["2026-09", "2026-10", "2026-11"]
    october = figure("border_trucks_per_day", "2026-10")
    assert (october.value, october.state) == (D(1), SnapshotState.OK)  # 31 trucks / 31 days
    assert figure("border_trucks_per_day", "2026-11").value == D("0.5")
    assert figure("border_trucks_per_day", "2026-11", 20001).value == D("0.5")
    assert figure("border_trucks_per_day", "2026-09").value == D(0)
    assert figure("border_mean_wait", "2026-10", 20001).value == D(2)
    assert figure("border_mean_wait", "2026-09").value is None  # nothing crossed: no figure
    assert figure("border_trucks_per_day", "2026-12") is None  # the month in progress: not here
    assert AuditEntry.objects.filter(action="ioc.backfilled").count() == 2


def test_running_it_again_changes_nothing(crossings):
    services.backfill(start="2026-10", end="2026-11", codes=["border_trucks_per_day"])
    first = {(s.period, s.commune_id): s.value for s in Snapshot.objects.all()}
    services.backfill(start="2026-10", end="2026-11", codes=["border_trucks_per_day"])
    again = {(s.period, s.commune_id): s.value for s in Snapshot.objects.all()}
    assert again == first and len(first) == 4  # two months × (province + Chi Lăng)


def test_a_corrected_source_is_picked_up(crossings, communes):
    services.backfill(start="2026-11", end="2026-11", codes=["border_trucks_per_day"])
    assert figure("border_trucks_per_day", "2026-11").value == D("0.5")
    for _ in range(15):  # crossings recorded late for November
        DeclarationFactory(crossed=True, gate=GateFactory(),
                           crossed_at=datetime(2026, 11, 20, tzinfo=VIETNAM))
    services.backfill(start="2026-11", end="2026-11", codes=["border_trucks_per_day"])
    assert figure("border_trucks_per_day", "2026-11").value == D(1)


def test_a_state_of_the_moment_is_left_as_it_was(crossings):
    indicator = crossings["border_backlog"]
    kept = Snapshot.objects.create(
        indicator=indicator, period="2026-10", period_start=datetime(2026, 10, 1).date(),
        period_end=datetime(2026, 10, 31).date(), value=D(480), computed_at=timezone.now(),
        last_good_at=timezone.now())
    result = services.backfill(start="2026-10", end="2026-10")
    assert result.skipped["border_backlog"] == "as_of_now"
    assert result.skipped["meeting_points_ready"] == "as_of_now"
    kept.refresh_from_db()
    assert kept.value == D(480)  # not today's single waiting truck
    assert not Snapshot.objects.filter(indicator=indicator, commune__isnull=False).exists()


def test_a_manual_indicator_takes_its_approved_value(crossings, clock):
    indicator = crossings["digital_economy_share"]
    officer = user_with_role(Role.DATA_OFFICER, indicator.owner)
    ManualValue.objects.create(
        indicator=indicator, period="2026-Q3", period_start=datetime(2026, 7, 1).date(),
        period_end=datetime(2026, 9, 30).date(), value=D("12.4"), document="ioc/x.pdf",
        document_type="application/pdf", state=ManualState.APPROVED, entered_by=officer,
        entered_at=timezone.now())
    result = services.backfill(start="2026-01", end="2026-11",
                               codes=["digital_economy_share", "grdp"])
    assert result.periods == {"digital_economy_share": ["2026-Q3"]}  # no value, no figure
    assert figure("digital_economy_share", "2026-Q3").value == D("12.4")
    assert not Snapshot.objects.filter(indicator__code="grdp").exists()


@pytest.mark.parametrize(("start", "end", "codes", "field"), [
    ("2026-13", "2026-11", None, "start"),
    ("tháng 10", None, None, "start"),
    ("2026-10", "2026-12", None, "end"),  # the month in progress
    ("2026-10", "2027-01", None, "end"),
    ("2026-11", "2026-10", None, "start"),
    ("2026-10", "2026-11", ["khong-co"], "indicator"),
])
def test_bad_input_names_its_field_and_writes_nothing(crossings, start, end, codes, field):
    with pytest.raises(InvalidInput) as error:
        services.backfill(start=start, end=end, codes=codes)
    fields = {e["field"] for e in error.value.as_list()}
    assert fields == {field}
    assert all(e["message_vi"] and e["message_en"] for e in error.value.as_list())
    assert not Snapshot.objects.exists()


def test_the_command(crossings, capsys):
    call_command("ioc_backfill", "--from", "2026-10", "--to", "2026-11", "--indicator",
                 "border_trucks_per_day")
    out = capsys.readouterr().out
    assert "border_trucks_per_day: 2 period(s), 2026-10 … 2026-11" in out
    assert figure("border_trucks_per_day", "2026-10").value == D(1)
    with pytest.raises(CommandError) as error:
        call_command("ioc_backfill", "--from", "2026-12")  # after the default end, November
    assert str(error.value).startswith("start: ") and "2026-11" in str(error.value)
    # Without --to: up to the last finished month (November, the clock being in December).
    call_command("ioc_backfill", "--from", "2026-11", "--indicator", "border_mean_wait")
    assert figure("border_mean_wait", "2026-11").value == D(2)
