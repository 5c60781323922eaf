"""Incoming documents: delivery on the platform into the recipient's queue, registration
with arrival numbers, the duplicate alert, signature validation of every received PDF
(valid, tampered, untrusted, unsigned), handling with working-day deadlines."""

import io
from datetime import date

import pytest

from tinhso.core import signing
from tinhso.core.errors import DomainError
from tinhso.core.validators import InvalidValue
from tinhso.documents import pdfs, services
from tinhso.documents.models import (
    AssignmentState,
    DeliveryState,
    IncomingDocument,
    IncomingState,
    SignatureVerdict,
)

from .conftest import issue, make_draft, pdf_upload


def _sent(world, **kwargs):
    doc = issue(world, make_draft(world, **kwargs))
    services.send(actor=world.staff["ubnd"]["vanthu"], document=doc)
    return doc


def test_an_issued_document_lands_in_the_recipients_queue_with_a_valid_signature(world):
    doc = _sent(world, to=("sct", "xa"))
    received = IncomingDocument.objects.filter(from_outgoing=doc).order_by("agency__name")
    assert [r.agency.abbreviation for r in received] == ["SCT", "UBND"]
    for r in received:
        assert r.state == IncomingState.RECEIVED and r.arrival_number is None
        assert r.signature_verdict == SignatureVerdict.VALID
        assert r.number_symbol == doc.number_symbol and r.sender_name == doc.agency.name
        check = r.signature_checks.get()
        assert check.signer == "Nguyễn Văn Hùng"
    assert set(doc.recipients.values_list("state", flat=True)) == {DeliveryState.DELIVERED}
    # sending again delivers nothing twice
    services.send(actor=world.staff["ubnd"]["vanthu"], document=doc)
    assert IncomingDocument.objects.filter(from_outgoing=doc).count() == 2


def test_registration_gives_arrival_numbers_and_reports_receipt(world):
    doc = _sent(world, to=("sct",))
    second = _sent(world, to=("sct",))
    clerk = world.staff["sct"]["vanthu"]
    first_in = IncomingDocument.objects.get(from_outgoing=doc)
    second_in = IncomingDocument.objects.get(from_outgoing=second)
    services.register_received(actor=clerk, document=second_in)
    services.register_received(actor=clerk, document=first_in)
    assert (second_in.arrival_number, first_in.arrival_number) == (1, 2)
    assert doc.recipients.get().state == DeliveryState.RECEIVED
    with pytest.raises(DomainError):
        services.register_received(actor=clerk, document=first_in)  # only once


def test_only_the_receiving_clerk_registers(world):
    doc = _sent(world, to=("sct",))
    received = IncomingDocument.objects.get(from_outgoing=doc)
    for who in (world.staff["ubnd"]["vanthu"], world.staff["sct"]["chuyenvien"]):
        with pytest.raises(DomainError):
            services.register_received(actor=who, document=received)
    received.refresh_from_db()
    assert received.arrival_number is None


def test_the_clerk_role_holds_the_desk_and_the_one_stop_officer_does_not(world):
    """Role.CLERK (văn thư) registers; a one-stop desk officer of the same agency receives
    citizens' dossiers, not the agency's documents, and sees no secret one."""
    from tests.factories import user_with_role
    from tinhso.accounts.models import Role
    from tinhso.accounts.permissions import has_perm

    doc = _sent(world, to=("sct",))
    received = IncomingDocument.objects.get(from_outgoing=doc)
    sct = world.agencies["sct"]
    desk = user_with_role(Role.ONE_STOP_OFFICER, sct.organization)
    assert not has_perm(desk, "documents.clerk", sct.organization_id)
    with pytest.raises(DomainError):
        services.register_received(actor=desk, document=received)
    clerk = user_with_role(Role.CLERK, sct.organization)
    assert has_perm(clerk, "documents.clerk", sct.organization_id)
    services.register_received(actor=clerk, document=received)
    received.refresh_from_db()
    assert received.arrival_number == 1


def _scan(world, upload, number_symbol="15/BC-BCT", sender="Bộ Công Thương", **kwargs):
    return services.register_scanned(
        actor=world.staff["ubnd"]["vanthu"], agency=world.agencies["ubnd"], upload=upload,
        sender_name=sender, number_symbol=number_symbol, doc_date=date(2026, 11, 28),
        doc_type="bao_cao", excerpt="Báo cáo tình hình xuất nhập khẩu", **kwargs)


def test_a_scanned_unsigned_pdf_is_registered_but_flagged_unsigned(world):
    doc = _scan(world, pdf_upload())
    assert doc.arrival_number == 1 and doc.state == IncomingState.REGISTERED
    assert doc.signature_verdict == SignatureVerdict.UNSIGNED


