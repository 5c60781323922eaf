"""No overselling, ever: many buyers at once for the last units of one product."""

from decimal import Decimal

import pytest

from tests.border.conftest import all_at_once
from tests.market.order_world import order_of, world_fixture  # noqa: F401
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.market.models import OrderLine, Product


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_buyers_for_the_last_units_never_oversell(world):
    Product.objects.filter(pk=world.na.pk).update(stock=Decimal("5.5"))
    wanted = ["1", "1.5", "2", "1", "1.5", "2", "1", "1.5", "2", "1", "1.5", "2", "1", "1.5",
              "2", "1", "1", "1.5", "2", "1"]

    def buy(quantity):
        try:
            order = order_of(world, (world.na, quantity), (world.quyt, "0.5"),
                             payment_method="cod")
        except (DomainError, InvalidInput) as error:
            errors = error.errors if isinstance(error, InvalidInput) else [error]
            return ("refused", quantity, [e.message_vi for e in errors],
                    [e.message_en for e in errors])
        return ("sold", quantity, order.code)

    outcomes = all_at_once(buy, wanted)
    sold = [o for o in outcomes if o[0] == "sold"]
    refused = [o for o in outcomes if o[0] == "refused"]
    assert len(sold) + len(refused) == len(wanted) and sold and refused
    sold_quantity = sum(Decimal(o[1]) for o in sold)
    na = Product.objects.get(pk=world.na.pk)
    assert sold_quantity <= Decimal("5.5")
    assert na.stock == Decimal("5.5") - sold_quantity >= 0
    assert sum(OrderLine.objects.filter(product=world.na).values_list("quantity", flat=True),
               Decimal(0)) == sold_quantity
    # every refused buyer was told which product ran out, in both languages, and got
    # nothing of the other product either
    for _kind, _quantity, vi, en in refused:
        assert any("Na Chi Lăng" in m for m in vi) and any("Na Chi Lăng" in m for m in en)
    quyt = Product.objects.get(pk=world.quyt.pk)
    assert quyt.stock == Decimal(5) - Decimal("0.5") * len(sold)


@pytest.mark.postgres
def test_the_database_refuses_negative_stock(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=world.na.pk).update(stock=Decimal("-0.5"))
