"""From cells to results: one student's subject averages and levels for a term or the
year, through the pure rules (`rules.circular22`, `rules.circular27`). No database access:
the selectors, the recompute service and the bench hand it the cells they loaded."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from tinhso.schools.rules import circular22 as c22

REGULAR = ("tx1", "tx2", "tx3", "tx4")
SCORED, COMMENT, PRIMARY = "scored", "comment", "primary"


@dataclass(frozen=True)
class SubjectInfo:
    id: int
    code: str
    kind: str  # scored / comment / primary
    periods_per_year: int

    @property
    def regular_needed(self) -> int:
        return c22.regular_count(self.periods_per_year)

    def slots(self) -> tuple[str, ...]:
        if self.kind == SCORED:
            return (*REGULAR[:self.regular_needed], "gk", "ck")
        if self.kind == COMMENT:
            return ("nx",)
        return ("lv", "kt")


def subject_term(subject: SubjectInfo, cells: Mapping[str, object]):
    """A scored subject's term average (Decimal or None), a comment subject's Đạt /
    Chưa đạt (or None)."""
    if subject.kind == SCORED:
        if "tx_n" in cells:  # aggregated by the database (recompute)
            return c22.term_average_from_sum(cells["tx_sum"] or c22.ZERO, cells["tx_n"],
                                             cells.get("gk"), cells.get("ck"),
                                             required_regular=subject.regular_needed)
        regular = [cells[s] for s in REGULAR if cells.get(s) is not None]
        return c22.term_average(regular, cells.get("gk"), cells.get("ck"),
                                required_regular=subject.regular_needed)
    if subject.kind == COMMENT:
        mark = cells.get("nx")
        return c22.Comment(mark) if mark else None
    return cells.get("lv") or None


@dataclass
class StudentYear:
    """One student's computed year: per subject the term I, term II and year results, and
    the learning level of each period."""

    term1: dict[int, object] = field(default_factory=dict)
    term2: dict[int, object] = field(default_factory=dict)
    year: dict[int, object] = field(default_factory=dict)
    levels: dict[int, c22.Level | None] = field(default_factory=dict)  # 1, 2, 0 (year)


def compute_year(subjects: list[SubjectInfo],
                 cells: Mapping[tuple[int, int], Mapping[str, object]]) -> StudentYear:
    """``cells[(term_number, subject_id)] = {slot: value}`` for one secondary student."""
    out = StudentYear()
    for subject in subjects:
        t1 = subject_term(subject, cells.get((1, subject.id), {}))
        t2 = subject_term(subject, cells.get((2, subject.id), {}))
        out.term1[subject.id], out.term2[subject.id] = t1, t2
        if subject.kind == SCORED:
            out.year[subject.id] = c22.year_average(t1, t2)
        else:
            out.year[subject.id] = c22.comment_year(t1, t2)
    for period, results in ((1, out.term1), (2, out.term2), (0, out.year)):
        scores = [results[s.id] for s in subjects if s.kind == SCORED]
        comments = [results[s.id] for s in subjects if s.kind == COMMENT]
        out.levels[period] = c22.learning_level(scores, comments) if results else None
    return out


def year_scores(subjects: list[SubjectInfo], computed: StudentYear
                ) -> tuple[dict[str, Decimal], dict[str, c22.Comment]]:
    scores = {s.code: computed.year[s.id] for s in subjects
              if s.kind == SCORED and computed.year[s.id] is not None}
    comments = {s.code: computed.year[s.id] for s in subjects
                if s.kind == COMMENT and computed.year[s.id] is not None}
    return scores, comments


# ------------------------------------------------------------------ packed cells
# The recompute reads a student's subject-term as ONE integer that the database adds up
# from its cells (services.recompute_students; each cell's bits are stored with it,
# models.Score.packed, built from the constants below): every slot owns its own bits, and a cell
# exists once per slot (unique constraint), so the sum never carries from one field into
# the next. Scores are whole tenths (7.5 → 75), a present score is stored + 1 so that 0
# means "no cell". Adding small integers is what a database does fastest; the rules then
# run on integers (`circular22.*_tenths`).

TX_N_SHIFT, GK_SHIFT, CK_SHIFT, KT_SHIFT, NX_SHIFT, LV_SHIFT = 10, 13, 20, 27, 34, 37
#: tx: the value (≤ 4·100 < 2¹⁰) plus one in the count field (≤ 4 < 2³).
PACK_SHIFT = {"tx": 0, "gk": GK_SHIFT, "ck": CK_SHIFT, "kt": KT_SHIFT}
#: the marks' codes (index + 1; 0: no mark): comment subjects' nx, primary subjects' lv.
MARKS = (c22.Comment.PASS.value, c22.Comment.FAIL.value, "htt", "ht", "cht")
_COMMENT = {1: c22.Comment.PASS, 2: c22.Comment.FAIL}


def _field(packed: int, shift: int) -> int | None:
    """A score field: tenths, or None when there was no score."""
    v = (packed >> shift) & 127
    return v - 1 if v else None


def unpack_term(packed: int | None, regular_needed: int) -> int | None:
    """A scored subject's term average in tenths (None while a score is missing)."""
    if not packed:
        return None
    return c22.term_average_tenths(packed & 1023, (packed >> TX_N_SHIFT) & 7,
                                   _field(packed, GK_SHIFT), _field(packed, CK_SHIFT),
                                   regular_needed)


