"""The public-services API: the same services as the pages, bounded input, 404 for
another agency's dossier, tracking without an account."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import user_with_role
from tinhso.accounts.models import Role
from tinhso.publicservices.models import Dossier, Level, ProcedureStep, StepKind
from tinhso.publicservices.models import DossierState as S

from . import sample

pytestmark = pytest.mark.django_db
API = "/api/v1/public-services"


@pytest.fixture
def office():
    where = sample.agency("H20.01", Level.COMMUNE)
    proc = sample.procedure()
    for order, (kind, half) in enumerate([(StepKind.RECEPTION, 1), (StepKind.APPRAISAL, 3),
                                          (StepKind.APPROVAL, 2)], start=1):
        ProcedureStep.objects.create(procedure=proc, order=order, kind=kind,
                                     name=str(kind.label), half_days=half)
    people = {role: user_with_role(role, where.organization)
              for role in (Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.AGENCY_LEADER)}
    return where, proc, people


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_dossier_from_desk_to_result_through_the_api(office):
    where, _proc, people = office
    desk = as_user(people[Role.ONE_STOP_OFFICER])
    answer = desk.post(f"{API}/dossiers", {
        "procedure_code": "1.001193", "agency_code": "H20.01",
        "applicant": {"name": "Đinh Văn Hải", "phone": "0912000111",
                      "id_number": "020090005555"},
        "papers": ["Tờ khai"]}, content_type="application/json")
    assert answer.status_code == 201, answer.content
    dossier = answer.json()
    assert dossier["state"] == S.PROCESSING and dossier["code"].startswith("H20.01-")
    pk = dossier["id"]
    specialist = people[Role.SPECIALIST]
    answer = desk.post(f"{API}/dossiers/{pk}/hand-over", {"assignee_id": specialist.pk},
                       content_type="application/json")
    assert answer.json()["assignee_id"] == specialist.pk
    mine = as_user(specialist).get(f"{API}/console/mine").json()
    assert [d["id"] for d in mine["items"]] == [pk]
    as_user(specialist).post(f"{API}/dossiers/{pk}/supplement-request",
                             {"missing": ["Bản sao giấy chứng sinh"]},
                             content_type="application/json")
    assert Dossier.objects.get(pk=pk).state == S.SUPPLEMENT
    desk.post(f"{API}/dossiers/{pk}/supply")
    as_user(specialist).post(f"{API}/dossiers/{pk}/hand-over", {},
                             content_type="application/json")
    leader = as_user(people[Role.AGENCY_LEADER])
    assert [d["id"] for d in leader.get(f"{API}/console/approvals").json()["items"]] == [pk]
    answer = leader.post(f"{API}/dossiers/{pk}/resolve", {"result_summary": "Đã cấp"},
                         content_type="application/json")
    assert answer.json()["state"] == S.RESOLVED
    answer = desk.post(f"{API}/dossiers/{pk}/return")
    assert answer.json()["state"] == S.RETURNED
    detail = desk.get(f"{API}/dossiers/{pk}").json()
    assert [t["state"] for t in detail["timeline"]] == [
        "submitted", "processing", "supplement", "processing", "resolved", "returned"]

    # Tracking and rating without an account.
    anyone = Client()
    code = dossier["code"]
    assert anyone.post(f"{API}/tracking", {"code": code, "factor": "1234"},
                       content_type="application/json").status_code == 404
    answer = anyone.post(f"{API}/tracking", {"code": code, "factor": "5555"},
                         content_type="application/json")
    assert answer.status_code == 200 and answer.json()["can_rate"] is True
    assert "Đinh Văn Hải" not in answer.content.decode()
    levels = {"publicity": 3, "contacts": 3, "staff": 3, "timeliness": 3, "result": 2}
    answer = anyone.post(f"{API}/tracking/rating", {"code": code, "factor": "0912000111",
                                                   **levels}, content_type="application/json")
    assert answer.status_code == 201 and answer.json()["score"] == 90
    again = anyone.post(f"{API}/tracking/rating", {"code": code, "factor": "0912000111",
                                                  **levels}, content_type="application/json")
    assert again.status_code == 409


def test_another_agencys_dossier_is_404(office):
    _where, _proc, people = office
    desk = as_user(people[Role.ONE_STOP_OFFICER])
    pk = desk.post(f"{API}/dossiers", {"procedure_code": "1.001193", "agency_code": "H20.01",
                                       "applicant": {"name": "Ai Đó"}},
                   content_type="application/json").json()["id"]
    stranger = as_user(user_with_role(Role.ONE_STOP_OFFICER,
                                      sample.agency("H20.07").organization))
    assert stranger.get(f"{API}/dossiers/{pk}").status_code == 404
    answer = stranger.post(f"{API}/dossiers/{pk}/refuse", {"reason": "other", "note": "x"},
                           content_type="application/json")
    assert answer.status_code == 404
    assert stranger.get(f"{API}/dossiers").json()["count"] == 0


def test_bad_input_names_the_field(office):
    _where, _proc, people = office
    desk = as_user(people[Role.ONE_STOP_OFFICER])
    answer = desk.post(f"{API}/dossiers", {"procedure_code": "1.001193",
                                           "agency_code": "H20.01",
                                           "applicant": {"name": "x" * 300}},
                       content_type="application/json")
    assert answer.status_code == 422
    assert "name" in str(answer.json()["detail"][0]["field"])
    answer = desk.post(f"{API}/dossiers/1/supplement-request", {"missing": []},
                       content_type="application/json")
    assert answer.status_code == 422
    answer = desk.get(f"{API}/statistics", {"year": 1800})
    assert answer.status_code == 422


def test_statistics_json_for_the_dashboard(office):
    where, _proc, people = office
    as_user(people[Role.ONE_STOP_OFFICER]).post(
        f"{API}/dossiers", {"procedure_code": "1.001193", "agency_code": "H20.01",
                            "applicant": {"name": "Ai Đó"}}, content_type="application/json")
    leader = as_user(people[Role.AGENCY_LEADER])
    data = leader.get(f"{API}/statistics", {"year": 2026, "by": "month"}).json()
    assert data["total"]["received"] == 1
    assert [g["key"] for g in data["total"]["index"]["groups"]][0] == "publicity"
    assert data["rows"][0]["month"].startswith("2026-12")
    assert as_user(people[Role.SPECIALIST]).get(
        f"{API}/statistics", {"year": 2026}).status_code == 403
