"""Statistics per agency / field / procedure / month, aggregated in the database."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tinhso.publicservices.models import Channel, DossierPaper, Level
from tinhso.publicservices.models import DossierState as S
from tinhso.publicservices.ratings import SatisfactionRating
from tinhso.publicservices.statistics import Period, counts, province_statistics

from . import sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    commune = sample.agency("H20.01", Level.COMMUNE)
    other = sample.agency("H20.02", Level.COMMUNE)
    dept = sample.agency("H20.10", Level.PROVINCE, name="Sở Tư pháp")
    birth = sample.procedure("1.001193", fee_vnd=0)
    land = sample.procedure("1.004227", name="Đăng ký đất đai", field="Đất đai",
                            level=Level.PROVINCE, fee_vnd=50_000)
    now = timezone.now()
    d = sample.dossier
    made = {
        "on_time": d(agency_obj=commune, proc=birth, state=S.RETURNED, outcome="on_time",
                     channel=Channel.PORTAL, result_file="k/1.pdf"),
        "late": d(agency_obj=commune, proc=birth, state=S.RESOLVED, outcome="late"),
        "overdue": d(agency_obj=commune, proc=birth, state=S.PROCESSING,
                     due_at=now - timedelta(hours=1)),
        "open": d(agency_obj=commune, proc=birth, state=S.PROCESSING, pause_count=1),
        "paused": d(agency_obj=commune, proc=birth, state=S.SUPPLEMENT,
                    due_at=now - timedelta(days=5), pause_count=2),
        "refused": d(agency_obj=commune, proc=birth, state=S.REFUSED, code=None,
                     received_at=None),
        "other": d(agency_obj=other, proc=birth, state=S.PROCESSING, channel=Channel.ONLINE),
        "paid": d(agency_obj=dept, proc=land, state=S.RETURNED, outcome="early",
                  channel=Channel.ONLINE, fee_vnd=50_000, fee_paid_at=now),
        "unpaid": d(agency_obj=dept, proc=land, state=S.PROCESSING, fee_vnd=50_000),
        "last_year": d(agency_obj=commune, proc=birth, state=S.RETURNED, outcome="on_time",
                       received_at=now.replace(year=2025)),
    }
    SatisfactionRating.objects.create(dossier=made["on_time"], agency=commune, procedure=birth, received_at=now, publicity=3, contacts=3,
                                      staff=3, timeliness=3, result=3, score=100,
                                      rated_at=now)
    SatisfactionRating.objects.create(dossier=made["paid"], agency=dept, procedure=land, received_at=now, publicity=2, contacts=2,
                                      staff=2, timeliness=2, result=2, score=50, rated_at=now)
    DossierPaper.objects.create(dossier=made["on_time"], name="Tờ khai", storage_key="k/a")
    return made


YEAR = Period.year(2026)


def test_counts_per_agency(world):
    rows = {r["agency__code"]: r for r in counts(YEAR, by="agency")}
    commune = rows["H20.01"]
    assert commune["received"] == 5  # last year's and the one refused at the desk excluded
    assert commune["refused"] == 1
    assert (commune["resolved_on_time"], commune["resolved_late"]) == (1, 1)
    assert (commune["in_progress_on_time"], commune["in_progress_overdue"]) == (2, 1)
    assert commune["supplemented"] == 2 and commune["supplement_requests"] == 3
    assert (commune["received_online"], commune["received_desk"]) == (1, 4)
    assert commune["satisfaction"] == 100.0
    assert commune["papers_digitised"] == 1 and commune["results_digitised"] == 1
    dept = rows["H20.10"]
    assert dept["fee_dossiers"] == 2 and dept["online_payment_share"] == 0.5
    assert dept["satisfaction"] == 50.0
    assert rows["H20.02"]["received"] == 1


def test_counts_per_field_procedure_and_month(world):
    fields = {r["procedure__field"]: r["received"] for r in counts(YEAR, by="field")}
    assert fields == {"Hộ tịch": 6, "Đất đai": 2}
    procedures = {r["procedure__code"]: r["received"] for r in counts(YEAR, by="procedure")}
    assert procedures == {"1.001193": 6, "1.004227": 2}
    months = counts(YEAR, by="month")
    assert sum(r["received"] for r in months) == 8


def test_the_period_is_a_cohort_of_receptions(world):
    assert counts(Period.year(2025))[0]["received"] == 1
    assert counts(Period(date(2026, 12, 3), date(2026, 12, 31)))[0]["received"] == 0


def test_province_rankings_split_province_and_communes(world):
    stats = province_statistics(YEAR)
    assert stats["total"]["received"] == 8
    assert [r["agency__code"] for r in stats["province_ranking"]] == ["H20.10"]
    assert {r["agency__code"] for r in stats["commune_ranking"]} == {"H20.01", "H20.02"}
    assert all(r["rank"] for r in stats["commune_ranking"])
    assert 0 < stats["total"]["total"] <= 100
