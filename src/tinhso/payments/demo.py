"""Fee schedule and receiving account for Lạng Sơn (idempotent), loaded by ``seed_demo``.

Source: Lạng Sơn Provincial People's Council Resolution 09/2025/NQ-HĐND on the fee for
using infrastructure works in border-gate areas. Confirmed from the resolution as far as
known: a truck under 2 t carrying fresh vegetables 100,000 ₫ per trip; a 40-ft container
of temporary-import/re-export produce 4,000,000 ₫ per trip; goods imported for delivery
inland pay 130 % of the base; goods only transferred at the wharf pay 30 %. Every other
amount is a placeholder (``is_placeholder``), shown as “tạm tính / placeholder” on invoices
and in the admin until someone checks it against the resolution's table and edits it.
Rows are keyed by ``code`` and only created when missing: edits in the admin survive a
re-seed.
"""

from __future__ import annotations

from datetime import date

from tinhso.payments.models import FeeRate, PayeeAccount

SOURCE = "Nghị quyết 09/2025/NQ-HĐND tỉnh Lạng Sơn"
VALID_FROM = date(2025, 1, 1)  # placeholder date: check the resolution's effective date

# code, label, vehicle class, goods kind, direction, amount, %, placeholder
RATES = [
    ("lt2-perishable", "Xe dưới 2 tấn chở rau quả tươi", "truck_lt2", "perishable", "",
     100_000, 100, False),
    ("lt2", "Xe dưới 2 tấn", "truck_lt2", "", "", 100_000, 100, True),
    ("2-4", "Xe từ 2 đến dưới 4 tấn", "truck_2_4", "", "", 200_000, 100, True),
    ("4-10", "Xe từ 4 đến dưới 10 tấn", "truck_4_10", "", "", 500_000, 100, True),
    ("10-18", "Xe từ 10 đến 18 tấn", "truck_10_18", "", "", 1_000_000, 100, True),
    ("gt18", "Xe trên 18 tấn", "truck_gt18", "", "", 1_500_000, 100, True),
    ("cont20", "Xe container 20 feet", "container_20", "", "", 2_000_000, 100, True),
    ("cont40-perishable", "Xe container 40 feet chở nông sản", "container_40", "perishable", "",
     4_000_000, 100, False),
    ("cont40", "Xe container 40 feet", "container_40", "", "", 4_000_000, 100, True),
    # adjustments: amount 0, a percentage of the base
    ("adj-transit", "Hàng tạm nhập tái xuất", "", "", "transit", 0, 100, False),
    ("adj-import", "Hàng nhập khẩu vào nội địa", "", "", "import", 0, 130, False),
    ("adj-wharf", "Hàng chỉ sang tải tại bãi", "", "", "wharf", 0, 30, False),
    ("adj-export", "Hàng xuất khẩu", "", "", "export", 0, 100, True),
]

DEMO_PAYEE_NAME = "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng – Lạng Sơn"
PAYEE = {
    "code": "bql-kkt-dong-dang",
    "bank_bin": "970436",
    "bank_name": "Vietcombank",
    "account_number": "0000000000",  # placeholder: the real account is not public here
    "account_name": "BQL KHU KINH TE CUA KHAU DONG DANG LANG SON",
    "display_name": DEMO_PAYEE_NAME,
    "is_default": True,
    "is_placeholder": True,
}


def seed_payments() -> None:
    for code, label, vehicle, goods, direction, amount, pct, placeholder in RATES:
        FeeRate.objects.get_or_create(code=code, defaults={
            "label": label, "vehicle_class": vehicle, "goods_kind": goods,
            "direction": direction, "amount_vnd": amount, "multiplier_pct": pct,
            "valid_from": VALID_FROM, "source": SOURCE, "is_placeholder": placeholder,
        })
    if not PayeeAccount.objects.filter(is_default=True).exists():
        PayeeAccount.objects.get_or_create(code=PAYEE["code"], defaults=PAYEE)
