"""Digital stores (market): the share of a commune's households with a digital store and
with an electronic payment account, at the end of the period (the market's KPI rule:
open shops created by then, over the latest household count of the year; the province
counts only the communes with a household count)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from tinhso.ioc.rules import Period
from tinhso.ioc.sources import Figures, register, share


def _counts(period: Period, now: datetime) -> tuple[dict[int, int], dict[int, tuple[int, int]]]:
    from tinhso.market.models import HouseholdCount, Shop

    tz = timezone.get_current_timezone()
    end = min(datetime.combine(period.end + timedelta(days=1), time.min, tz), now)
    households: dict[int, int] = {}
    for code, households_count in (HouseholdCount.objects.filter(year__lte=period.year)
                                   .order_by("commune__code", "-year")
                                   .values_list("commune__code", "households")):
        households.setdefault(code, households_count)
    has_account = ~Q(bank_bin="") & ~Q(account_number="")
    shops = {row["commune__code"]: (row["n"], row["with_account"])
             for row in Shop.objects.filter(is_active=True, created_at__lt=end)
             .values("commune__code")
             .annotate(n=Count("id"), with_account=Count("id", filter=has_account))
             .order_by()}
    return households, shops


def _figures(period: Period, now: datetime, which: int) -> Figures:
    households, shops = _counts(period, now)
    communes = {code: share(shops.get(code, (0, 0))[which], n) for code, n in households.items()}
    counted = sum(shops.get(code, (0, 0))[which] for code in households)
    return Figures(share(counted, sum(households.values())), communes)


@register("market.households_with_shop")
def households_with_shop(period: Period, now: datetime) -> Figures:
    return _figures(period, now, 0)


@register("market.households_with_payment_account")
def households_with_payment_account(period: Period, now: datetime) -> Figures:
    return _figures(period, now, 1)
