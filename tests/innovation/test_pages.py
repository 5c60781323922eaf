"""The pages: the whole path through the forms (profile, review, call, application with a
file, judging with a conflict, publication), who may not open what, the deadline on the
server whatever zone the browser writes in, the showcase reading the stores live, .ics."""

from datetime import timedelta

import pytest
import time_machine

from tests.innovation.conftest import PDF, published_profile, upload, vn
from tinhso.innovation import services
from tinhso.innovation.models import Application, Assignment, Call, Event, News, Profile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_cookies(settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False


def as_user(client, user):
    client.force_login(user)
    return client


def test_public_pages_open_for_everyone(client, founder, officer, commune, call):
    published_profile(founder, officer, commune)
    for url in ["/khoi-nghiep/", "/khoi-nghiep/doanh-nghiep/",
                "/khoi-nghiep/doanh-nghiep/?q=na+chi+lang&field=agriculture",
                "/khoi-nghiep/cuoc-thi/", f"/khoi-nghiep/cuoc-thi/{call.pk}/",
                "/khoi-nghiep/su-kien/", "/khoi-nghiep/san-pham/"]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get("/khoi-nghiep/doanh-nghiep/?q=na+chi+lang").content.decode()
    assert "Hợp tác xã Na Chi Lăng" in page
    assert "17:00 10/12/2026" in client.get(f"/khoi-nghiep/cuoc-thi/{call.pk}/").content.decode()


@pytest.mark.parametrize(("url", "who"), [
    ("/khoi-nghiep/duyet/", "founder"), ("/khoi-nghiep/cuoc-thi/moi/", "founder"),
    ("/khoi-nghiep/giam-khao/", "founder"), ("/khoi-nghiep/cua-toi/", "officer"),
    ("/khoi-nghiep/so-lieu/", "founder"), ("/khoi-nghiep/so-lieu.json", "judge"),
])
def test_office_founder_and_judge_pages_are_refused_to_others(client, request, judges, url,
                                                              who):
    user = judges[0] if who == "judge" else request.getfixturevalue(who)
    assert as_user(client, user).get(url).status_code == 403


def test_a_draft_profile_is_a_404_for_the_public_and_other_founders(
        client, founder, other_founder, commune):
    from tests.innovation.conftest import profile_input

    draft = services.create_profile(actor=founder, data=profile_input(commune))
    assert client.get(f"/khoi-nghiep/doanh-nghiep/{draft.pk}/").status_code == 404
    assert as_user(client, other_founder).get(
        f"/khoi-nghiep/doanh-nghiep/{draft.pk}/").status_code == 404
    assert as_user(client, founder).get(
        f"/khoi-nghiep/doanh-nghiep/{draft.pk}/").status_code == 200


def test_from_a_profile_to_a_published_ranking_through_the_pages(
        client, founder, officer, judges, commune):
    # The founder writes a profile and sends it; the office publishes it.
    as_user(client, founder)
    response = client.post("/khoi-nghiep/doanh-nghiep/moi/", {
        "kind": "cooperative", "name": "HTX Hồi Văn Quan", "field": "agriculture",
        "stage": "growth", "commune": commune.code, "summary": "Tinh dầu hồi.",
        "tax_code": "0100233489"})
    assert response.status_code == 422
    assert "mã số thuế" in response.content.decode().lower()
    response = client.post("/khoi-nghiep/doanh-nghiep/moi/", {
        "kind": "cooperative", "name": "HTX Hồi Văn Quan", "field": "agriculture",
        "stage": "growth", "commune": commune.code, "summary": "Tinh dầu hồi."})
    profile = Profile.objects.get()
    assert response.status_code == 302
    client.post(f"/khoi-nghiep/doanh-nghiep/{profile.pk}/chuyen/", {"action": "submit"})
    as_user(client, officer)
    client.post(f"/khoi-nghiep/doanh-nghiep/{profile.pk}/chuyen/", {"action": "publish"})
    assert Profile.objects.get().state == "published"
    # The office publishes a call; the deadline is typed with the UTC offset this time.
    response = client.post("/khoi-nghiep/cuoc-thi/moi/", {
        "title": "Khởi nghiệp Xứ Lạng", "description": "Hỗ trợ dự án.",
        "eligibility": "Doanh nghiệp tại Lạng Sơn.", "deadline": "2026-12-10T10:00+00:00",
        "attachments": "Kế hoạch kinh doanh", "criterion-0-name": "Đổi mới",
        "criterion-0-weight": "40", "criterion-0-max": "10",
        "criterion-1-name": "Thị trường", "criterion-1-weight": "60", "criterion-1-max": "10",
        "funded_places": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    call = Call.objects.get()
    assert call.deadline == vn(2026, 12, 10, 17, 0)
    # The founder applies with a PDF and gets a receipt.
    as_user(client, founder)
    response = client.post(f"/khoi-nghiep/cuoc-thi/{call.pk}/nop/", {
        "profile": profile.pk, "project_title": "Mở rộng vùng hồi", "summary": "10 ha",
        "budget_vnd": "50.000.000", "attachment-0": upload()})
    application = Application.objects.get()
    assert response.status_code == 302 and application.number == "KN-2026-0001"
    page = client.get(f"/khoi-nghiep/ho-so/{application.pk}/").content.decode()
    assert "KN-2026-0001" in page and "17:00 10/12/2026" in page
    receipt = client.get(f"/khoi-nghiep/ho-so/{application.pk}/bien-nhan.pdf")
    assert receipt.content.startswith(b"%PDF")
    # A minute before the deadline the founder may still change it.
    with time_machine.travel(vn(2026, 12, 10, 16, 59, 30), tick=False):
        response = client.post(f"/khoi-nghiep/ho-so/{application.pk}/sua/", {
            "project_title": "Mở rộng vùng hồi hữu cơ", "summary": "12 ha", "budget_vnd": "0"})
        assert response.status_code == 302
    # At 17:00:00 the server refuses, whatever the browser's zone or clock says.
    with time_machine.travel(vn(2026, 12, 10, 17, 0), tick=False):
        response = client.post(f"/khoi-nghiep/ho-so/{application.pk}/sua/", {
            "project_title": "Muộn", "summary": "x", "budget_vnd": "0",
            "now": "2026-12-10T09:59:00+00:00"}, HTTP_X_TIMEZONE="Asia/Bangkok")
        assert response.status_code == 302
    assert Application.objects.get().project_title == "Mở rộng vùng hồi hữu cơ"
    # Judging, after the deadline: judge one declares a conflict, two and three score.
    after = vn(2026, 12, 11, 9, 0)
    with time_machine.travel(after, tick=True):
        as_user(client, officer).post(f"/khoi-nghiep/ho-so/{application.pk}/giam-khao/",
                                      {"judges": [j.pk for j in judges]})
        assert Assignment.objects.count() == 3
        conflicted = Assignment.objects.get(judge=judges[0])
        as_user(client, judges[0])
        cover = client.get(f"/khoi-nghiep/giam-khao/{conflicted.pk}/").content.decode()
        assert "Mở rộng vùng hồi" not in cover and "12 ha" not in cover
        client.post(f"/khoi-nghiep/giam-khao/{conflicted.pk}/",
                    {"declare": "conflict", "note": "Anh ruột của giám đốc"})
        for url in [f"/khoi-nghiep/giam-khao/{conflicted.pk}/",
                    f"/khoi-nghiep/ho-so/{application.pk}/",
                    f"/khoi-nghiep/ho-so/{application.pk}/tep/0/",
                    f"/khoi-nghiep/ho-so/{application.pk}/bien-nhan.pdf"]:
            assert client.get(url).status_code == 404, url
        criteria = list(call.criteria.all())
        for judge, (a, b) in zip(judges[1:], [(8, 6), (6, 8)], strict=True):
            assignment = Assignment.objects.get(judge=judge)
            as_user(client, judge)
            client.post(f"/khoi-nghiep/giam-khao/{assignment.pk}/", {"declare": "none"})
            page = client.get(f"/khoi-nghiep/giam-khao/{assignment.pk}/").content.decode()
            assert "12 ha" in page
            response = client.post(f"/khoi-nghiep/giam-khao/{assignment.pk}/", {
                f"score-{criteria[0].pk}": "11", f"score-{criteria[1].pk}": str(b)})
            assert response.status_code == 422 and "0 đến 10" in response.content.decode()
            client.post(f"/khoi-nghiep/giam-khao/{assignment.pk}/", {
                f"score-{criteria[0].pk}": str(a), f"score-{criteria[1].pk}": str(b),
                f"comment-{criteria[0].pk}": "Tốt"})
        # The public sees nothing before publication.
        client.logout()
        assert client.get(f"/khoi-nghiep/cuoc-thi/{call.pk}/ket-qua/").status_code == 404
        as_user(client, officer)
        confirm = client.get(f"/khoi-nghiep/cuoc-thi/{call.pk}/cong-bo/")
        assert b'name="confirm"' in confirm.content
        assert Call.objects.get().state == "open"
        client.post(f"/khoi-nghiep/cuoc-thi/{call.pk}/cong-bo/", {"confirm": "yes"})
    client.logout()
    page = client.get(f"/khoi-nghiep/cuoc-thi/{call.pk}/ket-qua/").content.decode()
    # (40·8 + 60·6)/10 = 68 and (40·6 + 60·8)/10 = 72: 70.00, spread 4.00
    assert "70,00" in page and "4,00" in page and "HTX Hồi Văn Quan" in page  # vi: comma


def test_a_bad_file_is_refused_by_content_on_the_form(client, founder, officer, commune, call):
    profile = published_profile(founder, officer, commune)
    response = as_user(client, founder).post(f"/khoi-nghiep/cuoc-thi/{call.pk}/nop/", {
        "profile": profile.pk, "project_title": "Dự án", "summary": "Tóm tắt",
        "attachment-0": upload(b"MZ\x90\x00 not a pdf", "ke-hoach.pdf")})
    assert response.status_code == 422
    assert "Kế hoạch kinh doanh" in response.content.decode()
    assert not Application.objects.exists()
    response = client.post(f"/khoi-nghiep/cuoc-thi/{call.pk}/nop/", {
        "profile": profile.pk, "project_title": "Dự án", "summary": "Tóm tắt",
        "attachment-0": upload(PDF)})
    assert response.status_code == 302


def test_the_showcase_reads_the_stores_live(client, db):
    from tinhso.core.demo import seed_administrative_units
    from tinhso.market.demo import seed_market
    from tinhso.market.models import Product

    seed_administrative_units()
    seed_market("pw-Lạng-Sơn-1")
    from django.utils import timezone

    from tinhso.innovation.selectors import showcase

    first = showcase(today=timezone.localdate(), limit=1)[0]
    product = Product.objects.select_related("shop").get(pk=first["id"])
    assert first["ocop_stars"] or product.is_specialty
    page = client.get("/khoi-nghiep/san-pham/").content.decode()
    assert product.name in page
    assert f"/cho/{product.shop.slug}/{product.slug}/" in page
    Product.objects.filter(pk=product.pk).update(price_vnd=123_457, stock=0)
    page = client.get("/khoi-nghiep/san-pham/").content.decode()
    card = page[page.index(product.name):][:1500]
    assert "123.457" in card and "Hết hàng" in card


def test_events_export_as_icalendar(client):
    event = Event.objects.create(
        title_vi="Ngày hội khởi nghiệp Xứ Lạng", title_en="Xu Lang startup day",
        body_vi="Gặp gỡ nhà đầu tư.", location="Quảng trường 17/10",
        starts_at=vn(2026, 12, 12, 8, 0), ends_at=vn(2026, 12, 12, 17, 0))
    data = client.get("/khoi-nghiep/su-kien.ics")
    assert data["Content-Type"].startswith("text/calendar")
    from icalendar import Calendar

    parsed = Calendar.from_ical(data.content)
    [vevent] = parsed.walk("VEVENT")
    assert str(vevent["summary"]) == "Ngày hội khởi nghiệp Xứ Lạng"
    assert vevent.decoded("dtstart") == vn(2026, 12, 12, 8, 0)
    assert client.get(f"/khoi-nghiep/su-kien/{event.pk}.ics").status_code == 200


def test_news_in_the_readers_language(client):
    item = News.objects.create(title_vi="Tỉnh hỗ trợ 10 dự án khởi nghiệp",
                               title_en="Province funds 10 startups", body_vi="Nội dung.",
                               body_en="Text.", published_at=vn(2026, 12, 1, 8, 0))
    assert "Tỉnh hỗ trợ 10 dự án" in client.get(f"/khoi-nghiep/tin-tuc/{item.pk}/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(f"/khoi-nghiep/tin-tuc/{item.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Province funds 10 startups" in english.content.decode()


def test_figures_page_and_json(client, officer, founder, commune):
    published_profile(founder, officer, commune)
    as_user(client, officer)
    data = client.get("/khoi-nghiep/so-lieu.json").json()
    assert data["profiles"] == 1
    assert data["by_field"] == [{"field": "agriculture", "label": "Nông, lâm nghiệp",
                                 "count": 1}]
    assert data["by_commune"][0]["name"] == "Đồng Đăng"
    assert client.get("/khoi-nghiep/so-lieu/").status_code == 200


def test_deadline_passed_message_on_the_edit_page(client, founder, officer, commune, call,
                                                  deadline):
    profile = published_profile(founder, officer, commune)
    application = services.submit_application(
        actor=founder, call=call, profile=profile, uploads={0: upload()},
        data=services.ApplicationInput("Dự án", "Tóm tắt", 0))
    with time_machine.travel(deadline + timedelta(seconds=1), tick=False):
        response = as_user(client, founder).get(f"/khoi-nghiep/ho-so/{application.pk}/sua/",
                                                follow=True)
    assert "Đã quá hạn nộp" in response.content.decode()


def test_news_scheduled_for_later_is_not_shown_yet(client):
    later = News.objects.create(title_vi="Tin hẹn giờ", body_vi="Sau",
                                published_at=vn(2026, 12, 3, 8, 0))
    assert client.get(f"/khoi-nghiep/tin-tuc/{later.pk}/").status_code == 404
    assert "Tin hẹn giờ" not in client.get("/khoi-nghiep/").content.decode()
