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
    assert services.record_receipt(message_id=message.message_id, status="received")
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
