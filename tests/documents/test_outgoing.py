"""Outgoing documents: the transition table, issue with the number-symbol from the
register's series (per register and year, reset on 1 January, separate secret and
legal-normative series), a failed issue consumes no number, the issued copy is signed."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from tinhso.core import credentials, signing
from tinhso.core.errors import DomainError
from tinhso.core.models import AuditEntry, SequenceCounter
from tinhso.core.validators import InvalidValue
from tinhso.documents import pdfs, services
from tinhso.documents.errors import DocumentError
from tinhso.documents.models import OutgoingDocument, OutgoingState

from .conftest import approve, issue, make_draft, pdf_upload

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_draft_to_issued_with_number_symbol_and_valid_signatures(world):
    doc = make_draft(world)
    assert doc.state == OutgoingState.DRAFT and doc.version == 1
    issue(world, doc)
    doc.refresh_from_db()
    assert doc.state == OutgoingState.ISSUED
    assert doc.number == 1 and doc.year == 2026
    assert doc.number_symbol == "01/UBND-KT"  # a công văn: agency + drafting unit
    data = pdfs.read_stored(doc.signed_file)
    result = signing.validate_pdf(data, credentials.trusted_roots_pem())
    assert result.is_valid
    assert [s.signer for s in result.signatures] == ["Nguyễn Văn Hùng",
                                                     "Ủy ban nhân dân tỉnh Lạng Sơn"]
    first_page = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Số: 01/UBND-KT" in first_page
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first_page
    actions = list(AuditEntry.objects.filter(object_id=str(doc.pk),
                                             object_type="documents.outgoingdocument")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["documents.draft_created", "documents.submit", "documents.approve",
                       "documents.issue"]


def test_typed_documents_share_the_ordinary_series(world):
    first = issue(world, make_draft(world, doc_type="bao_cao"))
    second = issue(world, make_draft(world, doc_type="quyet_dinh"))
    third = issue(world, make_draft(world, doc_type="cong_van"))
    assert [first.number_symbol, second.number_symbol, third.number_symbol] == \
        ["01/BC-UBND", "02/QĐ-UBND", "03/UBND-KT"]


def test_secret_and_legal_documents_have_their_own_series(world):
    ordinary = issue(world, make_draft(world, doc_type="bao_cao"))
    secret = issue(world, make_draft(world, doc_type="bao_cao", confidentiality="mat"))
    legal = issue(world, make_draft(world, doc_type="quyet_dinh", is_legal=True))
    ordinary2 = issue(world, make_draft(world, doc_type="bao_cao"))
    assert ordinary.number_symbol == "01/BC-UBND"
    assert secret.number_symbol == "01/BC-UBND" and secret.register.is_secret
    assert legal.number_symbol == "01/2026/QĐ-UBND"
    assert ordinary2.number_symbol == "02/BC-UBND"
    # and each agency counts on its own
    sct = issue(world, make_draft(world, agency="sct", doc_type="bao_cao", unit="VP",
                                  to=("ubnd",)), agency="sct")
    assert sct.number_symbol == "01/BC-SCT"


def test_numbers_restart_on_the_first_of_january(world):
    with time_machine.travel(datetime(2026, 12, 31, 16, 0, tzinfo=VN), tick=True):
        last = issue(world, make_draft(world, doc_type="bao_cao"))
        issue(world, make_draft(world, doc_type="bao_cao"))
    with time_machine.travel(datetime(2027, 1, 2, 8, 0, tzinfo=VN), tick=True):
        first = issue(world, make_draft(world, doc_type="bao_cao"))
    assert last.number_symbol == "01/BC-UBND" and last.year == 2026
    assert first.number_symbol == "01/BC-UBND" and first.year == 2027


def test_a_failed_issue_consumes_no_number(world, monkeypatch):
    doc = approve(world, make_draft(world, doc_type="bao_cao"))

    def broken(*args, **kwargs):
        raise signing.SigningError("token unplugged")

    monkeypatch.setattr(signing, "sign_pdf", broken)
    with pytest.raises(DomainError) as err:
        services.transition(actor=world.staff["ubnd"]["vanthu"], document=doc, action="issue")
    assert err.value.code == "documents.signing"
    doc.refresh_from_db()
    assert doc.state == OutgoingState.APPROVED and doc.number is None
    assert not SequenceCounter.objects.filter(last__gt=0).exists()
    monkeypatch.undo()
    issued = services.transition(actor=world.staff["ubnd"]["vanthu"], document=doc,
                                 action="issue")
    assert issued.number == 1  # the number the failed attempt drew was given back


def test_issue_without_approval_is_refused_and_consumes_nothing(world):
    doc = make_draft(world)
    with pytest.raises(DomainError) as err:
        services.transition(actor=world.staff["ubnd"]["vanthu"], document=doc, action="issue")
    assert err.value.code == "documents.transition" and err.value.status == 409
    assert not SequenceCounter.objects.exists()


@pytest.mark.parametrize(("who", "action"), [
    ("chuyenvien", "approve"),      # a specialist cannot approve
    ("truongphong", "approve"),     # nor the head of unit: only the designated signer
    ("lanhdao", "issue"),           # the leader does not issue: the clerk does
])
def test_who_may_take_which_edge(world, who, action):
    doc = make_draft(world)
    services.transition(actor=world.staff["ubnd"]["chuyenvien"], document=doc, action="submit")
    if action == "issue":
        services.transition(actor=world.staff["ubnd"]["lanhdao"], document=doc,
                            action="approve")
    before = OutgoingDocument.objects.get(pk=doc.pk).state
    with pytest.raises(DomainError) as err:
        services.transition(actor=world.staff["ubnd"][who], document=doc, action=action)
    assert err.value.status == 403
    assert OutgoingDocument.objects.get(pk=doc.pk).state == before


def test_staff_of_another_agency_cannot_touch_a_draft(world):
    doc = make_draft(world)
    with pytest.raises(DomainError):
        services.transition(actor=world.staff["sct"]["lanhdao"], document=doc, action="submit")


def test_return_needs_a_comment_and_a_new_version_can_be_uploaded(world):
    doc = make_draft(world)
    people = world.staff["ubnd"]
    services.transition(actor=people["chuyenvien"], document=doc, action="submit")
    with pytest.raises(DomainError) as err:
        services.transition(actor=people["truongphong"], document=doc, action="return")
    assert err.value.field == "comment"
    services.transition(actor=people["truongphong"], document=doc, action="return",
                        comment="Bổ sung số liệu quý IV.")
    version = services.upload_version(actor=people["chuyenvien"], document=doc,
                                      upload=pdf_upload("Bản sửa"), note="Đã bổ sung")
    assert version.number == 2 and doc.comments.get().text == "Bổ sung số liệu quý IV."


def test_bad_input_is_refused_naming_the_field(world):
    people = world.staff["ubnd"]
    agency = world.agencies["ubnd"]
    with pytest.raises(InvalidValue) as err:
        services.create_draft(actor=people["chuyenvien"], agency=agency, doc_type="cong_van",
                              excerpt="  ", signer=people["lanhdao"], signer_title="Chủ tịch")
    assert err.value.field == "excerpt"
    with pytest.raises(InvalidValue) as err:
        services.create_draft(actor=people["chuyenvien"], agency=agency, doc_type="cong_van",
                              excerpt="Có nội dung", signer=people["lanhdao"],
                              signer_title="Chủ tịch", body=io.BytesIO(b"GIF89a not a pdf"))
    assert err.value.field == "body"
    broken = io.BytesIO(b"%PDF-1.7\n garbage garbage \n%%EOF\n")
    with pytest.raises(DomainError) as err:
        services.create_draft(actor=people["chuyenvien"], agency=agency, doc_type="cong_van",
                              excerpt="Có nội dung", signer=people["lanhdao"],
                              signer_title="Chủ tịch", body=broken)
    assert err.value.field == "body" and err.value.code == "documents.corrupt_pdf"
    with pytest.raises(DomainError) as err:
        services.create_draft(actor=people["chuyenvien"], agency=agency, doc_type="bao_cao",
                              excerpt="Có nội dung", signer=people["lanhdao"],
                              signer_title="Chủ tịch", is_legal=True)
    assert err.value.field == "is_legal"
    assert not OutgoingDocument.objects.exists()


def test_submit_without_a_body_is_refused(world):
    people = world.staff["ubnd"]
    doc = services.create_draft(actor=people["chuyenvien"], agency=world.agencies["ubnd"],
                                doc_type="cong_van", excerpt="Chưa có tệp",
                                signer=people["lanhdao"], signer_title="Chủ tịch")
    with pytest.raises(DomainError) as err:
        services.transition(actor=people["chuyenvien"], document=doc, action="submit")
    assert err.value.field == "body"


def test_without_a_registered_certificate_issue_is_refused_when_demo_issuing_is_off(
        world, settings):
    settings.SIGNING_DEMO_CREDENTIALS = False
    doc = approve(world, make_draft(world, doc_type="bao_cao"))
    with pytest.raises(DomainError) as err:
        services.transition(actor=world.staff["ubnd"]["vanthu"], document=doc, action="issue")
    assert err.value.code == "documents.signing"
    doc.refresh_from_db()
    assert doc.number is None and not SequenceCounter.objects.filter(last__gt=0).exists()


def test_demo_documents_cover_every_state_and_are_idempotent(world):
    from tinhso.documents import demo
    from tinhso.documents.models import IncomingDocument

    made = demo.seed_documents(count=12, password=None)
    assert made["outgoing"] == 12
    assert set(OutgoingDocument.objects.values_list("state", flat=True)) >= {
        "draft", "in_review", "approved", "issued"}
    assert set(IncomingDocument.objects.values_list("state", flat=True)) >= {
        "received", "registered", "assigned", "closed"}
    assert demo.seed_documents(count=12, password=None) == {"outgoing": 0, "incoming": 0}
    assert OutgoingDocument.objects.count() == 12


def _word(text: str = "Dự thảo báo cáo chuyển đổi số xã Đồng Đăng"):
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    buffer.name = "du-thao.docx"
    return buffer


def test_a_word_draft_is_accepted_searched_but_issued_only_from_a_pdf(world):
    from tinhso.core import files
    from tinhso.documents import selectors
    from tinhso.documents.selectors import Filters

    people = world.staff["ubnd"]
    doc = services.create_draft(
        actor=people["chuyenvien"], agency=world.agencies["ubnd"], doc_type="bao_cao",
        excerpt="Báo cáo tuần", signer=people["lanhdao"], signer_title="Chủ tịch",
        recipients=[world.agencies["sct"]], body=_word())
    assert doc.body_content_type == files.CONTENT_TYPES["docx"]
    assert doc.versions.get().content_type == files.CONTENT_TYPES["docx"]
    found = selectors.outgoing(people["chuyenvien"], Filters(q="dong dang chuyen doi"))
    assert [d.pk for d in found] == [doc.pk]  # the Word text is searchable
    approve(world, doc)
    with pytest.raises(DomainError) as caught:
        services.transition(actor=people["vanthu"], document=doc, action="issue")
    assert caught.value.code == DocumentError.BODY_NOT_PDF
    doc.refresh_from_db()
    assert doc.state == "approved" and doc.number is None  # no number consumed
    # back to the drafter, a PDF version, and it issues
    services.transition(actor=people["lanhdao"], document=doc, action="return",
                        comment="Chuyển sang PDF để ký")
    services.upload_version(actor=people["chuyenvien"], document=doc, upload=pdf_upload())
    issued = issue(world, doc)
    assert issued.number == 1 and issued.signed_file.endswith(".pdf")


def test_a_broken_word_draft_is_refused_and_nothing_is_saved(world):
    people = world.staff["ubnd"]
    doc = make_draft(world)
    upload = io.BytesIO(b"PK\x03\x04 not really a zip")
    upload.name = "macro.docm"
    with pytest.raises(InvalidValue) as caught:
        services.upload_version(actor=people["chuyenvien"], document=doc, upload=upload)
    assert caught.value.field == "body"
    doc.refresh_from_db()
    assert doc.version == 1
