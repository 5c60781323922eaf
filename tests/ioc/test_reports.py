"""The weekly and monthly report: its content (figures against targets, the change since
the period before, the alerts), the PDF and Excel files, sent once by the task to the
leadership, and regenerable for a past period."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.factories import user_with_role
from tinhso.accounts.models import Role
from tinhso.core import files
from tinhso.core.models import OutgoingNotification
from tinhso.ioc import reports
from tinhso.ioc.models import Alert, Report, Snapshot
from tinhso.ioc.tasks import send_due_reports

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(catalogue, clock):
    shops = catalogue["households_with_shop"]
    now = timezone.now()
    for key, start, value in (("2026-10", date(2026, 10, 1), "38.0"),
                              ("2026-11", date(2026, 11, 1), "41.5")):
        Snapshot.objects.create(indicator=shops, period=key, period_start=start,
                                period_end=start.replace(day=28), value=D(value),
                                target=D(55), status="off_track", computed_at=now,
                                last_good_at=now)
    Alert.objects.create(indicator=shops, rule="off_track", period="2026-11",
                         key="households_with_shop:off_track:2026-11", value=D("41.5"),
                         target=D(55), raised_at=now - timedelta(days=10))
    user_with_role(Role.PROVINCE_LEADER)
    return catalogue


def test_the_monthly_content_compares_with_the_month_before(history):
    c = reports.content("monthly", date(2026, 11, 1), date(2026, 11, 30))
    line = next(x for x in c.lines if x.code == "households_with_shop")
    assert (line.value, line.previous, line.change, line.target) == (
        D("41.5"), D("38.0"), D("3.5"), D(55))
    assert reports._state_text(line) == "Chậm tiến độ"
    schools = next(x for x in c.lines if x.code == "schools_gradebook")
    assert reports._state_text(schools) == "Chưa có dữ liệu"
    assert [a.period for a in c.alerts] == ["2026-11"]


def test_the_files_hold_the_figures_in_vietnamese(history):
    report = reports.generate(kind="monthly", day=date(2026, 11, 15), now=timezone.now())
    storage = files.private_storage()
    text = "".join(p.extract_text() for p in PdfReader(storage.open(report.pdf)).pages)
    assert "Báo cáo tháng chỉ tiêu chuyển đổi số tỉnh Lạng Sơn" in text
    assert "01/11/2026" in text and "Hộ gia đình có cửa hàng số" in text
    assert "41,5" in text and "+3,5" in text and "Cảnh báo trong kỳ: 1" in text
    sheet = load_workbook(io.BytesIO(storage.open(report.xlsx).read()))["Chỉ tiêu"]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "households_with_shop")
    assert row[3:7] == (41.5, 38.0, 3.5, 55.0)


def test_the_task_sends_each_due_report_once_and_any_can_be_regenerated(history, clock):
    made = send_due_reports.enqueue().return_value
    # 02/12/2026 (Wednesday): the week of 23–29/11 and the month of November.
    assert made == ["weekly:2026-11-23", "monthly:2026-11-01"]
    assert send_due_reports.enqueue().return_value == []
    sent = OutgoingNotification.objects.filter(kind="ioc.report")
    assert sent.count() == 2 and all("/ioc/bao-cao/" in n.link for n in sent)
    old = Report.objects.get(kind="monthly")
    first_pdf = old.pdf
    clock.move_to(timezone.now() + timedelta(days=40))
    again = reports.generate(kind="monthly", day=date(2026, 11, 3), now=timezone.now())
    assert again.pk == old.pk and again.generated_at > old.generated_at
    assert again.pdf != first_pdf
    assert Report.objects.filter(kind="monthly").count() == 1


def test_regenerate_through_the_api(client, history):
    leader = user_with_role(Role.PROVINCE_LEADER)
    client.force_login(leader)
    made = client.post("/api/v1/ioc/reports", {"kind": "weekly", "day": "2026-11-18"},
                       content_type="application/json")
    assert made.status_code == 201 and made.json()["period_start"] == "2026-11-16"
    bad = client.post("/api/v1/ioc/reports", {"kind": "daily", "day": "2026-11-18"},
                      content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "kind"
    assert client.get(f"/ioc/bao-cao/{made.json()['id']}.pdf").status_code == 200
    client.force_login(user_with_role(Role.COMMUNE_OFFICER))
    assert client.post("/api/v1/ioc/reports", {"kind": "weekly", "day": "2026-11-18"},
                       content_type="application/json").status_code == 403
