"""Lạng Sơn reference data and demo users, loaded by `tinhso seed_demo` (idempotent)."""

from __future__ import annotations

import vietnam_provinces as vp
from django.conf import settings

from tinhso.accounts.models import Membership, Organization, OrganizationKind, Role, User
from tinhso.core.models import AdministrativeUnit

# Former districts of Lạng Sơn (abolished 1 July 2025) kept as labels. The new communes keep
# the GSO code of one of the old units merged into them, and old codes were allocated in
# blocks per district, so the block tells the former district. Block bounds are from the
# GSO list of 2024 (first code of each district); Na Sầm commune keeps a code from the
# Cao Lộc block but its seat is the former Văn Lãng district town, hence the exception.
FORMER_DISTRICT_BLOCKS = [
    (5977, "Thành phố Lạng Sơn"),
    (6001, "Tràng Định"),
    (6073, "Bình Gia"),
    (6125, "Văn Lãng"),
    (6181, "Cao Lộc"),
    (6253, "Văn Quan"),
    (6325, "Bắc Sơn"),
    (6385, "Hữu Lũng"),
    (6463, "Chi Lăng"),
    (6526, "Lộc Bình"),
    (6613, "Đình Lập"),
]
FORMER_DISTRICT_EXCEPTIONS = {6214: "Văn Lãng"}
# The 21 border communes were in these five former districts (DESIGN.md reference facts).
BORDER_DISTRICTS = {"Tràng Định", "Văn Lãng", "Cao Lộc", "Lộc Bình", "Đình Lập"}
# Communes and wards that touch the border line after the merger (those with a gate or
# crossing point are certain; the list is editable in the admin).
BORDER_UNITS = {
    "Xã Đồng Đăng", "Xã Hoàng Văn Thụ", "Xã Thụy Hùng", "Xã Na Sầm", "Xã Hội Hoan",
    "Xã Văn Lãng", "Xã Quốc Khánh", "Xã Đoàn Kết", "Xã Quốc Việt", "Xã Tràng Định",
    "Xã Tân Tiến", "Xã Ba Sơn", "Xã Công Sơn", "Xã Mẫu Sơn", "Xã Khuất Xá", "Xã Lợi Bác",
    "Xã Xuân Dương", "Xã Thống Nhất", "Xã Đình Lập", "Xã Thái Bình", "Xã Kiên Mộc",
}


def former_district(code: int) -> str:
    if code in FORMER_DISTRICT_EXCEPTIONS:
        return FORMER_DISTRICT_EXCEPTIONS[code]
    label = ""
    for first_code, name in FORMER_DISTRICT_BLOCKS:
        if code >= first_code:
            label = name
    return label


def seed_administrative_units() -> AdministrativeUnit:
    province = vp.Province.from_code(vp.ProvinceCode(settings.PROVINCE_CODE))
    province_unit, _ = AdministrativeUnit.objects.update_or_create(
        code=int(province.code),
        defaults={"name": f"Tỉnh {province.name}", "kind": AdministrativeUnit.Kind.PROVINCE},
    )
    for ward in vp.Ward.iter_all():
        if ward.province_code != province.code:
            continue
        kind = (
            AdministrativeUnit.Kind.WARD
            if ward.division_type == vp.VietNamDivisionType.PHUONG
            else AdministrativeUnit.Kind.COMMUNE
        )
        AdministrativeUnit.objects.update_or_create(
            code=int(ward.code),
            defaults={
                "name": ward.name,
                "kind": kind,
                "parent": province_unit,
                "former_district": former_district(int(ward.code)),
                "is_border": ward.name in BORDER_UNITS,
            },
        )
    return province_unit


DEMO_PASSWORD = "demo-LangSon-2026"

