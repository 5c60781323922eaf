"""Sample agencies, procedures and officers for the demo (`tinhso seed_demo`), idempotent.

The procedures are typical of a commune and of the province, with plausible time limits
and fees, and are marked ``is_sample``: the real catalogue comes from the national
portal's file (`services.import_catalogue`). Their codes are ``MAU.NNN`` (mẫu, sample) so
they can never be mistaken for national procedure codes. The agencies' e-ID codes follow
the example of the issue (``H20.xx``); a deployment sets the real ones in the admin.
"""

from __future__ import annotations

from decimal import Decimal

from tinhso.accounts.models import Membership, Organization, OrganizationKind, Role, User
from tinhso.publicservices.catalogue_format import (
    Paper,
    ProcedureRow,
    default_steps,
    parse_papers,
)
from tinhso.publicservices.models import Agency, Level
from tinhso.publicservices.services.catalogue import ImportReport, save_procedures

# (e-ID code, name, level, organisation code, organisation name)
SAMPLE_AGENCIES = [
    ("H20.01", "Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn", Level.PROVINCE,
     "ttphcc-lang-son", "Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn"),
    ("H20.02", "Sở Xây dựng tỉnh Lạng Sơn", Level.PROVINCE, "so-xay-dung",
     "Sở Xây dựng tỉnh Lạng Sơn"),
    ("H20.03", "Sở Nông nghiệp và Môi trường tỉnh Lạng Sơn", Level.PROVINCE, "so-nn-mt",
     "Sở Nông nghiệp và Môi trường tỉnh Lạng Sơn"),
    ("H20.51", "UBND xã Đồng Đăng", Level.COMMUNE, "xa-dong-dang", "UBND xã Đồng Đăng"),
]

