from decimal import Decimal

import pytest

from tinhso.market.units import BadQuantity, line_amount, on_step, parse_quantity


@pytest.mark.parametrize(("text", "expected"), [("1,5", "1.5"), ("2", "2"), (" 0.25 ", "0.25"),
                                            (3, "3")])
def test_quantities_are_read_as_decimals(text, expected):
    assert parse_quantity(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["0", "-1", "abc", "1e400", "NaN", "Infinity", "0.0001",
                                  "1000001", ""])
def test_bad_quantities_are_refused(text):
    with pytest.raises(BadQuantity):
        parse_quantity(text)


def test_weighed_goods_follow_their_step_from_the_minimum():
    step, minimum = Decimal("0.5"), Decimal("1")
    assert [on_step(Decimal(q), step, minimum) for q in ("1", "1.5", "2", "7.5")] == [True] * 4
    assert [on_step(Decimal(q), step, minimum) for q in ("0.5", "1.2", "1.75")] == [False] * 3


def test_a_line_amount_is_rounded_half_up_to_the_whole_dong():
    assert line_amount(45_001, Decimal("2.5")) == 112_503  # 112,502.5
    assert line_amount(120_000, Decimal("0.25")) == 30_000
    assert line_amount(3, Decimal("0.5")) == 2  # 1.5 rounds up
