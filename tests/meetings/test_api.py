"""The meetings API: scheduling with 409 conflicts and 422 field errors, who may see and
change what (another agency's meeting is a 404), the point's token actions, minutes."""

from datetime import datetime

import pytest
import time_machine

from tests.meetings.conftest import at
from tinhso.accounts.models import User
from tinhso.meetings.models import ConferencePoint, Meeting

pytestmark = pytest.mark.django_db
API = "/api/v1/meetings"


def _login(client, prefix):
    client.force_login(User.objects.get(email=f"{prefix}@demo.tinhso.vn"))
    return client


def _dong_dang() -> str:
    """The point of Đồng Đăng commune, operated by the demo commune officer's agency."""
    return ConferencePoint.objects.get(organization__code="xa-dong-dang").code


def _body(hall, start, end, **kw):
    return {"title": "Hội nghị sơ kết", "level": "province", "host_room": hall.pk,
            "starts_at": start.isoformat(), "ends_at": end.isoformat(), **kw}


def test_schedule_then_conflict_answers_409_with_conflicts_and_suggestions(client, points, hall,
                                                                            small_room):
    _login(client, "hoinghi")
    ok = client.post(API, _body(hall, at(1, 9), at(1, 10), points=["so-y-te"]),
                     content_type="application/json")
    assert ok.status_code == 201, ok.content
    assert ok.json()["points"] == 2 and ok.json()["host_point"] == "ubnd-tinh"
    check = client.post(f"{API}/check", _body(small_room, at(1, 9), at(1, 10),
                                              points=["so-y-te"]),
                        content_type="application/json").json()
    assert check["free"] is False
    assert {c["code"] for c in check["conflicts"]} == {"so-y-te", "ubnd-tinh"}
    refused = client.post(API, _body(small_room, at(1, 9), at(1, 10), points=["so-y-te"]),
                          content_type="application/json")
    assert refused.status_code == 409
    detail = refused.json()["detail"][0]
    assert detail["code"] == "meeting.conflict" and detail["field"] == "points"
    assert detail["conflicts"][0]["meeting_id"] == ok.json()["id"]
    # Nearest windows where the hall-less small room and Sở Y tế are free: 7:30 (its hold
    # ends when the first meeting's buffer starts, 8:45) and 10:30, as near as each other.
    first = datetime.fromisoformat(detail["suggestions"][0]["starts_at"])
    assert first in (at(1, 7, 30), at(1, 10, 30))
    assert Meeting.objects.count() == 1


def test_bad_input_is_a_422_naming_the_field(client, points, hall):
    _login(client, "hoinghi")
    response = client.post(API, _body(hall, at(1, 10), at(1, 9), points=["khong-co"]),
                           content_type="application/json")
    assert response.status_code == 422
    fields = {e["field"]: e for e in response.json()["detail"]}
    assert fields["ends_at"]["code"] == "meeting.ends_before_start"
    assert fields["points"]["code"] == "meeting.unknown_point"
    assert "khong-co" in fields["points"]["message_vi"]
    response = client.post(API, _body(hall, at(1, 9), at(1, 10), buffer_minutes=10**9),
                           content_type="application/json")
    assert response.status_code == 422


@pytest.mark.parametrize(("who", "status"), [("xa", 403), ("doanhnghiep", 403)])
def test_who_may_not_schedule(client, points, hall, who, status):
    _login(client, who)
    response = client.post(API, _body(hall, at(1, 9), at(1, 10), points=["so-y-te"]),
                           content_type="application/json")
    assert response.status_code == status
    assert Meeting.objects.count() == 0


def test_another_agencys_meeting_is_not_found_and_a_participants_is_visible(client, points,
                                                                            hall):
    _login(client, "hoinghi")
    meeting = client.post(API, _body(hall, at(1, 9), at(1, 10),
                                     points=[_dong_dang(), "so-y-te"]),
                          content_type="application/json").json()
    client.logout()
    _login(client, "doanhnghiep")
    assert client.get(f"{API}/{meeting['id']}").status_code == 404
    assert client.post(f"{API}/{meeting['id']}/cancel").status_code == 404
    client.logout()
    _login(client, "lanhdao")  # the province leader sees every meeting
    assert client.get(f"{API}/{meeting['id']}").status_code == 200
    # The commune's officer sees the meeting its point takes part in, but may not cancel it.
    client.logout()
    _login(client, "xa")
    assert client.get(f"{API}/{meeting['id']}").status_code == 200
    assert client.post(f"{API}/{meeting['id']}/cancel").status_code == 403
    assert Meeting.objects.get().state == "scheduled"


