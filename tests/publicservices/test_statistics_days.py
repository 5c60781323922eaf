"""The finished dossiers' day table gives exactly the figures of the straightforward
computation (one grouped scan of every dossier of the period), whatever the period, the
agency filter and the moment "overdue" is judged at; it is written by the last
transition, once, and rebuilt identically from the dossiers."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from tinhso.publicservices import services, statistics, statistics_days
from tinhso.publicservices.models import Channel, FinishedDay, Level
from tinhso.publicservices.models import DossierState as S

from . import sample
from .conftest import Office, make_procedure

pytestmark = pytest.mark.django_db
STATES = [S.RETURNED, S.RETURNED, S.RESOLVED, S.PROCESSING, S.SUPPLEMENT, S.REFUSED,
          S.WITHDRAWN, S.SUBMITTED]


def straightforward(period, by, now, **filters) -> dict:
    base = statistics.cohort(period, **filters)
    rows = statistics._grouped(base, by, statistics.DIMENSIONS[by], now)
    return {key: statistics._finish(dict(row)) for key, row in rows.items()}


def summarised(period, by, now, **filters) -> dict:
    keys = statistics.DIMENSIONS[by]
    return {tuple(r.get(k) for k in keys): r
            for r in statistics.counts(period, by=by, now=now, **filters)}


@pytest.fixture
def world():
    rng = random.Random(766)
    agencies = [sample.agency(f"H20.{n:02d}", Level.COMMUNE if n % 2 else Level.PROVINCE)
                for n in range(1, 5)]
    procs = [sample.procedure("1.000001", fee_vnd=0),
             sample.procedure("1.000002", field="Đất đai", fee_vnd=30_000)]
    now = timezone.now()
    for n in range(160):
        state = rng.choice(STATES)
        moment = now - timedelta(days=rng.randrange(0, 800), hours=rng.randrange(24))
        received = state not in (S.SUBMITTED,) and not (state in (S.REFUSED, S.WITHDRAWN)
                                                         and n % 3 == 0)
        fee = rng.choice([0, 30_000])
        sample.dossier(
            state=state, agency_obj=rng.choice(agencies), proc=rng.choice(procs),
            channel=rng.choice(list(Channel.values)),
            submitted_at=moment - timedelta(hours=2),
            received_at=moment if received else None,
            due_at=moment + timedelta(days=rng.choice([-3, 2, 400])),
            outcome=(rng.choice(["early", "on_time", "late"])
                     if state in (S.RETURNED, S.RESOLVED) else ""),
            pause_count=rng.choice([0, 0, 1, 2]), fee_vnd=fee,
            fee_paid_at=moment if fee and n % 2 else None,
            result_file=f"k/{n}.pdf" if n % 4 == 0 and state == S.RETURNED else "")
    return agencies


PERIODS = [statistics.Period.year(y) for y in (2024, 2025, 2026)] + [
    statistics.Period(date(2025, 2, 17), date(2025, 8, 3))]


@pytest.mark.parametrize("by", ["total", "agency"])
def test_the_figures_are_those_of_the_straightforward_computation(world, by):
    now = timezone.now()
    for period in PERIODS:
        for filters in ({}, {"agencies": [world[0].pk, world[2].pk]},
                        {"level": Level.COMMUNE}):
            for at in (now, now - timedelta(days=200)):
                expected = straightforward(period, by, at, **filters)
                got = summarised(period, by, at, **filters)
                if by == "total" and not expected[()]["received"] and not got:
                    continue
                assert got.keys() == expected.keys(), (period, filters)
                for key, row in expected.items():
                    for name in statistics.COUNT_KEYS:
                        assert got[key][name] == row[name], (period, filters, key, name)


def test_rebuild_gives_the_same_table(world):
    def table():
        return sorted(FinishedDay.objects.values_list(
            "day", "agency_id", *statistics_days.COUNTERS))

    kept = table()
    assert kept  # the fixture's finished dossiers were recorded one by one
    assert statistics_days.rebuild() == len(kept)
    assert table() == kept


def test_the_last_transition_records_once_and_a_rollback_records_nothing(clock):
    office = Office("H20.61")
    procedure = make_procedure(code="MAU.766")
    dossier = services.receive_at_desk(actor=office.desk, procedure=procedure,
                                       agency=office.agency, applicant={"name": "Vi Văn A"})
    assert not FinishedDay.objects.exists()  # open: counted live, not in the table

    @transaction.atomic
    def withdraw_then_fail():
        services.withdraw_dossier(actor=office.desk, dossier=dossier.pk, note="rút")
        raise RuntimeError

    with pytest.raises(RuntimeError):
        withdraw_then_fail()
    assert not FinishedDay.objects.exists()
    services.refuse_dossier(actor=office.desk, dossier=dossier.pk, reason="not_eligible")
    row = FinishedDay.objects.get()
    assert (row.received, row.refused, row.received_desk) == (1, 1, 1)
    year = statistics.Period.year(timezone.localdate().year)
    total = statistics.counts(year)[0]
    assert (total["received"], total["refused"], total["in_progress"]) == (1, 1, 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_last_transitions_on_one_day_lose_no_count():
    from .conftest import all_at_once, at

    office = Office("H20.62")
    procedure = make_procedure(code="MAU.767")
    dossiers = [services.receive_at_desk(actor=office.desk, procedure=procedure,
                                         agency=office.agency,
                                         applicant={"name": f"Người nộp {n}"},
                                         now=at(2026, 11, 30, 9, 0)).pk
                for n in range(10)]

    def refuse(pk):
        return services.refuse_dossier(actor=office.desk, dossier=pk, reason="not_eligible")

    done, errors = all_at_once(refuse, dossiers)
    assert errors == [] and len(done) == 10
    row = FinishedDay.objects.get()
    assert (row.received, row.refused, row.received_desk) == (10, 10, 10)
