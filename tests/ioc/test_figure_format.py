"""How a figure reads on a tile: Vietnamese grouping, and large sums of money in tỷ."""

from decimal import Decimal

import pytest
from django.utils import translation

from tinhso.ioc.templatetags.ioc_format import figure, period_label


@pytest.mark.parametrize(("value", "unit", "vi", "en"), [
    (Decimal("21350000000000"), "vnd", "21.350 tỷ ₫", "21.350 billion ₫"),
    (Decimal("1500000000"), "vnd", "1,5 tỷ ₫", "1,5 billion ₫"),
    (Decimal("999999999"), "vnd", "999.999.999 ₫", "999.999.999 ₫"),
    (Decimal("30.45"), "percent", "30,5 %", "30,5 %"),
    (None, "vnd", "—", "—"),
])
def test_a_figure_is_written_for_its_reader(value, unit, vi, en):
    with translation.override("vi"):
        assert figure(value, unit) == vi
    with translation.override("en"):
        assert figure(value, unit) == en


@pytest.mark.parametrize(("key", "vi", "en"), [
    ("2026-12", "tháng 12/2026", "month 12/2026"),
    ("2026-Q3", "quý 3/2026", "quarter 3/2026"),
    ("2026", "2026", "2026"),
    ("", "", ""),
])
def test_a_period_is_named_for_its_reader_not_by_its_key(key, vi, en):
    with translation.override("vi"):
        assert period_label(key) == vi
    with translation.override("en"):
        assert period_label(key) == en
