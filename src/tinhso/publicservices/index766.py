"""The 100-point index of Decision 766/QĐ-TTg (2022) from counts of dossiers. Pure Python.

The decision scores a province, an agency or a commune in six groups: publicity and
transparency (18), processing timeliness (20), online service (12), online payment (10),
satisfaction (18), digitisation of dossiers and results (22). Each group is the weighted
mean of the sub-indicators we can compute from our own data (listed in `GROUPS`, each a
share in [0, 1] of a numerator over a denominator), times the group's points. A
sub-indicator whose denominator is zero (no fee-bearing dossier, no rating yet) is left
out and the group's remaining weights are scaled up; a group with none is "not scored",
and the total is then scaled to 100 over the groups that are scored.

Not computable from our data, and left out (docs/public-services.md says why): the
publicity of procedures at the premises and on the portal's own catalogue pages, the
handling of citizens' feedback and petitions (PAKN), the reuse of digitised results by
other systems, and the portal-side online-service quality measures (availability,
identity federation) that only the national portal observes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str                 # English (msgid); the page translates it
    numerator: str            # a key of the counts
    denominator: str          # a key of the counts
    weight: float             # share of the group's points


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    points: int
    indicators: tuple[Indicator, ...]


GROUPS: tuple[Group, ...] = (
    Group("publicity", "Publicity and transparency", 18, (
        Indicator("synced", "State changes published on the national portal",
                  "portal_delivered", "portal_updates", 1.0),
    )),
    Group("timeliness", "Processing timeliness", 20, (
        Indicator("resolved_on_time", "Resolved early or on time",
                  "resolved_on_time", "resolved", 0.6),
        Indicator("open_not_overdue", "In progress and not overdue",
                  "in_progress_on_time", "in_progress", 0.4),
    )),
    Group("online", "Online service", 12, (
        Indicator("received_online", "Dossiers received online (portal or our form)",
                  "received_online", "received", 1.0),
    )),
    Group("payment", "Online payment", 10, (
        Indicator("paid_online", "Fee-bearing dossiers paid online",
                  "fee_paid_online", "fee_dossiers", 1.0),
    )),
    Group("satisfaction", "Satisfaction", 18, (
        Indicator("satisfaction", "Average satisfaction of the ratings",
                  "rating_points", "rating_points_max", 1.0),
    )),
    Group("digitisation", "Digitisation of dossiers and results", 22, (
        Indicator("papers_digitised", "Received dossiers with their papers digitised",
                  "papers_digitised", "received", 0.5),
        Indicator("results_digitised", "Results issued as an electronic document",
                  "results_digitised", "resolved", 0.5),
    )),
)
TOTAL_POINTS = sum(group.points for group in GROUPS)
assert TOTAL_POINTS == 100


def _share(counts: dict, indicator: Indicator) -> float | None:
    denominator = counts.get(indicator.denominator) or 0
    if denominator <= 0:
        return None
    return min(max((counts.get(indicator.numerator) or 0) / denominator, 0.0), 1.0)


def score(counts: dict) -> dict:
    """``{"total": float | None, "groups": [...]}`` for one row of counts."""
    groups = []
    scored_points = 0
    total = 0.0
    for group in GROUPS:
        indicators = []
        weight = 0.0
        weighted = 0.0
        for indicator in group.indicators:
            share = _share(counts, indicator)
            indicators.append({"key": indicator.key, "name": indicator.name,
                               "share": None if share is None else round(share, 4),
                               "numerator": counts.get(indicator.numerator) or 0,
                               "denominator": counts.get(indicator.denominator) or 0})
            if share is not None:
                weight += indicator.weight
                weighted += indicator.weight * share
        points = None if weight == 0 else round(group.points * weighted / weight, 2)
        if points is not None:
            scored_points += group.points
            total += points
        groups.append({"key": group.key, "name": group.name, "max": group.points,
                       "points": points, "indicators": indicators})
    overall = None if scored_points == 0 else round(total * TOTAL_POINTS / scored_points, 2)
    return {"total": overall, "groups": groups}


def rank(rows: list[dict], key: str = "total") -> list[dict]:
    """Rows ordered best first with their rank (equal scores share a rank); rows not
    scored come last, unranked."""
    scored = sorted((r for r in rows if r.get(key) is not None),
                    key=lambda r: (-r[key], str(r.get("code", ""))))
    ranked, previous, position = [], None, 0
    for index, row in enumerate(scored, start=1):
        if row[key] != previous:
            position, previous = index, row[key]
        ranked.append({**row, "rank": position})
    return ranked + [{**r, "rank": None} for r in rows if r.get(key) is None]
