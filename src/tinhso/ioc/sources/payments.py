"""Payments: fee revenue paid in the period (VND), every fee invoice counted by the moment
it was paid."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Sum
from django.utils import timezone

from tinhso.ioc.rules import Period
from tinhso.ioc.sources import Figures, number, register


@register("payments.fee_revenue")
def fee_revenue(period: Period, now: datetime) -> Figures:
    from tinhso.payments.models import Invoice, InvoiceStatus

    tz = timezone.get_current_timezone()
    start = datetime.combine(period.start, time.min, tz)
    end = min(datetime.combine(period.end + timedelta(days=1), time.min, tz), now)
    paid = Invoice.objects.filter(status=InvoiceStatus.PAID, paid_at__gte=start,
                                  paid_at__lt=end).aggregate(total=Sum("amount_vnd"))
    return Figures(number(paid["total"] or 0))
