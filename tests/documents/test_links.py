"""A document linked to a public-service dossier or a meeting (issue 13 §5): who may link,
bad input, idempotency, the document's page (add, remove with a confirmation), the API,
and the "Văn bản liên quan" list on the dossier's and the meeting's pages, which shows a
secret document only to those allowed to see it."""

import threading
from datetime import date, datetime, timedelta

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from tests.factories import user_with_role
from tinhso.accounts.models import Organization, Role
from tinhso.core.errors import DomainError
from tinhso.core.models import AuditEntry
from tinhso.documents import selectors, services
from tinhso.documents.models import DocumentLink
from tinhso.meetings.models import ConferencePoint, Meeting, Room
from tinhso.publicservices.models import Agency as ServiceAgency
from tinhso.publicservices.models import Dossier, Procedure

from .conftest import make_draft, pdf_upload

API = "/api/v1/documents"
CODE = "H20.01-261130-010042"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def _dossier(org, code, agency_code):
    agency = ServiceAgency.objects.create(code=agency_code, name=org.name, level="province",
                                          organization=org)
    procedure = Procedure.objects.get_or_create(
        code="MAU.LINK", defaults={"name": "Cấp giấy phép kinh doanh", "field": "Thương mại",
                                   "level": "province", "processing_days": 5})[0]
    return Dossier.objects.create(procedure=procedure, agency=agency, receiving_agency=agency,
                                  code=code, channel="desk", state="processing",
                                  applicant_name="Nguyễn Thị Lan")


def _meeting(org, chair, title="Họp bàn kế hoạch chuyển đổi số"):
    point = ConferencePoint.objects.create(code=f"p-{org.code}", name=f"Điểm cầu {org.name}",
                                           kind="province", organization=org)
    room = Room.objects.create(point=point, name="Phòng họp 1", capacity=30)
    start = datetime(2026, 12, 10, 8, 0).astimezone()
    return Meeting.objects.create(title=title, level="province", organizer=org, chair=chair,
                                  chair_name=chair.full_name, host_room=room, starts_at=start,
                                  ends_at=start + timedelta(hours=2),
                                  room_name=f"r-{org.code}", uid=f"u-{org.code}@tinhso")


@pytest.fixture
def linked(world):
    """UBND tỉnh: a dossier and a meeting of its own, a plain and a secret incoming
    document; Sở Công Thương: a dossier of its own."""
    ubnd = world.staff["ubnd"]
    clerk = ubnd["vanthu"]

    def scanned(excerpt, number, confidentiality="thuong"):
        return services.register_scanned(
            actor=clerk, agency=world.agencies["ubnd"], upload=pdf_upload("Công văn", excerpt),
            sender_name="Sở Tài chính", number_symbol=number, doc_date=date(2026, 11, 25),
            doc_type="cong_van", excerpt=excerpt, confidentiality=confidentiality)

    class Linked:
        plain = scanned("Về việc thẩm định hồ sơ cấp phép kinh doanh", "15/STC-QLG")
        secret = scanned("Về việc xác minh nhân thân người nộp hồ sơ", "03/STC-M", "mat")
        dossier = _dossier(world.agencies["ubnd"].organization, CODE, "H20.01")
        other_dossier = _dossier(world.agencies["sct"].organization,
                                 "H20.09-261130-010001", "H20.09")
        meeting = _meeting(world.agencies["ubnd"].organization, ubnd["lanhdao"])

    return Linked


def _audits(action):
    return AuditEntry.objects.filter(action=action).count()


# --- the service ----------------------------------------------------------------------

def test_link_is_idempotent_and_audited_once(world, linked):
    specialist = world.staff["ubnd"]["chuyenvien"]
    link, created = services.link_document(actor=specialist, document=linked.plain,
                                           dossier_code=CODE.lower())  # typed in lower case
    assert created and link.dossier == linked.dossier
    again, created = services.link_document(actor=specialist, document=linked.plain,
                                            dossier_code=f" {CODE} ")
    assert not created and again.pk == link.pk
    assert DocumentLink.objects.count() == 1 and _audits("documents.linked") == 1
    assert services.unlink_document(actor=specialist, link=link) is True
    assert services.unlink_document(actor=specialist, link=link) is False
    assert DocumentLink.objects.count() == 0 and _audits("documents.unlinked") == 1


