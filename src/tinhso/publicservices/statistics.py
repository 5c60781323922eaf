"""Statistics of the one-stop public services (Decision 766/QĐ-TTg), aggregated in the
database: one grouped query over the dossiers of the period (conditional counts), one
over their portal updates and one over their digitised papers, merged by group key and
scored by the pure `index766`.

The period is a cohort: the dossiers *received* in it (and those refused or withdrawn
before reception, by their submission). "In progress / overdue" is judged at ``now``
against the pause-adjusted legal due moment (`Dossier.due_at`; an apology letter's new
date does not make a dossier on time); a dossier waiting for a supplement is never
overdue (its clock is stopped).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from tinhso.publicservices import index766
from tinhso.publicservices.models import (
    Channel,
    Dossier,
    DossierPaper,
    DossierState,
    FinishedDay,
    Level,
    Timeliness,
)
from tinhso.publicservices.portal.models import PortalUpdate
from tinhso.publicservices.ratings import SatisfactionRating
from tinhso.publicservices.workflow import RESOLVED_STATES

S = DossierState

#: dimension → (the values() keys of the dossier query, the prefix for related tables)
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "total": (),
    "agency": ("agency_id", "agency__code", "agency__name", "agency__level"),
    "field": ("procedure__field",),
    "procedure": ("procedure_id", "procedure__code", "procedure__name"),
    "month": ("month",),
}

COUNT_KEYS = (
    "received", "received_online", "received_desk",
    "resolved", "resolved_on_time", "resolved_late", "in_progress", "in_progress_on_time",
    "in_progress_overdue", "supplemented", "supplement_requests", "refused", "withdrawn",
    "fee_dossiers", "fee_paid_online", "results_digitised", "ratings", "rating_points",
    "rating_points_max", "portal_updates", "portal_delivered", "papers_digitised",
)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    def bounds(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        return (datetime.combine(self.start, time.min, tzinfo=tz),
                datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz))


#: The moment that puts a dossier in a period: its reception, or its submission for one
#: never received (refused or withdrawn at the desk). Migration 0004 indexes exactly this
#: expression with the counted columns included (an index-only scan on PostgreSQL).
COHORT_MOMENT = Coalesce("received_at", "submitted_at")


def cohort(period: Period, *, agencies=None, level: str | None = None):
    """The dossiers a period's statistics count (see the module's docstring). Dossiers
    still waiting at the desk fall in it by their submission but add to no count."""
    low, high = period.bounds()
    rows = Dossier.objects.alias(cohort_at=COHORT_MOMENT).filter(
        cohort_at__gte=low, cohort_at__lt=high)
    if agencies is not None:
        rows = rows.filter(agency_id__in=list(agencies))
    if level:
        rows = rows.filter(agency__level=level)
    return rows


def _aggregates(now: datetime) -> dict:
    received = Q(received_at__isnull=False)
    resolved = Q(state__in=list(RESOLVED_STATES))
    processing = Q(state=S.PROCESSING)
    open_ = Q(state__in=[S.PROCESSING, S.SUPPLEMENT])
    overdue = processing & Q(due_at__lt=now)
    online = Q(channel__in=[Channel.PORTAL, Channel.ONLINE])
    return {
        "received": Count("state", filter=received),
        "received_online": Count("state", filter=received & online),
        "received_desk": Count("state", filter=received & Q(channel=Channel.DESK)),
        "resolved": Count("state", filter=resolved),
        "resolved_on_time": Count("state", filter=resolved & Q(
            outcome__in=[Timeliness.EARLY, Timeliness.ON_TIME])),
        "resolved_late": Count("state", filter=resolved & Q(outcome=Timeliness.LATE)),
        "in_progress": Count("state", filter=open_),
        "in_progress_on_time": Count("state", filter=open_ & ~overdue),
        "in_progress_overdue": Count("state", filter=overdue),
        "supplemented": Count("state", filter=Q(pause_count__gt=0)),
        "supplement_requests": Sum("pause_count"),
        "refused": Count("state", filter=Q(state=S.REFUSED)),
        "withdrawn": Count("state", filter=Q(state=S.WITHDRAWN)),
        "fee_dossiers": Count("state", filter=received & Q(fee_vnd__gt=0)),
        "fee_paid_online": Count("state", filter=received & Q(fee_vnd__gt=0,
                                                           fee_paid_at__isnull=False)
                                 & online),
        "results_digitised": Count("state", filter=resolved & ~Q(result_file="")),
    }


def _key(row: dict, keys: tuple[str, ...]) -> tuple:
    return tuple(row.get(k) for k in keys)


def counts(period: Period, *, by: str = "total", now: datetime | None = None,
           agencies=None, level: str | None = None) -> list[dict]:
    """Rows of counts per group of ``by`` (a key of `DIMENSIONS`), each scored."""
    if by not in DIMENSIONS:
        raise ValueError(by)
    now = now or timezone.now()
    keys = DIMENSIONS[by]
    base = cohort(period, agencies=agencies, level=level)
    if by in SUMMARISED:
        rows = _finished_and_open(period, keys, base, now, agencies=agencies, level=level)
    else:
        rows = _grouped(base, by, keys, now)

    # Portal sync and digitised papers: their own grouped queries, by the same keys.
    def related(model, prefix: str, **aggregates):
        rel = model.objects.filter(**{f"{prefix}__in": base.values("pk")})
        if not keys:
            return {(): rel.aggregate(**aggregates)}
        if by == "month":
            rel = rel.annotate(month=TruncMonth(f"{prefix}__received_at"))
            rel_keys = ("month",)
        else:
            rel_keys = tuple(f"{prefix}__{k}" for k in keys)
        result = {}
        for row in rel.values(*rel_keys).annotate(**aggregates).order_by():
            result[tuple(row[k] for k in rel_keys)] = row
        return result

    ratings = _ratings(period, by, keys, agencies=agencies, level=level)
    portal = related(PortalUpdate, "dossier", portal_updates=Count("pk"),
                     portal_delivered=Count("state", filter=Q(state="delivered")))
    papers = related(DossierPaper, "dossier",
                     papers_digitised=Count("dossier", distinct=True,
                                            filter=~Q(storage_key="")))
    out = []
    for key, row in rows.items():
        for extra in (portal.get(key, {}), papers.get(key, {}), ratings.get(key, {})):
            for name in ("portal_updates", "portal_delivered", "papers_digitised",
                         "ratings", "rating_points"):
                if name in extra:
                    row[name] = extra[name]
        out.append(_finish(row))
    return out


#: Dimensions read from the finished dossiers' day table plus the open dossiers
#: (`statistics_days`); field, procedure and month are grouped from the dossiers.
SUMMARISED = frozenset({"total", "agency"})


def _grouped(base, by: str, keys: tuple[str, ...], now: datetime) -> dict[tuple, dict]:
    """The straightforward computation: one grouped scan of the period's dossiers."""
    if by == "month":
        base = base.annotate(month=TruncMonth("received_at"))
    query = base.values(*keys).annotate(**_aggregates(now)).order_by(*keys) if keys \
        else [base.aggregate(**_aggregates(now))]
    return {_key(row, keys): dict(row) for row in query}


