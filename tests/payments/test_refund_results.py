"""The bank's answers for refund transfer orders: the signed refund-result callback (the
credit webhook's signature scheme and secret) and the periodic poll of orders left "sent";
both move a RefundRequest sent → confirmed | failed once, audited."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tinhso.core.models import AuditEntry
from tinhso.payments import refunds, simulator
from tinhso.payments.models import RefundRequest, RefundState
from tinhso.payments.refunds import BankAccount, RefundKind
from tinhso.payments.tasks import poll_sent_refunds

pytestmark = pytest.mark.django_db
R = RefundState
SECRET = "test-only-refund-secret"  # noqa: S105
URL = "/api/v1/payments/refund-results"
KIND = "test_refund"


@pytest.fixture
def settled(settings):
    """A refund kind of this test's own, recording what the bank's answers did."""
    settings.PAYMENTS_WEBHOOK_SECRETS = {"demo": SECRET}
    calls: list[tuple[str, str]] = []
    refunds.register(RefundKind(
        name=KIND, confirmed=lambda refund, at: calls.append(("confirmed", refund.reference)),
        failed=lambda refund, at: calls.append(("failed", refund.reference))))
    yield calls
    refunds._KINDS.pop(KIND, None)


def sent_refund(source="SRC1", account="0123456789") -> RefundRequest:
    refund = refunds.request_refund(
        actor=None, kind=KIND, source_reference=source, amount_vnd=250_000,
        account=BankAccount("970436", account, "Lê Thị Mai"), purpose=f"HOAN {source}")
    refund = refunds.send(refund)
    assert refund.state == R.SENT and refund.bank_reference
    return refund


def post(body: bytes, *, secret=SECRET, timestamp=None, path=URL, headers=None):
    headers = headers or simulator.signed_headers(body, secret, timestamp)
    return Client().post(path, data=body, content_type="application/json",
                         HTTP_X_TIMESTAMP=headers["X-Timestamp"],
                         HTTP_X_SIGNATURE=headers["X-Signature"])


def result(refund, *, confirmed=True, reason="") -> bytes:
    return simulator.build_refund_result(bank_reference=refund.bank_reference,
                                         confirmed=confirmed, reason=reason)


def settle_audits(refund) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(
        object_id=str(refund.pk), action__in=["payments.refund_confirmed",
                                              "payments.refund_failed"]))


def test_a_signed_confirmation_confirms_once_and_a_replay_changes_nothing(settled):
    refund = sent_refund()
    body = result(refund)
    headers = simulator.signed_headers(body, SECRET)
    answer = post(body, headers=headers)
    assert answer.status_code == 200
    assert answer.json() == {"reference": refund.reference,
                             "bank_reference": refund.bank_reference, "state": "confirmed",
                             "duplicate": False}
    refund.refresh_from_db()
    assert refund.state == R.CONFIRMED and refund.settled_at is not None
    assert settled == [("confirmed", refund.reference)]
    [entry] = settle_audits(refund)
    assert entry.actor_id is None and entry.before == {"state": "sent"}
    assert entry.after["via"] == "bank_callback:demo"

    # the bank retries the very same callback (same body, same signature): same answer,
    # nothing new, the kind's handler not run again
    again = post(body, headers=headers)
    assert again.status_code == 200 and again.json() == {**answer.json(), "duplicate": True}
    assert settled == [("confirmed", refund.reference)]
    assert len(settle_audits(refund)) == 1


def test_a_failure_is_recorded_with_the_banks_reason(settled):
    refund = sent_refund(account="0123450000")
    answer = post(result(refund, confirmed=False, reason="Tài khoản   đã đóng"))
    assert answer.status_code == 200 and answer.json()["state"] == "failed"
    refund.refresh_from_db()
    assert refund.state == R.FAILED and refund.failure_reason == "Tài khoản đã đóng"
    assert settled == [("failed", refund.reference)]
    # a contrary answer afterwards is refused (409) and changes nothing
    contrary = post(result(refund, confirmed=True))
    assert contrary.status_code == 409
    assert contrary.json()["detail"][0]["code"] == "payments.refund_state"
    assert RefundRequest.objects.get(pk=refund.pk).state == R.FAILED
    assert len(settle_audits(refund)) == 1


@pytest.mark.parametrize("how", ["wrong_secret", "tampered", "stale", "unsigned"])
def test_a_badly_signed_callback_is_refused_and_nothing_changes(settled, how):
    refund = sent_refund()
    body = result(refund)
    if how == "wrong_secret":
        answer = post(body, secret="not-the-secret")
    elif how == "tampered":  # signed as a failure, delivered as a confirmation
        headers = simulator.signed_headers(result(refund, confirmed=False), SECRET)
        answer = Client().post(URL, data=body, content_type="application/json",
                               HTTP_X_TIMESTAMP=headers["X-Timestamp"],
                               HTTP_X_SIGNATURE=headers["X-Signature"])
    elif how == "stale":
        answer = post(body, timestamp=int(time.time()) - 301)
    else:
        answer = Client().post(URL, data=body, content_type="application/json")
    assert answer.status_code == 401
    assert answer.json()["detail"][0]["code"] in ("payments.webhook_signature",
                                                  "payments.webhook_stale")
    refund.refresh_from_db()
    assert refund.state == R.SENT and refund.settled_at is None
    assert settled == [] and settle_audits(refund) == []


def test_an_unknown_refund_is_404_and_nothing_changes(settled):
    refund = sent_refund()
    answer = post(simulator.build_refund_result(bank_reference="SIMHOANNOPE", confirmed=True))
    assert answer.status_code == 404
    assert answer.json()["detail"][0]["code"] == "payments.refund_unknown"
    assert RefundRequest.objects.get(pk=refund.pk).state == R.SENT
    assert settled == []


@pytest.mark.parametrize(("body", "status", "field"), [
    (b"not json", 400, None),
    (b'{"status": "confirmed"}', 422, "bank_reference"),
    (b'{"bank_reference": "SIMX", "status": "maybe"}', 422, "status"),
    (b'{"bank_reference": "SIMX", "status": "failed", "reason": 3}', 422, "reason"),
])
def test_a_malformed_callback_names_what_is_wrong(settled, body, status, field):
    refund = sent_refund()
    answer = post(body)
    assert answer.status_code == status
    if field:
        assert answer.json()["detail"][0]["field"] == field
    assert RefundRequest.objects.get(pk=refund.pk).state == R.SENT


def test_an_unknown_bank_is_refused(settled):
    refund = sent_refund()
    assert post(result(refund), path=f"{URL}/nobank").status_code == 404
    assert RefundRequest.objects.get(pk=refund.pk).state == R.SENT


def test_refunds_left_sent_too_long_are_asked_about(settled, settings, clock):
    settings.PAYMENTS_REFUND_POLL_AFTER_SECONDS = 1800
    good = sent_refund("SRC-GOOD")
    closed = sent_refund("SRC-CLOSED", account="0123450000")
    clock.shift(timedelta(minutes=20))
    fresh = sent_refund("SRC-FRESH")
    clock.shift(timedelta(minutes=11))  # the first two are 31 minutes old, the last 11
    assert poll_sent_refunds.call() == [good.reference, closed.reference]
    states = dict(RefundRequest.objects.values_list("reference", "state"))
    assert states == {good.reference: R.CONFIRMED, closed.reference: R.FAILED,
                      fresh.reference: R.SENT}
    assert settled == [("confirmed", good.reference), ("failed", closed.reference)]
    assert settle_audits(good)[0].after["via"] == "status_poll"
    # asked again: nothing more to do (idempotent)
    assert refunds.poll_sent() == []
    assert len(settle_audits(good)) == len(settle_audits(closed)) == 1


def test_a_bank_that_has_no_answer_or_cannot_be_reached_is_asked_again(settled, monkeypatch):
    refund = sent_refund()
    later = timezone.now() + timedelta(hours=1)
    monkeypatch.setattr(refunds.SimulatedBank, "status", lambda self, r: None)
    assert refunds.poll_sent(now=later) == []

    def unreachable(self, r):
        raise OSError("connection refused")

    monkeypatch.setattr(refunds.SimulatedBank, "status", unreachable)
    assert refunds.poll_sent(now=later) == []
    assert RefundRequest.objects.get(pk=refund.pk).state == R.SENT
    monkeypatch.undo()
    assert refunds.poll_sent(now=later) == [refund.reference]


def test_the_callback_wins_over_a_later_poll(settled):
    refund = sent_refund(account="0123450000")  # the simulator would say "failed"
    assert post(result(refund, confirmed=True)).status_code == 200
    assert refunds.poll_sent(now=timezone.now() + timedelta(hours=1)) == []
    assert RefundRequest.objects.get(pk=refund.pk).state == R.CONFIRMED


def test_the_admin_lists_refunds_read_only_and_never_deletes(settled):
    from tinhso.accounts.models import User

    confirmed = sent_refund("SRC-A")
    post(result(confirmed))
    waiting = sent_refund("SRC-B")
    admin = Client()
    admin.force_login(User.objects.create_superuser("root@example.vn", "x"))
    listing = admin.get("/admin/payments/refundrequest/")
    page = listing.content.decode()
    assert listing.status_code == 200
    assert confirmed.reference in page and waiting.reference in page
    assert "…6789" in page and "0123456789" not in page  # the list shows the last digits
    only_sent = admin.get("/admin/payments/refundrequest/?state__exact=sent").content.decode()
    assert waiting.reference in only_sent and confirmed.reference not in only_sent
    found = admin.get("/admin/payments/refundrequest/?q=SRC-A").content.decode()
    assert confirmed.reference in found and waiting.reference not in found
    detail = admin.get(f"/admin/payments/refundrequest/{waiting.pk}/change/")
    assert detail.status_code == 200
    assert 'name="state"' not in detail.content.decode()  # nothing to edit
    # no way to change, add or delete one, by the form or the bulk action
    assert admin.post(f"/admin/payments/refundrequest/{waiting.pk}/change/",
                      {"state": "confirmed"}).status_code == 403
    assert admin.get("/admin/payments/refundrequest/add/").status_code == 403
    assert admin.post(f"/admin/payments/refundrequest/{waiting.pk}/delete/",
                      {"post": "yes"}).status_code == 403
    admin.post("/admin/payments/refundrequest/", {
        "action": "delete_selected", "_selected_action": [waiting.pk], "post": "yes"})
    assert RefundRequest.objects.count() == 2
    assert RefundRequest.objects.get(pk=waiting.pk).state == R.SENT
