import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from tinhso.accounts.models import Membership, Role
from tinhso.core.models import AdministrativeUnit
from tinhso.schools import services
from tinhso.schools.models import Assignment, SchoolClass, Student, Subject, Teacher
from tinhso.schools.structure import create_school


def commune(name="Chi Lăng", code=6000001):
    province, _ = AdministrativeUnit.objects.get_or_create(
        code=20, defaults={"name": "Tỉnh Lạng Sơn", "kind": AdministrativeUnit.Kind.PROVINCE})
    return AdministrativeUnit.objects.get_or_create(
        code=code, defaults={"name": name, "kind": AdministrativeUnit.Kind.COMMUNE,
                             "parent": province})[0]


def staff(school, role, name):
    user = UserFactory(full_name=name)
    Membership.objects.create(user=user, organization=school.organization, role=role)
    return user


def teacher(school, name):
    user = staff(school, Role.TEACHER, name)
    return Teacher.objects.create(school=school, user=user, full_name=name)


@pytest.fixture
def world(db, settings, tmp_path):
    """A lower-secondary school in Chi Lăng, year 2026-2027: class 6A1 (homeroom Hà, maths
    and literature by Hà, the rest by Bình) with three students, class 6A2 (teacher Cường)
    with one; a leader; guardians of 6A1's first two students and of 6A2's."""
    settings.NOTIFY_BACKEND = "file"
    settings.NOTIFY_FILE = tmp_path / "notifications.jsonl"
    school = create_school(code="thcs-chi-lang", name="Trường THCS Chi Lăng", level="lower",
                           commune=commune(), first_year=2026)
    year = school.years.get()
    ha, binh, cuong = (teacher(school, n) for n in ("Hoàng Thị Hà", "Lý Văn Bình",
                                                    "Nông Văn Cường"))
    leader = staff(school, Role.SCHOOL_LEADER, "Vi Thị Lan")
    a1 = SchoolClass.objects.create(school=school, year=year, grade=6, name="6A1", homeroom=ha)
    a2 = SchoolClass.objects.create(school=school, year=year, grade=6, name="6A2",
                                    homeroom=cuong)
    for subject in Subject.objects.filter(school=school, grade=6):
        Assignment.objects.create(teacher=ha if subject.code in ("toan", "ngu_van") else binh,
                                  school_class=a1, subject=subject)
        Assignment.objects.create(teacher=cuong, school_class=a2, subject=subject)
    pupils = [Student.objects.create(school=school, school_class=a1, code=f"HS{i}",
                                     full_name=n, birth_date=datetime.date(2015, 3, i),
                                     sex="f", number=i)
              for i, n in enumerate(["Hoàng Minh Anh", "Lương Văn Bảo", "Triệu Thị Cúc"], 1)]
    other = Student.objects.create(school=school, school_class=a2, code="HS9",
                                   full_name="Đinh Văn Dũng", birth_date=datetime.date(2015, 1, 1),
                                   sex="m", number=1)
    g1 = services.add_guardian(actor=leader, student=pupils[0], full_name="Hoàng Văn Nam",
                               phone="0912345001")
    g2 = services.add_guardian(actor=leader, student=pupils[1], full_name="Lương Thị Mai",
                               phone="0912345002")
    g9 = services.add_guardian(actor=leader, student=other, full_name="Đinh Văn Tư",
                               phone="0912345009")
    terms = {t.number: t for t in year.terms.all()}
    subjects = {s.code: s for s in Subject.objects.filter(school=school, grade=6)}
    return SimpleNamespace(school=school, year=year, ha=ha.user, binh=binh.user,
                           cuong=cuong.user, leader=leader, a1=a1, a2=a2, pupils=pupils,
                           other=other, g1=g1, g2=g2, g9=g9, terms=terms, subjects=subjects,
                           now=timezone.now())