def test_a_pdf_changed_after_signing_is_flagged_tampered(world):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    issued = issue(world, make_draft(world, agency="sct", unit="VP", to=("ubnd",)),
                   agency="sct")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdfs.read_stored(issued.signed_file)))
    writer.add_stream_to_page(0, writer.add_object(generic.StreamObject(
        stream_data=b"BT /F1 30 Tf 80 500 Td (DA SUA) Tj ET")))
    out = io.BytesIO()
    writer.write(out)
    out.seek(0)
    doc = _scan(world, out, number_symbol=issued.number_symbol,
                sender="Sở Công Thương tỉnh Lạng Sơn")
    assert doc.signature_verdict == SignatureVerdict.TAMPERED
    assert doc.signature_checks.get().details["signatures"][0]["changed_after"]


def test_a_pdf_signed_by_an_untrusted_certificate_is_flagged(world):
    ca = signing.LocalCA.create("Tự cấp")
    forged = signing.sign_pdf(pdf_upload().getvalue(), ca.issue("Nguyễn Văn Hùng"))
    doc = _scan(world, io.BytesIO(forged))
    assert doc.signature_verdict == SignatureVerdict.UNTRUSTED


def test_duplicate_alert_on_number_symbol_and_issuer(world):
    first = _scan(world, pdf_upload(), number_symbol="15/BC-BCT")
    again = _scan(world, pdf_upload(), number_symbol="Số: 15/bc-bct")
    other_issuer = _scan(world, pdf_upload(), number_symbol="15/BC-BCT",
                         sender="Bộ Tài chính")
    assert first.duplicate_of is None
    assert again.duplicate_of == first and again.arrival_number == 2  # alerted, still kept
    assert other_issuer.duplicate_of is None


def test_scanned_registration_refuses_bad_input_and_consumes_no_number(world):
    with pytest.raises(InvalidValue) as err:
        _scan(world, io.BytesIO(b"\x89PNG\r\n\x1a\n not really"))
    assert err.value.field == "file"
    with pytest.raises(InvalidValue) as err:
        _scan(world, pdf_upload(), number_symbol="")
    assert err.value.field == "number_symbol"
    assert not IncomingDocument.objects.exists()
    assert _scan(world, pdf_upload()).arrival_number == 1


def test_assign_with_a_deadline_in_working_days_forward_and_close_with_reply(world):
    doc = _scan(world, pdf_upload())
    ubnd = world.staff["ubnd"]
    # Wednesday 2 December 2026 + 5 working days = Wednesday 9 December
    assignment = services.assign(actor=ubnd["lanhdao"], document=doc,
                                 assignee=ubnd["truongphong"], working_days=5,
                                 instructions="Chủ trì tham mưu.")
    assert assignment.deadline == date(2026, 12, 9)
    doc.refresh_from_db()
    assert doc.state == IncomingState.ASSIGNED and doc.due_date == date(2026, 12, 9)
    services.add_opinion(actor=ubnd["truongphong"], document=doc, text="Giao chuyên viên.")
    services.forward(actor=ubnd["truongphong"], document=doc, assignee=ubnd["chuyenvien"])
    with pytest.raises(DomainError):  # the head's assignment was passed on
        services.add_opinion(actor=world.staff["sct"]["chuyenvien"], document=doc, text="x")
    reply = issue(world, make_draft(world, to=("bct",), excerpt="Trả lời Bộ Công Thương"))
    services.close(actor=ubnd["chuyenvien"], document=doc, reply=reply)
    doc.refresh_from_db()
    assert doc.state == IncomingState.CLOSED and doc.reply == reply
    assert set(doc.assignments.values_list("state", flat=True)) == {
        AssignmentState.FORWARDED, AssignmentState.DONE}
    reply.refresh_from_db()
    assert reply.in_reply_to == doc


def test_assignment_refuses_outsiders_and_odd_deadlines(world):
    doc = _scan(world, pdf_upload())
    ubnd = world.staff["ubnd"]
    with pytest.raises(DomainError) as err:
        services.assign(actor=ubnd["lanhdao"], document=doc,
                        assignee=world.staff["sct"]["chuyenvien"], working_days=5)
    assert err.value.field == "assignee"
    with pytest.raises(DomainError) as err:
        services.assign(actor=ubnd["lanhdao"], document=doc, assignee=ubnd["chuyenvien"],
                        working_days=0)
    assert err.value.field == "working_days"
    with pytest.raises(DomainError):
        services.assign(actor=ubnd["chuyenvien"], document=doc, assignee=ubnd["chuyenvien"],
                        working_days=3)


def test_due_soon_reminders_once_a_day(world):
    doc = _scan(world, pdf_upload())
    ubnd = world.staff["ubnd"]
    services.assign(actor=ubnd["lanhdao"], document=doc, assignee=ubnd["chuyenvien"],
                    working_days=1)
    assert services.remind_due() == 1
    assert services.remind_due() == 0
