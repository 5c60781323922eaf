"""Demo data of the documents app, idempotent: a few agencies of Lạng Sơn with their units
and registers, staff in each role, an outside ministry reached through the exchange axis,
and (``seed_documents``) some hundred documents in every state, signed with the demo CA."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tinhso.accounts.models import Membership, Organization, OrganizationKind, Role, User
from tinhso.core import credentials
from tinhso.core import pdf as corepdf
from tinhso.core.demo import DEMO_PASSWORD
from tinhso.documents import reference
from tinhso.documents.models import (
    Agency,
    Direction,
    IncomingDocument,
    OutgoingDocument,
    Register,
    Unit,
)


@dataclass(frozen=True)
class AgencySpec:
    org_code: str | None
    name: str
    abbreviation: str
    exchange_code: str
    units: tuple[tuple[str, str], ...] = ()
    legal_types: tuple[str, ...] = ()


AGENCIES = (
    AgencySpec("ubnd-lang-son", "Ủy ban nhân dân tỉnh Lạng Sơn", "UBND", "000.00.00.H20",
               (("Văn phòng", "VP"), ("Phòng Kinh tế", "KT"), ("Phòng Nội chính", "NC")),
               ("quyet_dinh",)),
    AgencySpec("so-cong-thuong", "Sở Công Thương tỉnh Lạng Sơn", "SCT", "000.00.09.H20",
               (("Văn phòng Sở", "VP"), ("Phòng Quản lý thương mại", "QLTM"))),
    AgencySpec("ubnd-dong-dang", "Ủy ban nhân dân xã Đồng Đăng", "UBND", "000.20.01.H20",
               (("Văn phòng HĐND và UBND", "VP"),)),
    AgencySpec(None, "Bộ Công Thương", "BCT", "000.00.00.G13"),
)

#: Demo staff: (e-mail prefix, full name, role) per agency.
STAFF = (
    ("vanthu", "Hoàng Thị Văn Thư", Role.CLERK),
    ("lanhdao", "Nguyễn Văn Hùng", Role.AGENCY_LEADER),
    ("truongphong", "Trần Thị Mai", Role.HEAD_OF_UNIT),
    ("chuyenvien", "Lê Văn Nam", Role.SPECIALIST),
)


def ensure_agency(spec: AgencySpec) -> Agency:
    org = None
    if spec.org_code:
        org, _ = Organization.objects.get_or_create(
            code=spec.org_code, defaults={"name": spec.name,
                                          "kind": OrganizationKind.STATE_AGENCY})
    agency, _ = Agency.objects.get_or_create(
        exchange_code=spec.exchange_code,
        defaults={"organization": org, "name": spec.name, "abbreviation": spec.abbreviation})
    for name, abbreviation in spec.units:
        Unit.objects.get_or_create(agency=agency, abbreviation=abbreviation,
                                   defaults={"name": name})
    if org is not None:
        ensure_registers(agency, legal_types=spec.legal_types)
    return agency


def ensure_registers(agency: Agency, *, legal_types=()) -> None:
    wanted = [
        (Direction.OUTGOING, False, "", "Sổ đăng ký văn bản đi"),
        (Direction.OUTGOING, True, "", "Sổ đăng ký văn bản đi (mật)"),
        (Direction.INCOMING, False, "", "Sổ đăng ký văn bản đến"),
        (Direction.INCOMING, True, "", "Sổ đăng ký văn bản đến (mật)"),
    ] + [(Direction.OUTGOING, False, code,
          f"Sổ đăng ký {reference.document_type(code).name.lower()} quy phạm pháp luật")
         for code in legal_types]
    for direction, secret, legal, name in wanted:
        Register.objects.get_or_create(agency=agency, direction=direction, is_secret=secret,
                                       legal_type=legal, defaults={"name": name})


def ensure_staff(agency: Agency, *, password: str | None = DEMO_PASSWORD) -> dict[str, User]:
    people = {}
    domain = agency.organization.code
    for prefix, full_name, role in STAFF:
        email = f"{prefix}@{domain}.langson.gov.vn"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=full_name)
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
        Membership.objects.get_or_create(user=user, organization=agency.organization,
                                         role=role)
        # A demo seeded before the clerk role existed gave the clerk the one-stop role.
        Membership.objects.filter(user=user, organization=agency.organization).exclude(
            role=role).delete()
        people[prefix] = user
    return people


#: The province office's document clerk, a login of the demo table (phone pages).
CLERK_LOGIN = ("vanthu@demo.tinhso.vn", "0912000031", "Vi Thị Thu", "000.00.00.H20")


def seed_clerk(*, password: str | None = DEMO_PASSWORD) -> tuple[str, str, str]:
    """The demo clerk of the province People's Committee (văn thư): registers incoming
    documents, issues and sends outgoing ones. Idempotent."""
    email, phone, full_name, code = CLERK_LOGIN
    agency = Agency.objects.get(exchange_code=code)
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=full_name, phone=phone)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(user=user, organization=agency.organization,
                                     role=Role.CLERK)
    return Role.CLERK.label, email, phone


def seed_reference(*, password: str | None = DEMO_PASSWORD) -> dict:
    """Agencies, units, registers and staff; the demo CA, trusted. Idempotent."""
    with transaction.atomic():
        agencies = {spec.exchange_code: ensure_agency(spec) for spec in AGENCIES}
        staff = {code: ensure_staff(a, password=password)
                 for code, a in agencies.items() if a.on_platform}
    credentials.demo_ca()
    return {"agencies": agencies, "staff": staff}


EXCERPTS = (
    "Về việc triển khai Kế hoạch chuyển đổi số tỉnh Lạng Sơn năm 2027",
    "Về việc tăng cường quản lý hoạt động xuất nhập khẩu qua cửa khẩu Hữu Nghị",
    "Về việc phòng, chống ùn tắc hàng hóa nông sản tại các cửa khẩu",
    "Về việc báo cáo kết quả thực hiện nhiệm vụ quý IV",
    "Về việc tổ chức hội nghị trực tuyến tổng kết công tác năm",
    "Về việc hướng dẫn thanh toán phí hạ tầng cửa khẩu bằng VietQR",
    "Về việc phát triển sản phẩm OCOP và cửa hàng số cho hộ gia đình",
    "Về việc đẩy mạnh dịch vụ công trực tuyến toàn trình",
    "Về việc kiểm tra an toàn thực phẩm dịp Tết Nguyên đán",
    "Về việc xây dựng chợ biên giới Tân Thanh",
)
TYPES = ("cong_van", "cong_van", "cong_van", "bao_cao", "ke_hoach", "quyet_dinh",
         "thong_bao", "giay_moi", "to_trinh", "huong_dan")


def _body(excerpt: str, rng: random.Random) -> io.BytesIO:
    paragraphs = [excerpt + "."] + [
        rng.choice(EXCERPTS) + ": " + "các cơ quan, đơn vị khẩn trương thực hiện và báo cáo "
        "kết quả về Ủy ban nhân dân tỉnh trước ngày 25 hằng tháng." for _ in range(3)]
    buffer = io.BytesIO(corepdf.simple_document("NỘI DUNG VĂN BẢN", paragraphs))
    buffer.name = "body.pdf"
    return buffer


def seed_documents(*, count: int = 120, password: str | None = DEMO_PASSWORD,
                   seed: int = 2026) -> dict[str, int]:
    """Documents in every state, on top of `seed_reference`. Idempotent: tops the demo
    agencies up to ``count`` outgoing documents (nothing when they have that many)."""
    from tinhso.documents import services

    ref = seed_reference(password=password)
    seed_clerk(password=password)
    agencies, staff = ref["agencies"], ref["staff"]
    on_platform = [a for a in agencies.values() if a.on_platform]
    existing = OutgoingDocument.objects.filter(agency__in=on_platform).count()
    if existing >= count:
        return {"outgoing": 0, "incoming": 0}
    rng = random.Random(seed)
    now = timezone.now()
    outside = [a for a in agencies.values() if not a.on_platform]
    made_out = made_in = 0
    for i in range(existing, count):
        agency = on_platform[i % len(on_platform)]
        people = staff[agency.exchange_code]
        excerpt = EXCERPTS[i % len(EXCERPTS)]
        doc_type = TYPES[i % len(TYPES)]
        others = [a for a in on_platform if a != agency] + outside
        moment = now - timedelta(days=(count - i) // 3, minutes=rng.randint(0, 600))
        doc = services.create_draft(
            actor=people["chuyenvien"], agency=agency, doc_type=doc_type, excerpt=excerpt,
            signer=people["lanhdao"], signer_title="Chủ tịch" if agency.abbreviation == "UBND"
            else "Giám đốc", authority="TM." if agency.abbreviation == "UBND" else "",
            authority_of="Ủy ban nhân dân" if agency.abbreviation == "UBND" else "",
            unit=agency.units.order_by("id").first(),
            confidentiality="mat" if i % 17 == 0 else "thuong",
            urgency="khan" if i % 5 == 0 else "thuong",
            recipients=rng.sample(others, k=min(2, len(others))), body=_body(excerpt, rng),
            now=moment)
        made_out += 1
        stage = i % 6  # 0 draft, 1 in review, 2 approved, 3-5 issued (sent, received, handled)
        if stage >= 1:
            services.transition(actor=people["chuyenvien"], document=doc, action="submit",
                                now=moment)
        if stage >= 2:
            services.transition(actor=people["lanhdao"], document=doc, action="approve",
                                now=moment)
        if stage >= 3:
            services.transition(actor=people["vanthu"], document=doc, action="issue",
                                now=moment)
            services.send(actor=people["vanthu"], document=doc, now=moment)
        if stage >= 4:
            for incoming in IncomingDocument.objects.filter(from_outgoing=doc):
                receiver = staff[incoming.agency.exchange_code]
                services.register_received(actor=receiver["vanthu"], document=incoming,
                                           now=moment)
                made_in += 1
                if stage >= 5:
                    services.assign(actor=receiver["lanhdao"], document=incoming,
                                    assignee=receiver["chuyenvien"], working_days=5,
                                    instructions="Đề nghị nghiên cứu, tham mưu xử lý.",
                                    now=moment)
                    if i % 12 == 5:
                        services.add_opinion(actor=receiver["chuyenvien"], document=incoming,
                                             text="Đã làm việc với các đơn vị liên quan.",
                                             now=moment)
                        services.close(actor=receiver["chuyenvien"], document=incoming,
                                       now=moment)
    return {"outgoing": made_out, "incoming": made_in}
