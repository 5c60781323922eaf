"""Hypothesis over the public-services page forms and query strings: whatever is typed
or forged, no answer is a 5xx, and a refused online submission stores nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import UserFactory, user_with_role
from tinhso.accounts.models import Role
from tinhso.publicservices import services
from tinhso.publicservices.models import Dossier, Level, ProcedurePaper

from . import sample

FUZZ = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
numbers = st.integers(min_value=-(10**30), max_value=10**30).map(str)
odd = st.one_of(texts, numbers)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.TRACKING_PER_ADDRESS = 10**6
    where = sample.agency("H20.01", Level.COMMUNE)
    proc = sample.procedure()
    ProcedurePaper.objects.create(procedure=proc, order=1, name="Tờ khai")
    desk = user_with_role(Role.ONE_STOP_OFFICER, where.organization)
    dossier = services.receive_at_desk(actor=desk, procedure=proc, agency=where,
                                       applicant={"name": "A", "phone": "0912345678"})
    return {"agency": where, "procedure": proc, "desk": desk, "dossier": dossier}


def test_tracking_and_rating_forms(office):
    client = Client(raise_request_exception=False)

    @FUZZ
    @given(code=odd, factor=odd, level=odd)
    def run(code, factor, level):
        answer = client.post("/public-services/tracking/", {"code": code, "factor": factor})
        assert answer.status_code < 500
        answer = client.post(f"/public-services/tracking/{office['dossier'].code}/rate/",
                             {"publicity": level, "contacts": level, "staff": level,
                              "timeliness": level, "result": level, "comment": code})
        assert answer.status_code < 500

    run()


def test_online_form_and_signup(office):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    url = f"/public-services/procedures/{office['procedure'].code}/apply/"
    before = Dossier.objects.count()

    @FUZZ
    @given(name=odd, id_number=odd, phone=odd, agency=odd, email=odd)
    def run(name, id_number, phone, agency, email):
        answer = client.post(url, {"action": "submit", "agency": agency,
                                   "applicant_name": name, "applicant_id_number": id_number,
                                   "applicant_phone": phone, "applicant_email": email})
        assert answer.status_code < 500
        anonymous = Client(raise_request_exception=False)
        answer = anonymous.post("/public-services/account/new/", {
            "full_name": name, "phone": phone, "email": email, "password": id_number})
        assert answer.status_code < 500

    run()
    # A submission without its required paper never leaves a dossier behind.
    assert Dossier.objects.exclude(state="draft").count() == before


def test_officer_query_strings(office):
    client = Client(raise_request_exception=False)
    client.force_login(office["desk"])

    @FUZZ
    @given(value=odd)
    def run(value):
        for url in ("/public-services/console/", "/public-services/register/"):
            assert client.get(url, {"page": value, "start": value, "end": value,
                                    "format": value}).status_code < 500

    run()