def unpack_mark(packed: int | None, shift: int) -> str:
    code = ((packed or 0) >> shift) & 7
    return MARKS[code - 1] if code else ""


def unpack_test(packed: int | None) -> int | None:
    """The primary end-of-term test, a whole number (Circular 27 Art. 7 cl. 2)."""
    v = _field(packed or 0, KT_SHIFT)
    return None if v is None else v // 10


@dataclass(frozen=True)
class YearTenths:
    """One secondary student's levels for term I, term II and the year (None: a result is
    missing), and the year averages in tenths / year comments by subject code (for Art. 12
    and 15)."""

    levels: tuple[c22.Level | None, c22.Level | None, c22.Level | None]
    year_scores: dict[str, int]
    year_comments: dict[str, str]


def compute_year_packed(subjects: list[SubjectInfo],
                        packed: Mapping[int, tuple[int | None, int | None]]) -> YearTenths:
    """`compute_year` on packed cells: ``packed[subject_id] = (term I, term II)``. Same
    results (a random test compares the two)."""
    s1, s2, sy = [], [], []
    f1 = f2 = fy = 0
    missing1 = missing2 = missing_y = not subjects
    year_scores, year_comments = {}, {}
    for subject in subjects:
        p1, p2 = packed.get(subject.id, (None, None))
        if subject.kind == SCORED:
            need = subject.regular_needed
            t1, t2 = unpack_term(p1, need), unpack_term(p2, need)
            y = c22.year_average_tenths(t1, t2)
            if t1 is None:
                missing1 = True
            else:
                s1.append(t1)
            if t2 is None:
                missing2 = True
            else:
                s2.append(t2)
            if y is None:
                missing_y = True
            else:
                sy.append(y)
                year_scores[subject.code] = y
        elif subject.kind == COMMENT:
            m1, m2 = unpack_mark(p1, NX_SHIFT), unpack_mark(p2, NX_SHIFT)
            if not m1:
                missing1 = missing_y = True
            elif m1 == c22.Comment.FAIL:
                f1 += 1
            if not m2:
                missing2 = missing_y = True
            else:
                if m2 == c22.Comment.FAIL:
                    f2 += 1
                if m1:  # Art. 9 cl. 1(a): the year is the second term's
                    year_comments[subject.code] = m2
                    fy += m2 == c22.Comment.FAIL
    return YearTenths((None if missing1 else c22.learning_level_tenths(s1, f1),
                       None if missing2 else c22.learning_level_tenths(s2, f2),
                       None if missing_y else c22.learning_level_tenths(sy, fy)),
                      year_scores, year_comments)
