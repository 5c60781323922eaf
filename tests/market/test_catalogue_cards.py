"""The catalogue cards stored in the product search index (market.search_index.card_data):
a search page is read from the index alone, so every change a card shows must rewrite the
product's index row — a product's own edit, its stock taken or given back by an order (an
UPDATE without a signal), its shop renamed or closed, its category recoded, a photo added
or removed, an OCOP certificate that ends."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from tests.market import catalogue_data as data
from tests.market.order_world import order_of, world_fixture  # noqa: F401
from tinhso.core import search
from tinhso.market import selectors_catalogue as selectors
from tinhso.market.models import Category, Product, ProductPhoto
from tinhso.market.presenters_catalogue import card_out, product_out
from tinhso.market.services import catalogue as catalogue_services
from tinhso.market.services.orders import cancel_order

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)


def rendered(out: dict) -> dict:
    """As the API sends it (quantities are JSON strings such as "0.500")."""
    return json.loads(json.dumps(out, cls=DjangoJSONEncoder))


def card(product: Product, *, today: date = TODAY, **filters) -> dict | None:
    """The product's card as the catalogue shows it (None: not found)."""
    found = selectors.catalogue(selectors.CatalogueFilter(**filters), today=today, cap=1000)
    for row in found[0:1000]:
        if row["id"] == product.pk:
            return rendered(card_out(row, today=today))
    return None


def live(product: Product, *, today: date = TODAY) -> dict:
    """The same card presented from the product's table (the product page's facts)."""
    fresh = Product.objects.select_related("shop", "category").prefetch_related(
        "photos").get(pk=product.pk)
    return rendered(product_out(fresh, today=today))


def test_the_stored_card_is_the_product_as_its_page_presents_it():
    shop = data.shop("Nhà vườn Hoàng")
    na = data.product(shop, "Na Chi Lăng", is_specialty=True, season_start_month=11,
                      season_end_month=2, stock=Decimal("0.5"), **data.ocop(4))
    plain = data.product(shop, "Quýt Bắc Sơn", unit="box", stock=Decimal("7.25"),
                         quantity_step=Decimal("0.25"))
    for product in (na, plain):
        for today in (TODAY, date(2026, 6, 1), date(2029, 1, 1)):  # in/out of season, OCOP
            assert card(product, today=today) == live(product, today=today)
    assert card(na)["in_stock"] is False and card(plain)["quantity_step"] == "0.250"


def test_a_product_edit_rewrites_its_card():
    shop = data.shop()
    na = data.product(shop, "Na Chi Lăng", category=data.category("trai-cay"))
    dried = data.category("do-kho", "Đồ khô")
    form = catalogue_services.form_from(na)
    form.price_vnd, form.stock, form.category, form.name = 52000, "0", "do-kho", "Na sấy dẻo"
    form.ocop_stars, form.ocop_certificate_no, form.ocop_decision = 3, "OCOP-1", "QĐ 1"
    form.ocop_issued_on, form.ocop_expires_on = date(2026, 1, 1), date(2027, 1, 1)
    catalogue_services.update_product(actor=data.owner_of(shop), product=na, form=form,
                                      today=TODAY)
    shown = card(na, q="na say", category=dried.slug)
    assert shown == live(na)
    assert (shown["name"], shown["price"], shown["in_stock"], shown["category"],
            shown["ocop_stars"]) == ("Na sấy dẻo", 52000, False, "do-kho", 3)
    assert card(na, category="trai-cay") is None  # the old category's key is gone
    form.is_active = False  # withdrawn: no card at all
    catalogue_services.update_product(actor=data.owner_of(shop), product=na, form=form,
                                      today=TODAY)
    assert card(na) is None


def test_stock_taken_and_given_back_by_orders_moves_the_card(world):
    mien = world.mien  # 3 packs, at least 1
    assert card(mien)["in_stock"] is True
    order = order_of(world, (mien, 3), actor=world.buyer)  # a conditional UPDATE: no signal
    assert Product.objects.get(pk=mien.pk).stock == 0
    assert card(mien)["in_stock"] is False and card(mien) == live(mien)
    cancel_order(actor=world.buyer, order=order, reason="other", note="đổi ý")  # stock back
    assert Product.objects.get(pk=mien.pk).stock == 3
    assert card(mien)["in_stock"] is True and card(mien) == live(mien)


def test_a_shop_renamed_or_closed_and_a_category_recoded_rewrite_the_cards():
    shop = data.shop("Nhà vườn Hoàng")
    na = data.product(shop, "Na Chi Lăng")
    shop.name, shop.slug = "Vườn na Hoàng Văn", "vuon-na-hoang"
    shop.save()
    assert (card(na)["shop"], card(na)["shop_slug"], card(na)["url"]) == (
        "Vườn na Hoàng Văn", "vuon-na-hoang", f"/cho/vuon-na-hoang/{na.slug}/")
    fruit = Category.objects.get(slug="trai-cay")
    fruit.slug = "hoa-qua"
    fruit.save()
    assert card(na, category="hoa-qua")["category"] == "hoa-qua"
    assert card(na, category="trai-cay") is None
    shop.is_active = False
    shop.save()
    assert card(na) is None


def test_photos_added_moved_or_removed_rewrite_the_card():
    na = data.product(data.shop(), "Na Chi Lăng")
    assert card(na)["photo"] is None
    first = ProductPhoto.objects.create(product=na, original="a.jpg", thumbnail="a-t.jpg",
                                        position=1)
    assert card(na)["photo"] == f"/cho/anh/{first.pk}/thumbnail/" == live(na)["photo"]
    second = ProductPhoto.objects.create(product=na, original="b.jpg", position=0)
    assert card(na)["photo"] == live(na)["photo"] == f"/cho/anh/{second.pk}/thumbnail/"
    second.delete()
    assert card(na)["photo"] == live(na)["photo"] == f"/cho/anh/{first.pk}/thumbnail/"
    first.delete()
    assert card(na)["photo"] is None


def test_a_deleted_product_leaves_no_row_behind():
    na = data.product(data.shop(), "Na Chi Lăng")
    ProductPhoto.objects.create(product=na, original="a.jpg")
    pk = na.pk
    Product.objects.filter(pk=pk).delete()  # its photos go first (cascade)
    assert search.find(Product, "na", stored=True)._stored_rows([pk]) == {}


def test_find_refuses_stored_rows_where_the_index_stores_none():
    from tinhso.core.models import AdministrativeUnit

    with pytest.raises(ValueError, match="stores no data"):
        search.find(AdministrativeUnit, "chi lang", stored=True)


def test_an_order_that_leaves_the_stock_flag_as_it_was_rewrites_no_card(world, monkeypatch):
    """Only a flag turned over is reindexed (a reindex inside the checkout keeps the product
    rows locked longer)."""
    calls = []
    real = search.reindex
    monkeypatch.setattr(search, "reindex", lambda model, ids=None, **kw: (
        calls.append(sorted(ids)), real(model, ids, **kw))[1])
    order_of(world, (world.na, 2), (world.mien, 1), actor=world.buyer)  # 8 kg, 2 packs left
    assert calls == []
    assert card(world.na) == live(world.na) and card(world.mien)["in_stock"] is True
    order_of(world, (world.na, "7.5"), (world.mien, 1), actor=world.buyer)  # 0.5 kg < 1 kg
    assert calls == [[world.na.pk]]
    assert card(world.na)["in_stock"] is False and card(world.mien)["in_stock"] is True
