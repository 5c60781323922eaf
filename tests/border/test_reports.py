import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from tests.border.conftest import user
from tests.factories import DeclarationFactory
from tinhso.border.reports import crossings_report


@pytest.fixture
def crossed(border):
    """Three trucks crossed today at Hữu Nghị with dwell times of 1, 2 and 10 hours."""
    now = timezone.now()
    return [DeclarationFactory(crossed=True, checked_in_at=now - timedelta(hours=dwell, minutes=1),
                               crossed_at=now - timedelta(minutes=1))
            for dwell in (1, 2, 10)]


def test_report_counts_crossings_and_dwell_time(crossed):
    today = timezone.localdate()
    report = crossings_report(period="day", start=today, end=today)
    assert report.total_crossings == 3
    [row] = report.rows
    assert (row["gate"], row["direction"], row["crossings"]) == (
        "Cửa khẩu quốc tế Hữu Nghị", "export", 3)
    [summary] = report.summary
    assert summary["mean_dwell_h"] == pytest.approx(13 / 3, abs=0.01)
    assert summary["p95_dwell_h"] == pytest.approx(10, abs=0.01)
    empty = crossings_report(period="month", start=today - timedelta(days=90),
                             end=today - timedelta(days=60))
    assert empty.total_crossings == 0


def test_excel_and_csv_exports_hold_the_same_figures(crossed):
    client = Client()
    client.force_login(user("bql"))
    today = timezone.localdate().isoformat()
    response = client.get("/border/reports/", {"start": today, "end": today, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][-1] == "3"
    assert "Hữu Nghị" in rows[1][1]
    response = client.get("/border/reports/", {"start": today, "end": today, "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    assert book.worksheets[0].cell(row=2, column=6).value == 3
    assert book.worksheets[1].cell(row=2, column=3).value == 3


def test_reports_are_not_for_enterprises(border):
    client = Client()
    client.force_login(user("doanhnghiep"))
    assert client.get("/border/reports/").status_code == 403


def test_an_impossible_or_reversed_period_falls_back_instead_of_failing(border):
    client = Client()
    client.force_login(user("bql"))
    assert client.get("/border/reports/", {"start": "2026-02-30"}).status_code == 200
    today = timezone.localdate()
    response = client.get("/border/reports/", {"start": today.isoformat(),
                                               "end": (today - timedelta(days=2)).isoformat()})
    assert response.status_code == 200
    assert (response.context["report"].start, response.context["report"].end) == (
        today - timedelta(days=2), today)
