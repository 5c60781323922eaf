"""Exchange with agencies outside the platform through the national axis simulator: an
outbox row written with the send, delivered by the background task, retried with backoff
through an outage, delivered once however often it is tried, status reported back."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tinhso.core.models import OutboxState
from tinhso.documents import exchange, services
from tinhso.documents.models import DeliveryState, ExchangeMessage, IncomingDocument

from .conftest import issue, make_draft


def _issued_to_ministry(world):
    return issue(world, make_draft(world, to=("bct", "sct"), excerpt="Báo cáo Bộ Công Thương"))


@pytest.fixture
def send(world, django_capture_on_commit_callbacks):
    def run(doc):
        with django_capture_on_commit_callbacks(execute=True):
            services.send(actor=world.staff["ubnd"]["vanthu"], document=doc)
    return run


def test_sending_outside_goes_through_the_axis_once(world, settings, send):
    doc = _issued_to_ministry(world)
    send(doc)  # the delivery task runs at once (immediate task backend)
    message = ExchangeMessage.objects.get()
    assert message.state == OutboxState.DELIVERED and message.attempts == 1
    recipient = doc.recipients.get(agency=world.agencies["bct"])
    assert recipient.state == DeliveryState.DELIVERED
    axis = exchange.SimulatedAxis()
    [env] = axis.inbox("000.00.00.G13")
    assert env.number_symbol == doc.number_symbol and env.pdf.startswith(b"%PDF")
    # the same message again (a retry after a lost answer) is delivered once
    receipt = axis.send(env)
    assert receipt.status == "delivered" and len(axis.inbox("000.00.00.G13")) == 1
    assert services.deliver_exchange(message.pk) == "skipped"
    # the platform recipient got its copy in the queue, not through the axis
    assert IncomingDocument.objects.filter(agency=world.agencies["sct"]).count() == 1


def test_an_outage_is_retried_with_backoff_until_delivered(world, settings, send):
    settings.DOCUMENT_AXIS_DIR.mkdir(parents=True, exist_ok=True)
    outage = exchange.SimulatedAxis().outage_flag()
    outage.touch()
    doc = _issued_to_ministry(world)
    send(doc)
    message = ExchangeMessage.objects.get()
    assert message.state == OutboxState.PENDING and message.attempts == 1
    assert "unavailable" in message.last_error
    first_wait = message.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < first_wait <= timedelta(minutes=1)
    assert services.deliver_exchange(message.pk) == "skipped"  # not due yet
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert services.deliver_exchange(message.pk) == OutboxState.PENDING
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at - message.last_attempt_at == timedelta(minutes=2)
    outage.unlink()
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        assert services.deliver_exchange(message.pk) == OutboxState.DELIVERED
    assert doc.recipients.get(agency=world.agencies["bct"]).state == DeliveryState.DELIVERED
    assert len(exchange.SimulatedAxis().inbox("000.00.00.G13")) == 1
    # the axis later reports that the ministry registered it
    assert services.record_acknowledgement(actor=None, message_id=message.message_id,
                                           status="received")
    assert doc.recipients.get(agency=world.agencies["bct"]).state == DeliveryState.RECEIVED


def test_attempts_are_bounded_and_failure_is_reported_to_the_sender(world, settings, send):
    settings.DOCUMENT_AXIS_MAX_ATTEMPTS = 2
    settings.DOCUMENT_AXIS_DIR.mkdir(parents=True, exist_ok=True)
    exchange.SimulatedAxis().outage_flag().touch()
    doc = _issued_to_ministry(world)
    send(doc)
    message = ExchangeMessage.objects.get()
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        services.deliver_exchange(message.pk)
    message.refresh_from_db()
    assert message.state == OutboxState.FAILED
    assert doc.recipients.get(agency=world.agencies["bct"]).state == DeliveryState.FAILED


def test_a_message_from_the_axis_is_queued_once_with_its_signature_checked(world, send):
    doc = _issued_to_ministry(world)
    send(doc)
    [env] = exchange.SimulatedAxis().inbox("000.00.00.G13")
    # pretend the ministry's copy comes back to the Sở through the axis
    first = services.receive_from_axis(agency=world.agencies["sct"], env=env)
    again = services.receive_from_axis(agency=world.agencies["sct"], env=env)
    assert first.pk == again.pk and first.signature_verdict == "valid"


# --- the receiving agency's answer, carried back to the sender ---------------------------

def test_the_axis_brings_back_received_and_the_answer_is_recorded_once(world, send, client):
    from tests.factories import user_with_role
    from tinhso.accounts.models import Role
    from tinhso.core.models import AuditEntry

    doc = _issued_to_ministry(world)
    send(doc)
    message = ExchangeMessage.objects.get()
    connector = user_with_role(Role.SYSTEM_ADMIN)
    url = "/api/v1/documents/exchange/acknowledgements"
    body = {"message_id": message.message_id, "status": "received"}
    # nobody but the axis connector may post answers
    client.force_login(world.staff["ubnd"]["vanthu"])
    assert client.post(url, body, content_type="application/json").status_code == 403
    client.force_login(connector)
    answer = client.post(url, body, content_type="application/json")
    assert answer.status_code == 200 and answer.json() == {"recorded": True}
    again = client.post(url, body, content_type="application/json")
    assert again.json() == {"recorded": False}  # idempotent
    recipient = doc.recipients.get(agency=world.agencies["bct"])
    assert recipient.state == DeliveryState.RECEIVED and recipient.acknowledged_at
    assert AuditEntry.objects.filter(action="documents.acknowledged").count() == 1
    # a contrary answer afterwards is refused, a returned one needs a known reason
    late = client.post(url, {**body, "status": "returned", "reason": "wrong_recipient"},
                       content_type="application/json")
    assert late.status_code == 409
    unknown = client.post(url, {"message_id": "nope", "status": "received"},
                          content_type="application/json")
    assert unknown.status_code == 404


def test_a_returned_answer_with_its_reason_shows_in_the_senders_register(world, send):
    from datetime import date

    from openpyxl import load_workbook

    from tinhso.core.errors import DomainError
    from tinhso.documents import registers, selectors

    doc = _issued_to_ministry(world)
    send(doc)
    message = ExchangeMessage.objects.get()
    with pytest.raises(DomainError):  # "other" needs a note
        services.record_acknowledgement(actor=None, message_id=message.message_id,
                                        status="returned", reason="other")
    assert services.record_acknowledgement(
        actor=None, message_id=message.message_id, status="returned",
        reason="wrong_recipient", note="Chuyển Sở Công Thương")
    recipient = doc.recipients.get(agency=world.agencies["bct"])
    assert recipient.state == DeliveryState.RETURNED
    assert recipient.return_reason == "wrong_recipient"
    clerk = world.staff["ubnd"]["vanthu"]
    today = timezone.localdate()
    data = registers.outgoing_register(selectors.outgoing(clerk), agency_name="UBND tỉnh",
                                       date_from=date(today.year, 1, 1), date_to=today)
    sheet = load_workbook(__import__("io").BytesIO(data)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert any("BCT: trả lại" in c and "Chuyển Sở Công Thương" in c for c in cells), cells


def test_the_receiving_clerk_answers_over_the_axis_and_on_the_platform(world, send,
                                                                        django_capture_on_commit_callbacks):
    """Registering an axis document sends "received" back over the axis (once, retried
    by the sweep through an outage); returning a platform document with a reason marks
    the sender's recipient row at once; no arrival number either way."""
    doc = _issued_to_ministry(world)
    send(doc)
    [env] = exchange.SimulatedAxis().inbox("000.00.00.G13")
    sct_clerk = world.staff["sct"]["vanthu"]
    from_axis = services.receive_from_axis(agency=world.agencies["sct"], env=env)
    outage = exchange.SimulatedAxis().outage_flag()
    outage.touch()
    with django_capture_on_commit_callbacks(execute=True):
        services.register_received(actor=sct_clerk, document=from_axis)
    from_axis.refresh_from_db()
    assert from_axis.ack_sent_at is None  # the axis was down: kept for the sweep
    outage.unlink()
    services.retry_exchange()
    from_axis.refresh_from_db()
    assert from_axis.ack_sent_at is not None
    [ack] = exchange.SimulatedAxis().acknowledgements("000.00.00.H20")
    assert (ack.status, ack.message_id, ack.from_code) == ("received", env.message_id,
                                                           "000.00.09.H20")
    assert services.send_acknowledgement(from_axis.pk)  # again: nothing more is carried
    assert len(exchange.SimulatedAxis().acknowledgements("000.00.00.H20")) == 1
    # the Sở's own copy came on the platform: returned with a reason
    on_platform = IncomingDocument.objects.get(agency=world.agencies["sct"],
                                               from_outgoing=doc)
    with pytest.raises(Exception):  # noqa: B017,PT011 - only the receiving clerk
        services.return_to_sender(actor=world.staff["sct"]["chuyenvien"],
                                  document=on_platform, reason="not_valid")
    services.return_to_sender(actor=sct_clerk, document=on_platform, reason="not_valid",
                              note="Thiếu chữ ký số của cơ quan")
    on_platform.refresh_from_db()
    assert on_platform.state == "returned" and on_platform.arrival_number is None
    recipient = doc.recipients.get(agency=world.agencies["sct"])
    assert recipient.state == DeliveryState.RETURNED
    assert recipient.return_note == "Thiếu chữ ký số của cơ quan"


def test_sending_again_while_the_axis_message_waits_adds_nothing(world, client):
    # No task runs (no on-commit callbacks): the ministry stays pending with its message
    # queued. A second send (the clerk taps again) must neither fail nor queue another.
    doc = _issued_to_ministry(world)
    clerk = world.staff["ubnd"]["vanthu"]
    services.send(actor=clerk, document=doc)
    recipient = doc.recipients.get(agency=world.agencies["bct"])
    assert recipient.state == DeliveryState.PENDING and ExchangeMessage.objects.count() == 1
    assert services.send(actor=clerk, document=doc) == []
    assert ExchangeMessage.objects.count() == 1
    client.force_login(clerk)
    page = client.get(f"/documents/outgoing/{doc.pk}/").content.decode()
    assert f"/documents/outgoing/{doc.pk}/send/" not in page
