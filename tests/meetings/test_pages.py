"""The meetings pages: each opens for the roles that use it (and not for others), the
schedule form books or answers the conflicts with buttons for the free windows, the point's
page acknowledges, checks the connection and records attendance, the console's board
refreshes as a fragment, minutes export as PDF, statistics as Excel."""

import pytest
import time_machine

from tests.meetings.conftest import at, book, request
from tinhso.accounts.models import User
from tinhso.meetings import services
from tinhso.meetings.models import ConferencePoint, Meeting, PointBooking

pytestmark = pytest.mark.django_db


def _login(client, prefix):
    client.force_login(User.objects.get(email=f"{prefix}@demo.tinhso.vn"))


@pytest.fixture
def meeting(secretary, province, hall):
    dong_dang = ConferencePoint.objects.get(organization__code="xa-dong-dang").code
    return book(secretary, province, hall, at(0, 11), at(0, 12),
                point_codes=[dong_dang, "so-y-te"], agenda=[("Báo cáo", "12/BC")])


def test_the_secretarys_pages(client, meeting, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    _login(client, "hoinghi")
    for url in ["/meetings/", "/meetings/new/", "/meetings/points/", "/meetings/tasks/",
                f"/meetings/{meeting.pk}/", f"/meetings/{meeting.pk}/console/",
                f"/meetings/{meeting.pk}/minutes/", f"/meetings/{meeting.pk}/cancel/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Language"] == "vi"
    fragment = client.get(f"/meetings/{meeting.pk}/console/", HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content and b"table" in fragment.content


@pytest.mark.parametrize("url", ["/meetings/new/", "/meetings/{pk}/console/",
                                 "/meetings/{pk}/minutes/", "/meetings/statistics/"])
def test_the_commune_officer_may_not_open_the_organisers_pages(client, meeting, url):
    _login(client, "xa")
    assert client.get(url.format(pk=meeting.pk)).status_code == 403
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 200  # its point takes part


def test_another_agency_gets_404(client, meeting):
    _login(client, "doanhnghiep")
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404


def test_the_form_books_or_offers_the_free_windows(client, meeting, hall):
    _login(client, "hoinghi")
    form = {"title": "Họp thử", "level": "province", "host_room": hall.pk, "day": "2026-12-02",
            "start": "11:30", "end": "12:30", "buffer_minutes": "15", "points": ["so-y-te"]}
    response = client.post("/meetings/new/", form)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'name="use_window"' in html and "Sở Y tế" in html
    window = response.context["conflict"].suggestions[0]
    response = client.post("/meetings/new/", {**form, "use_window":
                                              f"{window[0].isoformat()}|{window[1].isoformat()}"})
    assert response.status_code == 302
    assert Meeting.objects.filter(title="Họp thử", starts_at=window[0]).exists()
    bad = client.post("/meetings/new/", {**form, "start": "13:00", "end": "12:00"})
    assert bad.status_code == 422 and "errorlist" in bad.content.decode()


def test_the_points_page_from_the_invitation_link(client, meeting):
    booking = meeting.point_bookings.get(point__code="so-y-te")
    page = f"/meetings/p/{booking.token}/"
    assert client.get(page).status_code == 200
    with time_machine.travel(at(0, 8), tick=False):  # attendance not open yet: says when
        assert "Điểm danh mở từ hai giờ trước giờ họp" in client.get(page).content.decode()
    client.post(page, {"action": "acknowledge"})
    with time_machine.travel(at(0, 10, 40), tick=False):
        client.post(page, {"action": "readiness", "status": "problem", "note": ""})
        booking.refresh_from_db()
        assert booking.readiness == "unconfirmed"  # a problem needs a note
        client.post(page, {"action": "readiness", "status": "problem", "note": "Mất tiếng"})
        client.post(page, {"action": "attendance", "count": "5",
                           "people": "Hoàng Văn A, Giám đốc\nLê Thị B, Phó Giám đốc"})
        html = client.get(page).content.decode()
        assert "<svg" in html and "Hoàng Văn A" in html
    booking.refresh_from_db()
    assert booking.acknowledged_at and booking.readiness == "problem"
    assert booking.attendee_count == 5 and booking.attendees.count() == 2
    ics = client.get(f"{page}invite.ics")
    assert ics["Content-Type"].startswith("text/calendar") and meeting.uid.encode() in ics.content
    assert client.get("/meetings/p/nonsense/").status_code == 404


def test_the_meeting_page_says_which_points_received_the_invitation(client, meeting):
    import re

    booking = meeting.point_bookings.get(point__code="so-y-te")
    client.post(f"/meetings/p/{booking.token}/", {"action": "acknowledge"})
    _login(client, "hoinghi")
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    rows = {re.sub(r"<[^>]+>", "", cells[0]).strip(): re.sub(r"<[^>]+>", "", cells[1])
            for cells in re.findall(r"<tr><td>(.*?)</td>\s*<td>(.*?)</td>", html, re.S)}
    assert rows[booking.point.name] == "đã nhận"
    assert set(rows.values()) == {"đã nhận", "chưa nhận"}


def test_cancelling_from_a_weekly_series_asks_this_one_or_this_and_the_later_ones(
        client, secretary, province, hall, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    series = services.schedule_series(
        actor=secretary, organizer=province, count=4,
        request=request(hall, at(5, 8), at(5, 9), point_codes=["so-y-te"]))
    first, second, third, fourth = series.meetings.order_by("starts_at")
    _login(client, "hoinghi")
    page = client.get(f"/meetings/{second.pk}/cancel/").content.decode()
    assert "Chỉ buổi này của chuỗi họp hằng tuần" in page
    assert "Buổi này và mọi buổi sau (kết thúc chuỗi họp)" in page
    assert Meeting.objects.filter(state="cancelled").count() == 0  # asking changes nothing

    client.post(f"/meetings/{fourth.pk}/cancel/", {"confirm": "yes", "scope": "occurrence"})
    done = client.post(f"/meetings/{second.pk}/cancel/", {"confirm": "yes",
                                                          "scope": "following"}, follow=True)
    assert "Đã hủy 2 buổi họp" in done.content.decode()  # the 4th was already
    states = dict(series.meetings.values_list("pk", "state"))
    assert states == {first.pk: "scheduled", second.pk: "cancelled", third.pk: "cancelled",
                      fourth.pk: "cancelled"}
    api = client.post(f"/api/v1/meetings/{first.pk}/end-series")
    assert api.status_code == 200 and [m["id"] for m in api.json()] == [first.pk]
    lone = book(secretary, province, hall, at(1, 8), at(1, 9), point_codes=["so-y-te"])
    refused = client.post(f"/api/v1/meetings/{lone.pk}/end-series")
    assert refused.status_code == 409
    assert refused.json()["detail"][0]["code"] == "meeting.not_a_series"


def test_qr_check_in_and_late_join(client, meeting):
    url = f"/meetings/checkin/{meeting.checkin_token}/so-y-te/"
    with time_machine.travel(at(0, 11, 25), tick=False):
        response = client.post(url, {"full_name": "Nông Thị Hạnh", "role_title": "Chuyên viên"})
    assert response.status_code == 200 and response.context["done"].late
    booking = PointBooking.objects.get(meeting=meeting, point__code="so-y-te")
    assert booking.joined_at is not None
    assert client.get(f"/meetings/checkin/{meeting.checkin_token}/khong-co/").status_code == 404


def test_join_redirects_to_the_engine_inside_the_window(client, meeting):
    host = meeting.point_bookings.get(is_host=True)
    with time_machine.travel(at(0, 10, 30), tick=False):
        response = client.get(f"/meetings/p/{host.token}/join/")
        assert response.status_code == 302
        engine = client.get(response["Location"])
    assert engine.status_code == 200
    assert engine.context["moderator"] is True
    assert client.get("/meetings/engine/bigbluebutton/api/join?meetingID=x&checksum=0")\
        .content.startswith(b"<response><returncode>FAILED")


def test_the_minutes_page_offers_no_form_before_the_start(client, meeting):
    # The service refuses minutes before the start: a form would lose what was typed.
    _login(client, "hoinghi")
    with time_machine.travel(at(0, 10), tick=False):
        early = client.get(f"/meetings/{meeting.pk}/minutes/")
    assert early.status_code == 200
    assert b'id="minutes-form"' not in early.content
    assert "Biên bản chỉ được ghi khi hội nghị đã bắt đầu." in early.content.decode()
    with time_machine.travel(at(0, 11, 5), tick=False):
        started = client.get(f"/meetings/{meeting.pk}/minutes/")
    assert b'id="minutes-form"' in started.content


def test_minutes_pdf_and_statistics_excel(client, meeting):
    _login(client, "hoinghi")
    with time_machine.travel(at(0, 12, 30), tick=False):
        response = client.post(f"/meetings/{meeting.pk}/minutes/", {
            "text": "Nội dung hội nghị", "c0_text": "Rà soát thiết bị", "c0_assignee":
            "xa-dong-dang", "c0_days": "5"})
    assert response.status_code == 302
    pdf = client.get(f"/meetings/{meeting.pk}/minutes.pdf")
    assert pdf.content.startswith(b"%PDF")
    word = client.get(f"/meetings/{meeting.pk}/minutes.docx")
    assert word["Content-Type"].endswith("wordprocessingml.document")
    import io

    import docx

    texts = [p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs]
    assert texts[0] == f"BIÊN BẢN HỘI NGHỊ: {meeting.title}"
    assert "Nội dung hội nghị" in texts and "KẾT LUẬN" in texts
    assert any(t.startswith("1. Rà soát thiết bị — Giao:") for t in texts)
    client.logout()
    # someone who may not see the meeting gets a 404 for either file
    _login(client, "doanhnghiep")
    assert client.get(f"/meetings/{meeting.pk}/minutes.docx").status_code == 404
    _login(client, "lanhdao")
    assert client.get("/meetings/statistics/").status_code == 200
    xlsx = client.get("/meetings/statistics.xlsx?year=2026")
    assert xlsx.content.startswith(b"PK")
    _login(client, "xa")
    response = client.get("/meetings/tasks/")
    assert "Rà soát thiết bị" in response.content.decode()


def test_moving_from_the_page_resends_the_invitation_or_names_the_conflict(
        client, meeting, secretary, province, small_room):
    _login(client, "hoinghi")
    response = client.post(f"/meetings/{meeting.pk}/move/", {"day": "2026-12-03",
                                                             "start": "15:00", "end": "16:00"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == at(1, 15) and meeting.ics_sequence == 1
    book(secretary, province, small_room, at(1, 9), at(1, 10), point_codes=["so-y-te"])
    client.post(f"/meetings/{meeting.pk}/move/", {"day": "2026-12-03", "start": "09:00",
                                                  "end": "10:00"}, follow=False)
    meeting.refresh_from_db()
    assert meeting.starts_at == at(1, 15)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Sở Y tế" in page and "Còn trống" in page
    _login(client, "xa")
    assert client.post(f"/meetings/{meeting.pk}/move/", {"day": "2026-12-03", "start": "08:00",
                                                         "end": "09:00"}).status_code == 403


@pytest.mark.parametrize("url", ["/meetings/", "/meetings/points/", "/meetings/tasks/",
                                 "/api/v1/meetings/points", "/api/v1/meetings/rooms",
                                 "/api/v1/meetings", "/api/v1/meetings/tasks"])
def test_people_outside_the_agencies_see_no_meetings_pages(client, points, url):
    _login(client, "doanhnghiep")
    assert client.get(url).status_code == 403
    assert "/meetings/" not in client.get("/").content.decode().split("<main")[0]


def test_a_points_own_operator_changes_its_state_from_its_page(client, points):
    """The commune officer of Đồng Đăng operates the ward's point: marks it faulty from
    the point's page (the same service as the API, its history kept); an officer of
    another body may only look; the API answers the same."""
    from tinhso.core.models import AuditEntry
    from tinhso.meetings.models import PointStateChange

    own = ConferencePoint.objects.get(organization__code="xa-dong-dang")
    other = ConferencePoint.objects.get(code="so-y-te")
    page = f"/meetings/points/{own.code}/"
    _login(client, "hoinghi")  # a specialist of the province office: not this point's
    response = client.get(page)
    assert response.status_code == 200 and 'name="state"' not in response.content.decode()
    client.post(page, {"state": "faulty", "note": "thử"})
    own.refresh_from_db()
    assert own.state == "ready" and not PointStateChange.objects.exists()
    api = client.post(f"/api/v1/meetings/points/{own.code}/state",
                      {"state": "faulty", "note": "x"}, content_type="application/json")
    assert api.status_code == 403
    _login(client, "xa")
    response = client.get(page)
    assert 'name="state"' in response.content.decode()
    client.post(page, {"state": "faulty", "note": "Mất tín hiệu đường truyền"})
    own.refresh_from_db()
    assert own.state == "faulty"
    change = PointStateChange.objects.get()
    assert change.by.email == "xa@demo.tinhso.vn" and change.note == "Mất tín hiệu đường truyền"
    assert AuditEntry.objects.filter(action="meeting.point_state").count() == 1
    assert "Mất tín hiệu đường truyền" in client.get(page).content.decode()
    api = client.post(f"/api/v1/meetings/points/{own.code}/state",
                      {"state": "ready", "note": ""}, content_type="application/json")
    assert api.status_code == 200 and api.json()["state"] == "ready"
    # ... but not another body's point, by page or API
    client.post(f"/meetings/points/{other.code}/", {"state": "faulty", "note": "x"})
    assert client.post(f"/api/v1/meetings/points/{other.code}/state",
                       {"state": "faulty", "note": "x"},
                       content_type="application/json").status_code == 403
    other.refresh_from_db()
    assert other.state == "ready"
    bad = client.post(page, {"state": "exploded", "note": ""})
    assert bad.status_code == 302
    own.refresh_from_db()
    assert own.state == "ready"


def test_the_board_says_not_joined_yet_before_the_start_and_absent_after(client, meeting):
    _login(client, "hoinghi")
    with time_machine.travel(at(0, 10, 45), tick=False):
        before = client.get(f"/meetings/{meeting.pk}/console/", HTTP_HX_REQUEST="true")
    assert "chưa vào họp" in before.content.decode()
    assert "vắng mặt" not in before.content.decode()
    with time_machine.travel(at(0, 11, 20), tick=False):
        after = client.get(f"/meetings/{meeting.pk}/console/", HTTP_HX_REQUEST="true")
    assert "vắng mặt" in after.content.decode()
    assert 'class="phone"' in after.content.decode()  # kept on one line (meetings.css)


def test_a_conflict_with_many_points_names_a_few_and_counts_all(secretary, province, hall):
    from tinhso.meetings.services import BookingConflict

    book(secretary, province, hall, at(1, 9), at(1, 10), groups=["all"])
    with pytest.raises(BookingConflict) as refused:
        book(secretary, province, hall, at(1, 9), at(1, 10), groups=["all"])
    message = refused.value.message("vi")
    assert message.startswith("214 ")  # 213 points and the room
    assert message.rstrip(".").endswith(", …") and message.count(",") == 6
