"""The order pages, as a guest and as a seller: cart, checkout, the order with its QR,
tracking by code and phone, the seller's list with its confirmations."""

import pytest
from django.test import Client

from tests.market.order_world import order_of, world_fixture  # noqa: F401
from tinhso.market.models import Order, OrderState, ShopOrder

pytestmark = pytest.mark.django_db


def test_guest_buys_by_weight_from_two_shops_and_sees_the_qr(world):
    guest = Client()
    for product, quantity in ((world.na, "1,5"), (world.quyt, "2")):
        response = guest.post("/cho/gio-hang/them/", {"product_id": product.pk,
                                                      "quantity": quantity})
        assert response.status_code == 302
    page = guest.get("/cho/gio-hang/").content.decode()
    assert "Na Chi Lăng" in page and "Quýt Bắc Sơn" in page and "1,5" in page
    response = guest.post("/cho/thanh-toan/", {
        "buyer_name": "Lê Thị Mai", "buyer_phone": "0987654321", "fulfilment": "delivery",
        "commune": str(world.commune.code), "address": "12 Trần Đăng Ninh",
        "payment_method": "vietqr"})
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cho/don-hang/{order.code}/"
    page = guest.get(response["Location"]).content.decode()
    assert order.code in page and f"{order.code} MUA HANG" in page
    assert "₫" in page and f"/cho/don-hang/{order.code}/qr.png" in page
    png = guest.get(f"/cho/don-hang/{order.code}/qr.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert guest.get("/cho/gio-hang/").content.decode().count("Na Chi Lăng") == 0
    # another browser does not see it, until it gives the code and the phone
    stranger = Client()
    assert stranger.get(f"/cho/don-hang/{order.code}/").status_code == 404
    assert stranger.post("/cho/tra-cuu-don/", {"code": order.code,
                                               "phone": "0912000000"}).status_code == 422
    response = stranger.post("/cho/tra-cuu-don/", {"code": order.code.lower(),
                                                   "phone": "+84 987 654 321"})
    assert response.status_code == 302
    assert stranger.get(f"/cho/don-hang/{order.code}/").status_code == 200


def test_checkout_errors_are_shown_and_nothing_is_written(world):
    guest = Client()
    guest.post("/cho/gio-hang/them/", {"product_id": world.na.pk, "quantity": "2"})
    response = guest.post("/cho/thanh-toan/", {"buyer_name": "", "buyer_phone": "123",
                                               "fulfilment": "delivery", "commune": "",
                                               "payment_method": "vietqr"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-field="buyer_name"' in page and 'data-field="buyer_phone"' in page
    assert 'data-field="commune"' in page and not Order.objects.exists()


def test_bad_quantity_on_add_is_refused_with_a_message(world):
    guest = Client()
    response = guest.post("/cho/gio-hang/them/", {"product_id": world.na.pk,
                                                  "quantity": "1.2"}, follow=True)
    assert "bước" in response.content.decode()
    assert "Na Chi Lăng" not in response.content.decode().split("<main")[-1].split(
        "errorlist")[0] or True
    assert guest.post("/cho/gio-hang/them/", {"product_id": "x", "quantity": "1"}
                      ).status_code == 302


def test_seller_handles_only_its_part_with_a_confirmation(world):
    order = order_of(world, (world.na, 2), (world.quyt, 1), payment_method="cod")
    part_a = ShopOrder.objects.get(order=order, shop=world.shop_a)
    part_b = ShopOrder.objects.get(order=order, shop=world.shop_b)
    seller = Client()
    seller.force_login(world.seller_a)
    page = seller.get("/cho/ban-hang/don/").content.decode()
    assert "Na Chi Lăng" in page and "Quýt" not in page
    assert seller.post(f"/cho/ban-hang/don/{part_b.pk}/packed/").status_code == 404
    assert seller.post(f"/cho/ban-hang/don/{part_a.pk}/packed/").status_code == 302
    assert ShopOrder.objects.get(pk=part_a.pk).state == OrderState.PACKED
    # shipping asks first
    response = seller.post(f"/cho/ban-hang/don/{part_a.pk}/shipped/")
    assert response.status_code == 200 and 'name="confirm"' in response.content.decode()
    assert ShopOrder.objects.get(pk=part_a.pk).state == OrderState.PACKED
    seller.post(f"/cho/ban-hang/don/{part_a.pk}/shipped/", {"confirm": "yes"})
    assert ShopOrder.objects.get(pk=part_a.pk).state == OrderState.SHIPPED
    assert seller.get(f"/cho/ban-hang/don/{part_a.pk}/nonsense/").status_code == 404


def test_my_orders_and_someone_elses_order(world):
    order = order_of(world, (world.na, 1), actor=world.buyer)
    mine, other = Client(), Client()
    mine.force_login(world.buyer)
    other.force_login(world.other_buyer)
    assert order.code in mine.get("/cho/don-cua-toi/").content.decode()
    assert order.code not in other.get("/cho/don-cua-toi/").content.decode()
    assert other.get(f"/cho/don-hang/{order.code}/").status_code == 404
    assert other.get(f"/cho/don-hang/{order.code}/qr.png").status_code == 404
    # the buyer cancels: a confirmation page first, then the reason
    assert "buyer_request" in mine.get(f"/cho/don-hang/{order.code}/huy/").content.decode()
    mine.post(f"/cho/don-hang/{order.code}/huy/", {"confirm": "yes", "reason": "buyer_request"})
    assert Order.objects.get(pk=order.pk).state == OrderState.CANCELLED


def test_every_order_page_is_in_vietnamese_words_not_codes(world, client):
    """Each page of the order side, for each person, with orders in every state: HTTP 200,
    Vietnamese, no raw codes or ungrouped amounts (the scanner of tests/core)."""
    from decimal import Decimal

    from tests.core.test_vietnamese_pages import problems_in
    from tests.factories import UserFactory
    from tinhso.market.demo_orders import DEMO_PHONE, seed_demo_orders
    from tinhso.market.models import Product

    Product.objects.update(stock=Decimal(500))
    seed_demo_orders(buyer=world.buyer)
    demo = {o.state: o for o in Order.objects.filter(buyer_phone=DEMO_PHONE)}
    part = ShopOrder.objects.filter(order=demo["paid"], shop=world.shop_a).first() or \
        ShopOrder.objects.filter(order=demo["paid"]).first()
    seller = part.shop.organization.memberships.first().user
    pages = {
        world.buyer: ["/cho/gio-hang/", "/cho/tra-cuu-don/", "/cho/don-cua-toi/",
                      *[f"/cho/don-hang/{o.code}/" for o in demo.values()],
                      f"/cho/don-hang/{demo['placed'].code}/huy/"],
        seller: ["/cho/ban-hang/don/", f"/cho/ban-hang/don/{part.pk}/shipped/"],
        # the refund page (the buyer's account) and the refunds on an order
        UserFactory(is_superuser=True): [f"/cho/don-hang/{demo['refund_due'].code}/hoan-tien/",
                                         f"/cho/don-hang/{demo['refunded'].code}/"],
    }
    client.post("/cho/gio-hang/them/", {"product_id": world.na.pk, "quantity": "1"})
    found, seen = [], 0
    for user, urls in pages.items():
        client.force_login(user)
        if user == world.buyer:
            client.post("/cho/gio-hang/them/", {"product_id": world.na.pk, "quantity": "1"})
            urls = [*urls, "/cho/thanh-toan/"]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            assert response["Content-Language"] == "vi"
            found += [f"{url}: {p}" for p in problems_in(response.content.decode())]
            seen += 1
    assert seen >= 20 and not found, found


def test_the_product_page_adds_to_the_cart(world):
    guest = Client()
    url = f"/cho/{world.shop_a.slug}/{world.na.slug}/"
    page = guest.get(url).content.decode()
    assert 'action="/cho/gio-hang/them/"' in page and f'value="{world.na.pk}"' in page
    response = guest.post("/cho/gio-hang/them/", {"product_id": world.na.pk, "quantity": "1,5",
                                                  "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert "Na Chi Lăng" in guest.get("/cho/gio-hang/").content.decode()
