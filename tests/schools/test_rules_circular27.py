"""Circular 27/2020 (primary) rules on hand-checked tables."""

import pytest

from tinhso.schools.rules import circular27 as c27
from tinhso.schools.rules.circular27 import Result
from tinhso.schools.rules.circular27 import SubjectLevel as S
from tinhso.schools.rules.circular27 import TraitLevel as T

ALL_HTT = {"tieng_viet": S.VERY_GOOD, "toan": S.VERY_GOOD, "dao_duc": S.VERY_GOOD}


@pytest.mark.parametrize(("subjects", "traits", "tests", "result"), [
    (ALL_HTT, [T.GOOD] * 3, {"tieng_viet": 9, "toan": 10}, Result.EXCELLENT),
    (ALL_HTT, [T.GOOD] * 3, {"tieng_viet": 8, "toan": 10}, Result.VERY_GOOD),
    (ALL_HTT, [T.GOOD] * 3, {"tieng_viet": 7, "toan": 7}, Result.VERY_GOOD),
    (ALL_HTT, [T.GOOD] * 3, {"tieng_viet": 6, "toan": 10}, Result.DONE),
    (ALL_HTT, [T.GOOD, T.PASS], {"tieng_viet": 10, "toan": 10}, Result.DONE),
    ({**ALL_HTT, "toan": S.DONE}, [T.GOOD], {"tieng_viet": 10, "toan": 10}, Result.DONE),
    (ALL_HTT, [T.GOOD], {"tieng_viet": 5, "toan": 5}, Result.DONE),
    (ALL_HTT, [T.GOOD], {"tieng_viet": 4, "toan": 10}, Result.NOT_DONE),
    ({**ALL_HTT, "dao_duc": S.NOT_DONE}, [T.GOOD], {"toan": 10}, Result.NOT_DONE),
    (ALL_HTT, [T.EFFORT], {"toan": 10}, Result.NOT_DONE),
])
def test_year_result_art9(subjects, traits, tests, result):
    assert c27.year_result(subjects, traits, tests) == result
    assert c27.completes_programme(result) == (result != Result.NOT_DONE)


@pytest.mark.parametrize(("code", "grade", "tested"), [
    ("toan", 1, True), ("tieng_viet", 3, True), ("khoa_hoc", 3, False),
    ("khoa_hoc", 4, True), ("ngoai_ngu", 5, True), ("dao_duc", 5, False)])
def test_which_subjects_have_an_end_of_term_test_art7(code, grade, tested):
    assert c27.has_test(code, grade) is tested


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("10", 10), ("7", 7), ("8.0", 8)])
def test_test_scores_are_whole_numbers_1_to_10(text, value):
    assert c27.parse_test_score(text) == value


@pytest.mark.parametrize(("text", "reason"), [
    ("0", "range"), ("11", "range"), ("7.5", "decimals"), ("x", "number")])
def test_bad_test_scores(text, reason):
    with pytest.raises(c27.TestScoreError) as caught:
        c27.parse_test_score(text)
    assert caught.value.reason == reason


def test_rules_modules_import_no_django():
    import pathlib

    import tinhso.schools.rules as rules

    for path in pathlib.Path(rules.__file__).parent.glob("*.py"):
        assert "django" not in path.read_text(encoding="utf-8"), path.name
