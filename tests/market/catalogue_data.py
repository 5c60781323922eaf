"""Test data of the catalogue: communes, categories, shops and products."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import OrganizationFactory, UserFactory
from tinhso.accounts.models import Membership, OrganizationKind, Role
from tinhso.core.models import AdministrativeUnit
from tinhso.market.models import Category, Product, Shop

_counter = iter(range(1, 10**6))


def province() -> AdministrativeUnit:
    unit, _ = AdministrativeUnit.objects.get_or_create(
        code=20, defaults={"name": "Tỉnh Lạng Sơn", "kind": AdministrativeUnit.Kind.PROVINCE})
    return unit


def commune(name: str = "Chi Lăng", code: int | None = None) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(name=name, parent__code=20).first()
    return unit or AdministrativeUnit.objects.create(
        code=code or 800000 + next(_counter), name=name, kind=AdministrativeUnit.Kind.COMMUNE,
        parent=province())


def category(slug: str = "trai-cay", name: str = "Trái cây") -> Category:
    return Category.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def shop(name: str = "Nhà vườn Hoàng", *, commune_name: str = "Chi Lăng", owner=None) -> Shop:
    n = next(_counter)
    org = OrganizationFactory(code=f"ho-test-{n}", name=name, kind=OrganizationKind.HOUSEHOLD)
    owner = owner or UserFactory()
    Membership.objects.create(user=owner, organization=org, role=Role.SHOP_OWNER)
    return Shop.objects.create(organization=org, slug=f"shop-{n}", name=name,
                               commune=commune(commune_name), address="Thôn Bản Cắm",
                               phone=f"09{n:08d}")


def owner_of(store: Shop):
    return store.organization.memberships.get(role=Role.SHOP_OWNER).user


def product(store: Shop | None = None, name: str = "Na Chi Lăng", **fields) -> Product:
    store = store or shop()
    defaults = {"slug": f"p-{next(_counter)}", "category": category(), "unit": "kg",
                "price_vnd": 45000, "stock": Decimal("20"), "quantity_step": Decimal("0.5"),
                "min_quantity": Decimal("1")}
    defaults.update(fields)
    return Product.objects.create(shop=store, name=name, **defaults)


def ocop(stars: int = 4, issued: date = date(2025, 1, 10), expires: date = date(2028, 1, 10)):
    return {"ocop_stars": stars, "ocop_certificate_no": "OCOP-LS-0042",
            "ocop_decision": "QĐ 123/QĐ-UBND", "ocop_issued_on": issued,
            "ocop_expires_on": expires}


def jpeg(size=(640, 480), name="na.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 160, 60)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def without_key_postings(monkeypatch) -> None:
    """The product index read as a table without key postings (core.search): the newest
    rows and the GIN index, as on any other index."""
    import dataclasses

    from tinhso.core import search

    spec = search.searchable(Product)
    monkeypatch.setitem(search._registry, Product,
                        dataclasses.replace(spec, key_postings=False))