def test_a_points_token_acknowledges_checks_readiness_and_records_attendance(client, points,
                                                                              hall):
    _login(client, "hoinghi")
    meeting = client.post(API, _body(hall, at(1, 14), at(1, 16), points=["so-y-te"]),
                          content_type="application/json").json()
    token = Meeting.objects.get(pk=meeting["id"]).point_bookings.get(point__code="so-y-te").token
    client.logout()
    assert client.post(f"{API}/bookings/{token}/acknowledge").json()["acknowledged"] is True
    early = client.post(f"{API}/bookings/{token}/readiness", {"status": "ok"},
                        content_type="application/json")
    assert early.status_code == 409 and early.json()["detail"][0]["code"] == \
        "meeting.readiness_not_open"
    with time_machine.travel(at(1, 13, 30), tick=False):
        problem = client.post(f"{API}/bookings/{token}/readiness", {"status": "problem"},
                              content_type="application/json")
        assert problem.status_code == 422 and problem.json()["detail"][0]["field"] == "note"
        ok = client.post(f"{API}/bookings/{token}/readiness", {"status": "ok"},
                         content_type="application/json")
        assert ok.json()["readiness"] == "ok"
        link = client.get(f"{API}/bookings/{token}/join").json()
        assert "role=VIEWER" in link["url"] and link["moderator"] is False
    with time_machine.travel(at(1, 14, 5), tick=False):
        done = client.post(f"{API}/bookings/{token}/attendance", {
            "count": 12, "people": [{"full_name": "Lê Văn An", "role_title": "Phó Giám đốc"}]},
            content_type="application/json")
        assert done.status_code == 200 and done.json()["attendee_count"] == 12
    assert client.post(f"{API}/bookings/nonsense/acknowledge").status_code == 404
    _login(client, "hoinghi")
    board = client.get(f"{API}/{meeting['id']}/board").json()
    assert (board["total"], board["ok"], board["silent"], board["joined"]) == (2, 1, 1, 1)


def test_minutes_with_tasks_due_in_working_days_and_progress(client, points, hall):
    _login(client, "hoinghi")
    meeting = client.post(API, _body(hall, at(2, 14), at(2, 16), points=[_dong_dang()]),
                          content_type="application/json").json()
    with time_machine.travel(at(2, 16, 30), tick=False):
        response = client.post(f"{API}/{meeting['id']}/minutes", {
            "text": "Hội nghị thống nhất các nội dung.",
            "conclusions": [{"text": "Rà soát điểm cầu xã", "assignee": "xa-dong-dang",
                             "working_days": 3},
                            {"text": "Ghi nhận ý kiến các xã"}]},
            content_type="application/json")
        assert response.status_code == 200, response.content
        tasks = response.json()["conclusions"]
        # Friday 4 December + 3 working days = Wednesday 9 December.
        assert tasks[0]["due_on"] == "2026-12-09" and tasks[1]["due_on"] is None
        bad = client.post(f"{API}/{meeting['id']}/minutes", {
            "text": "x", "conclusions": [{"text": "y", "assignee": "khong-co",
                                          "working_days": 3}]},
            content_type="application/json")
        assert bad.status_code == 422
    client.logout()
    _login(client, "xa")
    mine = client.get(f"{API}/tasks").json()
    assert mine["count"] == 1
    task = mine["items"][0]["id"]
    done = client.post(f"{API}/tasks/{task}/progress", {"percent": 100, "note": "Đã xong"},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["done_on"] is not None
    client.logout()
    _login(client, "doanhnghiep")
    assert client.post(f"{API}/tasks/{task}/progress", {"percent": 50, "note": "x"},
                       content_type="application/json").status_code == 404


def test_statistics_for_the_dashboard(client, points, hall):
    _login(client, "lanhdao")
    data = client.get(f"{API}/statistics?year=2026").json()
    assert data["points"] == 213 and data["availability_pct"] == 100.0
    assert client.get(f"{API}/statistics?year=99999").status_code == 422
    client.logout()
    _login(client, "doanhnghiep")
    assert client.get(f"{API}/statistics").status_code == 403
