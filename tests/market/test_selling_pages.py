"""Parts 1–2 on the phone pages: a household opens its shop with the code sent by SMS, a
commune officer opens one on behalf of a household (and nobody else may), a seller lists
and edits their own products with photos, stock and OCOP — never someone else's."""

from decimal import Decimal

import pytest

from tests.factories import user_with_role
from tests.market import catalogue_data as data
from tests.market.test_catalogue_services import sent_code
from tinhso.accounts.models import Role
from tinhso.accounts.permissions import has_perm
from tinhso.market.models import Product, ProductPhoto, Shop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def shop_post(**changes) -> dict:
    values = {"phone": "0912345678", "name": "Na Chi Lăng nhà Hoàng",
              "owner_name": "Hoàng Văn Na", "commune": str(data.commune("Chi Lăng").code),
              "address": "Thôn Bản Cắm", "bank_bin": "970405",
              "account_number": "1234 5678 9012", "account_name": "HOANG VAN NA"}
    values.update(changes)
    return values


def test_household_opens_its_shop_from_the_phone_with_the_sms_code(client):
    assert "Mở cửa hàng số" in client.get("/cho/mo-cua-hang/").content.decode()
    step2 = client.post("/cho/mo-cua-hang/", {"action": "code", "phone": "0912 345 678"})
    assert step2.status_code == 200 and 'name="code"' in step2.content.decode()
    wrong = client.post("/cho/mo-cua-hang/", shop_post(action="open", code="000000"))
    assert wrong.status_code == 422
    assert 'data-field="code"' in wrong.content.decode()
    assert not Shop.objects.exists()
    opened = client.post("/cho/mo-cua-hang/", shop_post(action="open", code=sent_code()))
    assert opened.status_code == 302 and opened["Location"] == "/cho/ban-hang/"
    shop = Shop.objects.get()
    assert shop.phone_verified_at is not None and shop.opened_by_officer is None
    mine = client.get("/cho/ban-hang/")  # logged in as the new shop's owner
    assert mine.status_code == 200 and shop.name in mine.content.decode()


def test_every_bad_field_is_named_and_nothing_is_written(client):
    client.post("/cho/mo-cua-hang/", {"action": "code", "phone": "0912345678"})
    response = client.post("/cho/mo-cua-hang/", shop_post(
        action="open", code=sent_code(), commune="x", bank_bin="000000",
        account_number="12ab"))
    html = response.content.decode()
    assert response.status_code == 422
    for field in ("commune", "bank_bin", "account_number"):
        assert f'data-field="{field}"' in html
    assert not Shop.objects.exists()


def test_bad_phone_is_refused_at_step_one(client):
    response = client.post("/cho/mo-cua-hang/", {"action": "code", "phone": "12345"})
    assert response.status_code == 422 and 'data-field="phone"' in response.content.decode()


def test_commune_officer_opens_a_shop_on_behalf_of_a_household(client):
    officer = user_with_role(Role.COMMUNE_OFFICER)
    client.force_login(officer)
    assert client.get("/cho/mo-ho/").status_code == 200
    response = client.post("/cho/mo-ho/", shop_post())
    shop = Shop.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cho/{shop.slug}/"
    assert shop.opened_by_officer == officer and shop.phone_verified_at is None


@pytest.mark.parametrize("role", [Role.SHOP_OWNER, Role.CITIZEN, Role.HUB_MANAGER])
def test_only_commune_officers_open_on_behalf(client, role):
    client.force_login(user_with_role(role))
    assert client.get("/cho/mo-ho/").status_code == 403
    assert client.post("/cho/mo-ho/", shop_post()).status_code == 403
    assert not Shop.objects.exists()


def test_the_selling_pages_need_a_login_and_a_shop(client):
    assert client.get("/cho/ban-hang/").status_code == 302
    client.force_login(user_with_role(Role.CITIZEN))
    assert client.get("/cho/ban-hang/").status_code == 403
    assert client.get("/cho/ban-hang/san-pham/moi/").status_code == 403
    client.force_login(user_with_role(Role.SHOP_OWNER))  # a household without its shop
    page = client.get("/cho/ban-hang/")
    assert page.status_code == 200 and "Bạn chưa có cửa hàng" in page.content.decode()
    assert client.get("/cho/ban-hang/san-pham/moi/").status_code == 403


