from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinhso.core.money import format_vnd, parse_vnd
from tinhso.core.validators import InvalidValue


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "0 ₫"),
        (5, "5 ₫"),
        (999, "999 ₫"),
        (1000, "1.000 ₫"),
        (1234567, "1.234.567 ₫"),
        (-1234, "-1.234 ₫"),
        (10**12, "1.000.000.000.000 ₫"),
    ],
)
def test_format_vnd(amount, text):
    assert format_vnd(amount) == text


@pytest.mark.parametrize("amount", [1.0, 1234.5, Decimal("1000"), "1000", True, None])
def test_format_vnd_refuses_non_int(amount):
    with pytest.raises(TypeError):
        format_vnd(amount)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.234.567 ₫", 1234567),
        ("1.234.567₫", 1234567),
        ("1234567", 1234567),
        ("1,234,567 VND", 1234567),
        ("1,234,567 vnd", 1234567),
        ("1.234.567 VNĐ", 1234567),
        ("1.234.567 đ", 1234567),
        ("1 234 567 đồng", 1234567),
        ("1\u00a0234\u00a0567\u00a0₫", 1234567),  # non-breaking spaces
        ("-1.234 ₫", -1234),
        ("1.234", 1234),  # Vietnamese notation: the dot groups thousands
        ("1,234,567.00 VND", 1234567),
        ("1.234.567,00 ₫", 1234567),
        ("  0 ₫ ", 0),
    ],
)
def test_parse_vnd(text, amount):
    assert parse_vnd(text) == amount


@pytest.mark.parametrize(
    "text",
    ["", "₫", "abc", "1.5", "12,50", "1.23.456", "1.234,567", "1,234.567", "1.234.567,5 ₫", "--5"],
)
def test_parse_vnd_rejects(text):
    with pytest.raises(InvalidValue) as info:
        parse_vnd(text, field="price")
    assert info.value.field == "price"
    assert info.value.message_vi
    assert info.value.message_en


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_then_parse_round_trips(amount):
    assert parse_vnd(format_vnd(amount)) == amount
