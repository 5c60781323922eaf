"""The fee of an online dossier, paid by VietQR and confirmed by the bank's signed webhook.

A dossier submitted on our own form for a procedure with a fee shows a VietQR with the
reference `fee_reference` (``DVC`` + eight digits). The dossier is registered as a
payable of `payments` (`register_payable`, called by ``AppConfig.ready``), so the bank
webhook (`payments.services.record_bank_credit`) finds it by that reference, locks it
and applies payments' rules: the exact amount to the province's payee account while the
fee is still due marks it paid (`mark_fee_paid`); a wrong amount, a second payment or a
closed dossier goes to payments' reconciliation list and changes nothing here. A
repeated notification (same bank transaction id) is recorded once by payments.

Rule (Decree 45/2020/NĐ-CP, art. 13: the fee of an online dossier is paid when it is
submitted): the desk receives an online dossier only once its fee is paid
(`accept_dossier` answers ``publicservices.fee_unpaid``); the payment tells the
applicant and puts the dossier in the desk's queue as ready. Desk and national-portal
dossiers pay at the desk or on the portal, not here.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.db import transaction

from tinhso.core import audit
from tinhso.core.notifications import Notification, send
from tinhso.publicservices.models import Channel, Dossier, DossierState

#: ``DVC`` and the dossier's id on eight digits (what the VietQR carries).
FEE_REFERENCE_RE = re.compile(r"DVC[0-9]{8}(?![0-9])")
#: States in which an unpaid online fee may still be paid.
PAYABLE_STATES = frozenset({DossierState.SUBMITTED, DossierState.INCOMPLETE})


def fee_reference(dossier: Dossier) -> str:
    return f"DVC{dossier.pk:08d}"


def fee_due(dossier: Dossier) -> bool:
    """An online dossier whose fee is still to be paid before the desk may receive it."""
    return (dossier.channel == Channel.ONLINE and dossier.fee_vnd > 0
            and dossier.fee_paid_at is None)


def payee():
    """The province's account the fees are paid to (payments' default payee)."""
    from tinhso.payments.models import PayeeAccount

    return PayeeAccount.objects.filter(is_default=True).first()


def lock_for_payment(reference: str):
    """For the payments registry: the dossier of this reference, locked, as a ``Due``."""
    from tinhso.payments.payables import Due

    dossier = (Dossier.objects.select_for_update(of=("self",))
               .select_related("agency__organization")
               .filter(pk=int(reference[3:])).first())
    if dossier is None or dossier.fee_vnd <= 0 or dossier.channel != Channel.ONLINE:
        return None
    account = payee()
    return Due(reference=fee_reference(dossier), amount_vnd=dossier.fee_vnd,
               account_number=account.account_number if account else "",
               payable=(account is not None and fee_due(dossier)
                        and dossier.state in PAYABLE_STATES),
               organization=dossier.agency.organization, obj=dossier)


def mark_fee_paid(due, *, bank_transaction, paid_at: datetime) -> None:
    """The exact transfer arrived (checked by payments, inside its transaction): the fee
    is paid, the applicant is told, the desk may receive the dossier."""
    dossier: Dossier = due.obj
    dossier.fee_paid_at = paid_at
    dossier.save(update_fields=["fee_paid_at", "updated_at"])
    audit.record(actor=None, action="dossier.fee_paid", obj=dossier,
                 organization=dossier.agency.organization,
                 after={"fee_vnd": dossier.fee_vnd, "paid_at": paid_at.isoformat(),
                        "bank_transaction": bank_transaction.pk},
                 note=f"bank {bank_transaction.provider}:{bank_transaction.transaction_id}")
    if dossier.applicant_phone:
        ref = fee_reference(dossier)
        note = Notification(
            recipient=dossier.applicant_phone, kind="publicservices.fee_paid",
            message_vi=f"Hồ sơ {ref}: đã nhận lệ phí {dossier.fee_vnd:,} đồng; hồ sơ được "
                       "chuyển bộ phận một cửa tiếp nhận.".replace(",", "."),
            message_en=f"Dossier {ref}: the fee of {dossier.fee_vnd:,} VND is paid; the "
                       "dossier goes to the one-stop desk.",
            link="/public-services/my/")
        transaction.on_commit(lambda: send(note))


def register_payable() -> None:
    from tinhso.payments import payables

    payables.register(payables.PayableKind(name="public_service_fee",
                                           pattern=FEE_REFERENCE_RE, lock=lock_for_payment,
                                           mark_paid=mark_fee_paid))
