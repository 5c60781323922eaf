"""Circular 22/2021 rules on tables of cases checked by hand (no database)."""

from decimal import Decimal as D

import pytest

from tinhso.schools.rules import circular22 as c22
from tinhso.schools.rules.circular22 import Comment, Level, Outcome, Title

P, F = Comment.PASS, Comment.FAIL


@pytest.mark.parametrize(("periods", "count"), [
    (0, 2), (35, 2), (36, 3), (70, 3), (71, 4), (105, 4), (140, 4)])
def test_number_of_regular_assessments_art7(periods, count):
    assert c22.regular_count(periods) == count


@pytest.mark.parametrize(("text", "value"), [
    ("7", D("7.0")), ("7.5", D("7.5")), ("7,5", D("7.5")), (" 10 ", D("10.0")),
    ("0", D("0.0")), ("-0", D("0.0")), (8, D("8.0")), (6.5, D("6.5")), ("9.0", D("9.0"))])
def test_scores_are_0_to_10_with_one_decimal(text, value):
    assert c22.parse_score(text) == value
    assert str(c22.parse_score(text)) == str(value)


@pytest.mark.parametrize(("text", "reason"), [
    ("10.1", "range"), ("-0.1", "range"), ("11", "range"), ("7.25", "decimals"),
    ("7,55", "decimals"), ("abc", "number"), ("", "number"), ("NaN", "number"),
    ("Infinity", "number"), ("7.5.1", "number")])
def test_bad_scores_say_why(text, reason):
    with pytest.raises(c22.ScoreError) as caught:
        c22.parse_score(text)
    assert caught.value.reason == reason


@pytest.mark.parametrize(("regular", "gk", "ck", "needed", "average"), [
    # (7 + 8 + 2·6 + 3·9) / 7 = 54 / 7 = 7.714… → 7.7
    (["7", "8"], "6", "9", 2, "7.7"),
    # (8 + 7 + 9 + 10 + 2·8.5 + 3·7.5) / 9 = 73.5 / 9 = 8.166… → 8.2
    (["8", "7", "9", "10"], "8.5", "7.5", 4, "8.2"),
    # (5 + 5 + 5 + 2·4.8 + 3·5) / 8 = 39.6 / 8 = 4.95 exactly → 5.0 (half up, not 4.9)
    (["5", "5", "5"], "4.8", "5", 3, "5.0"),
    # (5 + 5 + 5 + 2·4.8 + 3·4.9) / 8 = 39.3 / 8 = 4.9125 → 4.9
    (["5", "5", "5"], "4.8", "4.9", 3, "4.9"),
    # (6 + 7 + 7 + 2·6.4 + 3·6.5) / 8 = 52.3 / 8 = 6.5375 → 6.5
    (["6", "7", "7"], "6.4", "6.5", 3, "6.5"),
    # all tens → 10.0; all zeros → 0.0
    (["10", "10"], "10", "10", 2, "10.0"),
    (["0", "0"], "0", "0", 2, "0.0"),
    # a regular assessment missing: the average waits
    (["7"], "6", "9", 2, None),
    # no mid-term / no end-of-term: waits
    (["7", "8"], None, "9", 2, None),
    (["7", "8"], "6", None, 2, None),
    ([], "6", "9", None, None),
    # more regular assessments than needed all count: (7+8+9 + 12 + 27)/8 = 63/8 = 7.875 → 7.9
    (["7", "8", "9"], "6", "9", 2, "7.9"),
])
def test_term_average_art9(regular, gk, ck, needed, average):
    result = c22.term_average([D(x) for x in regular], D(gk) if gk else None,
                              D(ck) if ck else None, required_regular=needed)
    assert result == (D(average) if average else None)
    if average:
        assert str(result) == average  # exactly one decimal


@pytest.mark.parametrize(("hk1", "hk2", "year"), [
    ("6.4", "6.5", "6.5"),  # 19.4 / 3 = 6.466… → 6.5
    ("4.9", "5.0", "5.0"),  # 14.9 / 3 = 4.966… → 5.0
    ("5.0", "4.9", "4.9"),  # 14.8 / 3 = 4.933… → 4.9
    ("8.0", "7.9", "7.9"),  # 23.8 / 3 = 7.933… → 7.9
    ("7.0", "8.2", "7.8"),  # 23.4 / 3 = 7.8
    ("9.9", "10.0", "10.0"),  # 29.9 / 3 = 9.966… → 10.0
    (None, "8.0", None),
    ("8.0", None, None),
])
def test_year_average_art9(hk1, hk2, year):
    result = c22.year_average(D(hk1) if hk1 else None, D(hk2) if hk2 else None)
    assert result == (D(year) if year else None)


def scores(*values):
    return [D(v) for v in values]