def test_unknown_or_invisible_dossier_and_meeting_are_refused_naming_the_field(world, linked):
    specialist = world.staff["ubnd"]["chuyenvien"]
    for code in ("H20.01-000000-999999", linked.other_dossier.code):  # unknown; another agency's
        with pytest.raises(DomainError) as error:
            services.link_document(actor=specialist, document=linked.plain, dossier_code=code)
        assert error.value.code == "documents.unknown_dossier"
        assert error.value.field == "dossier_code"
        assert "hồ sơ" in error.value.message_vi and "dossier" in error.value.message_en
    with pytest.raises(DomainError) as error:
        services.link_document(actor=specialist, document=linked.plain, meeting_id=10**9)
    assert (error.value.code, error.value.field) == ("documents.unknown_meeting", "meeting_id")
    for kwargs in ({}, {"dossier_code": CODE, "meeting_id": linked.meeting.pk}):
        with pytest.raises(DomainError) as error:
            services.link_document(actor=specialist, document=linked.plain, **kwargs)
        assert error.value.code == "documents.link_target"
    assert DocumentLink.objects.count() == 0 and _audits("documents.linked") == 0


def test_who_may_not_link(world, linked):
    # Another agency's staff cannot see the document; a one-stop officer of the same
    # agency sees it but does not work on documents; the specialist does not see the
    # secret one.
    desk = user_with_role(Role.ONE_STOP_OFFICER, world.agencies["ubnd"].organization)
    for actor, doc in ((world.staff["sct"]["lanhdao"], linked.plain), (desk, linked.plain),
                       (world.staff["ubnd"]["chuyenvien"], linked.secret)):
        with pytest.raises(DomainError) as error:
            services.link_document(actor=actor, document=doc, meeting_id=linked.meeting.pk)
        assert error.value.code == "documents.not_allowed"
    link, _ = services.link_document(actor=world.staff["ubnd"]["lanhdao"],
                                     document=linked.secret, meeting_id=linked.meeting.pk)
    with pytest.raises(DomainError):
        services.unlink_document(actor=world.staff["ubnd"]["chuyenvien"], link=link)
    assert DocumentLink.objects.filter(pk=link.pk).exists()


def test_an_outgoing_draft_links_to_a_meeting(world, linked):
    draft = make_draft(world, excerpt="Tờ trình kế hoạch chuyển đổi số năm 2027")
    link, created = services.link_document(actor=world.staff["ubnd"]["chuyenvien"],
                                           document=draft, meeting_id=linked.meeting.pk)
    assert created and link.outgoing == draft and link.kind == "outgoing"
    rows = selectors.related_documents(world.staff["ubnd"]["truongphong"],
                                       meeting=linked.meeting)
    assert [(r.kind, r.pk) for r in rows] == [("outgoing", draft.pk)]


# --- the other side: who must NOT see a secret linked document -------------------------

def test_related_documents_respect_confidentiality(world, linked):
    ubnd = world.staff["ubnd"]
    for doc in (linked.plain, linked.secret):
        services.link_document(actor=ubnd["lanhdao"], document=doc, dossier_code=CODE)
        services.link_document(actor=ubnd["lanhdao"], document=doc,
                               meeting_id=linked.meeting.pk)

    def seen(user, **target):
        return {r.pk for r in selectors.related_documents(user, **target)}

    both = {linked.plain.pk, linked.secret.pk}
    assert seen(ubnd["lanhdao"], dossier=linked.dossier) == both
    assert seen(ubnd["chuyenvien"], dossier=linked.dossier) == {linked.plain.pk}
    assert seen(ubnd["chuyenvien"], meeting=linked.meeting) == {linked.plain.pk}
    assert seen(world.staff["sct"]["lanhdao"], meeting=linked.meeting) == set()
    # Given the secret document to handle, the specialist sees it there too.
    services.assign(actor=ubnd["lanhdao"], document=linked.secret,
                    assignee=ubnd["chuyenvien"], working_days=3)
    assert seen(ubnd["chuyenvien"], dossier=linked.dossier) == both


