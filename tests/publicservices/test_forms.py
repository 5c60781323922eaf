"""Forms BM.01–BM.04 as PDFs, and the result document: uploaded when the leader approves
(checked by content), downloaded only by the applicant's account and the officers."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import UserFactory, user_with_role
from tinhso.accounts.models import Role
from tinhso.core.pdf import simple_document
from tinhso.publicservices import services
from tinhso.publicservices.models import Dossier, Level, ProcedureStep, StepKind
from tinhso.publicservices.models import DossierState as S

from . import sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    where = sample.agency("H20.01", Level.COMMUNE, name="UBND xã Hữu Lũng",
                          address="Bộ phận một cửa xã Hữu Lũng")
    proc = sample.procedure()
    for order, (kind, half) in enumerate([(StepKind.RECEPTION, 1), (StepKind.APPROVAL, 2)],
                                         start=1):
        ProcedureStep.objects.create(procedure=proc, order=order, kind=kind,
                                     name=str(kind.label), half_days=half)
    desk = user_with_role(Role.ONE_STOP_OFFICER, where.organization)
    leader = user_with_role(Role.AGENCY_LEADER, where.organization)
    dossier = services.receive_at_desk(
        actor=desk, procedure=proc, agency=where,
        applicant={"name": "Nguyễn Thị Hoa", "phone": "0912345678"},
        papers=[{"name": "Tờ khai đăng ký khai sinh", "copies": 1}])
    return {"desk": desk, "leader": leader, "dossier": dossier, "agency": where}


def text_of(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_receipt_bm01_names_the_code_papers_appointment_and_links_tracking(client,
                                                                              office):
    dossier = office["dossier"]
    client.force_login(office["desk"])
    answer = client.get(reverse("publicservices:form", args=[dossier.pk, "bm01"]))
    assert answer["Content-Type"] == "application/pdf"
    text = text_of(answer.content)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and dossier.code in text
    assert "Tờ khai đăng ký khai sinh" in text and "Bộ phận một cửa xã Hữu Lũng" in text
    assert "/public-services/tracking/?code=" + dossier.code in text


def test_forms_bm02_bm03_bm04(client, office, clock):
    dossier, leader = office["dossier"], office["leader"]
    client.force_login(leader)
    url = lambda form: reverse("publicservices:form", args=[dossier.pk, form])  # noqa: E731
    assert client.get(url("bm02")).status_code == 404
    assert client.get(url("bm04")).status_code == 404
    services.request_supplement(actor=leader, dossier=dossier,
                                missing=["Bản sao giấy chứng sinh"], reason="Thiếu giấy")
    assert "Bản sao giấy chứng sinh" in text_of(client.get(url("bm02")).content)
    services.supply_supplement(actor=office["desk"], dossier=dossier)
    dossier.refresh_from_db()
    new_due = (dossier.due_at + timedelta(days=7)).date()
    services.issue_extension(actor=leader, dossier=dossier, new_due=new_due,
                             reason="Cần xác minh thêm")
    text = text_of(client.get(url("bm04")).content)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and "Cần xác minh thêm" in text
    assert client.get(url("bm03")).status_code == 404
    services.refuse_dossier(actor=leader, dossier=dossier, reason="not_eligible")
    assert "PHIẾU TỪ CHỐI" in text_of(client.get(url("bm03")).content)
    assert client.get(url("bm99")).status_code == 404


def test_forms_need_the_dossier_or_the_tracking_proof(client, office):
    dossier = office["dossier"]
    url = reverse("publicservices:form", args=[dossier.pk, "bm01"])
    assert client.get(url).status_code == 404
    stranger = user_with_role(Role.ONE_STOP_OFFICER, sample.agency("H20.09").organization)
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.logout()
    client.post(reverse("publicservices:tracking"), {"code": dossier.code,
                                                     "factor": "0912345678"})
    assert client.get(url).status_code == 200


def test_result_document_upload_and_authenticated_download(client, office):
    dossier, leader = office["dossier"], office["leader"]
    citizen = UserFactory()
    Dossier.objects.filter(pk=dossier.pk).update(applicant_user=citizen)
    services.hand_over(actor=office["desk"], dossier=dossier)
    approve = reverse("publicservices:act", args=[dossier.pk, "resolve"])
    client.force_login(leader)
    fake = SimpleUploadedFile("ket-qua.pdf", b"not a pdf at all", "application/pdf")
    answer = client.post(approve, {"confirm": "yes", "result_document": fake})
    assert answer.status_code == 422 and "Văn bản kết quả" in answer.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == S.PROCESSING and not dossier.result_file  # nothing half-done

    pdf = simple_document("Giấy khai sinh", ["Bản chính"])
    client.post(approve, {"confirm": "yes", "result_summary": "Đã cấp giấy khai sinh",
                          "result_document": SimpleUploadedFile("kq.pdf", pdf)})
    dossier.refresh_from_db()
    assert dossier.state == S.RESOLVED and dossier.result_file
    download = reverse("publicservices:result", args=[dossier.pk])
    assert b"".join(client.get(download).streaming_content) == pdf
    client.force_login(citizen)
    answer = client.get(download)
    assert answer.status_code == 200 and answer["X-Content-Type-Options"] == "nosniff"
    client.force_login(UserFactory())
    assert client.get(download).status_code == 404
    client.logout()
    assert client.get(download).status_code == 302  # to the login page
