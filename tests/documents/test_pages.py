"""Pages: each role's pages render in Vietnamese without raw codes; the walk from draft to
issue to registration and assignment through the forms; someone else's or a secret
document is a 404, its download too."""

import pytest
from django.test import Client

from tests.core.test_vietnamese_pages import problems_in
from tinhso.documents import services
from tinhso.documents.models import IncomingDocument, OutgoingDocument

from .conftest import issue, make_draft, pdf_upload


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def filled(world):
    doc = issue(world, make_draft(world, to=("sct",)))
    services.send(actor=world.staff["ubnd"]["vanthu"], document=doc)
    draft = make_draft(world, excerpt="Dự thảo chưa trình")
    incoming = IncomingDocument.objects.get(from_outgoing=doc)
    return doc, draft, incoming


@pytest.mark.parametrize("who", ["vanthu", "lanhdao", "truongphong", "chuyenvien"])
def test_every_page_of_every_role_is_vietnamese(world, filled, who):
    doc, draft, incoming = filled
    for agency in ("ubnd", "sct"):
        client = client_for(world.staff[agency][who])
        urls = ["/documents/", "/documents/incoming/", "/documents/outgoing/",
                "/documents/incoming/?q=thu+nghiem&state=received",
                "/documents/outgoing/?q=du+thao&doc_type=cong_van"]
        if agency == "ubnd":
            urls += [f"/documents/outgoing/{doc.pk}/", f"/documents/outgoing/{draft.pk}/",
                     f"/documents/outgoing/{draft.pk}/do/submit/"]
        else:
            urls += [f"/documents/incoming/{incoming.pk}/"]
        if who == "vanthu":
            urls.append("/documents/incoming/new/")
        if who != "vanthu":
            urls.append("/documents/outgoing/new/")
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            html = response.content.decode()
            assert problems_in(html) == [], (url, problems_in(html))


def test_the_forms_walk_from_draft_to_assigned(world):
    ubnd, sct = world.staff["ubnd"], world.staff["sct"]
    drafter = client_for(ubnd["chuyenvien"])
    response = drafter.post("/documents/outgoing/new/", {
        "agency": world.agencies["ubnd"].pk, "doc_type": "bao_cao", "excerpt": "Báo cáo tuần",
        "signer": ubnd["lanhdao"].pk, "signer_title": "Chủ tịch", "authority": "TM.",
        "authority_of": "Ủy ban nhân dân", "urgency": "thuong", "confidentiality": "thuong",
        "recipients": [world.agencies["sct"].pk], "body": pdf_upload()})
    assert response.status_code == 302
    doc = OutgoingDocument.objects.get()
    drafter.post(f"/documents/outgoing/{doc.pk}/do/submit/", {"confirm": "yes"})
    client_for(ubnd["lanhdao"]).post(f"/documents/outgoing/{doc.pk}/do/approve/",
                                     {"confirm": "yes"})
    clerk = client_for(ubnd["vanthu"])
    assert clerk.get(f"/documents/outgoing/{doc.pk}/do/issue/").status_code == 200  # asks
    doc.refresh_from_db()
    assert doc.number is None
    clerk.post(f"/documents/outgoing/{doc.pk}/do/issue/", {"confirm": "yes"})
    send = clerk.get(f"/documents/outgoing/{doc.pk}/send/")  # asks, naming the recipients
    assert send.status_code == 200 and "Sở Công Thương" in send.content.decode()
    clerk.post(f"/documents/outgoing/{doc.pk}/send/")  # without the confirmation: nothing
    assert not IncomingDocument.objects.filter(from_outgoing=doc).exists()
    clerk.post(f"/documents/outgoing/{doc.pk}/send/", {"confirm": "yes"})
    doc.refresh_from_db()
    assert doc.number_symbol == "01/BC-UBND"
    incoming = IncomingDocument.objects.get(from_outgoing=doc)
    client_for(sct["vanthu"]).post(f"/documents/incoming/{incoming.pk}/register/")
    client_for(sct["lanhdao"]).post(f"/documents/incoming/{incoming.pk}/assign/", {
        "assignee": sct["chuyenvien"].pk, "working_days": "5", "instructions": "Xử lý"})
    incoming.refresh_from_db()
    assert incoming.arrival_number == 1 and incoming.state == "assigned"
    page = client_for(sct["chuyenvien"]).get("/documents/").content.decode()
    assert "01/BC-UBND" in page


def test_form_errors_name_the_field_in_both_languages(world):
    clerk = client_for(world.staff["ubnd"]["vanthu"])
    response = clerk.post("/documents/incoming/new/", {
        "agency": world.agencies["ubnd"].pk, "sender_name": "Bộ Tài chính",
        "number_symbol": "3/BTC", "doc_date": "2026-11-30", "doc_type": "cong_van",
        "excerpt": "Thử", "urgency": "thuong", "confidentiality": "thuong",
        "file": pdf_upload().__class__(b"not a pdf at all")})
    assert response.status_code == 422
    assert 'data-field="file"' in response.content.decode()


def test_secret_and_foreign_documents_are_404_on_pages_and_downloads(world):
    secret = services.register_scanned(
        actor=world.staff["ubnd"]["vanthu"], agency=world.agencies["ubnd"],
        upload=pdf_upload(), sender_name="Công an tỉnh", number_symbol="5/CAT-PV01",
        doc_date=__import__("datetime").date(2026, 11, 30), doc_type="cong_van",
        excerpt="Tài liệu mật", confidentiality="tuyet_mat")
    for user in (world.staff["ubnd"]["chuyenvien"], world.staff["sct"]["lanhdao"]):
        client = client_for(user)
        assert client.get(f"/documents/incoming/{secret.pk}/").status_code == 404
        assert client.get(f"/documents/incoming/{secret.pk}/pdf/").status_code == 404
        assert client.post(f"/documents/incoming/{secret.pk}/opinion/",
                           {"text": "x"}).status_code == 404
    assert client_for(world.staff["ubnd"]["lanhdao"]).get(
        f"/documents/incoming/{secret.pk}/pdf/").status_code == 200


def test_the_clerk_returns_a_received_document_from_its_confirmation_page(world, filled):
    doc, _draft, incoming = filled
    url = f"/documents/incoming/{incoming.pk}/return/"
    # only the receiving agency's clerk reaches the page
    assert client_for(world.staff["sct"]["chuyenvien"]).get(url).status_code == 404
    assert client_for(world.staff["ubnd"]["vanthu"]).get(url).status_code == 404
    clerk = client_for(world.staff["sct"]["vanthu"])
    page = clerk.get(url)
    assert page.status_code == 200 and problems_in(page.content.decode()) == []
    refused = clerk.post(url, {"confirm": "yes", "reason": "other", "note": ""})
    assert refused.status_code == 200 and 'data-field="note"' in refused.content.decode()
    incoming.refresh_from_db()
    assert incoming.state == "received"
    done = clerk.post(url, {"confirm": "yes", "reason": "wrong_recipient"})
    assert done.status_code == 302
    incoming.refresh_from_db()
    assert incoming.state == "returned"
    sender_page = client_for(world.staff["ubnd"]["vanthu"]).get(f"/documents/outgoing/{doc.pk}/")
    assert 'data-recipient-state="returned"' in sender_page.content.decode()
