"""The province's digital-transformation indicators (the issue's list), their owner
agencies and yearly targets. `seed_catalogue()` is idempotent: it creates what is missing
and leaves targets and flags an operator changed since."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from tinhso.accounts.models import Organization, OrganizationKind
from tinhso.ioc.models import MANUAL, Direction, Frequency, Indicator, Target, Unit

# (code, name)
OWNERS = {
    "thong-ke-lang-son": "Thống kê tỉnh Lạng Sơn",
    "so-cong-thuong": "Sở Công Thương tỉnh Lạng Sơn",
    "van-phong-ubnd-tinh": "Văn phòng UBND tỉnh Lạng Sơn",
    "so-khcn": "Sở Khoa học và Công nghệ tỉnh Lạng Sơn",
    "so-giao-duc": "Sở Giáo dục và Đào tạo tỉnh Lạng Sơn",
    "bql-cua-khau": "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng – Lạng Sơn",
}

M, Q = Frequency.MONTHLY, Frequency.QUARTERLY
UP, DOWN = Direction.HIGHER, Direction.LOWER

# code, vi, en, unit, owner, frequency, source, direction, public, per commune, system page,
# definition vi, definition en, {year: target}
INDICATORS = [
    ("digital_economy_share", "Tỷ trọng kinh tế số trong GRDP",
     "Digital economy share of GRDP", Unit.PERCENT, "thong-ke-lang-son", Q, MANUAL, UP,
     True, False, "",
     "Giá trị tăng thêm của kinh tế số chia cho GRDP của quý, theo số liệu Thống kê tỉnh.",
     "Value added of the digital economy over the quarter's GRDP, from the statistics office.",
     {2025: 10, 2026: 15, 2030: 20}),
    ("grdp", "GRDP (giá hiện hành)", "GRDP (current prices)", Unit.VND,
     "thong-ke-lang-son", Q, MANUAL, UP, True, False, "",
     "Tổng sản phẩm trên địa bàn tỉnh của quý, giá hiện hành (đồng).",
     "Gross regional domestic product of the quarter at current prices (VND).", {}),
    ("households_with_shop", "Hộ gia đình có cửa hàng số",
     "Households with a digital store", Unit.PERCENT, "so-cong-thuong", M,
     "market.households_with_shop", UP, True, True, "/market/kpis/",
     "Số hộ có cửa hàng số đang mở trên tổng số hộ của xã (xã đã có số hộ).",
     "Households with an open digital store over the commune's households (communes with a "
     "household count).", {2025: 50, 2026: 55, 2030: 80}),
    ("households_with_payment_account", "Hộ gia đình có tài khoản thanh toán điện tử",
     "Households with an electronic payment account", Unit.PERCENT, "so-cong-thuong", M,
     "market.households_with_payment_account", UP, True, True, "/market/kpis/",
     "Số hộ có cửa hàng số với tài khoản ngân hàng nhận tiền trên tổng số hộ của xã.",
     "Households whose digital store has a payout bank account over the commune's "
     "households.", {2025: 50, 2026: 55, 2030: 80}),
    ("online_dossiers", "Hồ sơ trực tuyến (Quyết định 766)",
     "Dossiers received online (Decision 766)", Unit.PERCENT, "van-phong-ubnd-tinh", M,
     "publicservices.online_share", UP, True, True, "/public-services/statistics/",
     "Hồ sơ tiếp nhận trực tuyến trên tổng hồ sơ tiếp nhận trong kỳ.",
     "Dossiers received online over all dossiers received in the period.",
     {2025: 50, 2026: 60, 2030: 80}),
    ("on_time_dossiers", "Hồ sơ giải quyết đúng hạn (Quyết định 766)",
     "Dossiers resolved on time (Decision 766)", Unit.PERCENT, "van-phong-ubnd-tinh", M,
     "publicservices.on_time_share", UP, True, True, "/public-services/statistics/",
     "Hồ sơ giải quyết đúng hoặc trước hạn trên tổng hồ sơ đã giải quyết trong kỳ.",
     "Dossiers resolved on time or early over all dossiers resolved in the period.",
     {2025: 95, 2026: 98, 2030: 98}),
    ("agencies_electronic_documents", "Cơ quan dùng văn bản điện tử",
     "Agencies on electronic documents", Unit.PERCENT, "van-phong-ubnd-tinh", M,
     "documents.agencies_electronic", UP, True, True, "/documents/",
     "Cơ quan trên nền tảng có phát hành văn bản điện tử trong kỳ, trên tổng số cơ quan.",
     "Agencies on the platform that issued an electronic document in the period, over all "
     "agencies.", {2025: 90, 2026: 100}),
    ("signed_documents", "Văn bản đi có chữ ký số", "Issued documents digitally signed",
     Unit.PERCENT, "van-phong-ubnd-tinh", M, "documents.signed_share", UP, False, True,
     "/documents/",
     "Văn bản phát hành trong kỳ có tệp ký số, trên tổng văn bản phát hành.",
     "Documents issued in the period with a digitally signed file, over all issued.",
     {2025: 90, 2026: 95}),
    ("meeting_points_ready", "Điểm cầu hội nghị sẵn sàng", "Conference points ready",
     Unit.PERCENT, "van-phong-ubnd-tinh", M, "meetings.points_ready", UP, True, True,
     "/meetings/points/",
     "Điểm cầu truyền hình trực tuyến đang sẵn sàng kết nối trên tổng số 213 điểm cầu.",
     "Conference points ready to connect over all 213 points.", {2025: 95, 2026: 98}),
    ("schools_gradebook", "Trường dùng sổ điểm điện tử", "Schools using the e-gradebook",
     Unit.PERCENT, "so-giao-duc", M, "schools.gradebook_usage", UP, True, True, "/schools/",
     "Trường có dùng sổ điểm điện tử trên tổng số 675 trường.",
     "Schools using the electronic gradebook over all 675 schools.", {2025: 80, 2026: 100}),
    ("startups", "Doanh nghiệp khởi nghiệp đăng ký", "Startups registered", Unit.COUNT,
     "so-khcn", M, "innovation.startups", UP, True, True, "/khoi-nghiep/",
     "Số dự án, doanh nghiệp khởi nghiệp đổi mới sáng tạo đã đăng ký.",
     "Innovative startups registered on the innovation page.", {2026: 50}),
    ("border_trucks_per_day", "Lượt xe qua cửa khẩu mỗi ngày", "Border trucks per day",
     Unit.TRUCKS_PER_DAY, "bql-cua-khau", M, "border.trucks_per_day", UP, True, True,
     "/border/dashboard/",
     "Số xe đã qua cửa khẩu trong kỳ chia cho số ngày của kỳ (đến nay).",
     "Trucks crossed in the period over the days of the period so far.", {2026: 1700}),
    ("border_backlog", "Xe chờ trong bãi", "Border backlog (trucks waiting)", Unit.COUNT,
     "bql-cua-khau", M, "border.backlog", DOWN, True, True, "/border/dashboard/",
     "Số xe đang chờ trong các bãi tại thời điểm tính.",
     "Trucks waiting in the yards at the time of the computation.", {2026: 300}),
    ("border_mean_wait", "Thời gian chờ trung bình", "Border mean wait", Unit.HOURS,
     "bql-cua-khau", M, "border.mean_wait", DOWN, True, True, "/border/dashboard/",
     "Thời gian trung bình từ khi vào bãi đến khi qua cửa khẩu của các xe qua trong kỳ.",
     "Mean time from yard check-in to crossing of the period's crossings.", {2026: 6}),
    ("fee_revenue", "Thu phí hạ tầng cửa khẩu", "Border fee revenue", Unit.VND,
     "bql-cua-khau", M, "payments.fee_revenue", UP, False, True, "/border/reports/",
     "Tổng phí đã thu (đã thanh toán) trong kỳ.", "Fees paid in the period.", {}),
]


def owner(code: str) -> Organization:
    org, _ = Organization.objects.get_or_create(
        code=code, defaults={"name": OWNERS[code], "kind": OrganizationKind.STATE_AGENCY})
    return org


@transaction.atomic
def seed_catalogue() -> list[Indicator]:
    out = []
    for position, row in enumerate(INDICATORS):
        (code, name_vi, name_en, unit, owner_code, frequency, source, direction, public,
         per_commune, system_url, definition_vi, definition_en, targets) = row
        indicator, created = Indicator.objects.get_or_create(code=code, defaults={
            "name_vi": name_vi, "name_en": name_en, "unit": unit, "owner": owner(owner_code),
            "frequency": frequency, "source": source, "direction": direction,
            "is_public": public, "per_commune": per_commune, "system_url": system_url,
            "definition_vi": definition_vi, "definition_en": definition_en,
            "position": position})
        if created:
            Target.objects.bulk_create([Target(indicator=indicator, year=year,
                                               value=Decimal(value))
                                        for year, value in targets.items()])
        out.append(indicator)
    return out
