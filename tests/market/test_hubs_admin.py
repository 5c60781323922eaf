"""The back office: a household count entered in the admin goes through the audited
service; statements and reviews are read-only there (their services write them)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.market import hub_factories as f
from tinhso.core.models import AuditEntry
from tinhso.market.models import HouseholdCount

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    user = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def test_a_household_count_entered_in_the_admin_is_audited(admin_client):
    unit = f.commune(20001)
    answer = admin_client.post("/admin/market/householdcount/add/", {
        "commune": unit.pk, "year": 2026, "households": 1_234,
        "source": "Niên giám thống kê 2025"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    row = HouseholdCount.objects.get()
    assert (row.households, row.entered_by) == (1_234, admin_client.user)
    assert AuditEntry.objects.filter(action="market.household_count.set").exists()
    refused = admin_client.post("/admin/market/householdcount/add/", {
        "commune": unit.pk, "year": 2026, "households": 0, "source": ""})
    assert refused.status_code == 200 and HouseholdCount.objects.count() == 1


def test_statements_and_reviews_are_read_only_in_the_admin(admin_client):
    for model in ("payoutstatement", "review"):
        assert admin_client.get(f"/admin/market/{model}/").status_code == 200
        assert admin_client.get(f"/admin/market/{model}/add/").status_code == 403
