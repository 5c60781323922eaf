"""Assessment of primary pupils, Circular 27/2020/TT-BGDĐT.

Pure rules, no Django import. Primary pupils get no averages: each subject gets a level,
some subjects an end-of-term test score, and the pupil's qualities and competences a level.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class SubjectLevel(StrEnum):
    """Art. 6 cl. 2(a): a subject's (or educational activity's) periodic level."""

    VERY_GOOD = "htt"  # Hoàn thành tốt
    DONE = "ht"  # Hoàn thành
    NOT_DONE = "cht"  # Chưa hoàn thành


SUBJECT_LEVEL_VI = {SubjectLevel.VERY_GOOD: "Hoàn thành tốt",
                    SubjectLevel.DONE: "Hoàn thành",
                    SubjectLevel.NOT_DONE: "Chưa hoàn thành"}


class TraitLevel(StrEnum):
    """Art. 6 cl. 2(b): each quality (phẩm chất) and competence (năng lực)."""

    GOOD = "tot"  # Tốt
    PASS = "dat"  # Đạt
    EFFORT = "can_co_gang"  # Cần cố gắng


TRAIT_LEVEL_VI = {TraitLevel.GOOD: "Tốt", TraitLevel.PASS: "Đạt",
                  TraitLevel.EFFORT: "Cần cố gắng"}


class Result(StrEnum):
    """Art. 9 cl. 2: the overall result of the year (kết quả giáo dục)."""

    EXCELLENT = "hoan_thanh_xuat_sac"
    VERY_GOOD = "hoan_thanh_tot"
    DONE = "hoan_thanh"
    NOT_DONE = "chua_hoan_thanh"


RESULT_VI = {Result.EXCELLENT: "Hoàn thành xuất sắc", Result.VERY_GOOD: "Hoàn thành tốt",
             Result.DONE: "Hoàn thành", Result.NOT_DONE: "Chưa hoàn thành"}

#: Art. 7 cl. 1: the subjects with an end-of-term test: Vietnamese and Mathematics in every
#: grade; from grade 4 also Foreign language, Science, History & Geography, Informatics &
#: Technology.
TESTED_ALL_GRADES = frozenset({"tieng_viet", "toan"})
TESTED_FROM_GRADE_4 = frozenset({"ngoai_ngu", "khoa_hoc", "lich_su_dia_ly", "tin_hoc"})


def has_test(subject_code: str, grade: int) -> bool:
    """Art. 7 cl. 1: whether a subject has an end-of-term test in that grade."""
    return subject_code in TESTED_ALL_GRADES or (grade >= 4 and subject_code in
                                                 TESTED_FROM_GRADE_4)


class TestScoreError(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def parse_test_score(text) -> int:
    """Art. 7 cl. 2: the test is marked out of 10, with no 0 and no decimals."""
    raw = str(text).strip().replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise TestScoreError("number") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise TestScoreError("decimals")
    if not 1 <= value <= 10:
        raise TestScoreError("range")
    return int(value)


def year_result(subjects: Mapping[str, SubjectLevel], traits: Iterable[TraitLevel],
                test_scores: Mapping[str, int]) -> Result:
    """Art. 9 cl. 2: the year's overall result.

    (a) Hoàn thành xuất sắc: every subject Hoàn thành tốt, every quality and competence
        Tốt, every end-of-term test ≥ 9;
    (b) Hoàn thành tốt: every subject Hoàn thành tốt, every quality and competence Tốt,
        every test ≥ 7;
    (c) Hoàn thành: every subject Hoàn thành or better, every quality and competence Đạt or
        better, every test ≥ 5;
    (d) Chưa hoàn thành: the other cases."""
    levels, traits, scores = list(subjects.values()), list(traits), list(test_scores.values())
    all_htt = all(level == SubjectLevel.VERY_GOOD for level in levels)
    all_tot = all(t == TraitLevel.GOOD for t in traits)
    if all_htt and all_tot and all(s >= 9 for s in scores):
        return Result.EXCELLENT
    if all_htt and all_tot and all(s >= 7 for s in scores):
        return Result.VERY_GOOD
    if (all(level != SubjectLevel.NOT_DONE for level in levels)
            and all(t != TraitLevel.EFFORT for t in traits) and all(s >= 5 for s in scores)):
        return Result.DONE
    return Result.NOT_DONE


def completes_programme(result: Result) -> bool:
    """Art. 10: a pupil whose year result is Hoàn thành or better completes the grade's
    programme (lên lớp); otherwise the teacher tutors them and re-assesses."""
    return result != Result.NOT_DONE
