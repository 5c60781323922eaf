"""Reads of the innovation system: the public directory, calls, judging state, the ranking,
the showcase of the digital stores' products, and the figures for the operations dashboard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tinhso.accounts.models import Role, User
from tinhso.core import search
from tinhso.core.money import format_vnd
from tinhso.innovation import ranking
from tinhso.innovation.models import (
    Application,
    Assignment,
    Call,
    CallState,
    Conflict,
    Event,
    Field,
    News,
    Profile,
    ProfileState,
    Score,
)


@dataclass(frozen=True)
class DirectoryFilter:
    q: str = ""
    field: str = ""
    stage: str = ""
    kind: str = ""
    commune: int | None = None


def directory(filters: DirectoryFilter) -> QuerySet[Profile]:
    """Published profiles, searched accent-insensitively (core.search: "hop tac xa na"
    finds "Hợp tác xã Na"), filtered by field, stage, kind and commune."""
    rows = Profile.objects.published().select_related("commune")
    if filters.field:
        rows = rows.filter(field=filters.field)
    if filters.stage:
        rows = rows.filter(stage=filters.stage)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.commune:
        rows = rows.filter(commune__code=filters.commune)
    if filters.q:
        return search.search(rows, filters.q)
    return rows.order_by("name", "pk")


def startup_count(*, on: dt.date, commune_code: int | None = None) -> int:
    """Published startup and cooperative profiles created on or before ``on`` (a day in
    Vietnam time), in the commune or ward ``commune_code`` when given. Called by the
    operations dashboard."""
    rows = Profile.objects.filter(state=ProfileState.PUBLISHED, created_at__date__lte=on)
    if commune_code is not None:
        rows = rows.filter(commune__code=commune_code)
    return rows.count()


def open_calls(now: dt.datetime) -> QuerySet[Call]:
    return Call.objects.filter(state=CallState.OPEN, deadline__gt=now).order_by("deadline")


def judges() -> QuerySet[User]:
    return User.objects.filter(is_active=True, memberships__role=Role.JUDGE).distinct()


def my_assignments(user) -> QuerySet[Assignment]:
    return (Assignment.objects.filter(judge=user)
            .select_related("application__call", "application__profile")
            .order_by("application__call__deadline", "application__number"))


def expected_assignments(call: Call) -> QuerySet[Assignment]:
    """Assignments whose scores the results wait for: every one not declared conflicted
    (an undeclared one is waited for too: the judge has not said they are out)."""
    return Assignment.objects.filter(application__call=call).exclude(
        conflict=Conflict.DECLARED)


def missing_scores(call: Call) -> int:
    """How many criterion scores of the expected judges are still missing (an application
    nobody may judge counts one)."""
    criteria = call.criteria.count()
    expected = expected_assignments(call).annotate(n=Count("scores"))
    missing = sum(max(criteria - a.n, 0) for a in expected)
    unjudged = (Application.objects.filter(call=call)
                .exclude(assignments__in=expected_assignments(call)).count())
    return missing + unjudged


def ranking_of(call: Call) -> list[ranking.Ranked]:
    """The ranking from the scores in (complete score sheets of non-conflicted judges)."""
    criteria = [ranking.CriterionWeight(c.pk, c.weight, c.max_score) for c in call.criteria.all()]
    sheets: dict[int, dict[int, dict[int, int]]] = {}
    for s in Score.objects.filter(assignment__application__call=call,
                                  assignment__conflict=Conflict.NONE).values(
            "assignment__application_id", "assignment_id", "criterion_id", "value"):
        sheets.setdefault(s["assignment__application_id"], {}).setdefault(
            s["assignment_id"], {})[s["criterion_id"]] = s["value"]
    keys = {c.key for c in criteria}
    entries = []
    for application in Application.objects.filter(call=call).order_by("number"):
        complete = [sheet for sheet in sheets.get(application.pk, {}).values()
                    if set(sheet) == keys]
        entries.append((application.pk, application.number, complete))
    return ranking.rank(criteria, entries) if criteria else []


def published_ranking(call: Call) -> list[dict]:
    """The public ranking: rank, application, startup, score and spread."""
    if call.state != CallState.RESULTS:
        return []
    ranked = ranking_of(call)
    apps = Application.objects.select_related("profile").in_bulk([r.key for r in ranked])
    return [{"rank": r.rank, "application": apps[r.key], "score": r.score,
             "spread": r.spread, "std_dev": r.std_dev, "judge_totals": r.judge_totals}
            for r in ranked]


def judging_board(call: Call) -> list[dict]:
    """For the office: each application, its judges, their declarations and scores in."""
    criteria = call.criteria.count()
    rows = []
    for application in (Application.objects.filter(call=call).select_related("profile")
                        .prefetch_related("assignments__judge", "assignments__scores")):
        judges = [{"assignment": a, "scored": len(a.scores.all()), "of": criteria}
                  for a in application.assignments.all()]
        rows.append({"application": application, "judges": judges})
    return rows


def published_news() -> QuerySet[News]:
    """News marked published whose publication time has come (the admin may schedule)."""
    return News.objects.filter(is_published=True, published_at__lte=timezone.now())


def news(limit: int = 10) -> QuerySet[News]:
    return published_news()[:limit]


def events_from(day: dt.date) -> QuerySet[Event]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return Event.objects.filter(is_published=True, ends_at__gte=start).order_by("starts_at")


# ---------------------------------------------------------------------------
# Figures for the operations dashboard
# ---------------------------------------------------------------------------

def figures() -> dict:
    published = Profile.objects.published()
    by_field = {row["field"]: row["n"] for row in
                published.values("field").annotate(n=Count("pk")).order_by()}
    by_commune = list(published.values("commune__code", "commune__name")
                      .annotate(n=Count("pk")).order_by("-n", "commune__name"))
    calls = list(Call.objects.annotate(
        applications_count=Count("applications", distinct=True),
        funded_count=Count("applications", filter=Q(applications__funded=True),
                           distinct=True)).order_by("-deadline"))
    return {
        "profiles": published.count(),
        "by_field": [{"field": f.value, "label": str(f.label), "count": by_field.get(f.value, 0)}
                     for f in Field if by_field.get(f.value)],
        "by_commune": [{"commune": r["commune__code"], "name": r["commune__name"],
                        "count": r["n"]} for r in by_commune],
        "calls": [{"id": c.pk, "title": c.title, "applications": c.applications_count,
                   "funded": c.funded_count} for c in calls],
        "funded": Application.objects.filter(funded=True).count(),
    }


# ---------------------------------------------------------------------------
# Showcase: OCOP and speciality products, read live from the digital stores
# ---------------------------------------------------------------------------

def showcase(*, today: dt.date, limit: int = 24) -> list[dict]:
    """Products on sale in an open shop with a valid OCOP certificate or marked a Lạng Sơn
    speciality: name, stars, price, stock and the product's market page. Read from the
    market's table at each request (no copy, no cache), so a price or stock change shows
    at once."""
    from django.urls import reverse

    from tinhso.market.selectors_catalogue import on_sale, valid_ocop

    rows = (on_sale().filter(valid_ocop(today) | Q(is_specialty=True))
            .select_related("shop", "shop__commune")
            .order_by("-ocop_stars", "name", "pk")[:limit])
    return [{"id": p.pk, "name": p.name, "shop": p.shop.name,
             "commune": p.shop.commune.name if p.shop.commune_id else "",
             "ocop_stars": p.ocop_stars if p.ocop_valid_on(today) else None,
             "price_vnd": p.price_vnd, "price": format_vnd(p.price_vnd),
             "unit": p.get_unit_display(),
             "in_stock": p.stock > 0,
             "url": reverse("market_catalogue:product", args=[p.shop.slug, p.slug])}
            for p in rows]
