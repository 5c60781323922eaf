"""Demo data of the meetings system (called by `tinhso seed_demo`, idempotent): the
province's 213 conference points, marked as sample — the province hall and 22 province
bodies, the seat of each of the 65 communes and wards, and 125 secondary points at the
seats of the communes merged in July 2025 — their rooms, the meetings secretary's login,
and a few meetings when there are none yet."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from tinhso.accounts.models import Membership, Organization, OrganizationKind, Role, User
from tinhso.core.models import AdministrativeUnit
from tinhso.meetings.models import ConferencePoint, Meeting, Room

# (code, name, organisation code or None)
PROVINCE_POINTS = [
    ("ubnd-tinh", "Hội trường UBND tỉnh (điểm cầu chính)", "ubnd-lang-son"),
    ("tinh-uy", "Hội trường Tỉnh ủy", None),
    ("hdnd-tinh", "Phòng họp HĐND tỉnh", None),
    ("so-noi-vu", "Sở Nội vụ", "so-noi-vu"),
    ("so-tai-chinh", "Sở Tài chính", "so-tai-chinh"),
    ("so-tu-phap", "Sở Tư pháp", None),
    ("so-cong-thuong", "Sở Công Thương", "so-cong-thuong"),
    ("so-nong-nghiep", "Sở Nông nghiệp và Môi trường", "so-nong-nghiep"),
    ("so-xay-dung", "Sở Xây dựng", None),
    ("so-khcn", "Sở Khoa học và Công nghệ", "so-khcn"),
    ("so-gddt", "Sở Giáo dục và Đào tạo", None),
    ("so-y-te", "Sở Y tế", "so-y-te"),
    ("so-vhttdl", "Sở Văn hóa, Thể thao và Du lịch", None),
    ("so-dan-toc", "Sở Dân tộc và Tôn giáo", None),
    ("thanh-tra-tinh", "Thanh tra tỉnh", None),
    ("cong-an-tinh", "Công an tỉnh", None),
    ("bchqs-tinh", "Bộ Chỉ huy Quân sự tỉnh", None),
    ("bdbp-tinh", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", None),
    ("bql-kkt", "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng – Lạng Sơn", "bql-cua-khau"),
    ("ttpvhcc", "Trung tâm Phục vụ hành chính công tỉnh", None),
    ("dai-ptth", "Báo và Phát thanh, Truyền hình Lạng Sơn", None),
    ("vpubnd", "Văn phòng UBND tỉnh", None),
    ("mttq-tinh", "Ủy ban MTTQ Việt Nam tỉnh", None),
]
DEPARTMENT_ORGS = {
    "so-noi-vu": "Sở Nội vụ tỉnh Lạng Sơn",
    "so-tai-chinh": "Sở Tài chính tỉnh Lạng Sơn",
    "so-cong-thuong": "Sở Công Thương tỉnh Lạng Sơn",
    "so-nong-nghiep": "Sở Nông nghiệp và Môi trường tỉnh Lạng Sơn",
    "so-khcn": "Sở Khoa học và Công nghệ tỉnh Lạng Sơn",
    "so-y-te": "Sở Y tế tỉnh Lạng Sơn",
}
SECONDARY_POINTS = 125  # 213 - 23 province points - 65 commune and ward seats

# The meetings secretary of the province office (organises meetings, records minutes).
SECRETARY = ("hoinghi@demo.tinhso.vn", "0912000030", "Lục Thị Nga", "ubnd-lang-son",
             Role.SPECIALIST)
DEMO_LOGINS = [SECRETARY]


def _sample_phone(n: int) -> str:
    return f"0205{3800000 + n:07d}"[:10]


def seed_points() -> int:
    from tinhso.core.demo import seed_administrative_units

    if AdministrativeUnit.objects.exclude(kind=AdministrativeUnit.Kind.PROVINCE).count() < 65:
        seed_administrative_units()
    for code, name in DEPARTMENT_ORGS.items():
        Organization.objects.get_or_create(code=code, defaults={
            "name": name, "kind": OrganizationKind.STATE_AGENCY})
    orgs = dict(Organization.objects.values_list("code", "pk"))
    n = 0
    for code, name, org in PROVINCE_POINTS:
        n += 1
        kind = (ConferencePoint.Kind.PROVINCE if n <= 3 or not code.startswith("so-")
                else ConferencePoint.Kind.DEPARTMENT)
        point, _ = ConferencePoint.objects.update_or_create(code=code, defaults={
            "name": name, "kind": kind, "organization_id": orgs.get(org or ""),
            "location": "Thành phố Lạng Sơn (mẫu)", "equipment": "Codec H.323/SIP, 2 camera PTZ, "
            "micro hội nghị", "contact_name": f"Cán bộ kỹ thuật điểm cầu {n} (mẫu)",
            "contact_phone": _sample_phone(n), "connection": ConferencePoint.Connection.FIBRE,
            "is_sample": True})
        capacity = 150 if code == "ubnd-tinh" else 40
        Room.objects.get_or_create(point=point, name="Phòng họp trực tuyến",
                                   defaults={"capacity": capacity})
        if code == "ubnd-tinh":
            Room.objects.get_or_create(point=point, name="Phòng họp số 2",
                                       defaults={"capacity": 30})
    units = list(AdministrativeUnit.objects.exclude(kind=AdministrativeUnit.Kind.PROVINCE)
                 .order_by("code"))
    secondary_left = SECONDARY_POINTS
    for index, unit in enumerate(units):
        n += 1
        org = orgs.get("xa-dong-dang") if unit.name == "Xã Đồng Đăng" else None
        point, _ = ConferencePoint.objects.update_or_create(code=f"xa-{unit.code}", defaults={
            "name": f"UBND {unit.name.replace('Xã ', 'xã ').replace('Phường ', 'phường ')}",
            "kind": ConferencePoint.Kind.COMMUNE, "unit": unit, "organization_id": org,
            "location": f"Trụ sở UBND {unit.name} (mẫu)",
            "equipment": "Codec hội nghị, 1 camera, loa và micro",
            "contact_name": f"Cán bộ văn phòng {unit.name} (mẫu)",
            "contact_phone": "0912000009" if org else _sample_phone(n),
            "connection": ConferencePoint.Connection.INTERNET if unit.is_border
            else ConferencePoint.Connection.FIBRE, "is_sample": True})
        Room.objects.get_or_create(point=point, name="Hội trường", defaults={"capacity": 60})
        extra = 2 if index < SECONDARY_POINTS - len(units) else 1
        for k in range(1, extra + 1):
            if secondary_left == 0:
                break
            secondary_left -= 1
            n += 1
            ConferencePoint.objects.update_or_create(code=f"xa-{unit.code}-{k}", defaults={
                "name": f"Điểm cầu phụ số {k}, {unit.name} (mẫu)",
                "kind": ConferencePoint.Kind.SECONDARY, "unit": unit,
                "location": f"Nhà văn hóa / trụ sở cũ số {k}, {unit.name} (mẫu)",
                "equipment": "Máy tính, webcam, loa", "contact_name": f"Cán bộ {unit.name} (mẫu)",
                "contact_phone": _sample_phone(n), "connection": ConferencePoint.Connection.MOBILE,
                "is_sample": True})
    return ConferencePoint.objects.count()


def seed_secretary() -> list[tuple[str, str, str]]:
    from tinhso.core.demo import DEMO_PASSWORD

    logins = []
    for email, phone, full_name, org_code, role in DEMO_LOGINS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, phone=phone,
                                            full_name=full_name)
        Membership.objects.get_or_create(user=user, role=role, organization=Organization
                                         .objects.get(code=org_code))
        logins.append((Role(role).label, email, phone))
    return logins


def seed_sample_meetings(*, now: datetime | None = None) -> int:
    """A province meeting this afternoon (or tomorrow) with the communes of former Văn Lãng
    and Cao Lộc, and the Monday briefing series: only when there is no meeting yet."""
    from tinhso.meetings import services

    if Meeting.objects.exists():
        return 0
    now = now or timezone.now()
    secretary = User.objects.get(email=SECRETARY[0])
    province = Organization.objects.get(code="ubnd-lang-son")
    hall = Room.objects.get(point__code="ubnd-tinh", name="Phòng họp trực tuyến")
    day = timezone.localdate(now) + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    services.schedule_meeting(actor=secretary, organizer=province, now=now,
                              request=services.MeetingRequest(
        title="Hội nghị trực tuyến triển khai nhiệm vụ chuyển đổi số (mẫu)",
        level=Meeting.Level.PROVINCE, host_room_id=hall.pk,
        starts_at=services.local_moment(day, time(14, 0)),
        ends_at=services.local_moment(day, time(16, 0)),
        groups=["former:Văn Lãng", "former:Cao Lộc"], point_codes=["so-khcn", "so-noi-vu"],
        agenda=[("Báo cáo kết quả chuyển đổi số năm 2026", "BC-UBND"),
                ("Nhiệm vụ trọng tâm năm 2027", "")]))
    monday = day + timedelta(days=(7 - day.weekday()) % 7 or 7)
    small = Room.objects.get(point__code="ubnd-tinh", name="Phòng họp số 2")
    services.schedule_series(actor=secretary, organizer=province, now=now, count=8,
                             exceptions=[monday + timedelta(weeks=3)],
                             request=services.MeetingRequest(
        title="Giao ban trực tuyến đầu tuần (mẫu)", level=Meeting.Level.PROVINCE,
        host_room_id=small.pk, starts_at=services.local_moment(monday, time(8, 0)),
        ends_at=services.local_moment(monday, time(9, 30)), groups=["province"]))
    return Meeting.objects.count()


def seed_meetings() -> list[tuple[str, str, str]]:
    seed_points()
    logins = seed_secretary()
    seed_sample_meetings()
    return logins
