"""The order API: checkout, the payment payload, the cart, sellers' actions, and who
sees what."""

import pytest
from django.test import Client

from tests.market.order_world import order_of, world_fixture  # noqa: F401
from tinhso.market.models import Order, OrderState, ShopOrder
from tinhso.payments.vietqr import parse_payload

pytestmark = pytest.mark.django_db
API = "/api/v1/market"


def body(world, **kw):
    data = {"buyer_name": "Hoàng Văn Nam", "buyer_phone": "0987654321",
            "commune_code": world.commune.code, "address": "Thôn Quán Hàng",
            "lines": [{"product_id": world.na.pk, "quantity": "1.5"},
                      {"product_id": world.quyt.pk, "quantity": 2}]}
    data.update(kw)
    return data


def test_checkout_and_pay_by_vietqr(world):
    guest = Client()
    response = guest.post(f"{API}/checkout", body(world), content_type="application/json")
    assert response.status_code == 201, response.content
    order = response.json()
    assert order["state"] == "placed" and len(order["shop_orders"]) == 2
    assert order["total"] == order["items_total"] + order["delivery_total"]
    payment = guest.get(f"{API}/orders/{order['code']}/payment").json()
    assert payment["amount"] == order["total"]
    qr = parse_payload(payment["vietqr"])
    assert qr.amount == order["total"] and order["code"] in qr.purpose
    assert qr.account == world.market_payee.account_number
    # another browser: 404, unless it knows the phone
    stranger = Client()
    assert stranger.get(f"{API}/orders/{order['code']}/payment").status_code == 404
    found = stranger.get(f"{API}/orders/{order['code']}/payment?phone=0987%20654%20321")
    assert found.status_code == 200


def test_bad_lines_are_422_naming_the_line(world):
    response = Client().post(f"{API}/checkout", body(world, lines=[
        {"product_id": world.na.pk, "quantity": "1.2"}]), content_type="application/json")
    assert response.status_code == 422
    [detail] = response.json()["detail"]
    assert detail["field"] == "lines[0].quantity" and detail["code"] == "market.quantity_step"
    assert "Na Chi Lăng" in detail["message_vi"] and "Na Chi Lăng" in detail["message_en"]
    assert not Order.objects.exists()
    response = Client().post(f"{API}/checkout", body(world, lines=[
        {"product_id": world.na.pk, "quantity": "-1"}]), content_type="application/json")
    assert response.status_code == 422


def test_cart_then_checkout(world):
    client = Client()
    client.force_login(world.buyer)
    cart = client.post(f"{API}/cart/lines", {"product_id": world.na.pk, "quantity": "2"},
                       content_type="application/json").json()
    assert cart["items_total"] == 90_002 and cart["lines"][0]["quantity"] == "2"
    refused = client.post(f"{API}/cart/lines", {"product_id": world.mien.pk, "quantity": 4},
                          content_type="application/json")
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "quantity"
    order = client.post(f"{API}/checkout", body(world, lines=None, payment_method="cod"),
                        content_type="application/json").json()
    assert order["total"] == 90_002 + 20_000
    assert client.get(f"{API}/cart").json()["lines"] == []
    mine = client.get(f"{API}/orders").json()
    assert mine["count"] == 1 and mine["items"][0]["code"] == order["code"]


def test_seller_moves_only_its_part(world):
    order = order_of(world, (world.na, 2), (world.quyt, 1), payment_method="cod")
    part_a = ShopOrder.objects.get(order=order, shop=world.shop_a)
    part_b = ShopOrder.objects.get(order=order, shop=world.shop_b)
    seller = Client()
    seller.force_login(world.seller_a)
    listed = seller.get(f"{API}/shop-orders").json()
    assert [p["id"] for p in listed["items"]] == [part_a.pk]
    assert seller.post(f"{API}/shop-orders/{part_b.pk}/state", {"state": "packed"},
                       content_type="application/json").status_code == 404
    moved = seller.post(f"{API}/shop-orders/{part_a.pk}/state", {"state": "packed"},
                        content_type="application/json")
    assert moved.status_code == 200 and moved.json()["state"] == "packed"
    refused = seller.post(f"{API}/shop-orders/{part_a.pk}/state",
                          {"state": "ready_for_pickup"}, content_type="application/json")
    assert refused.status_code == 409
    assert seller.get(f"{API}/orders/{order.code}").status_code == 404
    assert Order.objects.get(pk=order.pk).state == OrderState.PLACED
