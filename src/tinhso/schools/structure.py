"""Setting a school up: its organisation, a school year with its two terms, and the
subjects of each grade with their annual periods (the 2018 general education programme,
ten subjects a grade). Used by the demo, the sample of 675 schools, the tests and the bench.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from tinhso.accounts.models import Organization, OrganizationKind
from tinhso.schools.models import GRADES, Level, School, SchoolYear, Subject, Term

S, C, P = Subject.Kind.SCORED, Subject.Kind.COMMENT, Subject.Kind.PRIMARY

#: (code, name, kind, periods a year) — ten subjects per grade.
SECONDARY_LOWER = [
    ("toan", "Toán", S, 140), ("ngu_van", "Ngữ văn", S, 140), ("ngoai_ngu", "Tiếng Anh", S, 105),
    ("khtn", "Khoa học tự nhiên", S, 140), ("ls_dl", "Lịch sử và Địa lí", S, 105),
    ("gdcd", "Giáo dục công dân", S, 35), ("cong_nghe", "Công nghệ", S, 35),
    ("tin_hoc", "Tin học", S, 35), ("gdtc", "Giáo dục thể chất", C, 70),
    ("hdtn", "Hoạt động trải nghiệm, hướng nghiệp", C, 105),
]
SECONDARY_UPPER = [
    ("toan", "Toán", S, 105), ("ngu_van", "Ngữ văn", S, 105), ("ngoai_ngu", "Tiếng Anh", S, 105),
    ("lich_su", "Lịch sử", S, 52), ("vat_li", "Vật lí", S, 70), ("hoa_hoc", "Hoá học", S, 70),
    ("sinh_hoc", "Sinh học", S, 70), ("gdqp", "Giáo dục quốc phòng và an ninh", S, 35),
    ("gdtc", "Giáo dục thể chất", C, 70),
    ("hdtn", "Hoạt động trải nghiệm, hướng nghiệp", C, 105),
]
PRIMARY = [
    ("tieng_viet", "Tiếng Việt", P, 420), ("toan", "Toán", P, 175),
    ("ngoai_ngu", "Tiếng Anh", P, 140), ("dao_duc", "Đạo đức", P, 35),
    ("khoa_hoc", "Khoa học", P, 70), ("lich_su_dia_ly", "Lịch sử và Địa lí", P, 70),
    ("tin_hoc", "Tin học và Công nghệ", P, 70), ("gdtc", "Giáo dục thể chất", P, 70),
    ("nghe_thuat", "Nghệ thuật", P, 70), ("hdtn", "Hoạt động trải nghiệm", P, 105),
]
SUBJECTS = {Level.PRIMARY: PRIMARY, Level.LOWER: SECONDARY_LOWER, Level.UPPER: SECONDARY_UPPER}


def year_dates(first_year: int) -> dict:
    """A school year of Lạng Sơn: 5 September to 31 May, term I until mid-January."""
    return {
        "starts": datetime.date(first_year, 9, 5), "ends": datetime.date(first_year + 1, 5, 31),
        "terms": [
            (1, datetime.date(first_year, 9, 5), datetime.date(first_year + 1, 1, 15),
             datetime.date(first_year + 1, 1, 20)),
            (2, datetime.date(first_year + 1, 1, 19), datetime.date(first_year + 1, 5, 31),
             datetime.date(first_year + 1, 6, 5)),
        ],
    }


@transaction.atomic
def create_school(*, code: str, name: str, level: str, commune, first_year: int,
                  is_sample: bool = False) -> School:
    """Idempotent: the school (by code) with its year and subjects."""
    org, _ = Organization.objects.get_or_create(
        code=f"school-{code}"[:40], defaults={"name": name, "kind": OrganizationKind.SCHOOL})
    school, _ = School.objects.get_or_create(
        code=code, defaults={"organization": org, "name": name, "level": level,
                             "commune": commune, "is_sample": is_sample})
    dates = year_dates(first_year)
    year, created = SchoolYear.objects.get_or_create(
        school=school, name=f"{first_year}-{first_year + 1}",
        defaults={"starts": dates["starts"], "ends": dates["ends"]})
    if created:
        Term.objects.bulk_create([Term(year=year, number=n, starts=a, ends=b, entry_deadline=d)
                                  for n, a, b, d in dates["terms"]])
    if not school.subjects.exists():
        Subject.objects.bulk_create([
            Subject(school=school, grade=grade, code=code_, name=name_, kind=kind,
                    periods_per_year=periods, order=i)
            for grade in GRADES[Level(level)]
            for i, (code_, name_, kind, periods) in enumerate(SUBJECTS[Level(level)])])
    return school
