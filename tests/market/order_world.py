"""A small market for the order tests: two households' shops and a cooperative hub's
member, weighed and counted products, sellers, buyers, the market's collection account.
(Separate from the catalogue tests' fixtures, imported by the order tests.)"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from tests.factories import OrganizationFactory, UserFactory, user_with_role
from tinhso.accounts.models import OrganizationKind, Role
from tinhso.core.models import AdministrativeUnit
from tinhso.market.models import Category, Hub, Product, Shop
from tinhso.market.services.orders import Contact, LineRequest, place_order
from tinhso.payments.models import PayeeAccount

WEBHOOK_SECRET = "test-only-webhook-secret"  # noqa: S105


@dataclass
class World:
    commune: AdministrativeUnit
    shop_a: Shop
    shop_b: Shop
    shop_h: Shop
    hub: Hub
    na: Product  # custard apples by the kg: 0.5 kg steps from 1 kg
    quyt: Product  # mandarins by the kg: 0.5 kg steps from 0.5 kg
    mien: Product  # arrowroot noodles by the pack
    hoi: Product  # star anise of the hub's member
    seller_a: object
    seller_b: object
    seller_h: object
    hub_accountant: object
    buyer: object
    other_buyer: object
    market_payee: PayeeAccount


def _shop(slug, name, commune, **kw) -> Shop:
    org = OrganizationFactory(code=f"hh-{slug}", name=f"Hộ {name}",
                              kind=OrganizationKind.HOUSEHOLD)
    return Shop.objects.create(organization=org, slug=slug, name=name, commune=commune,
                               address="Thôn Bản Cằm", phone=kw.pop("phone"), **kw)


def build_world() -> World:
    province, _ = AdministrativeUnit.objects.get_or_create(
        code=20, defaults={"name": "Tỉnh Lạng Sơn", "kind": "province"})
    commune, _ = AdministrativeUnit.objects.get_or_create(
        code=6253, defaults={"name": "Xã Chi Lăng", "kind": "commune", "parent": province})
    market_payee = PayeeAccount.objects.create(
        code="cho-tinh-so", bank_bin="970405", bank_name="Agribank",
        account_number="8888000011", account_name="CHO TINH SO LANG SON")
    hub_payee = PayeeAccount.objects.create(
        code="htx-bac-son", bank_bin="970405", bank_name="Agribank",
        account_number="8888000022", account_name="HTX BAC SON")
    hub_org = OrganizationFactory(code="htx-bac-son", name="HTX Bắc Sơn",
                                  kind=OrganizationKind.COOPERATIVE)
    hub = Hub.objects.create(organization=hub_org, slug="htx-bac-son", name="HTX Bắc Sơn",
                             commune=commune, address="Thị trấn Bắc Sơn", payee=hub_payee,
                             commission_bp=500)
    fruit = Category.objects.create(slug="trai-cay", name="Trái cây")
    shop_a = _shop("na-chi-lang", "Na Chi Lăng nhà Hoa", commune, phone="0912345001",
                   delivery_fee_vnd=20_000, free_delivery_from_vnd=300_000)
    shop_b = _shop("quyt-bac-son", "Quýt Bắc Sơn", commune, phone="0912345002",
                   delivery_fee_vnd=15_000)
    shop_h = _shop("hoi-van-quan", "Hồi Văn Quan", commune, phone="0912345003", hub=hub,
                   delivery_fee_vnd=10_000)

    def product(shop, slug, name, unit, price, step, minimum, stock):
        return Product.objects.create(shop=shop, slug=slug, name=name, category=fruit,
                                      unit=unit, price_vnd=price, quantity_step=Decimal(step),
                                      min_quantity=Decimal(minimum), stock=Decimal(stock))

    return World(
        commune=commune, shop_a=shop_a, shop_b=shop_b, shop_h=shop_h, hub=hub,
        na=product(shop_a, "na", "Na Chi Lăng", "kg", 45_001, "0.5", "1", "10"),
        quyt=product(shop_b, "quyt", "Quýt Bắc Sơn", "kg", 30_000, "0.5", "0.5", "5"),
        mien=product(shop_b, "mien", "Miến dong Bình Gia", "pack", 50_000, "1", "1", "3"),
        hoi=product(shop_h, "hoi", "Hoa hồi khô", "kg", 120_000, "0.1", "0.5", "20"),
        seller_a=user_with_role(Role.SHOP_OWNER, shop_a.organization),
        seller_b=user_with_role(Role.SHOP_OWNER, shop_b.organization),
        seller_h=user_with_role(Role.SHOP_OWNER, shop_h.organization),
        hub_accountant=user_with_role(Role.HUB_ACCOUNTANT, hub_org),
        buyer=UserFactory(), other_buyer=UserFactory(), market_payee=market_payee)


@pytest.fixture(name="world")
def world_fixture(db, settings) -> World:
    settings.PAYMENTS_WEBHOOK_SECRETS = {"demo": WEBHOOK_SECRET}
    settings.NOTIFY_BACKEND = "console"
    return build_world()


def contact(world: World, **kw) -> Contact:
    values = {"buyer_name": "Lê Thị Mai", "buyer_phone": "0987 654 321",
              "fulfilment": "delivery", "commune_code": world.commune.code,
              "address": "12 Trần Đăng Ninh", "payment_method": "vietqr"}
    values.update(kw)
    return Contact(**values)


def order_of(world: World, *lines, actor=None, **kw):
    """Place an order of (product, quantity) lines."""
    return place_order(actor=actor, contact=contact(world, **kw),
                       lines=[LineRequest(p.pk, q) for p, q in lines])