def test_dossier_page_lists_only_documents_the_officer_may_see(world, linked):
    ubnd = world.staff["ubnd"]
    for doc in (linked.plain, linked.secret):
        services.link_document(actor=ubnd["lanhdao"], document=doc, dossier_code=CODE)
    url = f"/public-services/dossiers/{linked.dossier.pk}/"
    page = client_for(ubnd["lanhdao"]).get(url)
    assert page.status_code == 200, page.content[:300]
    html = page.content.decode()
    assert "Văn bản liên quan" in html
    assert "15/STC-QLG" in html and "03/STC-M" in html
    html = client_for(ubnd["chuyenvien"]).get(url).content.decode()
    assert "15/STC-QLG" in html
    assert "03/STC-M" not in html and "xác minh nhân thân" not in html
    # The one-stop officer handles the dossier, not the agency's secret documents.
    desk = user_with_role(Role.ONE_STOP_OFFICER, world.agencies["ubnd"].organization)
    html = client_for(desk).get(url).content.decode()
    assert "03/STC-M" not in html and "xác minh nhân thân" not in html


def test_meeting_page_lists_only_documents_the_viewer_may_see(world, linked):
    ubnd = world.staff["ubnd"]
    for doc in (linked.plain, linked.secret):
        services.link_document(actor=ubnd["lanhdao"], document=doc,
                               meeting_id=linked.meeting.pk)
    url = f"/meetings/{linked.meeting.pk}/"
    html = client_for(ubnd["lanhdao"]).get(url).content.decode()
    assert "Văn bản liên quan" in html and "03/STC-M" in html and "15/STC-QLG" in html
    html = client_for(ubnd["truongphong"]).get(url).content.decode()
    assert "15/STC-QLG" in html and "03/STC-M" not in html
    # The province leader sees every meeting, but documents only of his own agency.
    leader = user_with_role(Role.PROVINCE_LEADER, Organization.objects.get(code="so-cong-thuong"))
    page = client_for(leader).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Văn bản liên quan" not in html and "STC-" not in html


# --- the document's page --------------------------------------------------------------

def test_page_adds_a_link_and_removes_it_after_a_confirmation(world, linked):
    specialist = client_for(world.staff["ubnd"]["chuyenvien"])
    url = f"/documents/incoming/{linked.plain.pk}/"
    page = specialist.get(url).content.decode()
    assert "Hồ sơ, cuộc họp liên quan" in page and 'name="dossier_code"' in page
    assert linked.meeting.title in page  # offered in the meeting list
    response = specialist.post(f"{url}links/", {"dossier_code": CODE})
    assert response.status_code == 302
    link = DocumentLink.objects.get()
    page = specialist.get(url).content.decode()
    assert CODE in page and f"/public-services/dossiers/{linked.dossier.pk}/" in page
    # A bad code: the page says why, naming the field, and nothing is written.
    specialist.post(f"{url}links/", {"dossier_code": "KHONG-CO"})
    page = specialist.get(url).content.decode()
    assert 'data-field="dossier_code"' in page and "Không có hồ sơ" in page
    assert DocumentLink.objects.count() == 1
    # Removing asks first; only the confirmation form acts; a second tap is harmless.
    remove = f"{url}links/{link.pk}/remove/"
    confirm = specialist.get(remove)
    assert confirm.status_code == 200 and "Bỏ liên kết?" in confirm.content.decode()
    assert DocumentLink.objects.count() == 1
    assert specialist.post(remove, {}).status_code == 200  # without confirm=yes
    assert DocumentLink.objects.count() == 1
    assert specialist.post(remove, {"confirm": "yes"}).status_code == 302
    assert DocumentLink.objects.count() == 0
    assert specialist.post(remove, {"confirm": "yes"}).status_code == 302
    assert _audits("documents.unlinked") == 1