def test_menu_leads_sellers_and_commune_officers_to_their_pages(client, seller):
    assert 'href="/cho/ban-hang/"' in client.get("/").content.decode()
    client.force_login(user_with_role(Role.COMMUNE_OFFICER))
    html = client.get("/").content.decode()
    assert 'href="/cho/mo-ho/"' in html and 'href="/cho/ban-hang/"' not in html


@pytest.fixture
def seller(client):
    shop = data.shop("Nhà vườn Hoàng")
    client.force_login(data.owner_of(shop))
    return shop


def product_post(**changes) -> dict:
    values = {"name": "Na Chi Lăng loại 1", "category": data.category().slug, "unit": "kg",
              "price_vnd": "45.000", "quantity_step": "0,5", "min_quantity": "1",
              "stock": "20", "description": "Na dai, ngọt", "is_active": "1"}
    values.update(changes)
    return values


def test_seller_adds_a_product_with_its_photo_and_sees_it_listed(client, seller):
    response = client.post("/cho/ban-hang/san-pham/moi/",
                           {**product_post(), "photo": data.jpeg()})
    assert response.status_code == 302 and response["Location"] == "/cho/ban-hang/"
    product = Product.objects.get()
    assert (product.price_vnd, product.quantity_step, product.stock) == (
        45000, Decimal("0.5"), Decimal("20"))
    assert ProductPhoto.objects.filter(product=product).count() == 1
    listed = client.get("/cho/ban-hang/").content.decode()
    assert "Na Chi Lăng loại 1" in listed and "45.000 ₫" in listed


def test_bad_product_fields_are_named_and_nothing_is_saved(client, seller):
    response = client.post("/cho/ban-hang/san-pham/moi/", product_post(
        price_vnd="mười nghìn", quantity_step="-1", unit="tấn", category="x"))
    html = response.content.decode()
    assert response.status_code == 422
    for field in ("price_vnd", "quantity_step", "unit", "category"):
        assert f'data-field="{field}"' in html
    assert not Product.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused_but_the_product_kept(client, seller):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("na.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = client.post("/cho/ban-hang/san-pham/moi/", {**product_post(), "photo": fake})
    product = Product.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cho/ban-hang/san-pham/{product.pk}/?photo=refused"
    assert not ProductPhoto.objects.exists()


def test_seller_edits_stock_and_ocop_and_withdraws_a_product(client, seller):
    product = data.product(seller, "Miến dong")
    url = f"/cho/ban-hang/san-pham/{product.pk}/"
    page = client.get(url).content.decode()
    assert 'value="Miến dong"' in page and 'value="20"' in page
    missing = client.post(url, product_post(name="Miến dong", ocop_stars="4"))
    assert missing.status_code == 422 and 'data-field="ocop_certificate_no"' in (
        missing.content.decode())
    saved = client.post(url, product_post(
        name="Miến dong", stock="7,5", ocop_stars="4", ocop_certificate_no="OCOP-LS-7",
        ocop_decision="QĐ 7/QĐ-UBND", ocop_issued_on="2026-01-15", is_active="0"))
    assert saved.status_code == 302
    product.refresh_from_db()
    assert product.stock == Decimal("7.5") and product.ocop_stars == 4
    assert str(product.ocop_expires_on) == "2029-01-15"  # 36 months by default
    assert not product.is_active
    listed = client.get("/cho/ban-hang/").content.decode()
    assert "Tạm ngừng bán" in listed and "Còn: 7,5 kg" in listed  # never "7,500"


def test_another_sellers_product_is_404(client, seller):
    theirs = data.product(data.shop("Hộ bà Lý"), "Thạch đen")
    assert client.get(f"/cho/ban-hang/san-pham/{theirs.pk}/").status_code == 404
    assert client.post(f"/cho/ban-hang/san-pham/{theirs.pk}/",
                       product_post(name="Của tôi")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Thạch đen"


def test_a_shop_never_takes_the_address_of_a_page(client):
    client.force_login(user_with_role(Role.COMMUNE_OFFICER))
    client.post("/cho/mo-ho/", shop_post(name="Bán hàng"))
    assert Shop.objects.get().slug == "ban-hang-2"


def test_market_permissions_by_role():
    seller_shop = data.shop()
    owner = data.owner_of(seller_shop)
    assert has_perm(owner, "market.sell", organization_id=seller_shop.organization_id)
    assert not has_perm(owner, "market.sell", organization_id=data.shop().organization_id)
    assert not has_perm(owner, "market.open_shop_for_household")
    assert has_perm(user_with_role(Role.COMMUNE_OFFICER), "market.open_shop_for_household")
