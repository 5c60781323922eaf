from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.factories import OrganizationFactory, user_with_role
from tinhso.accounts.models import Role
from tinhso.core.models import AdministrativeUnit
from tinhso.innovation import services
from tinhso.innovation.models import Profile

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
#: A minimal but valid PDF (starts with %PDF-, ends with %%EOF).
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VIETNAM)


@pytest.fixture
def units(db):
    """Three communes of Lạng Sơn (the demo loads all 65; these tests need few)."""
    province, _ = AdministrativeUnit.objects.get_or_create(
        code=20, defaults={"name": "Lạng Sơn", "kind": "province"})
    for code, name in ((6133, "Đồng Đăng"), (6619, "Đình Lập"), (6469, "Chi Lăng")):
        AdministrativeUnit.objects.get_or_create(
            code=code, defaults={"name": name, "kind": "commune", "parent": province})
    return AdministrativeUnit.objects.exclude(kind="province")


@pytest.fixture
def commune(units) -> AdministrativeUnit:
    return units.get(name="Đồng Đăng")


@pytest.fixture
def other_commune(units, commune) -> AdministrativeUnit:
    return units.get(name="Đình Lập")


@pytest.fixture
def founder(db):
    return user_with_role(Role.FOUNDER, full_name="Hoàng Văn Nam")


@pytest.fixture
def other_founder(db):
    return user_with_role(Role.FOUNDER, full_name="Lý Thị Mai")


@pytest.fixture
def officer(db):
    return user_with_role(Role.INNOVATION_OFFICER,
                          OrganizationFactory(code="so-khcn", name="Sở Khoa học và Công nghệ"),
                          full_name="Nông Thị Hạnh")


@pytest.fixture
def judges(db):
    council = OrganizationFactory(code="hoi-dong-kn", name="Hội đồng khởi nghiệp")
    return [user_with_role(Role.JUDGE, council, full_name=name)
            for name in ("Giám khảo Một", "Giám khảo Hai", "Giám khảo Ba")]


def profile_input(commune, **kw) -> services.ProfileInput:
    values = dict(kind="cooperative", name="Hợp tác xã Na Chi Lăng", field="agriculture",
                  stage="growth", commune_code=commune.code,
                  summary="Trồng và bán na dai Chi Lăng theo chuẩn VietGAP.",
                  team="Hoàng Văn Nam (giám đốc)", products="Na dai, mứt na",
                  website="https://nachilang.example.vn")
    values.update(kw)
    return services.ProfileInput(**values)


def published_profile(founder, officer, commune, now=None, **kw) -> Profile:
    profile = services.create_profile(actor=founder, data=profile_input(commune, **kw), now=now)
    services.move_profile(actor=founder, profile=profile, action="submit", now=now)
    return services.move_profile(actor=officer, profile=profile, action="publish", now=now)


def call_input(deadline, **kw) -> services.CallInput:
    values = dict(title="Cuộc thi Khởi nghiệp Xứ Lạng 2026",
                  description="Hỗ trợ các dự án khởi nghiệp từ đặc sản địa phương.",
                  eligibility="Doanh nghiệp, hợp tác xã có trụ sở tại Lạng Sơn.",
                  deadline=deadline, required_attachments=["Kế hoạch kinh doanh"],
                  criteria=[services.CriterionInput("Tính đổi mới", 40, 10),
                            services.CriterionInput("Khả năng thị trường", 60, 10)],
                  funded_places=1)
    values.update(kw)
    return services.CallInput(**values)


@pytest.fixture
def deadline():
    """17:00 on Thursday 10 December 2026, Vietnam time (tests run on 2 December)."""
    return vn(2026, 12, 10, 17, 0)


@pytest.fixture
def call(officer, deadline):
    return services.create_call(actor=officer, data=call_input(deadline))


def upload(data: bytes = PDF, name: str = "ke-hoach.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


def before(moment: datetime, seconds: int = 1) -> datetime:
    return moment - timedelta(seconds=seconds)