C, P = Level.COMMUNE, Level.PROVINCE
TP = "Tư pháp – Hộ tịch"
# (field, name, level, days, fee VND, online level, papers "name|copies|form", legal basis)
SAMPLE_PROCEDURES = [
    (TP, "Đăng ký khai sinh", C, "1", 0, "full",
     "Tờ khai đăng ký khai sinh|1|Bản chính|to-khai-khai-sinh.docx\n"
     "Giấy chứng sinh|1|Bản chính", "Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP"),
    (TP, "Đăng ký khai tử", C, "1", 0, "full",
     "Tờ khai đăng ký khai tử|1|Bản chính\nGiấy báo tử|1|Bản chính",
     "Luật Hộ tịch 2014"),
    (TP, "Đăng ký kết hôn", C, "1", 0, "partial",
     "Tờ khai đăng ký kết hôn|1|Bản chính\nGiấy xác nhận tình trạng hôn nhân|1|Bản chính",
     "Luật Hôn nhân và gia đình 2014; Luật Hộ tịch 2014"),
    (TP, "Cấp bản sao trích lục hộ tịch", C, "0.5", 8000, "full",
     "Tờ khai cấp bản sao trích lục|1|Bản chính", "Nghị định 123/2015/NĐ-CP"),
    (TP, "Xác nhận tình trạng hôn nhân", C, "3", 0, "full",
     "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân|1|Bản chính", "Luật Hộ tịch 2014"),
    (TP, "Đăng ký nhận cha, mẹ, con", C, "3", 0, "partial",
     "Tờ khai đăng ký nhận cha, mẹ, con|1|Bản chính\nChứng cứ chứng minh quan hệ|1|Bản sao",
     "Luật Hộ tịch 2014"),
    (TP, "Chứng thực bản sao từ bản chính", C, "0.5", 2000, "partial",
     "Bản chính giấy tờ|1|Bản chính\nBản sao cần chứng thực|1|Bản sao",
     "Nghị định 23/2015/NĐ-CP"),
    ("Cư trú", "Đăng ký thường trú", C, "7", 0, "full",
     "Tờ khai thay đổi thông tin cư trú (CT01)|1|Bản chính\n"
     "Giấy tờ chứng minh chỗ ở hợp pháp|1|Bản sao", "Luật Cư trú 2020"),
    ("Cư trú", "Đăng ký tạm trú", C, "3", 0, "full",
     "Tờ khai thay đổi thông tin cư trú (CT01)|1|Bản chính\n"
     "Giấy tờ chứng minh chỗ ở hợp pháp|1|Bản sao", "Luật Cư trú 2020"),
    ("Thành lập và hoạt động của hộ kinh doanh", "Đăng ký thành lập hộ kinh doanh", C, "3",
     100000, "full",
     "Giấy đề nghị đăng ký hộ kinh doanh|1|Bản chính\nBản sao giấy tờ pháp lý của chủ hộ|1|"
     "Bản sao", "Nghị định 01/2021/NĐ-CP"),
    ("Thành lập và hoạt động của hộ kinh doanh", "Đăng ký thay đổi nội dung hộ kinh doanh",
     C, "3", 50000, "full", "Thông báo thay đổi nội dung đăng ký hộ kinh doanh|1|Bản chính",
     "Nghị định 01/2021/NĐ-CP"),
    ("Thành lập và hoạt động của hộ kinh doanh", "Tạm ngừng kinh doanh hộ kinh doanh", C,
     "3", 0, "full", "Thông báo tạm ngừng kinh doanh|1|Bản chính", "Nghị định 01/2021/NĐ-CP"),
    ("Đất đai", "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu", C, "20", 100000,
     "partial",
     "Đơn đăng ký, cấp Giấy chứng nhận|1|Bản chính\nGiấy tờ về quyền sử dụng đất|1|Bản sao",
     "Luật Đất đai 2024; Nghị định 101/2024/NĐ-CP"),
    ("Đất đai", "Đăng ký biến động quyền sử dụng đất (chuyển nhượng)", C, "10", 50000,
     "partial", "Đơn đăng ký biến động|1|Bản chính\nHợp đồng chuyển nhượng|1|Bản chính\n"
     "Giấy chứng nhận đã cấp|1|Bản chính", "Luật Đất đai 2024"),
    ("Đất đai", "Hòa giải tranh chấp đất đai", C, "30", 0, "none",
     "Đơn yêu cầu hòa giải|1|Bản chính", "Luật Đất đai 2024"),
    ("Xây dựng", "Cấp giấy phép xây dựng nhà ở riêng lẻ", C, "15", 75000, "partial",
     "Đơn đề nghị cấp giấy phép xây dựng|1|Bản chính\nGiấy tờ về quyền sử dụng đất|1|Bản sao"
     "\nBản vẽ thiết kế xây dựng|2|Bản chính", "Luật Xây dựng 2014 (sửa đổi 2020)"),
    ("Bảo trợ xã hội", "Trợ cấp xã hội hằng tháng cho người cao tuổi", C, "12", 0, "partial",
     "Tờ khai đề nghị trợ giúp xã hội|1|Bản chính", "Nghị định 20/2021/NĐ-CP"),
    ("Người có công", "Trợ cấp mai táng phí", C, "5", 0, "partial",
     "Bản khai đề nghị hưởng mai táng phí|1|Bản chính\nGiấy chứng tử|1|Bản sao",
     "Nghị định 131/2021/NĐ-CP"),
    ("Nông nghiệp", "Xác nhận nguồn gốc nông sản (xuất qua cửa khẩu)", C, "2", 0, "full",
     "Đơn đề nghị xác nhận|1|Bản chính", "Quyết định của UBND tỉnh (mẫu)"),
    ("Biên giới", "Cấp giấy phép vào khu vực biên giới", C, "1", 0, "partial",
     "Đơn đề nghị cấp giấy phép|1|Bản chính\nCăn cước công dân|1|Bản sao",
     "Nghị định 34/2014/NĐ-CP về Quy chế khu vực biên giới đất liền"),
    ("Biên giới", "Cấp giấy thông hành xuất nhập cảnh vùng biên giới", P, "5", 50000,
     "partial", "Tờ khai đề nghị cấp giấy thông hành|1|Bản chính\nẢnh 4x6|2|Bản chính",
     "Hiệp định Việt Nam – Trung Quốc về cửa khẩu và quy chế quản lý cửa khẩu biên giới"),
    ("Xây dựng", "Cấp giấy phép xây dựng công trình cấp II, III", P, "20", 150000, "partial",
     "Đơn đề nghị cấp giấy phép xây dựng|1|Bản chính\nHồ sơ thiết kế|2|Bản chính",
     "Luật Xây dựng 2014 (sửa đổi 2020)"),
    ("Xây dựng", "Thẩm định báo cáo nghiên cứu khả thi đầu tư xây dựng", P, "30", 0,
     "partial", "Tờ trình thẩm định|1|Bản chính\nBáo cáo nghiên cứu khả thi|1|Bản chính",
     "Nghị định 175/2024/NĐ-CP"),
    ("Đất đai", "Giao đất, cho thuê đất cho tổ chức", P, "20", 0, "partial",
     "Đơn xin giao đất, thuê đất|1|Bản chính\nVăn bản chấp thuận đầu tư|1|Bản sao",
     "Luật Đất đai 2024"),
    ("Môi trường", "Cấp giấy phép môi trường (cấp tỉnh)", P, "30", 0, "partial",
     "Văn bản đề nghị cấp giấy phép môi trường|1|Bản chính\n"
     "Báo cáo đề xuất cấp giấy phép|1|Bản chính", "Luật Bảo vệ môi trường 2020"),
    ("Thành lập và hoạt động doanh nghiệp", "Đăng ký thành lập doanh nghiệp tư nhân", P, "3",
     50000, "full", "Giấy đề nghị đăng ký doanh nghiệp|1|Bản chính",
     "Luật Doanh nghiệp 2020; Nghị định 168/2025/NĐ-CP"),
    ("Thành lập và hoạt động doanh nghiệp", "Đăng ký thay đổi nội dung đăng ký doanh nghiệp",
     P, "3", 50000, "full", "Thông báo thay đổi nội dung đăng ký doanh nghiệp|1|Bản chính",
     "Luật Doanh nghiệp 2020"),
    ("Giao thông vận tải", "Cấp giấy phép liên vận Việt – Trung", P, "2", 50000, "full",
     "Đơn đề nghị cấp giấy phép liên vận|1|Bản chính\nĐăng ký phương tiện|1|Bản sao",
     "Hiệp định vận tải đường bộ Việt Nam – Trung Quốc"),
    ("Công thương", "Cấp giấy chứng nhận đủ điều kiện an toàn thực phẩm", P, "15", 1000000,
     "partial", "Đơn đề nghị cấp giấy chứng nhận|1|Bản chính\n"
     "Bản thuyết minh cơ sở vật chất|1|Bản chính", "Nghị định 15/2018/NĐ-CP"),
    ("Y tế", "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh", P, "20", 360000, "partial",
     "Đơn đề nghị cấp chứng chỉ hành nghề|1|Bản chính\nVăn bằng chuyên môn|1|Bản sao chứng thực",
     "Luật Khám bệnh, chữa bệnh 2023"),
    ("Văn hóa", "Đề nghị công nhận sản phẩm OCOP", P, "30", 0, "partial",
     "Phiếu đăng ký sản phẩm OCOP|1|Bản chính\nPhương án sản xuất kinh doanh|1|Bản chính",
     "Quyết định 148/QĐ-TTg năm 2023 (mẫu)"),
]

