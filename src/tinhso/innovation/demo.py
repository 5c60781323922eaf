"""The innovation demo (called by `tinhso seed_demo`, idempotent): a founder, the
innovation office, two judges; startups and cooperatives of Lạng Sơn specialities; an open
call with weighted criteria; a finished contest with its published ranking; a news item
and an event."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tinhso.accounts.models import Membership, Organization, OrganizationKind, Role, User
from tinhso.core.models import AdministrativeUnit
from tinhso.innovation import services
from tinhso.innovation.models import Call, Event, News, Profile

# (email, phone, full name, organisation code, role)
LOGINS = [
    ("sanglap@demo.tinhso.vn", "0912000171", "Hoàng Văn Nam", "htx-na-chi-lang", Role.FOUNDER),
    ("sanglap2@demo.tinhso.vn", "0912000172", "Lý Thị Mai", "tra-hoa-vang-dinh-lap",
     Role.FOUNDER),
    ("dmst@demo.tinhso.vn", "0912000173", "Nông Thị Hạnh", "so-khcn", Role.INNOVATION_OFFICER),
    ("giamkhao@demo.tinhso.vn", "0912000174", "Vi Văn Đức", "hoi-dong-khoi-nghiep",
     Role.JUDGE),
    ("giamkhao2@demo.tinhso.vn", "0912000175", "Chu Thị Thu", "hoi-dong-khoi-nghiep",
     Role.JUDGE),
]
ORGANIZATIONS = [
    ("htx-na-chi-lang", "Hợp tác xã Na Chi Lăng", OrganizationKind.COOPERATIVE),
    ("tra-hoa-vang-dinh-lap", "Công ty TNHH Trà hoa vàng Đình Lập", OrganizationKind.ENTERPRISE),
    ("so-khcn", "Sở Khoa học và Công nghệ tỉnh Lạng Sơn", OrganizationKind.STATE_AGENCY),
    ("hoi-dong-khoi-nghiep", "Hội đồng giám khảo khởi nghiệp tỉnh",
     OrganizationKind.STATE_AGENCY),
]
# (founder index, kind, name, field, stage, commune name part, summary, products)
PROFILES = [
    (0, "cooperative", "Hợp tác xã Na Chi Lăng", "agriculture", "growth", "Chi Lăng",
     "Trồng na dai theo chuẩn VietGAP trên 40 ha đồi đá vôi, bán qua cửa hàng số.",
     "Na dai Chi Lăng, mứt na, rượu na"),
    (0, "startup", "Thạch đen Tràng Định Xanh", "food", "first_sales", "Tràng Định",
     "Chế biến thạch đen không chất bảo quản, đóng gói cho siêu thị.",
     "Thạch đen khô, thạch đen ăn liền"),
    (1, "startup", "Trà hoa vàng Đình Lập", "health", "prototype", "Đình Lập",
     "Sấy lạnh hoa trà vàng rừng Đình Lập, giữ nguyên dược tính.",
     "Trà hoa vàng túi lọc, hoa sấy"),
    (1, "cooperative", "Hợp tác xã Hồi Văn Quan", "agriculture", "mature", "Văn Quan",
     "Chưng cất tinh dầu hồi và xuất khẩu hoa hồi khô.", "Hoa hồi khô, tinh dầu hồi"),
    (0, "startup", "Du lịch cộng đồng Mẫu Sơn", "tourism", "idea", "Mẫu Sơn",
     "Homestay và tour săn mây Mẫu Sơn do người Dao vận hành.", "Tour 2 ngày, homestay"),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OPEN_CALL = "Cuộc thi Khởi nghiệp đổi mới sáng tạo tỉnh Lạng Sơn 2026"
PAST_CALL = "Chương trình hỗ trợ sản phẩm đặc sản Xứ Lạng 2026 (đợt 1)"
CRITERIA = [services.CriterionInput("Tính đổi mới, sáng tạo", 30, 10),
            services.CriterionInput("Khả năng thị trường", 40, 10),
            services.CriterionInput("Năng lực đội ngũ", 30, 10)]


def _users() -> dict[str, User]:
    from tinhso.core.demo import DEMO_PASSWORD

    orgs = {code: Organization.objects.update_or_create(
        code=code, defaults={"name": name, "kind": kind})[0] for code, name, kind in ORGANIZATIONS}
    users = {}
    for email, phone, full_name, org_code, role in LOGINS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, phone=phone,
                                            full_name=full_name)
        Membership.objects.get_or_create(user=user, organization=orgs[org_code], role=role)
        users[email.split("@")[0]] = user
    return users


def _commune(part: str) -> AdministrativeUnit:
    unit = (AdministrativeUnit.objects.exclude(kind="province").filter(name__endswith=part)
            .order_by("code").first())
    return unit or AdministrativeUnit.objects.exclude(kind="province").order_by("code").first()


def _profiles(users: dict[str, User], office: User, now: datetime) -> list[Profile]:
    founders = [users["sanglap"], users["sanglap2"]]
    out = []
    for i, (who, kind, name, field, stage, place, summary, products) in enumerate(PROFILES):
        profile = Profile.objects.filter(name=name).first()
        if profile is None:
            moment = now - timedelta(days=60 - i * 7)
            profile = services.create_profile(actor=founders[who], now=moment,
                                              data=services.ProfileInput(
                kind=kind, name=name, field=field, stage=stage,
                commune_code=_commune(place).code, summary=summary, products=products,
                team=f"{founders[who].full_name} (sáng lập) và 4 thành viên"))
            if i < 4:  # the last one waits for the office's review
                services.move_profile(actor=founders[who], profile=profile, action="submit",
                                      now=moment)
                profile = services.move_profile(actor=office, profile=profile, action="publish",
                                                now=moment + timedelta(days=1))
        out.append(profile)
    return out


def _local(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)), services.VIETNAM)


def _past_contest(users, profiles, office, now: datetime) -> None:
    if Call.objects.filter(title=PAST_CALL).exists():
        return
    deadline = _local(timezone.localdate(now) - timedelta(days=20), 17)
    call = services.create_call(actor=office, now=deadline - timedelta(days=30),
                                data=services.CallInput(
        title=PAST_CALL, description="Hỗ trợ đóng gói, truy xuất nguồn gốc và quảng bá cho "
        "sản phẩm đặc sản của hợp tác xã và doanh nghiệp nhỏ.",
        eligibility="Hợp tác xã, doanh nghiệp có trụ sở tại Lạng Sơn.", deadline=deadline,
        required_attachments=["Kế hoạch kinh doanh"], criteria=CRITERIA, funded_places=2))
    founders = {p.pk: p.owner for p in profiles}
    apps = []
    for profile, title in ((profiles[0], "Chuỗi na Chi Lăng đạt chuẩn xuất khẩu"),
                           (profiles[2], "Trà hoa vàng túi lọc cho khách du lịch"),
                           (profiles[3], "Nhãn hiệu tinh dầu hồi Văn Quan")):
        apps.append(services.submit_application(
            actor=founders[profile.pk], call=call, profile=profile,
            now=deadline - timedelta(days=5),
            data=services.ApplicationInput(title, "Mục tiêu, thị trường, kế hoạch 12 tháng.",
                                           150_000_000),
            uploads={0: SimpleUploadedFile("ke-hoach.pdf", PDF, "application/pdf")}))
    judging = deadline + timedelta(days=2)
    judges = [users["giamkhao"], users["giamkhao2"]]
    sheets = [[(8, 9, 7), (7, 8, 8)], [(9, 6, 7), (8, 7, 6)], [(6, 8, 9), (7, 9, 9)]]
    criteria = list(call.criteria.all())
    for application, marks in zip(apps, sheets, strict=True):
        for judge, values in zip(services.assign_judges(
                actor=office, application=application, judges=judges, now=judging),
                marks, strict=True):
            services.declare_interest(actor=judge.judge, assignment=judge, conflict=False,
                                      now=judging)
            services.score_application(
                actor=judge.judge, assignment=judge, now=judging,
                scores=[services.ScoreInput(c.pk, v, "") for c, v in
                        zip(criteria, values, strict=True)])
    services.publish_results(actor=office, call=call, now=judging + timedelta(days=1))


def _open_call(users, profiles, office, now: datetime) -> Call:
    call = Call.objects.filter(title=OPEN_CALL).first()
    if call is not None:
        return call
    deadline = _local(timezone.localdate(now) + timedelta(days=14), 17)
    call = services.create_call(actor=office, now=now, data=services.CallInput(
        title=OPEN_CALL,
        description="Tìm kiếm và hỗ trợ các dự án khởi nghiệp đổi mới sáng tạo khai thác "
        "đặc sản, du lịch và chuyển đổi số của Lạng Sơn: kinh phí đến 200 triệu đồng, "
        "cố vấn và kết nối nhà đầu tư.",
        eligibility="Cá nhân, nhóm, doanh nghiệp khởi nghiệp và hợp tác xã có hồ sơ đã được "
        "công bố trên trang Khởi nghiệp Lạng Sơn.", deadline=deadline,
        required_attachments=["Kế hoạch kinh doanh", "Giấy đăng ký kinh doanh hoặc CCCD của người đại diện"],
        criteria=CRITERIA, funded_places=3))
    services.submit_application(
        actor=profiles[3].owner, call=call, profile=profiles[3], now=now,
        data=services.ApplicationInput("Nhà máy chưng cất tinh dầu hồi mini",
                                       "Thiết bị chưng cất tiết kiệm củi.", 180_000_000),
        uploads={0: SimpleUploadedFile("ke-hoach.pdf", PDF, "application/pdf"),
                 1: SimpleUploadedFile("dang-ky.pdf", PDF, "application/pdf")})
    return call


def _news_and_event(now: datetime) -> None:
    if not News.objects.exists():
        News.objects.create(
            title_vi="Lạng Sơn hỗ trợ 2 dự án đặc sản trong đợt 1 năm 2026",
            title_en="Lạng Sơn funds two speciality projects in its first 2026 round",
            body_vi="Hội đồng giám khảo đã chấm 3 hồ sơ theo 3 tiêu chí có trọng số.\n"
                    "Kết quả và độ chênh lệch điểm giữa các giám khảo được công khai.",
            body_en="The jury scored three applications on three weighted criteria.\n"
                    "The results and the spread between judges are public.",
            published_at=now - timedelta(days=10))
    if not Event.objects.exists():
        day = timezone.localdate(now) + timedelta(days=7)
        Event.objects.create(
            title_vi="Ngày hội Khởi nghiệp Xứ Lạng", title_en="Xứ Lạng startup day",
            body_vi="Trưng bày sản phẩm OCOP, gặp gỡ nhà đầu tư và hướng dẫn nộp hồ sơ "
                    "cuộc thi khởi nghiệp.",
            body_en="OCOP products, investors, and help applying to the startup contest.",
            location="Nhà văn hóa tỉnh, thành phố Lạng Sơn",
            starts_at=_local(day, 8), ends_at=_local(day, 17))


def seed_innovation(*, now: datetime | None = None) -> list[tuple[str, str, str]]:
    """Seed the demo; return (role label, email, phone) of its logins."""
    now = now or timezone.now()
    users = _users()
    office = users["dmst"]
    profiles = _profiles(users, office, now)
    _past_contest(users, profiles, office, now)
    _open_call(users, profiles, office, now)
    _news_and_event(now)
    return [(Role(role).label, email, phone) for email, phone, _n, _o, role in LOGINS]
