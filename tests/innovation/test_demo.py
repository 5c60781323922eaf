"""The innovation demo: its users for the three roles, a published ranking, an open call;
running it twice changes nothing."""

import pytest

from tinhso.accounts.models import Membership, Role
from tinhso.core.demo import seed_administrative_units
from tinhso.innovation.demo import seed_innovation
from tinhso.innovation.models import Application, Call, Event, News, Profile

pytestmark = pytest.mark.django_db


def test_the_demo_is_complete_and_idempotent():
    seed_administrative_units()
    logins = seed_innovation()
    counts = (Profile.objects.count(), Call.objects.count(), Application.objects.count(),
              News.objects.count(), Event.objects.count())
    assert seed_innovation() == logins
    assert (Profile.objects.count(), Call.objects.count(), Application.objects.count(),
            News.objects.count(), Event.objects.count()) == counts
    assert {Role.FOUNDER, Role.INNOVATION_OFFICER, Role.JUDGE} <= set(
        Membership.objects.values_list("role", flat=True))
    assert Call.objects.filter(state="results").count() == 1
    assert Call.objects.filter(state="open").count() == 1
    assert Profile.objects.filter(state="published").count() == 4
    assert Profile.objects.filter(state="draft").count() == 1
    assert Application.objects.filter(funded=True).count() == 2