@pytest.mark.parametrize(("subjects", "comments", "level"), [
    # Tốt: all ≥ 6.5, six ≥ 8.0, comment subjects Đạt.
    (scores(*["8.0"] * 8), [P, P], Level.GOOD),
    (scores(*["8.0"] * 6, "6.5", "6.5"), [P, P], Level.GOOD),
    # one at 6.4 (below 6.5): Khá
    (scores(*["8.0"] * 7, "6.4"), [P, P], Level.FAIR),
    # only five ≥ 8.0: Khá (lifting one would give Tốt: one level, no adjustment)
    (scores(*["8.0"] * 5, "7.9", "7.9", "7.9"), [P, P], Level.FAIR),
    # Khá boundary: one 5.0 is enough, one 4.9 is not (a 4.95 average is already 5.0)
    (scores(*["7.0"] * 7, "5.0"), [P, P], Level.FAIR),
    (scores(*["7.0"] * 7, "4.9"), [P, P], Level.PASS),
    # only five ≥ 6.5: Đạt
    (scores(*["6.5"] * 5, "6.4", "6.4", "6.4"), [P, P], Level.PASS),
    # Đạt: six ≥ 5.0, none below 3.5
    (scores(*["5.0"] * 6, "3.5", "3.5"), [P, P], Level.PASS),
    # five ≥ 5.0 only: Chưa đạt
    (scores(*["6.0"] * 5, "4.0", "4.0", "4.0"), [P, P], Level.FAIL),
    # two comment subjects Chưa đạt: Chưa đạt whatever the scores
    (scores(*["9.0"] * 8), [F, F], Level.FAIL),
    # Art. 9 cl. 3: ONE comment subject Chưa đạt would drop a Tốt pupil two levels (to
    # Đạt): raised to the adjacent level, Khá.
    (scores(*["9.0"] * 8), [F, P], Level.FAIR),
    # one comment subject Chưa đạt on a Khá pupil: Đạt (one level only)
    (scores(*["7.0"] * 8), [F, P], Level.PASS),
    # one score 3.4 on a Tốt pupil: three levels lower because of one subject → Đạt
    (scores(*["9.0"] * 7, "3.4"), [P, P], Level.PASS),
    # one score 3.5 on a Tốt pupil: Đạt by cl. 2, two levels lower → Khá
    (scores(*["9.0"] * 7, "3.5"), [P, P], Level.FAIR),
    # two weak subjects: no adjustment
    (scores(*["9.0"] * 6, "3.4", "3.4"), [P, P], Level.FAIL),
    # a missing result: no level yet
    ([*scores(*["9.0"] * 7), None], [P, P], None),
    (scores(*["9.0"] * 8), [P, None], None),
])
def test_learning_level_art9(subjects, comments, level):
    assert c22.learning_level(subjects, comments) == level


def test_comment_subject_year_result_is_the_second_terms():
    assert c22.comment_year(F, P) == P
    assert c22.comment_year(P, F) == F
    assert c22.comment_year(P, None) is None


YEAR = {"toan": D("9.0"), "van": D("9.1"), "anh": D("9.5"), "ly": D("9.0"),
        "hoa": D("9.2"), "sinh": D("9.0"), "su": D("8.0"), "dia": D("4.9")}


@pytest.mark.parametrize(("learning", "conduct", "absent", "outcome", "title"), [
    (Level.GOOD, Level.GOOD, 0, Outcome.PROMOTED, Title.EXCELLENT),
    (Level.GOOD, Level.GOOD, 45, Outcome.PROMOTED, Title.EXCELLENT),  # 45 is still allowed
    (Level.GOOD, Level.GOOD, 46, Outcome.RETAINED, None),  # Art. 12: more than 45 sessions
    (Level.PASS, Level.PASS, 46, Outcome.RETAINED, None),
    (Level.GOOD, Level.FAIR, 0, Outcome.PROMOTED, None),  # Giỏi needs conduct Tốt too
    (Level.PASS, Level.PASS, 10, Outcome.PROMOTED, None),
    (Level.FAIL, Level.PASS, 10, Outcome.RE_ASSESS, None),
    (Level.PASS, Level.FAIL, 10, Outcome.SUMMER_TRAINING, None),
    (Level.FAIL, Level.FAIL, 10, Outcome.RETAINED, None),
])
def test_promotion_art12(learning, conduct, absent, outcome, title):
    decision = c22.promotion(learning=learning, conduct=conduct, absent_sessions=absent,
                             year_scores=YEAR, year_comments={"td": P})
    assert decision.outcome == outcome
    assert decision.title == title


def test_re_assessment_lists_the_subjects_below_5_and_the_failed_comments():
    decision = c22.promotion(learning=Level.FAIL, conduct=Level.GOOD, absent_sessions=0,
                             year_scores=YEAR, year_comments={"td": F, "nt": P})
    assert decision.re_assess == ("dia", "td")


