"""Agenda items linked to the documents system: the organiser picks only documents they
may see (a secret paper is never offered to someone the documents system keeps it from,
and a forged id is refused naming the field, nothing booked); the meeting page and the API
link the document only for viewers allowed to read it; everyone else sees it withheld,
without number or excerpt (the province leader, a participating commune, the point's
anonymous page)."""

import io
from datetime import date

import pytest

from tests.meetings.conftest import at, book
from tinhso.accounts.models import User
from tinhso.core import pdf as corepdf
from tinhso.core.errors import InvalidInput
from tinhso.documents import demo as documents_demo
from tinhso.documents import services as documents
from tinhso.meetings import selectors, services
from tinhso.meetings.models import AgendaItem, ConferencePoint, Meeting

pytestmark = pytest.mark.django_db
API = "/api/v1/meetings"
SECRET_EXCERPT = "Báo cáo tình hình an ninh biên giới"
PLAIN_EXCERPT = "V/v hỗ trợ tiêu thụ nông sản vụ thu hoạch"


def _upload(text: str):
    buffer = io.BytesIO(corepdf.simple_document("Văn bản", [text]))
    buffer.name = "vb.pdf"
    return buffer


@pytest.fixture
def papers(points, settings, tmp_path):
    """Two incoming documents of the province People's Committee: one plain, one secret
    (Mật), registered by its clerk."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.DOCUMENT_AXIS_DIR = tmp_path / "axis"
    world = documents_demo.seed_reference(password=None)
    ubnd = world["agencies"]["000.00.00.H20"]
    staff = world["staff"]["000.00.00.H20"]
    plain = documents.register_scanned(
        actor=staff["vanthu"], agency=ubnd, upload=_upload("Nông sản"),
        sender_name="Sở Nông nghiệp và Môi trường", number_symbol="88/SNNMT-TTBVTV",
        doc_date=date(2026, 11, 25), doc_type="cong_van", excerpt=PLAIN_EXCERPT)
    secret = documents.register_scanned(
        actor=staff["vanthu"], agency=ubnd, upload=_upload("An ninh"),
        sender_name="Bộ Chỉ huy Bộ đội Biên phòng tỉnh", number_symbol="12/BC-BCH",
        doc_date=date(2026, 11, 26), doc_type="bao_cao", confidentiality="mat",
        excerpt=SECRET_EXCERPT)
    return {"plain": plain, "secret": secret, "leader": staff["lanhdao"]}


def _dong_dang() -> str:
    return ConferencePoint.objects.get(organization__code="xa-dong-dang").code


def _secret_meeting(papers, province, hall):
    """The agency leader (who may read the secret report) puts it on the agenda."""
    return book(papers["leader"], province, hall, at(1, 9), at(1, 10),
                point_codes=[_dong_dang(), "so-y-te"],
                agenda=[services.AgendaEntry("Tình hình biên giới",
                                             incoming_document=papers["secret"].pk),
                        services.AgendaEntry("Tiêu thụ nông sản", "Tờ trình ngoài",
                                             incoming_document=papers["plain"].pk)])


def test_the_organiser_is_offered_only_the_documents_they_may_see(papers, secretary):
    offered = dict(selectors.agenda_document_choices(secretary)["incoming"])
    assert f"incoming:{papers['plain'].pk}" in offered
    assert f"incoming:{papers['secret'].pk}" not in offered  # a specialist: no secret papers
    assert not any(SECRET_EXCERPT in label for label in offered.values())
    leader = dict(selectors.agenda_document_choices(papers["leader"])["incoming"])
    assert f"incoming:{papers['secret'].pk}" in leader
    # Nobody outside the agency is offered its papers.
    commune = User.objects.get(email="xa@demo.tinhso.vn")
    assert selectors.agenda_document_choices(commune) == {"outgoing": [], "incoming": []}


def test_the_scheduling_page_lists_the_plain_paper_but_never_the_secret_one(
        client, papers, secretary):
    client.force_login(secretary)
    page = client.get("/meetings/new/").content.decode()
    assert PLAIN_EXCERPT in page and f'value="incoming:{papers["plain"].pk}"' in page
    assert SECRET_EXCERPT not in page and "12/BC-BCH" not in page


def test_linking_a_secret_document_one_may_not_see_is_refused_and_books_nothing(
        client, papers, secretary, province, hall):
    with pytest.raises(InvalidInput) as refused:
        book(secretary, province, hall, at(1, 9), at(1, 10), point_codes=["so-y-te"],
             agenda=[services.AgendaEntry("Biên giới",
                                          incoming_document=papers["secret"].pk)])
    [error] = refused.value.errors
    assert error.field == "agenda[0].document"
    # The same words as for a document that does not exist: nothing told of the secret one.
    with pytest.raises(InvalidInput) as missing:
        book(secretary, province, hall, at(1, 9), at(1, 10), point_codes=["so-y-te"],
             agenda=[services.AgendaEntry("Biên giới", incoming_document=999999)])
    assert missing.value.errors[0].message("vi") == error.message("vi")
    assert "không tồn tại" in error.message("vi") and "may not see" in error.message("en")
    assert not Meeting.objects.exists() and not AgendaItem.objects.exists()

    # The page (a forged option value) and the API answer 422 naming the field.
    client.force_login(secretary)
    response = client.post("/meetings/new/", {
        "title": "Giao ban", "level": "province", "host_room": hall.pk, "day": "2026-12-03",
        "start": "09:00", "end": "10:00", "points": ["so-y-te"],
        "agenda_title": ["Biên giới"], "agenda_document": [f"incoming:{papers['secret'].pk}"],
        "agenda_ref": [""]})
    assert response.status_code == 422
    assert "bạn không được xem" in response.content.decode()
    response = client.post(API, {
        "title": "Giao ban", "level": "province", "host_room": hall.pk,
        "starts_at": at(1, 9).isoformat(), "ends_at": at(1, 10).isoformat(),
        "points": ["so-y-te"],
        "agenda": [{"title": "Biên giới", "incoming_document": papers["secret"].pk}]},
        content_type="application/json")
    assert response.status_code == 422
    assert "agenda[0].document" in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_page_links_a_plain_document_for_the_organiser(client, papers, secretary, hall):
    client.force_login(secretary)
    response = client.post("/meetings/new/", {
        "title": "Giao ban", "level": "province", "host_room": hall.pk, "day": "2026-12-03",
        "start": "09:00", "end": "10:00", "points": ["so-y-te"],
        "agenda_title": ["Nông sản", "Ý kiến các sở", ""],
        "agenda_document": [f"incoming:{papers['plain'].pk}", "", ""],
        "agenda_ref": ["", "Tờ trình 5/TTr-SCT", ""]})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    first, second = meeting.agenda.all()
    assert first.incoming_document == papers["plain"] and first.document_ref == ""
    assert second.incoming_document is None and second.document_ref == "Tờ trình 5/TTr-SCT"
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'href="/documents/incoming/{papers["plain"].pk}/"' in page
    assert PLAIN_EXCERPT in page and "Tờ trình 5/TTr-SCT" in page


def test_a_secret_agenda_document_is_withheld_from_everyone_not_allowed(
        client, papers, province, hall):
    meeting = _secret_meeting(papers, province, hall)
    secret_link = f'/documents/incoming/{papers["secret"].pk}/'
    plain_link = f'/documents/incoming/{papers["plain"].pk}/'

    client.force_login(papers["leader"])  # allowed: the link, number and excerpt
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert secret_link in page and SECRET_EXCERPT in page and "12/BC-BCH" in page

    # The organising agency's specialist sees the meeting and the plain paper, not the
    # secret one: "Văn bản mật", no number, no excerpt, no link; the API says the same.
    client.force_login(User.objects.get(email="hoinghi@demo.tinhso.vn"))
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Văn bản mật" in page and plain_link in page
    assert secret_link not in page and SECRET_EXCERPT not in page and "12/BC-BCH" not in page
    data = client.get(f"{API}/{meeting.pk}").json()
    secret_item, plain_item = data["agenda"]
    assert secret_item["linked_document"] == {
        "kind": "", "id": None, "withheld": True, "secret": True, "number": "", "excerpt": "",
        "url": ""}
    assert plain_item["linked_document"]["id"] == papers["plain"].pk
    assert SECRET_EXCERPT not in str(data) and "12/BC-BCH" not in str(data)

    # The province leader sees every meeting, but not the agency's secret papers; the
    # commune whose point takes part sees neither paper (another agency's documents).
    for email in ("lanhdao@demo.tinhso.vn", "xa@demo.tinhso.vn"):
        client.force_login(User.objects.get(email=email))
        page = client.get(f"/meetings/{meeting.pk}/").content.decode()
        assert "Văn bản mật" in page, email
        assert secret_link not in page and SECRET_EXCERPT not in page, email
        assert "12/BC-BCH" not in page, email
        listed = client.get(API).content.decode()
        assert SECRET_EXCERPT not in listed and "12/BC-BCH" not in listed, email
    assert "Văn bản của cơ quan khác" in page  # the commune, for the plain paper
    assert plain_link not in page and PLAIN_EXCERPT not in page

    # The point's own page (the invitation link, no login) withholds both.
    client.logout()
    token = meeting.point_bookings.get(point__code="so-y-te").token
    page = client.get(f"/meetings/p/{token}/").content.decode()
    assert "Văn bản mật" in page and SECRET_EXCERPT not in page and PLAIN_EXCERPT not in page
    assert "/documents/" not in page


def test_a_deleted_document_leaves_the_item_and_its_free_text(papers, province, hall):
    meeting = _secret_meeting(papers, province, hall)
    AgendaItem.objects.filter(meeting=meeting).update(incoming_document=None)
    rows = selectors.agenda_for(meeting, papers["leader"])
    assert [(r["title"], r["document_ref"], r["linked"]) for r in rows] == [
        ("Tình hình biên giới", "", None), ("Tiêu thụ nông sản", "Tờ trình ngoài", None)]