def test_page_of_a_viewer_who_may_not_link_has_no_form(world, linked):
    desk = user_with_role(Role.ONE_STOP_OFFICER, world.agencies["ubnd"].organization)
    link, _ = services.link_document(actor=world.staff["ubnd"]["chuyenvien"],
                                     document=linked.plain, dossier_code=CODE)
    client = client_for(desk)
    page = client.get(f"/documents/incoming/{linked.plain.pk}/").content.decode()
    assert 'name="dossier_code"' not in page and "Bỏ liên kết" not in page
    remove = f"/documents/incoming/{linked.plain.pk}/links/{link.pk}/remove/"
    assert client.get(remove).status_code == 404
    client.post(f"/documents/incoming/{linked.plain.pk}/links/",
                {"meeting_id": linked.meeting.pk})
    assert DocumentLink.objects.count() == 1
    # The secret document's links page is a 404 for the specialist, as the document is.
    assert client_for(world.staff["ubnd"]["chuyenvien"]).post(
        f"/documents/incoming/{linked.secret.pk}/links/", {"dossier_code": CODE}
    ).status_code == 404


# --- the API --------------------------------------------------------------------------

def test_api_links_are_idempotent_and_bad_input_is_422(world, linked):
    api = client_for(world.staff["ubnd"]["chuyenvien"])
    url = f"{API}/incoming/{linked.plain.pk}/links"
    first = api.post(url, {"dossier_code": CODE}, content_type="application/json")
    assert first.status_code == 201 and first.json()["created"] is True
    second = api.post(url, {"dossier_code": CODE}, content_type="application/json")
    assert second.status_code == 200 and second.json()["created"] is False
    assert second.json()["id"] == first.json()["id"]
    bad = api.post(url, {"dossier_code": "H20.01-000000-999999"},
                   content_type="application/json")
    assert bad.status_code == 422
    detail = bad.json()["detail"][0]
    assert detail["field"] == "dossier_code" and detail["message_vi"] and detail["message_en"]
    assert api.get(url).json()[0]["label"].startswith(CODE)
    related = api.get(f"{API}/related", {"dossier_code": CODE}).json()
    assert [r["number_symbol"] for r in related] == ["15/STC-QLG"]
    link_id = first.json()["id"]
    assert api.delete(f"{url}/{link_id}").status_code == 204
    assert api.delete(f"{url}/{link_id}").status_code == 204
    assert api.get(url).json() == []
    # Someone else's document, a secret one: 404 as everywhere.
    assert client_for(world.staff["sct"]["lanhdao"]).get(url).status_code == 404
    secret = f"{API}/incoming/{linked.secret.pk}/links"
    assert api.post(secret, {"meeting_id": linked.meeting.pk},
                    content_type="application/json").status_code == 404
    assert api.get(f"{API}/related", {"dossier_code": linked.other_dossier.code}
                   ).status_code == 422


def test_api_related_leaves_out_the_secret_document(world, linked):
    ubnd = world.staff["ubnd"]
    for doc in (linked.plain, linked.secret):
        services.link_document(actor=ubnd["lanhdao"], document=doc,
                               meeting_id=linked.meeting.pk)
    query = {"meeting_id": linked.meeting.pk}
    leader = client_for(ubnd["lanhdao"]).get(f"{API}/related", query).json()
    assert {r["number_symbol"] for r in leader} == {"15/STC-QLG", "03/STC-M"}
    other = client_for(ubnd["truongphong"]).get(f"{API}/related", query).json()
    assert [r["number_symbol"] for r in other] == ["15/STC-QLG"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_linking_the_same_pair_at_once_keeps_one_row(world, linked):
    people = [world.staff["ubnd"][k] for k in ("chuyenvien", "truongphong", "lanhdao")] * 2
    barrier = threading.Barrier(len(people))
    created, errors = [], []

    def work(user):
        close_old_connections()
        try:
            barrier.wait()
            created.append(services.link_document(actor=user, document=linked.plain,
                                                  dossier_code=CODE)[1])
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(u,)) for u in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(created) == [False] * 5 + [True]
    assert DocumentLink.objects.count() == 1 and _audits("documents.linked") == 1
