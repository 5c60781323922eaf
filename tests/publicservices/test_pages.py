"""Pages of part B: statistics (with the Excel export), public tracking with its second
factor and rate limit, rating, the officers' console, dossier actions with confirmation,
and the tracking register."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import user_with_role
from tinhso.accounts.models import Role
from tinhso.publicservices import services
from tinhso.publicservices.models import Dossier, Level, ProcedureStep, StepKind
from tinhso.publicservices.models import DossierState as S
from tinhso.publicservices.ratings import SatisfactionRating

from . import sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    where = sample.agency("H20.01", Level.COMMUNE, name="UBND xã Hữu Lũng")
    proc = sample.procedure()
    for order, (kind, half) in enumerate([(StepKind.RECEPTION, 1), (StepKind.APPRAISAL, 3),
                                          (StepKind.APPROVAL, 2)], start=1):
        ProcedureStep.objects.create(procedure=proc, order=order, kind=kind,
                                     name=str(kind.label), half_days=half)
    return where, proc


def _desk_dossier(commune, **applicant):
    where, proc = commune
    desk = user_with_role(Role.ONE_STOP_OFFICER, where.organization)
    dossier = services.receive_at_desk(actor=desk, procedure=proc, agency=where, applicant={
        "name": "Nguyễn Thị Hoa", "phone": "0912345678", "id_number": "020190004321",
        **applicant})
    return dossier, desk


# ---- tracking


def test_tracking_needs_the_code_and_the_second_factor(client, commune):
    dossier, _desk = _desk_dossier(commune)
    url = reverse("publicservices:tracking")
    for factor in ("", "0900000000", "4320", "321", "abc"):
        answer = client.post(url, {"code": dossier.code, "factor": factor})
        assert answer.status_code == 404
        assert "Nguyễn Thị Hoa" not in answer.content.decode()
        assert "Tiếp nhận:" not in answer.content.decode()
    for factor in ("0912345678", "+84 912 345 678", "4321", "020190004321"):
        answer = client.post(url, {"code": dossier.code.lower(), "factor": factor})
        page = answer.content.decode()
        assert answer.status_code == 200, factor
        assert "Đang xử lý" in page or "Being processed" in page or dossier.code in page
        assert "Nguyễn Thị Hoa" not in page  # no personal data on the public page
        assert "0912345678" not in page


def test_tracking_is_rate_limited(client, commune, settings):
    settings.TRACKING_FAILURES_PER_CODE = 3
    dossier, _desk = _desk_dossier(commune)
    url = reverse("publicservices:tracking")
    for _ in range(3):
        assert client.post(url, {"code": dossier.code, "factor": "0000"}).status_code == 404
    # Even the right factor is now refused for this code until the window passes.
    assert client.post(url, {"code": dossier.code, "factor": "4321"}).status_code == 429
    settings.TRACKING_PER_ADDRESS = 1
    from django.core.cache import cache

    cache.clear()
    assert client.post(url, {"code": dossier.code, "factor": "4321"}).status_code == 200
    assert client.post(url, {"code": dossier.code, "factor": "4321"}).status_code == 429


def test_rating_after_the_result_once_and_only_for_whoever_proved_it(client, commune):
    where, _proc = commune
    dossier, desk = _desk_dossier(commune)
    rate_url = reverse("publicservices:rate", args=[dossier.code])
    assert client.get(rate_url).status_code == 404  # not proved yet
    client.post(reverse("publicservices:tracking"), {"code": dossier.code, "factor": "4321"})
    levels = {"publicity": 3, "contacts": 2, "staff": 3, "timeliness": 3, "result": 3}
    client.post(rate_url, levels)
    assert not SatisfactionRating.objects.exists()  # no result yet: refused
    leader = user_with_role(Role.AGENCY_LEADER, where.organization)
    services.resolve_dossier(actor=leader, dossier=dossier)
    answer = client.post(rate_url, {**levels, "staff": 7})
    assert answer.status_code == 422 and "staff" not in answer.content.decode().split(
        "<main")[0]
    assert client.post(rate_url, levels).status_code == 302
    rating = SatisfactionRating.objects.get()
    assert rating.score == 90  # (2+1+2+2+2) / 10
    client.post(rate_url, levels)
    assert SatisfactionRating.objects.count() == 1


# ---- consoles and actions


def test_console_colours_and_queues(client, commune):
    where, proc = commune
    desk = user_with_role(Role.ONE_STOP_OFFICER, where.organization)
    services.submit_dossier(actor=None, procedure=proc, agency=where, channel="portal",
                            applicant={"name": "Vi Văn Tám"}, code="H20.01-261202-990001",
                            external_id="QG-1")
    mine = services.receive_at_desk(actor=desk, procedure=proc, agency=where,
                                    applicant={"name": "Lương Thị Lan"})
    late = services.receive_at_desk(actor=desk, procedure=proc, agency=where,
                                    applicant={"name": "Hoàng Văn Bảy"})
    client.force_login(desk)
    page = client.get(reverse("publicservices:console")).content.decode()
    assert "H20.01-261202-990001" in page and "Vi Văn Tám" in page  # reception queue
    assert mine.code in page and 'class="due-soon"' not in page  # three working days left
    now = timezone.now()
    Dossier.objects.filter(pk=mine.pk).update(due_at=now + timedelta(hours=2))
    Dossier.objects.filter(pk=late.pk).update(due_at=now - timedelta(hours=2))
    page = client.get(reverse("publicservices:console")).content.decode()
    assert 'class="due-soon"' in page and 'class="overdue"' in page
    assert page.index(late.code) < page.index(mine.code)  # by due date


def test_console_queries_do_not_grow_with_the_lines_and_pages_work(
        client, commune, django_assert_max_num_queries):
    where, proc = commune
    specialist = user_with_role(Role.SPECIALIST, where.organization)
    now = timezone.now()
    for n in range(55):
        sample.dossier(agency_obj=where, proc=proc, assignee=specialist,
                       due_at=now + timedelta(days=30 + n))
    client.force_login(specialist)
    client.get(reverse("publicservices:console"))  # session, calendar: warm
    with django_assert_max_num_queries(8):  # session, user, roles, agencies, calendar, list
        page = client.get(reverse("publicservices:console")).content.decode()
    assert page.count('<tr class="">') == 50 and "55 hồ sơ · trang 1" in page
    assert page.count('/hand-over/"') == 50
    second = client.get(reverse("publicservices:console"), {"page": 2}).content.decode()
    assert second.count('<tr class="">') == 5 and "Trang trước" in second
    beyond = client.get(reverse("publicservices:console"), {"page": 9}).content.decode()
    assert beyond.count('<tr class="">') == 5  # past the end: the last page


def test_the_desk_queue_shows_an_unpaid_online_fee_instead_of_the_button(client, commune):
    where, proc = commune
    desk = user_with_role(Role.ONE_STOP_OFFICER, where.organization)
    proc.fee_vnd = 20_000
    proc.save(update_fields=["fee_vnd"])
    online = services.submit_dossier(actor=None, procedure=proc, agency=where,
                                     channel="online", applicant={"name": "Vi Thị Na"})
    client.force_login(desk)
    page = client.get(reverse("publicservices:console")).content.decode()
    assert "Vi Thị Na" in page and "Chờ nộp lệ phí" in page
    assert f"/dossiers/{online.pk}/accept/" not in page
    Dossier.objects.filter(pk=online.pk).update(fee_paid_at=timezone.now())
    page = client.get(reverse("publicservices:console")).content.decode()
    assert f"/dossiers/{online.pk}/accept/" in page


def test_another_agencys_dossier_is_404_on_pages(client, commune):
    dossier, _desk = _desk_dossier(commune)
    stranger = user_with_role(Role.ONE_STOP_OFFICER, sample.agency("H20.09").organization)
    client.force_login(stranger)
    assert client.get(reverse("publicservices:dossier", args=[dossier.pk])).status_code == 404
    assert client.post(reverse("publicservices:act", args=[dossier.pk, "refuse"]),
                       {"confirm": "yes", "reason": "other", "note": "x"}).status_code == 404
    dossier.refresh_from_db()
    assert dossier.state == S.PROCESSING


def test_irreversible_actions_ask_first(client, commune):
    dossier, desk = _desk_dossier(commune)
    client.force_login(desk)
    url = reverse("publicservices:act", args=[dossier.pk, "refuse"])
    assert "không hoàn tác" in client.get(url).content.decode()
    client.post(url, {"reason": "not_eligible"})  # no confirm=yes: only the page again
    dossier.refresh_from_db()
    assert dossier.state == S.PROCESSING
    client.post(url, {"reason": "not_eligible", "confirm": "yes"})
    dossier.refresh_from_db()
    assert dossier.state == S.REFUSED


def test_one_click_hand_over_from_the_console(client, commune):
    dossier, desk = _desk_dossier(commune)
    client.force_login(desk)
    client.post(reverse("publicservices:act", args=[dossier.pk, "hand-over"]))
    dossier.refresh_from_db()
    assert dossier.current_step.order == 2


def test_register_and_its_excel(client, commune):
    from openpyxl import load_workbook

    dossier, desk = _desk_dossier(commune)
    client.force_login(desk)
    url = reverse("publicservices:register")
    assert dossier.code in client.get(url).content.decode()
    book = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    sheet = book.active
    assert sheet["B3"].value == dossier.code
    assert client.get(url, {"start": "1900-01-01"}).status_code == 422


def test_statistics_page_and_excel(client, commune):
    from openpyxl import load_workbook

    where, _proc = commune
    _desk_dossier(commune)
    leader = user_with_role(Role.PROVINCE_LEADER, sample.agency("H20.99",
                                                                Level.PROVINCE).organization)
    client.force_login(leader)
    url = reverse("publicservices:statistics")
    page = client.get(url, {"year": 2026}).content.decode()
    assert "Tiến độ giải quyết" in page and "UBND xã Hữu Lũng" in page
    assert "<script>" not in page and "style=" not in page
    for by in ("field", "procedure", "month"):
        assert client.get(url, {"year": 2026, "by": by}).status_code == 200
    assert client.get(url, {"year": 99999}).status_code == 422
    assert client.get(url, {"year": "x"}).status_code == 422
    book = load_workbook(io.BytesIO(client.get(url, {"year": 2026, "format": "xlsx"}).content))
    assert "Theo cơ quan" in book.sheetnames


def test_statistics_need_the_permission(client, commune):
    _dossier, desk = _desk_dossier(commune)
    client.force_login(desk)
    assert client.get(reverse("publicservices:statistics")).status_code == 403


def test_the_menu_offers_the_console_only_to_those_who_work_for_an_agency(client):
    """A specialist of an office that handles no procedures holds the role, but the
    console would be a 403: the menu must not lead there."""
    from tests.factories import OrganizationFactory
    from tinhso.publicservices.models import Agency

    outsider = user_with_role(Role.SPECIALIST, OrganizationFactory(code="vp-hoi-nghi"))
    client.force_login(outsider)
    assert b'href="/public-services/console/"' not in client.get("/").content
    assert client.get("/public-services/console/").status_code == 403

    agency_org = OrganizationFactory(code="ubnd-xa-thu")
    Agency.objects.create(code="H20.99", name="UBND xã Thử", level="commune",
                          organization=agency_org)
    insider = user_with_role(Role.SPECIALIST, agency_org)
    client.force_login(insider)
    assert b'href="/public-services/console/"' in client.get("/").content
    assert client.get("/public-services/console/").status_code == 200