# (email, phone, full name, organisation code, role)
SAMPLE_OFFICERS = [
    ("motcua@demo.tinhso.vn", "0912000020", "Lăng Thị Thu", "xa-dong-dang",
     Role.ONE_STOP_OFFICER),
    ("chuyenvien@demo.tinhso.vn", "0912000021", "Hoàng Văn Nam", "xa-dong-dang",
     Role.SPECIALIST),
    ("truongphong@demo.tinhso.vn", "0912000022", "Vi Thị Hằng", "xa-dong-dang",
     Role.HEAD_OF_UNIT),
    ("chutichxa@demo.tinhso.vn", "0912000023", "Nông Văn Bình", "xa-dong-dang",
     Role.AGENCY_LEADER),
    ("congdan@demo.tinhso.vn", "0912000024", "Triệu Thị Mai", "xa-dong-dang", Role.CITIZEN),
]


def sample_rows() -> list[ProcedureRow]:
    rows = []
    for n, (field, name, level, days, fee, online, papers, basis) in enumerate(
            SAMPLE_PROCEDURES, start=1):
        amount = Decimal(days)
        parsed: list[Paper] = parse_papers(papers)
        rows.append(ProcedureRow(
            code=f"MAU.{n:03d}", name=name, field=field, level=str(level),
            processing_days=amount, fee_vnd=fee,
            fee_note=f"{fee:,} đồng".replace(",", ".") if fee else "Không",
            receiving_agency="UBND cấp xã" if level == C else "Trung tâm Phục vụ hành chính công",
            deciding_agency="Chủ tịch UBND cấp xã" if level == C else "Giám đốc Sở",
            result="Kết quả giải quyết thủ tục " + name.lower(), online_level=online,
            legal_basis=basis, papers=parsed, steps=default_steps(int(amount * 2))))
    return rows


def seed_public_services() -> ImportReport:
    """Sample agencies (linked to organisations), officers and ~30 procedures."""
    for code, name, level, org_code, org_name in SAMPLE_AGENCIES:
        org, _ = Organization.objects.get_or_create(
            code=org_code, defaults={"name": org_name, "kind": OrganizationKind.STATE_AGENCY})
        Agency.objects.update_or_create(code=code, defaults={
            "name": name, "level": level, "organization": org,
            "address": f"Bộ phận một cửa, {name}"})
    for email, phone, full_name, org_code, role in SAMPLE_OFFICERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            from tinhso.core.demo import DEMO_PASSWORD

            user = User.objects.create_user(email, DEMO_PASSWORD, phone=phone,
                                            full_name=full_name)
        Membership.objects.get_or_create(user=user, role=role,
                                         organization=Organization.objects.get(code=org_code))
    return save_procedures(actor=None, records=sample_rows(), is_sample=True)
