"""Demo data of the operations dashboard (called by `tinhso seed_demo`, idempotent): the
indicator catalogue, the statistics office's data officer and the operations centre's
officer, an approved GRDP figure and digital-economy share with their source document, a
kiosk token for the wall screen, and the figures of the last months computed from the
demo data of the other systems."""

from __future__ import annotations

import io

from django.utils import timezone

from tinhso.accounts.models import Membership, Organization, OrganizationKind, Role, User
from tinhso.core import pdf
from tinhso.ioc import rules, services
from tinhso.ioc.catalogue import owner, seed_catalogue
from tinhso.ioc.models import Indicator, KioskToken, ManualState, ManualValue

CENTRE = ("ioc-lang-son", "Trung tâm Giám sát, điều hành thông minh tỉnh Lạng Sơn")
# (email, phone, full name, organisation code, role)
LOGINS = [
    ("dulieu@demo.tinhso.vn", "0912000091", "Vy Thị Hạnh", "thong-ke-lang-son",
     Role.DATA_OFFICER),
    ("dieuhanh@demo.tinhso.vn", "0912000092", "Lộc Văn Đức", CENTRE[0], Role.IOC_OPERATOR),
]
#: The wall screen's address in the demo: /ioc/man-hinh/<KIOSK_TOKEN>/ (a real deployment
#: issues its tokens through the API; only their digest is stored).
KIOSK_TOKEN = "demo-phong-dieu-hanh"  # noqa: S105
HISTORY_MONTHS = 6
# (indicator, value) of the last finished quarter, from the statistics office's report
MANUAL = [("grdp", "21350000000000"), ("digital_economy_share", "12.4")]


def _users(password: str) -> dict[str, User]:
    Organization.objects.get_or_create(code=CENTRE[0], defaults={
        "name": CENTRE[1], "kind": OrganizationKind.STATE_AGENCY})
    users = {}
    for email, phone, full_name, org_code, role in LOGINS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, password, phone=phone, full_name=full_name)
        org = owner(org_code) if org_code != CENTRE[0] else Organization.objects.get(
            code=CENTRE[0])
        Membership.objects.get_or_create(user=user, organization=org, role=role)
        users[role] = user
    return users


def _manual(users: dict[str, User], now) -> None:
    quarter = rules.previous(rules.period_of(timezone.localtime(now).date(), rules.QUARTERLY),
                             rules.QUARTERLY)
    for code, value in MANUAL:
        if ManualValue.objects.filter(indicator__code=code, period=quarter.key,
                                      state=ManualState.APPROVED).exists():
            continue
        paper = io.BytesIO(pdf.simple_document(
            f"Báo cáo tình hình kinh tế – xã hội quý {quarter.key}",
            ["Thống kê tỉnh Lạng Sơn (số liệu mẫu của bản trình diễn).",
             f"Chỉ tiêu {code}: {value}"]))
        unit = Indicator.objects.get(code=code).unit
        row = services.submit_manual_value(
            actor=users[Role.DATA_OFFICER], indicator_code=code, period=quarter.key,
            value=value, unit=unit, document=paper, note="Số liệu mẫu", now=now)
        services.approve_manual_value(actor=users[Role.IOC_OPERATOR], value_id=row.pk,
                                      now=now)


def seed_ioc(password: str) -> list[tuple[str, str, str]]:
    now = timezone.now()
    seed_catalogue()
    users = _users(password)
    _manual(users, now)
    KioskToken.objects.get_or_create(token_hash=KioskToken.digest(KIOSK_TOKEN), defaults={
        "name": "Màn hình phòng điều hành", "created_at": now})
    today = timezone.localtime(now).date()
    for indicator in Indicator.objects.exclude(source="manual").prefetch_related("targets"):
        for period in rules.last_periods(today, indicator.frequency, HISTORY_MONTHS)[:-1]:
            if not indicator.snapshots.filter(period=period.key).exists():
                services.refresh_indicator(indicator, now=now, period=period)
    services.refresh(now=now)
    return [(Role(role).label, email, phone) for email, phone, _n, _o, role in LOGINS]
