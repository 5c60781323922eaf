"""Assessment of lower- and upper-secondary pupils, Circular 22/2021/TT-BGDĐT.

Pure rules: no Django import, every number a `Decimal`, each rule citing the article it
implements. The gradebook, the bench and the report cards all compute through here.

Vocabulary (the circular's abbreviations):
- ĐĐGtx: regular assessment (đánh giá thường xuyên), ĐĐGgk: mid-term, ĐĐGck: end-of-term.
- ĐTBmhk: a subject's term average; ĐTBmcn: its year average.
- Levels of a term's / year's learning (học tập) and conduct (rèn luyện): Tốt, Khá, Đạt,
  Chưa đạt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

ONE_DECIMAL = Decimal("0.1")
ZERO = Decimal("0")
TEN = Decimal("10")


class Level(StrEnum):
    """Art. 8 (conduct) and Art. 9 (learning): the four levels, best first."""

    GOOD = "tot"  # Tốt
    FAIR = "kha"  # Khá
    PASS = "dat"  # Đạt
    FAIL = "chua_dat"  # Chưa đạt


LEVEL_ORDER: tuple[Level, ...] = (Level.GOOD, Level.FAIR, Level.PASS, Level.FAIL)
LEVEL_LABEL_VI = {Level.GOOD: "Tốt", Level.FAIR: "Khá", Level.PASS: "Đạt",
                  Level.FAIL: "Chưa đạt"}


class Comment(StrEnum):
    """Art. 7 cl. 1(a), Art. 9 cl. 1: a subject assessed by comment is Đạt or Chưa đạt."""

    PASS = "dat"
    FAIL = "chua_dat"


class Outcome(StrEnum):
    """Art. 12: what happens to a pupil at the end of the year."""

    PROMOTED = "promoted"  # lên lớp
    RE_ASSESS = "re_assess"  # kiểm tra lại (learning Chưa đạt)
    SUMMER_TRAINING = "summer_training"  # rèn luyện trong kì nghỉ hè (conduct Chưa đạt)
    RETAINED = "retained"  # không được lên lớp (ở lại lớp)


OUTCOME_LABEL_VI = {
    Outcome.PROMOTED: "Được lên lớp",
    Outcome.RE_ASSESS: "Kiểm tra lại",
    Outcome.SUMMER_TRAINING: "Rèn luyện trong kì nghỉ hè",
    Outcome.RETAINED: "Không được lên lớp",
}


class Title(StrEnum):
    """Art. 15: the titles the principal awards at the end of the year."""

    EXCELLENT = "xuat_sac"  # Học sinh Xuất sắc
    GOOD = "gioi"  # Học sinh Giỏi


TITLE_LABEL_VI = {Title.EXCELLENT: "Học sinh Xuất sắc", Title.GOOD: "Học sinh Giỏi"}

#: Art. 9 cl. 2: thresholds of the levels and the "at least 6 subjects" count.
GOOD_ALL, GOOD_SIX = Decimal("6.5"), Decimal("8.0")
FAIR_ALL, FAIR_SIX = Decimal("5.0"), Decimal("6.5")
PASS_SIX, PASS_FLOOR = Decimal("5.0"), Decimal("3.5")
AT_LEAST = 6
#: Art. 15: "Học sinh Xuất sắc" also needs at least 6 subjects with a year average ≥ 9.0.
EXCELLENT_SIX = Decimal("9.0")
#: Art. 12 cl. 1(c), cl. 2(a): more than 45 sessions absent (with or without permission,
#: in a row or added up) in the year and the pupil is not promoted.
ABSENCE_LIMIT = 45


def round1(value: Decimal) -> Decimal:
    """Art. 6 cl. 3 / Art. 9 cl. 1: a score or an average is kept to one decimal "after
    rounding" — half up (4.95 → 5.0, 6.45 → 6.5), on the exact decimal, never on a float."""
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


