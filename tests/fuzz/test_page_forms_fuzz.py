"""Hypothesis over the page forms: whatever a person (or a forged form) types into the
declaration, booking, notice and report forms, no answer is a 5xx, and a refused
declaration stores nothing."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.border.conftest import declaration_data, user
from tests.factories import DeclarationFactory
from tinhso.border.models import Declaration

FUZZ = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

# What a form field can carry: any text a browser can encode (no lone surrogates), odd
# numbers, and dates from year 1 to 9999 in the shapes the pages accept.
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
numbers = st.integers(min_value=-(10**30), max_value=10**30).map(str)
moments = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30))
typed_moments = st.one_of(moments.map(lambda m: m.strftime("%Y-%m-%dT%H:%M")),
                          moments.map(lambda m: m.isoformat()), texts)
days = st.one_of(st.dates().map(lambda d: d.isoformat()), texts)
odd = st.one_of(texts, numbers, typed_moments)


def as_(prefix: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user(prefix))
    return client


@pytest.fixture
def enterprise(border):
    return as_("doanhnghiep")


@FUZZ
@given(field=st.sampled_from(sorted(declaration_data())), value=odd,
       loaded_at=st.one_of(st.none(), typed_moments))
def test_declaration_form(enterprise, field, value, loaded_at):
    data = declaration_data(**{field: value})
    if loaded_at is not None:
        data["loaded_at"] = loaded_at
    before = Declaration.objects.count()
    response = enterprise.post("/border/enterprise/", data)
    assert response.status_code < 500
    if response.status_code != 302:
        assert Declaration.objects.count() == before


@FUZZ
@given(starts_at=typed_moments)
def test_booking_form(enterprise, starts_at):
    truck = DeclarationFactory()
    response = enterprise.post(f"/border/declarations/{truck.pk}/book/", {"starts_at": starts_at})
    assert response.status_code < 500


@FUZZ
@given(starts_at=typed_moments, ends_at=typed_moments, capacity=odd, kind=odd, reason=texts,
       direction=odd)
def test_notice_form(border, starts_at, ends_at, capacity, kind, reason, direction):
    response = as_("bql").post("/border/notices/", {
        "gate": "huu-nghi", "kind": kind, "starts_at": starts_at, "ends_at": ends_at,
        "capacity_pct": capacity, "directions": [direction], "reason_vi": reason})
    assert response.status_code < 500


@FUZZ
@given(start=days, end=days, period=odd, export=st.sampled_from(["", "csv", "xlsx"]))
def test_report_periods(border, start, end, period, export):
    query = {"start": start, "end": end, "period": period, "format": export}
    assert as_("bql").get("/border/reports/", query).status_code < 500
    assert as_("thungan").get("/payments/reconciliation/", query).status_code < 500
