"""The ranking of a call's applications: pure arithmetic, no Django import.

Each judge's total for an application is the weighted mean of their criterion scores, each
score first scaled to 0–100 by the criterion's highest score:

    total(judge) = Σ wᵢ · 100 · sᵢ / maxᵢ  ÷  Σ wᵢ

The application's score is the mean of its judges' totals (conflicted judges are not
counted: they never score). The spread shown beside it is max − min of the judges' totals
and their population standard deviation, so a jury that disagrees is visible. Applications
are ranked by score, highest first; equal scores share a rank (1, 2, 2, 4) and are listed by
receipt number. Exact fractions inside, rounded half up to 2 decimals at the end.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class CriterionWeight:
    key: int
    weight: int
    max_score: int


@dataclass(frozen=True)
class Ranked:
    key: object            # the application (its id)
    label: str             # what ties are ordered by (the receipt number)
    rank: int
    score: Decimal         # mean of the judges' totals, 0–100
    spread: Decimal        # max − min of the judges' totals
    std_dev: Decimal       # population standard deviation of the judges' totals
    judge_totals: tuple[Decimal, ...]


def _round(value: Fraction | float) -> Decimal:
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        TWO_PLACES, rounding=ROUND_HALF_UP)


def judge_total(criteria: Sequence[CriterionWeight], scores: Mapping[int, int]) -> Fraction:
    """One judge's weighted total (0–100) from their scores by criterion key; every
    criterion must be scored and within 0..max."""
    weights = sum(c.weight for c in criteria)
    if weights <= 0:
        raise ValueError("criteria without weight")
    total = Fraction(0)
    for c in criteria:
        value = scores[c.key]
        if not 0 <= value <= c.max_score:
            raise ValueError(f"score {value} outside 0..{c.max_score}")
        total += Fraction(c.weight * 100 * value, c.max_score)
    return total / weights


def rank(criteria: Sequence[CriterionWeight],
         applications: Sequence[tuple[object, str, Sequence[Mapping[int, int]]]]
         ) -> list[Ranked]:
    """``applications``: (key, label, one score sheet per judge). An application no judge
    scored is left out (it cannot be ranked)."""
    rows = []
    for key, label, sheets in applications:
        totals = [judge_total(criteria, sheet) for sheet in sheets]
        if not totals:
            continue
        mean = sum(totals, Fraction(0)) / len(totals)
        variance = sum(((t - mean) ** 2 for t in totals), Fraction(0)) / len(totals)
        rows.append((mean, label, key, totals, max(totals) - min(totals),
                     math.sqrt(variance)))
    rows.sort(key=lambda r: (-r[0], r[1]))
    out: list[Ranked] = []
    for position, (mean, label, key, totals, spread, std) in enumerate(rows, start=1):
        shared = out and out[-1].score == _round(mean)
        out.append(Ranked(key=key, label=label, rank=out[-1].rank if shared else position,
                          score=_round(mean), spread=_round(spread), std_dev=_round(std),
                          judge_totals=tuple(_round(t) for t in totals)))
    return out