class ScoreError(ValueError):
    """A score that is not 0–10 with at most one decimal; `reason` is "number", "range" or
    "decimals" so callers can word it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def parse_score(text: str | int | float | Decimal) -> Decimal:
    """Art. 6 cl. 3: a score is given on a scale of 10, as a whole number or a number with
    one decimal. Accepts "7", "7.5", "7,5" (the Vietnamese decimal comma)."""
    if isinstance(text, float):
        text = repr(text)
    raw = str(text).strip().replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ScoreError("number") from None
    if not value.is_finite():
        raise ScoreError("number")
    if not ZERO <= value <= TEN:
        raise ScoreError("range")
    if value != value.quantize(ONE_DECIMAL):
        raise ScoreError("decimals")
    return abs(value.quantize(ONE_DECIMAL))  # "-0" is 0.0


def regular_count(periods_per_year: int) -> int:
    """Art. 7 cl. 1(c): the number of regular assessments (ĐĐGtx) a scored subject needs
    in each term — 35 periods a year or fewer: 2; more than 35 up to 70: 3; more than 70: 4."""
    if periods_per_year <= 35:
        return 2
    if periods_per_year <= 70:
        return 3
    return 4


def term_average(regular: Sequence[Decimal], midterm: Decimal | None,
                 final: Decimal | None, *, required_regular: int | None = None
                 ) -> Decimal | None:
    """Art. 9 cl. 1(b): ĐTBmhk = (ΣĐĐGtx + 2·ĐĐGgk + 3·ĐĐGck) / (number of ĐĐGtx + 5),
    rounded to one decimal. None while a score is missing: no mid-term or end-of-term, no
    regular assessment at all, or fewer than the subject needs (Art. 7 cl. 1(c))."""
    return term_average_from_sum(sum(regular, ZERO), len(regular), midterm, final,
                                 required_regular=required_regular)


def term_average_from_sum(regular_sum: Decimal, regular_n: int, midterm: Decimal | None,
                          final: Decimal | None, *, required_regular: int | None = None
                          ) -> Decimal | None:
    """Art. 9 cl. 1(b), from the sum and number of the regular assessments (what a
    database aggregates for the whole province at once)."""
    if midterm is None or final is None or not regular_n:
        return None
    if required_regular is not None and regular_n < required_regular:
        return None
    total = regular_sum + 2 * midterm + 3 * final
    return round1(total / (regular_n + 5))


def year_average(term1: Decimal | None, term2: Decimal | None) -> Decimal | None:
    """Art. 9 cl. 1(b): ĐTBmcn = (ĐTBmhkI + 2·ĐTBmhkII) / 3, rounded to one decimal."""
    if term1 is None or term2 is None:
        return None
    return round1((term1 + 2 * term2) / 3)


def comment_year(term1: Comment | None, term2: Comment | None) -> Comment | None:
    """Art. 9 cl. 1(a): a comment subject's year result is its second term's (the second
    term judges the whole year's progress)."""
    if term1 is None or term2 is None:
        return None
    return term2


def _base_level(scores: Sequence[Decimal], comments: Sequence[Comment]) -> Level:
    """Art. 9 cl. 2 (a)–(d), applied to a term's or a year's results."""
    failed_comments = sum(1 for c in comments if c == Comment.FAIL)
    # (a) Tốt: every comment subject Đạt; every scored subject ≥ 6.5, at least 6 ≥ 8.0.
    if (failed_comments == 0 and all(s >= GOOD_ALL for s in scores)
            and sum(1 for s in scores if s >= GOOD_SIX) >= AT_LEAST):
        return Level.GOOD
    # (b) Khá: every comment subject Đạt; every scored subject ≥ 5.0, at least 6 ≥ 6.5.
    if (failed_comments == 0 and all(s >= FAIR_ALL for s in scores)
            and sum(1 for s in scores if s >= FAIR_SIX) >= AT_LEAST):
        return Level.FAIR
    # (c) Đạt: at most 1 comment subject Chưa đạt; at least 6 scored subjects ≥ 5.0; none
    # below 3.5.
    if (failed_comments <= 1 and sum(1 for s in scores if s >= PASS_SIX) >= AT_LEAST
            and all(s >= PASS_FLOOR for s in scores)):
        return Level.PASS
    # (d) Chưa đạt: the other cases.
    return Level.FAIL


def learning_level(scores: Iterable[Decimal | None],
                   comments: Iterable[Comment | None]) -> Level | None:
    """Art. 9 cl. 2–3: the learning level of a term (from ĐTBmhk) or a year (from ĐTBmcn).

    None while any subject's result is missing. Cl. 3: when the level is two or more below
    what it would be but for ONE subject, it is raised to the adjacent level."""
    scores, comments = list(scores), list(comments)
    if any(s is None for s in scores) or any(c is None for c in comments):
        return None
    level = _base_level(scores, comments)
    rank = LEVEL_ORDER.index(level)
    if rank < 2:  # Tốt or Khá: two levels lower is impossible, nothing to adjust
        return level
    # Lifting ONE subject: raising the lowest score to 10 passes every threshold that
    # raising any other score would (each clause counts scores at or above a threshold or
    # asks all of them to be), and every Chưa đạt comment lifted to Đạt gives the same
    # comments; so two tries stand for all of them.
    best_without_one = rank
    if scores:
        low = min(range(len(scores)), key=scores.__getitem__)
        lifted = [*scores[:low], TEN, *scores[low + 1:]]
        best_without_one = min(best_without_one,
                               LEVEL_ORDER.index(_base_level(lifted, comments)))
    if Comment.FAIL in comments:
        lifted_c = list(comments)
        lifted_c[lifted_c.index(Comment.FAIL)] = Comment.PASS
        best_without_one = min(best_without_one,
                               LEVEL_ORDER.index(_base_level(scores, lifted_c)))
    if rank - best_without_one >= 2:
        return LEVEL_ORDER[rank - 1]
    return level


@dataclass(frozen=True)
class YearDecision:
    outcome: Outcome
    #: The subjects to re-assess (Art. 12 cl. 3: year average < 5.0 or comment Chưa đạt).
    re_assess: tuple[str, ...] = ()
    title: Title | None = None


def promotion(*, learning: Level, conduct: Level, absent_sessions: int,
              year_scores: Mapping[str, Decimal] | None = None,
              year_comments: Mapping[str, Comment] | None = None) -> YearDecision:
    """Art. 12: promotion, re-assessment, summer conduct training or retention.

    cl. 1: promoted when the year's conduct AND learning are Đạt or better AND the pupil
    missed no more than 45 sessions. cl. 2(a): more than 45 sessions absent ⇒ not promoted,
    whatever the results. Otherwise learning Chưa đạt ⇒ re-assessment of the subjects with a
    year average below 5.0 or a comment Chưa đạt; conduct Chưa đạt ⇒ summer training; both
    Chưa đạt ⇒ not promoted."""
    if absent_sessions > ABSENCE_LIMIT:
        return YearDecision(Outcome.RETAINED)
    if learning == Level.FAIL and conduct == Level.FAIL:
        return YearDecision(Outcome.RETAINED)
    if learning == Level.FAIL:
        weak = sorted(
            [name for name, s in (year_scores or {}).items() if s < PASS_SIX]
            + [name for name, c in (year_comments or {}).items() if c == Comment.FAIL])
        return YearDecision(Outcome.RE_ASSESS, re_assess=tuple(weak))
    if conduct == Level.FAIL:
        return YearDecision(Outcome.SUMMER_TRAINING)
    return YearDecision(Outcome.PROMOTED,
                        title=title(learning=learning, conduct=conduct,
                                    year_scores=(year_scores or {}).values()))


def title(*, learning: Level, conduct: Level, year_scores: Iterable[Decimal]) -> Title | None:
    """Art. 15 cl. 1: "Học sinh Xuất sắc" — conduct and learning Tốt for the year and at
    least 6 subjects with a year average ≥ 9.0; "Học sinh Giỏi" — conduct and learning Tốt."""
    if learning != Level.GOOD or conduct != Level.GOOD:
        return None
    if sum(1 for s in year_scores if s >= EXCELLENT_SIX) >= AT_LEAST:
        return Title.EXCELLENT
    return Title.GOOD


# ------------------------------------------------------------------ integer tenths
# The same rules on scores kept as whole tenths (7.5 → 75): what the province recompute
# uses, because Decimal arithmetic and the lists above cost more than the whole rest of it
# for 250,000 pupils. Every score has one decimal (Art. 6 cl. 3), so a tenth is exact; the
# half-up rounding of a quotient of whole numbers is exact in integers too. A random test
# compares each function with its Decimal twin above.

GOOD_ALL_10, GOOD_SIX_10 = 65, 80
FAIR_ALL_10, FAIR_SIX_10 = 50, 65
PASS_SIX_10, PASS_FLOOR_10 = 50, 35
EXCELLENT_SIX_10 = 90


def term_average_tenths(regular_sum: int, regular_n: int, midterm: int | None,
                        final: int | None, required_regular: int) -> int | None:
    """`term_average_from_sum` in tenths: (ΣĐĐGtx + 2·ĐĐGgk + 3·ĐĐGck) / (n + 5) rounded
    half up to a tenth is ⌊(2·total + d) / 2d⌋ with d = n + 5 (every term ≥ 0)."""
    if midterm is None or final is None or not regular_n or regular_n < required_regular:
        return None
    d = regular_n + 5
    return (2 * (regular_sum + 2 * midterm + 3 * final) + d) // (2 * d)


def year_average_tenths(term1: int | None, term2: int | None) -> int | None:
    """`year_average` in tenths: (ĐTBmhkI + 2·ĐTBmhkII) / 3 rounded half up."""
    if term1 is None or term2 is None:
        return None
    return (2 * (term1 + 2 * term2) + 3) // 6


def _base_rank(low: int | None, n80: int, n65: int, n50: int, failed: int) -> int:
    """`_base_level` (Art. 9 cl. 2) as an index in LEVEL_ORDER, from the lowest score
    (None: no scored subject) and how many scores reach 8.0, 6.5 and 5.0."""
    if not failed and (low is None or low >= GOOD_ALL_10) and n80 >= AT_LEAST:
        return 0
    if not failed and (low is None or low >= FAIR_ALL_10) and n65 >= AT_LEAST:
        return 1
    if failed <= 1 and n50 >= AT_LEAST and (low is None or low >= PASS_FLOOR_10):
        return 2
    return 3


def learning_level_tenths(scores: Sequence[int], failed_comments: int) -> Level:
    """`learning_level` (Art. 9 cl. 2–3) for a period whose results are all in: the scored
    subjects' averages in tenths and the number of comment subjects Chưa đạt. The clauses
    only count scores at or above a threshold and look at the lowest, so the counts decide;
    lifting ONE subject is lifting the lowest score to 10 or one Chưa đạt to Đạt (see
    `learning_level`)."""
    n80 = n65 = n50 = 0
    low = second = None
    for s in scores:
        if s >= PASS_SIX_10:
            n50 += 1
            if s >= FAIR_SIX_10:
                n65 += 1
                if s >= GOOD_SIX_10:
                    n80 += 1
        if low is None or s < low:
            low, second = s, low
        elif second is None or s < second:
            second = s
    rank = _base_rank(low, n80, n65, n50, failed_comments)
    if rank < 2:
        return LEVEL_ORDER[rank]
    best = rank
    if low is not None:  # the lowest lifted to 10: the second lowest is the new minimum
        best = min(best, _base_rank(second, n80 + (low < GOOD_SIX_10),
                                    n65 + (low < FAIR_SIX_10), n50 + (low < PASS_SIX_10),
                                    failed_comments))
    if failed_comments:
        best = min(best, _base_rank(low, n80, n65, n50, failed_comments - 1))
    return LEVEL_ORDER[rank - 1] if rank - best >= 2 else LEVEL_ORDER[rank]