def _finished_and_open(period: Period, keys: tuple[str, ...], base, now: datetime, *,
                       agencies=None, level: str | None = None) -> dict[tuple, dict]:
    """The same figures as `_grouped`: the finished dossiers' day rows of the period
    (``FinishedDay``) added to a live count of the open ones (partial index)."""
    from tinhso.publicservices import statistics_days as days

    finished = FinishedDay.objects.filter(day__gte=period.start, day__lte=period.end)
    if agencies is not None:
        finished = finished.filter(agency_id__in=list(agencies))
    if level:
        finished = finished.filter(agency__level=level)
    sums = {name: Sum(name) for name in days.COUNTERS}
    rows = _grouped(base.exclude(days.FINISHED), "agency" if keys else "total", keys, now)
    done = (finished.values(*keys).annotate(**sums).order_by() if keys
            else [finished.aggregate(**sums)])
    for row in done:
        if not keys and row["received"] is None:
            continue  # no finished dossier in the period
        into = rows.setdefault(_key(row, keys), {k: row[k] for k in keys})
        for name in days.COUNTERS:
            into[name] = (into.get(name) or 0) + (row[name] or 0)
    return rows


def _finish(row: dict) -> dict:
    """Zeros for missing counts, the derived shares and the Decision 766 index."""
    for name in COUNT_KEYS:
        row[name] = row.get(name) or 0
    row["rating_points_max"] = 100 * row["ratings"]
    row["satisfaction"] = (round(row["rating_points"] / row["ratings"], 1)
                           if row["ratings"] else None)
    row["online_payment_share"] = (round(row["fee_paid_online"] / row["fee_dossiers"], 4)
                                   if row["fee_dossiers"] else None)
    scored = index766.score(row)
    row["index"] = scored
    row["total"] = scored["total"]
    return row


def _ratings(period: Period, by: str, keys: tuple[str, ...], *, agencies=None,
              level: str | None = None) -> dict:
    """Ratings of the period's dossiers, from the rating table alone (it carries the
    dossier's agency, procedure and reception moment), grouped by the same keys."""
    low, high = period.bounds()
    rows = SatisfactionRating.objects.filter(received_at__gte=low, received_at__lt=high)
    if agencies is not None:
        rows = rows.filter(agency_id__in=list(agencies))
    if level:
        rows = rows.filter(agency__level=level)
    aggregates = {"ratings": Count("pk"), "rating_points": Sum("score")}
    if not keys:
        return {(): rows.aggregate(**aggregates)}
    if by == "month":
        rows = rows.annotate(month=TruncMonth("received_at"))
    return {tuple(row[k] for k in keys): row
            for row in rows.values(*keys).annotate(**aggregates).order_by()}


def _sum_rows(rows: list[dict]) -> dict | None:
    """The province's row: the agencies' counts added up (one scan, not two), derived
    shares and the index computed again from the sums."""
    if not rows:
        return None
    total = {name: sum(r.get(name) or 0 for r in rows) for name in COUNT_KEYS}
    return _finish(total)


def province_statistics(period: Period, *, now: datetime | None = None) -> dict:
    """What the statistics page and the dashboard show: the province's totals, each
    agency's row, and the rankings of province-level agencies and of communes. One
    grouped scan of the period's dossiers: the province's row is the agencies' sum."""
    now = now or timezone.now()
    agencies = counts(period, by="agency", now=now)
    for row in agencies:
        row["code"] = row["agency__code"]
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "total": _sum_rows(agencies),
        "agencies": agencies,
        "province_ranking": index766.rank(
            [r for r in agencies if r["agency__level"] == Level.PROVINCE]),
        "commune_ranking": index766.rank(
            [r for r in agencies if r["agency__level"] == Level.COMMUNE]),
    }
