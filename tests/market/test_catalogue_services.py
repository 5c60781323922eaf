"""Parts 1–2: opening a shop (code by SMS, or by a commune officer), products with
decimal steps, OCOP dates and reminders, photos checked by content."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import user_with_role
from tests.market import catalogue_data as data
from tinhso.accounts.models import Role
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.models import OutgoingNotification
from tinhso.market.models import Product, Shop
from tinhso.market.services import catalogue, shops

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def form(**changes) -> shops.ShopForm:
    values = {"phone": "0912 345 678", "name": "Na Chi Lăng nhà Hoàng", "owner_name": "Hoàng Văn Na",
              "commune": data.commune("Chi Lăng").code, "address": "Thôn Bản Cắm",
              "bank_bin": "970405", "account_number": "1234 5678 9012",
              "account_name": "HOANG VAN NA"}
    values.update(changes)
    return shops.ShopForm(**values)


def sent_code(phone="0912345678") -> str:
    message = OutgoingNotification.objects.filter(recipient=phone).latest("pk")
    return message.message_en.split("code: ")[1][:6]


def test_household_opens_a_shop_with_the_code_sent_to_its_phone():
    shops.request_code("0912 345 678")
    shop = shops.register_shop(actor=None, form=form(code=sent_code()))
    assert shop.slug == "na-chi-lang-nha-hoang"
    assert (shop.bank_bin, shop.account_number, shop.bank_name) == ("970405", "123456789012",
                                                                     "Agribank")
    assert shop.phone_verified_at and shop.opened_by_officer is None
    owner = shop.organization.memberships.get().user
    assert owner.phone == "0912345678"
    with pytest.raises(DomainError) as again:  # the code is single-use; the phone is taken
        shops.register_shop(actor=None, form=form(code=sent_code()))
    assert again.value.code == "market.phone_taken"


def test_wrong_code_writes_nothing_and_five_burn_it():
    shops.request_code("0912345678")
    for _ in range(4):
        with pytest.raises(DomainError, match="code_wrong"):
            shops.register_shop(actor=None, form=form(code="000000"))
    with pytest.raises(DomainError, match="code_too_many"):
        shops.register_shop(actor=None, form=form(code="000000"))
    assert not Shop.objects.exists()
    with pytest.raises(DomainError, match="code_too_soon"):
        shops.request_code("0912345678")


def test_every_bad_field_is_named_at_once():
    with pytest.raises(InvalidInput) as caught:
        shops.register_shop(actor=None, form=form(
            phone="024 3826 1234", name="x", commune=1, bank_bin="999999",
            account_number="12ab", tax_code="0100233480"))
    assert {e.field for e in caught.value.errors} == {
        "phone", "name", "commune", "bank_bin", "account_number", "tax_code"}
    assert not Shop.objects.exists()


def test_commune_officer_opens_a_shop_on_behalf_without_a_code():
    officer = user_with_role(Role.COMMUNE_OFFICER)
    shop = shops.register_shop(actor=officer, form=form(), on_behalf=True)
    assert shop.opened_by_officer == officer and shop.phone_verified_at is None
    with pytest.raises(DomainError):  # a shop owner is no officer
        shops.register_shop(actor=data.owner_of(shop), form=form(phone="0987654321"),
                            on_behalf=True)


def product_form(**changes) -> catalogue.ProductForm:
    values = {"name": "Quýt Bắc Sơn", "category": data.category().slug, "unit": "kg",
              "price_vnd": 35000, "quantity_step": "0,5", "min_quantity": "1", "stock": "120.5"}
    values.update(changes)
    return catalogue.ProductForm(**values)


def test_product_by_weight_with_ocop_expiring_36_months_after_issue():
    shop = data.shop()
    product = catalogue.create_product(
        actor=data.owner_of(shop), shop=shop, today=date(2026, 12, 2), form=product_form(
            ocop_stars=4, ocop_certificate_no="123", ocop_decision="QĐ 1/QĐ-UBND",
            ocop_issued_on=date(2024, 2, 29)))
    assert product.quantity_step == Decimal("0.5") and product.stock == Decimal("120.5")
    assert product.ocop_expires_on == date(2027, 2, 28)
    assert product.ocop_valid_on(date(2027, 2, 28)) and not product.ocop_valid_on(date(2027, 3, 1))


@pytest.mark.parametrize(("changes", "field"), [
    ({"quantity_step": "0"}, "quantity_step"), ({"min_quantity": "1.0001"}, "min_quantity"),
    ({"stock": "-1"}, "stock"), ({"price_vnd": 0}, "price_vnd"), ({"unit": "tấn"}, "unit"),
    ({"season_start_month": 13, "season_end_month": 2}, "season"),
    ({"ocop_stars": 6}, "ocop"), ({"ocop_stars": 3}, "ocop"),
    ({"ocop_stars": 3, "ocop_certificate_no": "1", "ocop_decision": "QĐ",
      "ocop_issued_on": date(2027, 1, 1)}, "ocop"),
])
def test_bad_products_are_refused_naming_the_field(changes, field):
    shop = data.shop()
    with pytest.raises(InvalidInput) as caught:
        catalogue.create_product(actor=data.owner_of(shop), shop=shop,
                                 form=product_form(**changes))
    assert caught.value.errors[0].field.startswith(field)
    assert not Product.objects.exists()


def test_only_the_shop_edits_its_products():
    shop, other = data.shop(), data.shop("Hộ khác")
    with pytest.raises(DomainError) as caught:
        catalogue.create_product(actor=data.owner_of(other), shop=shop, form=product_form())
    assert caught.value.status == 404


def test_photos_are_checked_by_content_and_served_only_while_on_sale(client):
    shop = data.shop()
    product = data.product(shop)
    photo = catalogue.add_photo(actor=data.owner_of(shop), product=product, upload=data.jpeg())
    url = f"/cho/anh/{photo.pk}/thumbnail/"
    response = client.get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    with pytest.raises(InvalidInput) as caught:
        catalogue.add_photo(actor=data.owner_of(shop), product=product,
                            upload=SimpleUploadedFile("fake.jpg", b"not an image" * 10))
    assert caught.value.errors[0].field == "photo"
    Product.objects.filter(pk=product.pk).update(is_active=False)
    assert client.get(url).status_code == 404
    client.force_login(data.owner_of(shop))
    assert client.get(url).status_code == 200


def test_ocop_reminder_is_sent_once_per_certificate():
    shop = data.shop()
    data.product(shop, "Thạch đen", **data.ocop(expires=date(2027, 1, 15)))
    data.product(shop, "Na", **data.ocop(expires=date(2028, 1, 15)))
    assert catalogue.remind_ocop_expiring(today=date(2026, 12, 2)) == 1
    assert catalogue.remind_ocop_expiring(today=date(2026, 12, 3)) == 0
    message = OutgoingNotification.objects.get(kind="market.ocop_expiring")
    assert "15/01/2027" in message.message_vi and message.recipient == shop.phone


def test_api_opens_a_shop_and_searches_it(client):
    response = client.post("/api/v1/market/phone-codes", {"phone": "0912345678"},
                           content_type="application/json")
    assert response.status_code == 200
    payload = {**form(code=sent_code()).__dict__, "phone": "0912345678"}
    created = client.post("/api/v1/market/shops", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["url"] == "/cho/na-chi-lang-nha-hoang/"
    bad = client.post("/api/v1/market/shops", {**payload, "bank_bin": "1"},
                      content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "bank_bin"
