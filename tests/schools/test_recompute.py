"""The recompute's fast path (packed cells added up by the database, rules in integer
tenths) against the literal rules on the same cells, on random gradebooks: every result
the same, on SQLite and on PostgreSQL."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from tinhso.schools import gradebook, services, traits
from tinhso.schools.models import (
    Attendance,
    Result,
    SchoolClass,
    Score,
    Student,
    Subject,
    TraitAssessment,
)
from tinhso.schools.rules import circular27 as c27
from tinhso.schools.structure import create_school

from .conftest import commune


def _random_gradebook(school, rng, pupils_per_class=10):
    year = school.years.get()
    terms = {t.number: t for t in year.terms.all()}
    now = timezone.now()
    scores, students = [], []
    grades = sorted(set(Subject.objects.filter(school=school).values_list("grade", flat=True)))
    for grade in grades[:2]:
        klass = SchoolClass.objects.create(school=school, year=year, grade=grade,
                                           name=f"{grade}A")
        subjects = list(Subject.objects.filter(school=school, grade=grade))
        for n in range(pupils_per_class):
            student = Student.objects.create(
                school=school, school_class=klass, code=f"{school.code}-{grade}-{n}",
                full_name=f"Học sinh {n}", birth_date=datetime.date(2014, 1, 1), sex="f")
            students.append(student)
            # mostly complete, sometimes a missing or cleared cell, often weak marks
            full = rng.random() < .8
            floor = rng.choice([0, 35, 50, 65, 80, 90])  # the pupil's weakest score
            best = rng.random() < .5
            for subject in subjects:
                info = gradebook.SubjectInfo(subject.pk, subject.code, subject.kind,
                                             subject.periods_per_year)
                for term in terms.values():
                    needed = info.slots()
                    for slot in (*needed, *(() if "tx4" in needed else ("tx4",))):
                        if not full and rng.random() < .1:
                            continue
                        if slot not in needed and rng.random() < .8:
                            continue  # an extra regular assessment now and then
                        value, mark = None, ""
                        if slot == "nx":
                            mark = rng.choice(["dat"] * 12 + ["chua_dat"]
                                              + ([] if full else [""]))
                        elif slot == "lv":
                            mark = ("htt" if best else rng.choice(
                                ["htt", "ht", "ht", "cht"] + ([] if full else [""])))
                        elif slot == "kt":
                            value = Decimal(rng.randint(9 if best else 4, 10))
                        elif full or rng.random() < .9:
                            value = Decimal(rng.randint(floor, 100)) / 10
                        scores.append(Score(student=student, subject=subject, term=term,
                                            slot=slot, value=value, mark=mark, updated_at=now))
            if rng.random() < .8:
                Result.objects.create(student=student, year=year, period=0,
                                      conduct=rng.choice(["tot", "tot", "kha", "dat",
                                                          "chua_dat"]))
            if school.is_primary and rng.random() < .8:  # year-end qualities, some missing
                for code in traits.CODES:
                    if rng.random() < .9:
                        TraitAssessment.objects.create(
                            student=student, term=terms[2], trait=code, updated_at=now,
                            level=rng.choice(["tot"] * 8 + ["dat", "can_co_gang"]))
            for i in range(rng.choice([0, 0, 3, 46])):
                Attendance.objects.create(student=student, day=year.starts
                                          + datetime.timedelta(days=i // 2),
                                          session="am" if i % 2 == 0 else "pm",
                                          recorded_by=school_staff(school),
                                          recorded_at=now)
    Score.objects.bulk_create(scores)
    return year, students


def school_staff(school):
    from tinhso.accounts.models import User

    user = User.objects.filter(email=f"gv-{school.code}@example.vn").first()
    return user or User.objects.create_user(f"gv-{school.code}@example.vn", "x",
                                            full_name="Giáo viên")


def _literal(student, year):
    """`services.compute_results` on the cells themselves, read through the ORM."""
    subjects = services.subject_infos(student.school_id, student.school_class.grade)
    cells: dict = {}
    for score in Score.objects.filter(student=student).select_related("term"):
        cells.setdefault((score.term.number, score.subject_id), {})[score.slot] = (
            score.value if score.slot not in ("nx", "lv") else score.mark)
    conduct = dict(Result.objects.filter(student=student, year=year).values_list(
        "period", "conduct"))
    absent = Attendance.objects.filter(student=student).count()
    year_end = [c27.TraitLevel(level) for level in TraitAssessment.objects.filter(
        student=student, term__number=2).values_list("level", flat=True)]
    return services.compute_results(
        subjects, cells, primary=student.school.is_primary, grade=student.school_class.grade,
        absent=absent, conduct={p: conduct.get(p, "") for p in (0, 1, 2)}, traits=year_end)


def _stored(student, year):
    return {r.period: {"learning": r.learning, "absences": r.absences, "outcome": r.outcome,
                       "title": r.title}
            for r in Result.objects.filter(student=student, year=year)}


def test_recompute_gives_the_literal_rules_results_on_random_gradebooks(db):
    rng = random.Random(15)
    checked = 0
    for n, level in enumerate(["lower", "upper", "primary"]):
        school = create_school(code=f"rc-{level}", name=f"Trường {level}", level=level,
                               commune=commune(code=6000100 + n), first_year=2026)
        year, students = _random_gradebook(school, rng)
        assert services.recompute_school(school) == len(students)
        for student in students:
            assert _stored(student, year) == _literal(student, year), student.code
            checked += 1
        conducts = dict(Result.objects.filter(year=year, period=0).values_list(
            "student_id", "conduct"))
        # again, through one class: the same rows, conduct kept
        services.recompute_class(students[0].school_class)
        assert dict(Result.objects.filter(year=year, period=0).values_list(
            "student_id", "conduct")) == conducts
        for student in students:
            assert _stored(student, year) == _literal(student, year), student.code
    assert checked == 60
    assert set(Result.objects.values_list("learning", flat=True)) >= {
        "tot", "kha", "dat", "chua_dat", ""}
    assert set(Result.objects.values_list("outcome", flat=True)) >= {
        "promoted", "re_assess", "retained", "summer_training"}
    assert set(Result.objects.values_list("title", flat=True)) >= {"gioi", "xuat_sac"}
