"""``tinhso simulate_bank_payment``: act as the bank and send a signed credit notification
for an invoice, or for anything else a transfer pays (a market order, by its code:
``payments.payables``), to a running server (the ``demo`` provider's format).

Example (the server and this command share ``BANK_WEBHOOK_SECRET``)::

    BANK_WEBHOOK_SECRET=… tinhso simulate_bank_payment HT26011500001 \
        --url http://127.0.0.1:8000/api/v1/payments/bank-webhook
"""

from __future__ import annotations

import json
import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tinhso.payments import payables
from tinhso.payments.config import webhook_secret
from tinhso.payments.models import Invoice
from tinhso.payments.simulator import send_credit


class Command(BaseCommand):
    help = "Send a signed bank credit notification for an invoice (demo bank simulator)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("reference", help="invoice reference (HT26011500001) or market "
                                              "order code (DH261202AB7K9X)")
        parser.add_argument("--url", default="http://127.0.0.1:8000/api/v1/payments/bank-webhook")
        parser.add_argument("--amount", type=int, help="amount (default: the invoice amount)")
        parser.add_argument("--transaction-id", dest="transaction_id",
                            help="bank transaction id (default: random; reuse it to replay)")

    def handle(self, *args, reference: str, url: str, amount: int | None,
               transaction_id: str | None, **options) -> None:
        secret = webhook_secret("demo")
        if not secret:
            raise CommandError("Set BANK_WEBHOOK_SECRET (the same value as the server's).")
        invoice = Invoice.objects.select_related("payee").filter(reference=reference).first()
        if invoice is not None:
            due_amount, purpose = invoice.amount_vnd, invoice.transfer_purpose
            account = invoice.payee.account_number
        else:
            kind, found = payables.find(reference.upper())
            due = None
            if kind is not None and found == reference.upper():
                with transaction.atomic():
                    due = kind.lock(found)
            if due is None:
                raise CommandError(f"No invoice or order {reference}.")
            due_amount, purpose, account = due.amount_vnd, due.reference, due.account_number
        status, answer = send_credit(
            url, secret=secret, transaction_id=transaction_id or f"SIM{secrets.token_hex(6)}",
            amount_vnd=amount or due_amount, description=purpose, account=account)
        self.stdout.write(f"HTTP {status}\n{json.dumps(answer, ensure_ascii=False, indent=2)}")
