"""``tinhso vietqr``: print a VietQR payload and optionally write its QR code as PNG.

Example::

    tinhso vietqr --bin 970436 --account 0011001234567 --amount 100000 \
        --purpose "Phi ha tang 12C12345" --png qr.png
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.validators import InvalidValue
from tinhso.payments.vietqr import SERVICE_TO_ACCOUNT, SERVICE_TO_CARD, build_payload, render_png


class Command(BaseCommand):
    help = "Print the VietQR (NAPAS) payload for a bank transfer; --png also writes the QR code."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bin", required=True, dest="bank_bin", help="NAPAS bank BIN")
        parser.add_argument("--account", required=True, help="account (or card) number")
        parser.add_argument("--amount", type=int, help="amount in VND (omit for a static QR)")
        parser.add_argument("--purpose", help="transfer description, at most 25 characters")
        parser.add_argument("--bill-number", dest="bill_number", help="bill number (62-01)")
        parser.add_argument(
            "--card",
            action="store_true",
            help=f"transfer to a card number ({SERVICE_TO_CARD}) instead of an account",
        )
        parser.add_argument("--png", metavar="FILE", help="write the QR code as PNG to FILE")
        parser.add_argument("--scale", type=int, default=8, help="PNG module size in pixels")

    def handle(self, *args, **options) -> None:
        try:
            payload = build_payload(
                bank_bin=options["bank_bin"],
                account=options["account"],
                amount=options.get("amount"),
                purpose=options.get("purpose"),
                bill_number=options.get("bill_number"),
                service=SERVICE_TO_CARD if options.get("card") else SERVICE_TO_ACCOUNT,
            )
        except InvalidValue as exc:
            raise CommandError(f"{exc.field}: {exc}") from exc
        self.stdout.write(payload)
        if options.get("png"):
            render_png(payload, options["png"], scale=options["scale"])
            self.stderr.write(f"QR code written to {options['png']}")
