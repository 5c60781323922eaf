"""The schools demo: a few schools of Lạng Sơn with real-looking names, class 8A1 of the
THCS Chi Lăng with its students and some term I grades, and one login per role (teacher,
school leader, guardian — who also logs in by phone and code — and the Department of
Education's officer); plus the 675 sample schools spread over the communes. Idempotent."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from tinhso.accounts.models import Membership, Organization, OrganizationKind, Role, User
from tinhso.core.models import AdministrativeUnit
from tinhso.schools import services
from tinhso.schools.models import (
    Assignment,
    Level,
    School,
    SchoolClass,
    Student,
    Subject,
    Teacher,
)
from tinhso.schools.structure import create_school

FIRST_YEAR = 2026
#: (code, name, level, commune code)
SCHOOLS = [
    ("thcs-chi-lang", "Trường THCS Chi Lăng", Level.LOWER, 6463),
    ("thpt-viet-bac", "Trường THPT Việt Bắc", Level.UPPER, 5983),
    ("thpt-chuyen-chu-van-an", "Trường THPT Chuyên Chu Văn An", Level.UPPER, 5977),
    ("th-dong-dang", "Trường Tiểu học thị trấn Đồng Đăng", Level.PRIMARY, 6184),
    ("thcs-na-sam", "Trường THCS Na Sầm", Level.LOWER, 6214),
]
#: (email, phone, full name, role)
DEMO_LOGINS = [
    ("giaovien@demo.tinhso.vn", "0913150001", "Hoàng Thị Thu Hà", Role.TEACHER),
    ("hieutruong@demo.tinhso.vn", "0913150002", "Vi Văn Lợi", Role.SCHOOL_LEADER),
    ("phuhuynh@demo.tinhso.vn", "0913150003", "Lương Văn Nam", Role.GUARDIAN),
    ("sogd@demo.tinhso.vn", "0913150004", "Nông Thị Hồng", Role.EDUCATION_OFFICER),
]
PUPILS = ["Lương Minh Anh", "Hoàng Gia Bảo", "Triệu Thị Cúc", "Nông Đức Duy", "Vi Thị Hằng",
          "Lý Văn Khánh", "Chu Thị Lan", "Hà Minh Long", "Đinh Thị Mai", "Lục Văn Nam",
          "Mã Thị Ngọc", "Tô Văn Phúc"]
FAMILY = ["Hoàng", "Nông", "Lương", "Vi", "Lý", "Triệu", "Chu", "Hà", "Đinh", "Lục", "Mã",
          "Tô", "Nguyễn", "Trần", "Phạm"]
PLACE_WORDS = {Level.PRIMARY: "Trường Tiểu học", Level.LOWER: "Trường THCS",
               Level.UPPER: "Trường THPT"}


def _commune(code: int) -> AdministrativeUnit:
    return (AdministrativeUnit.objects.filter(code=code).first()
            or AdministrativeUnit.objects.filter(kind__in=["commune", "ward"]).first())


def _user(email: str, phone: str, name: str) -> User:
    from tinhso.core.demo import DEMO_PASSWORD

    user = User.objects.filter(email=email).first() or User.objects.filter(phone=phone).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, phone=phone, full_name=name)
    return user


@transaction.atomic
def seed_schools() -> list[tuple[str, str, str]]:
    """The demo schools, class 8A1 with grades, and the four demo logins."""
    schools = {code: create_school(code=code, name=name, level=level, commune=_commune(unit),
                                   first_year=FIRST_YEAR) for code, name, level, unit in SCHOOLS}
    school = schools["thcs-chi-lang"]
    users = {role: _user(email, phone, name) for email, phone, name, role in DEMO_LOGINS}
    Membership.objects.get_or_create(user=users[Role.TEACHER], role=Role.TEACHER,
                                     organization=school.organization)
    Membership.objects.get_or_create(user=users[Role.SCHOOL_LEADER], role=Role.SCHOOL_LEADER,
                                     organization=school.organization)
    department, _ = Organization.objects.get_or_create(
        code="so-gd-dt-lang-son", defaults={"name": "Sở Giáo dục và Đào tạo Lạng Sơn",
                                            "kind": OrganizationKind.STATE_AGENCY})
    Membership.objects.get_or_create(user=users[Role.EDUCATION_OFFICER], organization=department,
                                     role=Role.EDUCATION_OFFICER)
    teacher, _ = Teacher.objects.get_or_create(
        school=school, user=users[Role.TEACHER],
        defaults={"full_name": users[Role.TEACHER].full_name, "phone": "0913150001"})
    year = school.years.get(name=f"{FIRST_YEAR}-{FIRST_YEAR + 1}")
    klass, created = SchoolClass.objects.get_or_create(
        school=school, year=year, name="8A1", defaults={"grade": 8, "homeroom": teacher})
    logins = [(Role(role).label, email, phone) for email, phone, _n, role in DEMO_LOGINS]
    if not created:
        return logins
    for subject in Subject.objects.filter(school=school, grade=8):
        Assignment.objects.create(teacher=teacher, school_class=klass, subject=subject)
    pupils = [Student.objects.create(school=school, school_class=klass, code=f"CL8A1{i:02d}",
                                     full_name=name, birth_date=datetime.date(2013, 1 + i % 12,
                                                                              1 + i),
                                     sex="f" if "Thị" in name else "m", number=i)
              for i, name in enumerate(PUPILS, 1)]
    guardian_user = users[Role.GUARDIAN]
    guardian = services.add_guardian(actor=users[Role.SCHOOL_LEADER], student=pupils[0],
                                     full_name=guardian_user.full_name,
                                     phone=guardian_user.phone)
    assert guardian.user_id == guardian_user.pk
    _grades(teacher.user, klass, pupils)
    return logins


def _grades(actor, klass: SchoolClass, pupils: list[Student]) -> None:
    """Term I's regular and mid-term assessments of 8A1 (seeded, reproducible)."""
    rng = random.Random(15)
    term = klass.year.terms.get(number=1)
    now = timezone.now()
    for subject in Subject.objects.filter(school=klass.school, grade=8):
        from tinhso.schools.selectors import subject_info

        slots = [s for s in subject_info(subject).slots() if s not in ("ck",)]
        for pupil in pupils:
            for slot in slots:
                raw = ("Đ" if rng.random() > 0.05 else "CĐ") if slot == "nx" else \
                    str(min(10, max(3, round(rng.gauss(7.2, 1.4) * 2) / 2)))
                services.save_score(actor=actor, student=pupil, subject=subject, term=term,
                                    slot=slot, raw=raw, now=now)
    services.recompute_class(klass)


