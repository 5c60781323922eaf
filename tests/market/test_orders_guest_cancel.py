"""A guest cancels its own unpaid order: from the browser that placed (or tracked) it, or
through the private link of its confirmation page, with a confirmation and a reason,
through ``services.orders.transition`` (audited, stock back). Nobody else can."""

import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client

from tests.market.order_world import order_of, world_fixture  # noqa: F401
from tinhso.core.models import AuditEntry
from tinhso.market.models import Order, OrderEvent, OrderState, Product
from tinhso.market.services import orders

pytestmark = pytest.mark.django_db
S = OrderState


def _checkout(world, client: Client) -> Order:
    client.post("/cho/gio-hang/them/", {"product_id": world.na.pk, "quantity": "2"})
    response = client.post("/cho/thanh-toan/", {
        "buyer_name": "Lê Thị Mai", "buyer_phone": "0987654321", "fulfilment": "delivery",
        "commune": str(world.commune.code), "address": "12 Trần Đăng Ninh",
        "payment_method": "vietqr"})
    assert response.status_code == 302
    return Order.objects.get()


def test_guest_cancels_from_its_browser_with_a_confirmation_and_a_reason(world):
    guest = Client()
    order = _checkout(world, guest)
    assert Product.objects.get(pk=world.na.pk).stock == Decimal("8")
    page = guest.get(f"/cho/don-hang/{order.code}/").content.decode()
    assert f"/cho/don-hang/{order.code}/huy/" in page
    # GET is the confirmation page: nothing happens yet
    page = guest.get(f"/cho/don-hang/{order.code}/huy/").content.decode()
    assert 'name="confirm"' in page and "buyer_request" in page
    assert Order.objects.get(pk=order.pk).state == S.PLACED
    # a reason is required ("other" needs a note)
    response = guest.post(f"/cho/don-hang/{order.code}/huy/", {"confirm": "yes",
                                                               "reason": "other"})
    assert response.status_code == 422 and Order.objects.get(pk=order.pk).state == S.PLACED
    response = guest.post(f"/cho/don-hang/{order.code}/huy/", {"confirm": "yes",
                                                               "reason": "buyer_request"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == S.CANCELLED and order.cancel_reason == "buyer_request"
    assert Product.objects.get(pk=world.na.pk).stock == Decimal("10")
    entry = AuditEntry.objects.get(action="order.cancelled", object_id=str(order.pk))
    assert entry.actor_id is None and entry.after["reason"] == "buyer_request"
    assert OrderEvent.objects.filter(order=order, to_state=S.CANCELLED).exists()


def test_another_guest_cannot_cancel_nor_see_the_page(world):
    order = _checkout(world, Client())
    stranger = Client()
    assert stranger.get(f"/cho/don-hang/{order.code}/huy/").status_code == 404
    assert stranger.post(f"/cho/don-hang/{order.code}/huy/", {
        "confirm": "yes", "reason": "buyer_request"}).status_code == 404
    # a forged private link does not open it either
    assert stranger.get(f"/cho/don-hang/{order.code}/?t=forged").status_code == 404
    other = order_of(world, (world.quyt, 1))
    assert stranger.get(f"/cho/don-hang/{order.code}/?t="
                        f"{orders.order_link_token(other.code)}").status_code == 404
    # an account holder who is not the buyer neither
    someone = Client()
    someone.force_login(world.other_buyer)
    assert someone.get(f"/cho/don-hang/{order.code}/huy/").status_code == 404
    # the API refuses without the session or the right mobile number
    response = stranger.post(f"/api/v1/market/orders/{order.code}/cancel",
                             json.dumps({"reason": "buyer_request", "phone": "0912000000"}),
                             content_type="application/json")
    assert response.status_code == 404
    assert Order.objects.get(pk=order.pk).state == S.PLACED
    assert Product.objects.get(pk=world.na.pk).stock == Decimal("8")


def test_the_private_link_of_the_confirmation_lets_the_guest_cancel_elsewhere(world):
    guest = Client()
    order = _checkout(world, guest)
    page = guest.get(f"/cho/don-hang/{order.code}/").content.decode()
    token = orders.order_link_token(order.code)
    assert f"?t={token}" in page  # shown to keep
    phone = Client()  # the same person, another device
    assert phone.get(f"/cho/don-hang/{order.code}/?t={token}").status_code == 200
    phone.post(f"/cho/don-hang/{order.code}/huy/", {"confirm": "yes",
                                                   "reason": "buyer_request"})
    assert Order.objects.get(pk=order.pk).state == S.CANCELLED


def test_guest_cancels_through_the_api_with_the_mobile_number(world):
    order = order_of(world, (world.na, 2))
    response = Client().post(f"/api/v1/market/orders/{order.code}/cancel",
                             json.dumps({"reason": "buyer_request", "phone": "0987 654 321"}),
                             content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == S.CANCELLED
    assert Product.objects.get(pk=world.na.pk).stock == Decimal("10")


def test_the_guest_link_never_reaches_a_paid_order_nor_an_account_order(world):
    order = order_of(world, (world.na, 2))
    orders.transition(orders.locked(order), S.PAID, actor=None)
    order.refresh_from_db()
    anonymous = AnonymousUser()
    assert not orders.can_cancel(anonymous, order, guest_link=True)  # paid: the hub decides
    with pytest.raises(PermissionDenied):  # a paid order is cancelled by the hub
        orders.cancel_order(actor=anonymous, order=order, reason="buyer_request",
                            guest_link=True)
    mine = order_of(world, (world.quyt, 1), actor=world.buyer)
    assert not orders.can_cancel(anonymous, mine, guest_link=True)
    with pytest.raises(PermissionDenied):
        orders.cancel_order(actor=anonymous, order=mine, reason="buyer_request",
                            guest_link=True)
    assert Order.objects.get(pk=mine.pk).state == S.PLACED
