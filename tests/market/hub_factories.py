"""Builders for the hub, payout, review and KPI tests: households with shops, a cooperative
hub with its staff, products, and orders already in a given state (written straight to
the models, as the checkout and the order flow leave them)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from tests.factories import OrganizationFactory, user_with_role
from tinhso.accounts.models import OrganizationKind, Role
from tinhso.core.models import AdministrativeUnit
from tinhso.market.models import (
    Category,
    Fulfilment,
    Hub,
    Order,
    OrderLine,
    OrderState,
    PaymentMethod,
    Product,
    Shop,
    ShopOrder,
)
from tinhso.market.units import line_amount
from tinhso.payments.models import PayeeAccount

_n = itertools.count(1)

COMMUNES = {20001: "Xã Chi Lăng", 20002: "Xã Bắc Sơn", 20003: "Xã Tràng Định"}


def commune(code: int = 20001) -> AdministrativeUnit:
    unit, _ = AdministrativeUnit.objects.get_or_create(
        code=code, defaults={"name": COMMUNES.get(code, f"Xã {code}"),
                             "kind": AdministrativeUnit.Kind.COMMUNE})
    return unit


def hub(commission_bp: int = 500, **kwargs) -> Hub:
    n = next(_n)
    org = OrganizationFactory(code=f"htx-{n}", name=f"HTX Nông sản {n}",
                              kind=OrganizationKind.COOPERATIVE)
    payee = PayeeAccount.objects.create(code=f"htx-{n}", bank_bin="970436",
                                        bank_name="Vietcombank", account_number=f"10{n:08d}",
                                        account_name=f"HTX NONG SAN {n}")
    made = Hub.objects.create(organization=org, slug=f"htx-{n}", name=org.name,
                              commune=kwargs.pop("commune", None) or commune(),
                              address="Thôn Bản Cà", commission_bp=commission_bp, payee=payee,
                              **kwargs)
    made.manager = user_with_role(Role.HUB_MANAGER, org)
    made.accountant = user_with_role(Role.HUB_ACCOUNTANT, org)
    return made


def market_payee() -> PayeeAccount:
    return PayeeAccount.objects.get_or_create(
        code="cho-tinh-so", defaults={"bank_bin": "970418", "bank_name": "BIDV",
                                      "account_number": "1260000001",
                                      "account_name": "CHO TINH SO LANG SON"})[0]


def shop(name: str | None = None, *, hub: Hub | None = None, unit=None, bank: bool = True,
         delivery_fee_vnd: int = 15_000) -> Shop:
    n = next(_n)
    org = OrganizationFactory(code=f"ho-{n}", name=name or f"Hộ Hoàng Văn {n}",
                              kind=OrganizationKind.HOUSEHOLD)
    made = Shop.objects.create(
        organization=org, slug=f"ho-{n}", name=name or f"Nhà {n}", commune=unit or commune(),
        address="Thôn Khòn Pát", phone=f"09{n:08d}", hub=hub, delivery_fee_vnd=delivery_fee_vnd,
        **({"bank_bin": "970405", "bank_name": "Agribank", "account_number": f"88{n:08d}",
            "account_name": f"HOANG VAN {n}"} if bank else {}))
    made.owner = user_with_role(Role.SHOP_OWNER, org)
    return made


def product(shop: Shop, name: str = "Hồi khô", price: int = 45_000, **kwargs) -> Product:
    category, _ = Category.objects.get_or_create(slug="gia-vi", defaults={"name": "Gia vị"})
    n = next(_n)
    kwargs.setdefault("stock", Decimal("100"))
    return Product.objects.create(shop=shop, slug=f"p-{n}", name=name, category=category,
                                  unit="kg", price_vnd=price, quantity_step=Decimal("0.5"),
                                  min_quantity=Decimal("1"), **kwargs)


def order(lines: list[tuple[Product, str]], *, state: str = OrderState.COMPLETED,
          buyer=None, hub: Hub | None = None, method: str = PaymentMethod.VIETQR,
          pickup: bool = False, at: datetime | None = None) -> Order:
    """An order of ``lines`` (product, quantity) in ``state``, its shop orders with it;
    paid into ``hub``'s account when given, else the market's."""
    at = at or timezone.now()
    by_shop: dict[int, list] = {}
    for prod, qty in lines:
        by_shop.setdefault(prod.shop_id, []).append((prod, Decimal(qty)))
    parts, items_total, delivery_total = [], 0, 0
    for shop_id, shop_lines in by_shop.items():
        items = sum(line_amount(p.price_vnd, q) for p, q in shop_lines)
        fee = 0 if pickup else shop_lines[0][0].shop.delivery_fee_for(items)
        parts.append((shop_id, shop_lines, items, fee))
        items_total += items
        delivery_total += fee
    paid = state not in (OrderState.PLACED, OrderState.CANCELLED, OrderState.EXPIRED)
    n = next(_n)
    made = Order.objects.create(
        code=f"DH{n:06d}", buyer=buyer, buyer_name="Lương Thị Hạnh", buyer_phone="0987654321",
        fulfilment=Fulfilment.PICKUP if pickup else Fulfilment.DELIVERY,
        pickup_hub=hub if pickup else None, commune=None if pickup else commune(),
        address="" if pickup else "Số 5 Lê Lợi", hub=hub, payment_method=method,
        payee=(hub.payee if hub else market_payee()) if method == PaymentMethod.VIETQR else None,
        items_total_vnd=items_total, delivery_total_vnd=delivery_total,
        total_vnd=items_total + delivery_total, state=state, placed_at=at - timedelta(days=3),
        paid_at=at - timedelta(days=3) if paid else None,
        completed_at=at if state == OrderState.COMPLETED else None)
    for shop_id, shop_lines, items, fee in parts:
        part = ShopOrder.objects.create(
            order=made, shop_id=shop_id, items_total_vnd=items, delivery_fee_vnd=fee,
            total_vnd=items + fee, state=state,
            delivered_at=at if state in (OrderState.DELIVERED, OrderState.COMPLETED) else None)
        for prod, qty in shop_lines:
            OrderLine.objects.create(shop_order=part, product=prod, product_name=prod.name,
                                     unit=prod.unit, unit_price_vnd=prod.price_vnd,
                                     quantity=qty, line_total_vnd=line_amount(prod.price_vnd, qty))
    return made


def clock_at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    """A moment in Vietnam time."""
    return datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())
