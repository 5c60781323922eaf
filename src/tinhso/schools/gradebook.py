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