@pytest.mark.parametrize(("nines", "title"), [(6, Title.EXCELLENT), (5, Title.GOOD)])
def test_titles_art15_six_subjects_at_9(nines, title):
    year = [D("9.0")] * nines + [D("8.9")] * (8 - nines)
    assert c22.title(learning=Level.GOOD, conduct=Level.GOOD, year_scores=year) == title
    assert c22.title(learning=Level.FAIR, conduct=Level.GOOD, year_scores=year) is None


def _lifted_by_brute_force(scores, comments):
    """Art. 9 cl. 3 read word for word: try lifting EVERY single subject (a score to 10, a
    comment to Đạt) — the oracle for `learning_level`'s two-try shortcut."""
    level = c22._base_level(scores, comments)
    rank = c22.LEVEL_ORDER.index(level)
    if rank < 2:
        return level
    tries = [c22._base_level([*scores[:i], c22.TEN, *scores[i + 1:]], comments)
             for i in range(len(scores))]
    tries += [c22._base_level(scores, [*comments[:i], c22.Comment.PASS, *comments[i + 1:]])
              for i in range(len(comments))]
    best = min([rank, *(c22.LEVEL_ORDER.index(t) for t in tries)])
    return c22.LEVEL_ORDER[rank - 1] if rank - best >= 2 else level


def test_learning_level_matches_every_single_lift_on_random_and_boundary_tables():
    import random

    rng = random.Random(22)
    edges = [D("3.4"), D("3.5"), D("4.9"), D("5.0"), D("6.4"), D("6.5"), D("7.9"), D("8.0"),
             D("8.9"), D("9.0"), D("0.0"), D("10.0")]
    cases = 0
    for _ in range(20_000):
        n_scores, n_comments = rng.randint(0, 10), rng.randint(0, 3)
        pool = edges if rng.random() < .5 else None
        scores = [rng.choice(pool) if pool else D(rng.randint(0, 100)) / 10
                  for _ in range(n_scores)]
        comments = [rng.choice((c22.Comment.PASS, c22.Comment.FAIL)) for _ in range(n_comments)]
        assert c22.learning_level(scores, comments) == _lifted_by_brute_force(
            scores, comments), (scores, comments)
        cases += 1
    assert cases == 20_000


def test_integer_tenths_rules_equal_the_decimal_ones_on_random_and_boundary_cases():
    """The recompute's integer-tenths twins give exactly what the Decimal rules give:
    averages (every half-up boundary included) and levels with the Art. 9 cl. 3 lift."""
    import random

    rng = random.Random(2210)
    tenth = [D(i) / 10 for i in range(101)]
    edges = [34, 35, 49, 50, 64, 65, 79, 80, 89, 90, 0, 100]
    for _ in range(20_000):
        n = rng.randint(0, 4)
        regular = [rng.randint(0, 100) for _ in range(n)]
        gk = rng.choice([None, *[rng.randint(0, 100)] * 8])
        ck = rng.choice([None, *[rng.randint(0, 100)] * 8])
        need = rng.randint(2, 4)
        fast = c22.term_average_tenths(sum(regular), n, gk, ck, need)
        literal = c22.term_average([tenth[v] for v in regular],
                                   None if gk is None else tenth[gk],
                                   None if ck is None else tenth[ck], required_regular=need)
        assert (None if fast is None else tenth[fast]) == literal, (regular, gk, ck, need)
        t1 = rng.choice([None, *[rng.randint(0, 100)] * 8])
        t2 = rng.choice([None, *[rng.randint(0, 100)] * 8])
        fast_year = c22.year_average_tenths(t1, t2)
        literal_year = c22.year_average(None if t1 is None else tenth[t1],
                                        None if t2 is None else tenth[t2])
        assert (None if fast_year is None else tenth[fast_year]) == literal_year
        pool = edges if rng.random() < .5 else range(101)
        scores = [rng.choice(pool) for _ in range(rng.randint(0, 10))]
        comments = [rng.choice((P, F)) for _ in range(rng.randint(0, 3))]
        assert c22.learning_level_tenths(scores, comments.count(F)) == c22.learning_level(
            [tenth[v] for v in scores], comments), (scores, comments)


@pytest.mark.parametrize(("regular", "gk", "ck", "tenths"), [
    ([50, 50, 50], 48, 50, 50),  # 39.6 / 8 = 4.95 exactly → 5.0, not 4.9
    ([50, 50, 50], 48, 49, 49),  # 39.3 / 8 = 4.9125 → 4.9
    ([60, 70, 70], 64, 65, 65),  # 52.3 / 8 = 6.5375 → 6.5
])
def test_integer_tenths_round_half_up_at_the_boundaries(regular, gk, ck, tenths):
    assert c22.term_average_tenths(sum(regular), len(regular), gk, ck, 3) == tenths
    assert c22.year_average_tenths(64, 65) == 65  # 19.4 / 3 = 6.466… → 6.5
    assert c22.year_average_tenths(50, 49) == 49  # 14.8 / 3 = 4.933… → 4.9