def sample_schools(count: int = 675, *, seed: int = 675) -> int:
    """The province's schools as sample data: ``count`` schools spread over the communes
    (about 45 % primary, 35 % lower and 20 % upper secondary), marked `is_sample`. Only
    the schools and their organisations (bulk inserts); returns how many were added."""
    existing = School.objects.filter(is_sample=True).count()
    if existing >= count:
        return 0
    rng = random.Random(seed)
    communes = list(AdministrativeUnit.objects.filter(kind__in=["commune", "ward"])
                    .order_by("code"))
    if not communes:
        return 0
    levels = [Level.PRIMARY] * 45 + [Level.LOWER] * 35 + [Level.UPPER] * 20
    orgs, rows = [], []
    for n in range(existing, count):
        commune = communes[n % len(communes)]
        level = rng.choice(levels)
        place = commune.name.removeprefix("Xã ").removeprefix("Phường ")
        name = f"{PLACE_WORDS[level]} {place} số {n // len(communes) + 1}"
        code = f"mau-{n + 1:04d}"
        orgs.append(Organization(code=f"school-{code}", name=name, kind=OrganizationKind.SCHOOL))
        rows.append((code, name, level, commune))
    with transaction.atomic():
        Organization.objects.bulk_create(orgs, ignore_conflicts=True)
        by_code = dict(Organization.objects.filter(code__in=[o.code for o in orgs])
                       .values_list("code", "id"))
        School.objects.bulk_create([
            School(organization_id=by_code[f"school-{code}"], code=code, name=name, level=level,
                   commune=commune, is_sample=True) for code, name, level, commune in rows],
            ignore_conflicts=True)
    return len(rows)


def seed_schools_demo() -> list[tuple[str, str, str]]:
    logins = seed_schools()
    sample_schools()
    return logins

