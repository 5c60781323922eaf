"""Demo orders: one in every state, through the real services, idempotent; and the bank
simulator command pays an order over real HTTP."""

import pytest
from django.core.management import call_command

from tests.market.order_world import order_of, world_fixture  # noqa: F401
from tinhso.market.demo_orders import DEMO_PHONE, seed_demo_orders
from tinhso.market.models import Order, OrderState


@pytest.mark.django_db
def test_demo_orders_in_every_state_idempotent(world):
    from decimal import Decimal

    from tinhso.market.models import Product

    Product.objects.update(stock=Decimal(500))
    assert seed_demo_orders() == len(OrderState.values)
    states = set(Order.objects.filter(buyer_phone=DEMO_PHONE).values_list("state", flat=True))
    assert states == set(OrderState.values)
    assert seed_demo_orders() == 0
    assert Order.objects.filter(buyer_phone=DEMO_PHONE).count() == len(OrderState.values)


@pytest.mark.django_db(transaction=True)
def test_simulator_pays_an_order(world, live_server, capsys):
    order = order_of(world, (world.na, 2))
    call_command("simulate_bank_payment", order.code,
                 url=f"{live_server.url}/api/v1/payments/bank-webhook")
    assert '"outcome": "matched"' in capsys.readouterr().out
    order.refresh_from_db()
    assert order.state == OrderState.PAID
