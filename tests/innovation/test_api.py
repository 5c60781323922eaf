"""The innovation API: the same use cases as the pages, in the OpenAPI schema, with 422s
naming fields in Vietnamese and English, 404s for what one may not see."""

import pytest
import time_machine

from tests.innovation.conftest import PDF, published_profile, upload, vn
from tinhso.innovation.models import Application, Assignment, Call

pytestmark = pytest.mark.django_db
API = "/api/v1/innovation"


@pytest.fixture(autouse=True)
def _plain_cookies(settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False


def test_every_route_is_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ["/profiles", "/profiles/{profile_id}/actions", "/calls",
                 "/calls/{call_id}/applications", "/applications/{application_id}/judges",
                 "/assignments/{assignment_id}/declaration",
                 "/assignments/{assignment_id}/scores", "/calls/{call_id}/results",
                 "/calls/{call_id}/ranking", "/showcase", "/figures", "/events", "/news"]:
        assert f"{API}{path}" in paths, path


def test_profile_life_through_the_api(client, founder, officer, commune):
    client.force_login(founder)
    body = {"kind": "startup", "name": "Thạch đen Tràng Định", "field": "food",
            "stage": "prototype", "commune": commune.code, "summary": "Thạch đen sạch"}
    bad = client.post(f"{API}/profiles", {**body, "tax_code": "0100233489", "field": "x"},
                      content_type="application/json")
    assert bad.status_code == 422
    fields = {e["field"]: e for e in bad.json()["detail"]}
    assert set(fields) == {"tax_code", "field"}
    assert fields["tax_code"]["message_vi"] and fields["tax_code"]["message_en"]
    created = client.post(f"{API}/profiles", body, content_type="application/json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert client.post(f"{API}/profiles/{pk}/actions", {"action": "publish"},
                       content_type="application/json").status_code == 403
    client.post(f"{API}/profiles/{pk}/actions", {"action": "submit"},
                content_type="application/json")
    client.logout()
    assert client.get(f"{API}/profiles/{pk}").status_code == 404
    client.force_login(officer)
    done = client.post(f"{API}/profiles/{pk}/actions", {"action": "publish"},
                       content_type="application/json")
    assert done.json()["state"] == "published"
    client.logout()
    found = client.get(f"{API}/profiles", {"q": "thach den trang dinh"}).json()
    assert [p["name"] for p in found["items"]] == ["Thạch đen Tràng Định"]


def test_from_a_call_to_the_ranking_through_the_api(client, founder, officer, judges,
                                                    commune):
    profile = published_profile(founder, officer, commune)
    client.force_login(officer)
    # The deadline written in UTC: 10:00Z is 17:00 in Vietnam.
    created = client.post(f"{API}/calls", {
        "title": "Khởi nghiệp Xứ Lạng", "description": "Hỗ trợ", "eligibility": "Lạng Sơn",
        "deadline": "2026-12-10T10:00:00Z", "required_attachments": ["Kế hoạch kinh doanh"],
        "criteria": [{"name": "Đổi mới", "weight": 40}, {"name": "Thị trường", "weight": 60}],
        "funded_places": 1}, content_type="application/json")
    assert created.status_code == 201, created.content
    call = created.json()
    assert call["deadline_local"] == "17:00 10/12/2026"
    client.force_login(founder)
    late = vn(2026, 12, 10, 17, 0)
    with time_machine.travel(late, tick=False):
        refused = client.post(f"{API}/calls/{call['id']}/applications", {
            "profile": profile.pk, "project_title": "Na", "summary": "Na",
            "attachments": upload()})
    assert refused.status_code == 409
    assert refused.json()["detail"][0]["code"] == "innovation.deadline_passed"
    with time_machine.travel(vn(2026, 12, 10, 16, 59, 59), tick=False):
        applied = client.post(f"{API}/calls/{call['id']}/applications", {
            "profile": profile.pk, "project_title": "Na VietGAP", "summary": "10 ha",
            "budget_vnd": 1000000, "attachments": upload(PDF)})
    assert applied.status_code == 201, applied.content
    application = applied.json()
    assert application["number"].startswith("KN-2026-")
    assert application["attachments"] == [0]
    client.force_login(officer)
    with time_machine.travel(vn(2026, 12, 11, 9, 0), tick=True):
        assigned = client.post(f"{API}/applications/{application['id']}/judges",
                               {"judges": [j.pk for j in judges[:2]]},
                               content_type="application/json")
        assert assigned.status_code == 200
        criteria = Call.objects.get(pk=call["id"]).criteria.all()
        first, second = (Assignment.objects.get(judge=j) for j in judges[:2])
        client.force_login(judges[0])
        assert client.get(f"{API}/applications/{application['id']}").status_code == 404
        client.post(f"{API}/assignments/{first.pk}/declaration",
                    {"conflict": True, "note": "Họ hàng"}, content_type="application/json")
        assert client.put(f"{API}/assignments/{first.pk}/scores",
                          {"scores": [{"criterion": c.pk, "value": 5} for c in criteria]},
                          content_type="application/json").status_code == 404
        assert client.get(f"{API}/applications/{application['id']}").status_code == 404
        client.force_login(judges[1])
        client.post(f"{API}/assignments/{second.pk}/declaration", {"conflict": False},
                    content_type="application/json")
        assert client.get(f"{API}/applications/{application['id']}").status_code == 200
        too_high = client.put(f"{API}/assignments/{second.pk}/scores",
                              {"scores": [{"criterion": c.pk, "value": 11} for c in criteria]},
                              content_type="application/json")
        assert too_high.status_code == 422
        assert client.put(f"{API}/assignments/{second.pk}/scores",
                          {"scores": [{"criterion": c.pk, "value": v, "comment": "ổn"}
                                      for c, v in zip(criteria, [7, 9], strict=True)]},
                          content_type="application/json").status_code == 200
        assert client.get(f"{API}/calls/{call['id']}/ranking").status_code == 404
        client.force_login(officer)
        published = client.post(f"{API}/calls/{call['id']}/results")
        assert published.status_code == 200, published.content
    client.logout()
    ranking = client.get(f"{API}/calls/{call['id']}/ranking").json()
    # (40·7 + 60·9)/10 = 82, one judge: spread 0
    assert [(r["rank"], r["score"], r["spread"], r["funded"]) for r in ranking] == [
        (1, "82.00", "0.00", True)]
    assert Application.objects.get().funded


def test_figures_need_the_permission(client, founder, officer):
    assert client.get(f"{API}/figures").status_code == 401
    client.force_login(founder)
    assert client.get(f"{API}/figures").status_code == 403
    client.force_login(officer)
    assert client.get(f"{API}/figures").json()["profiles"] == 0
