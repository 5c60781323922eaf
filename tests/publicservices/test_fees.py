"""The online fee paid by VietQR: the dossier is a payable of `payments`, so the signed
bank webhook (the demo bank's format, sent by the test client) marks the fee paid once,
sends a wrong amount to reconciliation, and lets the desk receive the dossier."""

from __future__ import annotations

import pytest

from tinhso.core.errors import DomainError
from tinhso.payments import simulator
from tinhso.payments.demo import seed_payments
from tinhso.payments.models import BankTransaction, PayeeAccount
from tinhso.publicservices import services
from tinhso.publicservices.models import Channel
from tinhso.publicservices.models import DossierState as S
from tinhso.publicservices.services import fees

from .conftest import make_procedure

pytestmark = pytest.mark.django_db
SECRET = "test-only-webhook-secret"  # noqa: S105
URL = "/api/v1/payments/bank-webhook"


@pytest.fixture
def paying(settings, office):
    settings.PAYMENTS_WEBHOOK_SECRETS = {"demo": SECRET}
    seed_payments()
    procedure = make_procedure(code="MAU.FEE", fee=50_000)
    dossier = services.submit_dossier(
        actor=None, procedure=procedure, agency=office.agency, channel=Channel.ONLINE,
        applicant={"name": "Hoàng Thị Mai", "phone": "0912000099"})
    return {"office": office, "dossier": dossier,
            "account": PayeeAccount.objects.get(is_default=True).account_number}


def bank(client, *, tx: str, amount: int, description: str, account: str = ""):
    body = simulator.build_notification(transaction_id=tx, amount_vnd=amount,
                                        description=description, account=account)
    headers = simulator.signed_headers(body, SECRET)
    answer = client.post(URL, body, content_type="application/json",
                         headers={k: v for k, v in headers.items() if k != "Content-Type"})
    return answer.status_code, answer.json()


def test_reference_is_found_in_a_bank_description():
    from tinhso.payments.services import find_reference

    assert find_reference("CT tu 0123 dvc 00000042 le phi") == "DVC00000042"
    assert find_reference("DVC000000421") == ""  # nine digits: not ours


def test_the_desk_waits_for_the_fee_then_the_webhook_pays_it_once(client, paying):
    office, dossier = paying["office"], paying["dossier"]
    reference = fees.fee_reference(dossier)
    with pytest.raises(DomainError) as refused:
        services.accept_dossier(actor=office.desk, dossier=dossier.pk)
    assert refused.value.code == "publicservices.fee_unpaid"
    dossier.refresh_from_db()
    assert dossier.state == S.SUBMITTED and dossier.code is None

    status, answer = bank(client, tx="FT-1", amount=50_000, account=paying["account"],
                          description=f"{reference} LE PHI HO SO")
    assert status == 200 and answer["outcome"] == "matched", answer
    dossier.refresh_from_db()
    assert dossier.fee_paid_at is not None
    paid_at = dossier.fee_paid_at

    # The same notification again: recorded once, nothing changes.
    status, answer = bank(client, tx="FT-1", amount=50_000, account=paying["account"],
                          description=f"{reference} LE PHI HO SO")
    assert status == 200 and answer["duplicate"] is True
    # A second, different transfer for a paid fee: reconciliation, not a second payment.
    status, answer = bank(client, tx="FT-2", amount=50_000, account=paying["account"],
                          description=reference)
    assert answer["outcome"] == "mismatched" and answer["reason"] == "not_payable"
    assert BankTransaction.objects.count() == 2
    dossier.refresh_from_db()
    assert dossier.fee_paid_at == paid_at

    # The dossier moves on: the desk receives it, and the paid fee is kept.
    received = services.accept_dossier(actor=office.desk, dossier=dossier.pk)
    assert received.state == S.PROCESSING and received.code
    assert received.fee_vnd == 50_000 and received.fee_paid_at == paid_at


def test_a_wrong_amount_is_left_for_reconciliation(client, paying):
    dossier = paying["dossier"]
    status, answer = bank(client, tx="FT-9", amount=5_000, account=paying["account"],
                          description=fees.fee_reference(dossier))
    assert status == 200 and answer["outcome"] == "mismatched"
    assert answer["reason"] == "wrong_amount"
    dossier.refresh_from_db()
    assert dossier.fee_paid_at is None and dossier.state == S.SUBMITTED
    # Unknown dossier number: mismatched, nothing paid.
    status, answer = bank(client, tx="FT-10", amount=50_000, account=paying["account"],
                          description="DVC99999999")
    assert answer["outcome"] == "mismatched" and answer["reason"] == "unknown_reference"


def test_desk_and_free_dossiers_are_received_without_waiting(paying, office):
    desk = services.submit_dossier(
        actor=office.desk, procedure=paying["dossier"].procedure, agency=office.agency,
        channel=Channel.DESK, applicant={"name": "Lê Văn Bình"})
    assert not fees.fee_due(desk)
    assert services.accept_dossier(actor=office.desk, dossier=desk.pk).state == S.PROCESSING


def test_the_citizen_page_shows_the_qr_until_paid(client, paying):
    from tests.factories import UserFactory

    citizen = UserFactory()
    dossier = paying["dossier"]
    dossier.applicant_user = citizen
    dossier.save(update_fields=["applicant_user"])
    client.force_login(citizen)
    page = client.get("/public-services/my/").content.decode()
    assert fees.fee_reference(dossier) in page and "<svg" in page
    bank(client, tx="FT-3", amount=50_000, account=paying["account"],
         description=fees.fee_reference(dossier))
    page = client.get("/public-services/my/").content.decode()
    assert "<svg" not in page and "đã thanh toán" in page
