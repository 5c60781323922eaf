"""The documents API: a whole walk from draft to assigned, other agencies' and secret
documents are 404 (detail and download), bad input is a 422 naming the field."""

from datetime import date

import pytest
from django.test import Client

from tinhso.documents import services
from tinhso.documents.models import IncomingDocument

from .conftest import pdf_upload

API = "/api/v1/documents"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_draft_to_issued_to_received_and_assigned(world):
    ubnd, sct = world.staff["ubnd"], world.staff["sct"]
    drafter = client_for(ubnd["chuyenvien"])
    response = drafter.post(f"{API}/outgoing", {
        "agency_id": world.agencies["ubnd"].pk, "doc_type": "cong_van",
        "excerpt": "Về việc đôn đốc báo cáo chuyển đổi số", "signer_id": ubnd["lanhdao"].pk,
        "signer_title": "Chủ tịch", "authority": "TM.", "authority_of": "Ủy ban nhân dân",
        "recipient_ids": [world.agencies["sct"].pk], "body": pdf_upload()})
    assert response.status_code == 201, response.content
    doc_id = response.json()["id"]
    assert response.json()["actions"] == ["submit", "cancel"]
    assert drafter.post(f"{API}/outgoing/{doc_id}/transition", {"action": "submit"},
                        content_type="application/json").status_code == 200
    signer = client_for(ubnd["lanhdao"])
    assert signer.post(f"{API}/outgoing/{doc_id}/transition", {"action": "approve"},
                       content_type="application/json").status_code == 200
    clerk = client_for(ubnd["vanthu"])
    issued = clerk.post(f"{API}/outgoing/{doc_id}/transition", {"action": "issue"},
                        content_type="application/json").json()
    assert issued["number_symbol"] == "01/UBND" and issued["state"] == "issued"
    assert clerk.post(f"{API}/outgoing/{doc_id}/send").json()["recipients"][0]["state"] == \
        "delivered"
    pdf = clerk.get(f"{API}/outgoing/{doc_id}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    sct_clerk = client_for(sct["vanthu"])
    queue = sct_clerk.get(f"{API}/incoming", {"state": "received"}).json()
    assert queue["count"] == 1
    incoming_id = queue["items"][0]["id"]
    assert queue["items"][0]["signature_verdict"] == "valid"
    registered = sct_clerk.post(f"{API}/incoming/{incoming_id}/register").json()
    assert registered["arrival_number"] == 1
    head = client_for(sct["lanhdao"])
    assigned = head.post(f"{API}/incoming/{incoming_id}/assign",
                         {"assignee_id": sct["chuyenvien"].pk, "working_days": 3,
                          "instructions": "Tham mưu báo cáo."},
                         content_type="application/json").json()
    assert assigned["state"] == "assigned" and assigned["due_date"] == "2026-12-07"
    desk = client_for(sct["chuyenvien"]).get(f"{API}/desk").json()
    assert [d["document_id"] for d in desk["later"] + desk["due_soon"]] == [incoming_id]


def _scanned(world, confidentiality="thuong"):
    return services.register_scanned(
        actor=world.staff["ubnd"]["vanthu"], agency=world.agencies["ubnd"],
        upload=pdf_upload(), sender_name="Bộ Công Thương", number_symbol="9/BCT-XNK",
        doc_date=date(2026, 11, 20), doc_type="cong_van", excerpt="Về xuất nhập khẩu",
        confidentiality=confidentiality)


@pytest.mark.parametrize("who", ["sct-lanhdao", "ubnd-chuyenvien"])
def test_other_agency_and_secret_documents_are_404_with_downloads(world, who):
    doc = _scanned(world, confidentiality="toi_mat")
    agency, role = who.split("-")
    client = client_for(world.staff[agency][role])
    assert client.get(f"{API}/incoming/{doc.pk}").status_code == 404
    assert client.get(f"{API}/incoming/{doc.pk}/pdf").status_code == 404
    assert client.get(f"{API}/incoming").json()["count"] == 0
    assert client_for(world.staff["ubnd"]["lanhdao"]).get(
        f"{API}/incoming/{doc.pk}/pdf").status_code == 200


def test_anonymous_is_401(world):
    assert Client().get(f"{API}/incoming").status_code == 401


def test_bad_uploads_and_fields_are_422_naming_the_field(world):
    clerk = client_for(world.staff["ubnd"]["vanthu"])
    fields = {"agency_id": world.agencies["ubnd"].pk, "sender_name": "Bộ Tài chính",
              "number_symbol": "1/BTC", "doc_date": "2026-11-20", "doc_type": "cong_van",
              "excerpt": "Thử"}
    from io import BytesIO

    not_pdf = BytesIO(b"MZ\x90\x00 an executable")
    not_pdf.name = "vb.pdf"
    response = clerk.post(f"{API}/incoming", {**fields, "file": not_pdf})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["field"] == "file" and detail["message_vi"] and detail["message_en"]
    response = clerk.post(f"{API}/incoming", {**fields, "doc_date": "1000-01-01",
                                              "file": pdf_upload()})
    assert response.status_code == 422
    response = clerk.post(f"{API}/incoming", {**fields, "doc_type": "khong-co",
                                              "file": pdf_upload()})
    assert response.status_code == 422
    assert not IncomingDocument.objects.exists()
    response = clerk.post(f"{API}/incoming", {**fields, "agency_id": world.agencies["sct"].pk,
                                              "file": pdf_upload()})
    assert response.status_code == 403


def test_registers_excel_and_statistics(world):
    _scanned(world)
    leader = client_for(world.staff["ubnd"]["lanhdao"])
    params = {"agency_id": world.agencies["ubnd"].pk, "date_from": "2026-01-01",
              "date_to": "2026-12-31"}
    response = leader.get(f"{API}/registers/incoming.xlsx", params)
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert leader.get(f"{API}/statistics", params).json()["incoming"] == 1
    specialist = client_for(world.staff["ubnd"]["chuyenvien"])
    assert specialist.get(f"{API}/statistics", params).status_code == 403
