"""Border reference data for Lạng Sơn (idempotent). Capacities are calibrated on the 2025
daily averages in DESIGN.md over a 15-hour working day (07:00–22:00)."""

from __future__ import annotations

from datetime import time

from tinhso.accounts.models import Organization
from tinhso.border.models import Camera, Gate, GateKind, GoodsCategory, Yard
from tinhso.core.models import AdministrativeUnit

# code, name, kind, commune code (None where the post-2025 commune is not confirmed),
# export/h, import/h, transit/h. Hữu Nghị: ≈262 export + ≈608 import a day; Tân Thanh ≈583;
# Chi Ma ≈230; Cốc Nam ≈76. Đồng Đăng is a railway station: no road trucks.
GATES = [
    ("huu-nghi", "Cửa khẩu quốc tế Hữu Nghị", GateKind.INTERNATIONAL, 6184, 18, 41, 4),
    ("dong-dang-ga", "Cửa khẩu quốc tế ga đường sắt Đồng Đăng", GateKind.INTERNATIONAL, 6184,
     0, 0, 0),
    ("tan-thanh", "Cửa khẩu Tân Thanh", GateKind.MAIN, 6172, 25, 14, 0),
    ("chi-ma", "Cửa khẩu Chi Ma", GateKind.MAIN, None, 9, 6, 0),
    ("coc-nam", "Cửa khẩu Cốc Nam", GateKind.SECONDARY, None, 3, 2, 0),
    ("na-hinh", "Cửa khẩu Na Hình", GateKind.SECONDARY, None, 2, 1, 0),
    ("binh-nghi", "Cửa khẩu Bình Nghi", GateKind.SECONDARY, None, 2, 1, 0),
]

# code, gate, name, capacity, operator organisation
YARDS = [
    ("yard-huu-nghi-1", "huu-nghi", "Bãi xe Hữu Nghị 1", 600, "bai-xe-huu-nghi"),
    ("yard-huu-nghi-kh", "huu-nghi", "Bãi kiểm hóa Hữu Nghị", 250, "bai-xe-huu-nghi"),
    ("yard-tan-thanh", "tan-thanh", "Bãi xe Tân Thanh", 500, "bai-xe-tan-thanh"),
    ("yard-chi-ma", "chi-ma", "Bãi xe Chi Ma", 200, "bai-xe-tan-thanh"),
]

# code, name, perishable, shelf life (h), needs quarantine
GOODS = [
    ("fresh-fruit", "Hoa quả tươi (thanh long, sầu riêng, mít, chuối…)", True, 96, True),
    ("vegetables", "Rau củ tươi", True, 48, True),
    ("frozen", "Hàng đông lạnh", True, 240, True),
    ("dry-produce", "Nông sản khô (hạt điều, sắn lát…)", False, None, True),
    ("manufactured", "Hàng công nghiệp, linh kiện điện tử", False, None, False),
    ("machinery", "Máy móc, thiết bị", False, None, False),
]


def seed_border() -> None:
    for code, name, kind, commune_code, export, import_, transit in GATES:
        commune = AdministrativeUnit.objects.filter(code=commune_code).first() if commune_code else None
        Gate.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "kind": kind, "commune": commune,
                "opens_at": time(7), "closes_at": time(22),
                "export_per_hour": export, "import_per_hour": import_, "transit_per_hour": transit,
            },
        )
    for code, gate_code, name, capacity, operator in YARDS:
        yard, _ = Yard.objects.update_or_create(
            code=code,
            defaults={
                "gate": Gate.objects.get(code=gate_code), "name": name, "capacity": capacity,
                "operator": Organization.objects.get(code=operator),
            },
        )
        for position, suffix in (("yard_entry", "in"), ("yard_exit", "out")):
            Camera.objects.update_or_create(
                code=f"cam-{code}-{suffix}",
                defaults={"gate": yard.gate, "yard": yard, "position": position,
                          "operator": yard.operator},
            )
    gate_board = Organization.objects.get(code="bql-cua-khau")
    for gate in Gate.objects.filter(code__in=[y[1] for y in YARDS]):
        Camera.objects.update_or_create(
            code=f"cam-{gate.code}-gate",
            defaults={"gate": gate, "yard": None, "position": "gate", "operator": gate_board},
        )
    for code, name, perishable, shelf_life, quarantine in GOODS:
        GoodsCategory.objects.update_or_create(
            code=code,
            defaults={"name": name, "perishable": perishable, "shelf_life_hours": shelf_life,
                      "needs_quarantine": quarantine},
        )