# (code, name, kind, tax code)
DEMO_ORGANIZATIONS = [
    ("ubnd-lang-son", "Ủy ban nhân dân tỉnh Lạng Sơn", OrganizationKind.STATE_AGENCY, None),
    ("bql-cua-khau", "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng – Lạng Sơn",
     OrganizationKind.STATE_AGENCY, None),
    ("hai-quan", "Chi cục Hải quan khu vực VII (Lạng Sơn)", OrganizationKind.STATE_AGENCY, None),
    ("kiem-dich", "Trạm Kiểm dịch thực vật Hữu Nghị", OrganizationKind.STATE_AGENCY, None),
    ("bien-phong", "Đồn Biên phòng cửa khẩu quốc tế Hữu Nghị", OrganizationKind.STATE_AGENCY,
     None),
    ("xa-dong-dang", "UBND xã Đồng Đăng", OrganizationKind.STATE_AGENCY, None),
    ("dn-nong-san-xu-lang", "Công ty TNHH Nông sản Xứ Lạng", OrganizationKind.ENTERPRISE,
     "0100233488"),
    ("dn-logistics-huu-nghi", "Công ty CP Logistics Hữu Nghị", OrganizationKind.ENTERPRISE,
     "0101243150"),
    ("bai-xe-huu-nghi", "Công ty CP Kho bãi Hữu Nghị", OrganizationKind.YARD_OPERATOR, None),
    ("bai-xe-tan-thanh", "Công ty TNHH Kho bãi Tân Thanh", OrganizationKind.YARD_OPERATOR, None),
]

# (email, phone, full name, organisation code, role)
DEMO_USERS = [
    ("doanhnghiep@demo.tinhso.vn", "0912000001", "Nguyễn Thị Hoa", "dn-nong-san-xu-lang",
     Role.ENTERPRISE_STAFF),
    ("doanhnghiep2@demo.tinhso.vn", "0912000011", "Lý Văn Hùng", "dn-logistics-huu-nghi",
     Role.ENTERPRISE_STAFF),
    ("laixe@demo.tinhso.vn", "0912000002", "Hoàng Văn Tài", "dn-nong-san-xu-lang", Role.DRIVER),
    ("baixe@demo.tinhso.vn", "0912000003", "Vi Thị Mai", "bai-xe-huu-nghi", Role.YARD_OPERATOR),
    ("cuakhau@demo.tinhso.vn", "0912000004", "Lương Văn Minh", "bql-cua-khau",
     Role.GATE_OPERATOR),
    ("haiquan@demo.tinhso.vn", "0912000005", "Trần Quốc Bảo", "hai-quan", Role.CUSTOMS_OFFICER),
    ("kiemdich@demo.tinhso.vn", "0912000006", "Phạm Thu Trang", "kiem-dich",
     Role.QUARANTINE_OFFICER),
    ("bienphong@demo.tinhso.vn", "0912000007", "Nông Đức Thắng", "bien-phong",
     Role.BORDER_GUARD_OFFICER),
    ("bql@demo.tinhso.vn", "0912000008", "Hà Thị Lan", "bql-cua-khau", Role.GATE_BOARD),
    ("thungan@demo.tinhso.vn", "0912000012", "Đinh Văn Phúc", "bql-cua-khau", Role.FEE_CASHIER),
    ("xa@demo.tinhso.vn", "0912000009", "Chu Văn Long", "xa-dong-dang", Role.COMMUNE_OFFICER),
    ("lanhdao@demo.tinhso.vn", "0912000010", "Hoàng Minh Quang", "ubnd-lang-son",
     Role.PROVINCE_LEADER),
    ("admin@demo.tinhso.vn", "0912000000", "Quản trị hệ thống", "ubnd-lang-son",
     Role.SYSTEM_ADMIN),
]


def seed_accounts() -> list[tuple[str, str, str]]:
    """Create demo organisations and one user per role; return (role, email, phone)."""
    orgs = {}
    for code, name, kind, tax_code in DEMO_ORGANIZATIONS:
        orgs[code], _ = Organization.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "tax_code": tax_code}
        )
    logins = []
    for email, phone, full_name, org_code, role in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, phone=phone, full_name=full_name)
        if role == Role.SYSTEM_ADMIN and not user.is_superuser:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        Membership.objects.get_or_create(user=user, organization=orgs[org_code], role=role)
        logins.append((Role(role).label, email, phone))
    return logins
