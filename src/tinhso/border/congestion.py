"""Congestion at the border gates: the public per-gate snapshot (page and JSON feed), the
congestion advisories, and the operations dashboard's figures.

Reads only (the advisories they lead to are published by `services.advisories`): aggregate
queries, a handful per refresh whatever the number of trucks. The public page is the
most-read page on a crisis day, so it is served from one cached snapshot
(`gate_snapshots()`), never from a scan of the declarations per request.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import TruncHour
from django.utils import timezone

from tinhso.border import selectors
from tinhso.border.engine.forecast import estimate_waits
from tinhso.border.models import (
    Advisory,
    CongestionLevel,
    Declaration,
    DeclarationState,
    Direction,
    Gate,
    GateNotice,
    Yard,
)
from tinhso.border.workflow import (
    ACTIVE_STATES,
    EXPECTED_STATES,
    GATE_PIPELINE_STATES,
    QUEUE_AHEAD_STATES,
    WAITING_STATES,
    YARD_STATES,
)

S = DeclarationState
L = CongestionLevel

WINDOW_HOURS = 3.0  # open hours of crossings that give the clearance rate
HISTORY_HOURS = 24  # crossings read back (covers a night closure before the window)
LOWER_BY = 0.9  # hysteresis: a level comes down only below 90 % of its threshold
SNAPSHOT_KEY = "border:status:snapshot:v1"
SNAPSHOT_SECONDS = 15  # the page and feed say max-age=15 too
PAGE_KEY = "border:status:page:v1:{lang}"  # the gates fragment
FRAME_KEY = "border:status:frame:v1:{lang}"  # the whole page an anonymous visitor gets
FEED_KEY = "border:status:feed:v1"
RANK = {L.NORMAL: 0, L.BUSY: 1, L.CONGESTED: 2}


# ---------------------------------------------------------------- public snapshot


@dataclass(frozen=True)
class GateSnapshot:
    code: str
    name: str
    trucks_waiting: int
    trucks_expected: int
    queue_ahead: int
    crossed_last_hour: int
    clearance_rate_per_hour: float | None
    estimated_wait_hours: float | None  # for a truck arriving now, a closure included
    queue_wait_hours: float | None  # the queue's own wait, in open hours: judges the level
    is_open: bool
    reopens_at: datetime | None  # when a closed gate opens again
    congestion_level: str  # the level in force (published advisory; computed if none yet)
    computed_level: str  # what the thresholds say right now
    advisory_vi: str
    advisory_en: str
    advisory_published_at: datetime | None
    updated_at: datetime


@dataclass(frozen=True)
class Snapshot:
    generated_at: datetime
    gates: list[GateSnapshot] = field(default_factory=list)


def _hours(t: time) -> float:
    return t.hour + t.minute / 60 + t.second / 3600


def _opening(gate: Gate) -> tuple[float | None, float | None]:
    """Daily opening hours for the engine; None, None for a gate open around the clock."""
    a, b = _hours(gate.opens_at), _hours(gate.closes_at)
    if b <= a or (a == 0 and b >= 23.99):
        return None, None
    return a, b


def planned_capacity(gate: Gate, now: datetime, notices: list[GateNotice]) -> int:
    """Trucks per hour the gate plans to clear now, every direction, under its notices."""
    return sum(selectors.capacity_at(gate, direction, now, notices)
               for direction in Direction.values)


def wait_for(gate: Gate, queue_ahead: int, crossings: list[datetime], now: datetime,
             notices: list[GateNotice]) -> tuple[float | None, float | None]:
    """Estimated wait (h) of a truck arriving now, and the queue's own wait without the
    gate's closure (open hours); None when nothing is known.

    With a queue, the measured clearance rate is the truth (in January 2022 Hữu Nghị cleared
    a fraction of its planned capacity); the planned capacity is used only when the gate had
    no queue (it cleared fewer trucks than it could) or has too few crossings to measure."""
    open_from, open_to = _opening(gate)
    planned = planned_capacity(gate, now, notices) or None
    measured = queue_ahead > 0 and len(crossings) >= 2
    wait = estimate_waits(
        queue_ahead, [timezone.localtime(c) for c in crossings], timezone.localtime(now),
        window_hours=WINDOW_HOURS, capacity_per_hour=None if measured else planned,
        open_from=open_from, open_to=open_to,
    )
    if math.isinf(wait.hours):
        return None, None
    return round(wait.hours, 2), round(wait.queue_hours, 2)


def level_for(gate: Gate, wait_hours: float | None, backlog: int,
              current: str = L.NORMAL) -> str:
    """The congestion level the gate's thresholds give. It rises as soon as the estimated
    wait or the backlog passes a threshold; it comes down only once both are below
    `LOWER_BY` of it, so a queue hovering at a threshold does not flap the advisory."""

    def over(wait_limit: float, backlog_limit: int, level: str) -> bool:
        factor = LOWER_BY if RANK[current] >= RANK[level] else 1.0
        too_long = wait_hours is not None and wait_hours > wait_limit * factor
        return too_long or backlog > backlog_limit * factor

    if over(gate.congested_wait_hours, gate.congested_backlog, L.CONGESTED):
        return L.CONGESTED
    if over(gate.busy_wait_hours, gate.busy_backlog, L.BUSY):
        return L.BUSY
    return L.NORMAL


def _in_force(gate_ids: list[int]) -> dict[int, Advisory]:
    """The newest advisory of each gate (index gate, -published_at)."""
    newest = Advisory.objects.filter(gate=OuterRef("pk")).order_by("-published_at", "-id")
    ids = Gate.objects.filter(pk__in=gate_ids).annotate(
        advisory_id=Subquery(newest.values("id")[:1])).values_list("advisory_id", flat=True)
    return {a.gate_id: a for a in Advisory.objects.filter(pk__in=[i for i in ids if i])}


def compute_snapshots(now: datetime | None = None) -> Snapshot:
    """Every active gate's figures, from four aggregate queries (not cached)."""
    now = now or timezone.now()
    gates = list(Gate.objects.filter(is_active=True).order_by("name"))
    ids = [g.pk for g in gates]
    counts = {
        row["gate_id"]: row
        for row in Declaration.objects.filter(gate_id__in=ids, state__in=ACTIVE_STATES)
        .values("gate_id")
        .annotate(
            waiting=Count("id", filter=Q(state__in=WAITING_STATES)),
            expected=Count("id", filter=Q(state__in=EXPECTED_STATES)),
            ahead=Count("id", filter=Q(state__in=QUEUE_AHEAD_STATES)),
            changed=Max("updated_at"),
        )
    }
    crossings: dict[int, list[datetime]] = defaultdict(list)
    for gate_id, crossed_at in Declaration.objects.filter(
            gate_id__in=ids, state=S.CROSSED,
            crossed_at__gte=now - timedelta(hours=HISTORY_HOURS),
            crossed_at__lte=now).values_list("gate_id", "crossed_at"):
        crossings[gate_id].append(crossed_at)
    advisories = _in_force(ids)
    notices = selectors.notices_in_force(ids, now)
    snapshots = []
    for gate in gates:
        row = counts.get(gate.pk, {})
        crossed = sorted(crossings[gate.pk])
        ahead = row.get("ahead", 0)
        waiting = row.get("waiting", 0)
        wait, queue_wait = wait_for(gate, ahead, crossed, now, notices)
        recent = [c for c in crossed if c >= now - timedelta(hours=WINDOW_HOURS)]
        rate = round(len(recent) / WINDOW_HOURS, 1) if recent else (0.0 if crossed else None)
        advisory = advisories.get(gate.pk)
        computed = level_for(gate, queue_wait, waiting,
                             advisory.level if advisory else L.NORMAL)
        changes = [t for t in (row.get("changed"), crossed[-1] if crossed else None,
                               advisory.published_at if advisory else None) if t]
        snapshots.append(GateSnapshot(
            code=gate.code, name=gate.name, trucks_waiting=waiting,
            trucks_expected=row.get("expected", 0), queue_ahead=ahead,
            crossed_last_hour=sum(1 for c in crossed if c >= now - timedelta(hours=1)),
            clearance_rate_per_hour=rate, estimated_wait_hours=wait,
            queue_wait_hours=queue_wait, is_open=gate.is_open_at(now),
            reopens_at=gate.reopens_at(now),
            congestion_level=advisory.level if advisory else computed,
            computed_level=computed,
            advisory_vi=advisory.text_vi if advisory else "",
            advisory_en=advisory.text_en if advisory else "",
            advisory_published_at=advisory.published_at if advisory else None,
            updated_at=max(changes) if changes else now,
        ))
    return Snapshot(generated_at=now, gates=snapshots)


def gate_snapshots() -> Snapshot:
    """The cached snapshot every public reader shares (page and feed), `SNAPSHOT_SECONDS`
    old at most. Nothing in it depends on the reader."""
    return cache.get_or_set(SNAPSHOT_KEY, compute_snapshots, SNAPSHOT_SECONDS)


def forget_snapshots() -> None:
    """Drop the cached snapshot and what is rendered from it (after an advisory)."""
    cache.delete_many([SNAPSHOT_KEY, FEED_KEY,
                       *(key.format(lang=code) for code, _name in settings.LANGUAGES
                         for key in (PAGE_KEY, FRAME_KEY))])


# ---------------------------------------------------------------- operations dashboard

DWELL_BINS = [0, 1, 2, 4, 8, 12, 24, 48]  # hours; the last bin is open ended


def yard_occupancy() -> list[dict]:
    """Each yard: trucks occupying it (in yard, called, held) against its capacity."""
    rows = Yard.objects.select_related("gate").annotate(
        occupancy=Count("declaration", filter=Q(declaration__state__in=YARD_STATES))
    ).order_by("gate__name", "name")
    return [{"code": y.code, "name": y.name, "gate": y.gate.name, "capacity": y.capacity,
             "occupancy": y.occupancy,
             "pct": round(100 * y.occupancy / y.capacity) if y.capacity else 0}
            for y in rows]


def queue_by_gate_direction() -> list[dict]:
    """Waiting, on the way through the gate, and expected trucks per gate and direction."""
    rows = (Declaration.objects.filter(state__in=ACTIVE_STATES, gate__is_active=True)
            .values("gate__code", "gate__name", "direction")
            .annotate(waiting=Count("id", filter=Q(state__in=WAITING_STATES)),
                      pipeline=Count("id", filter=Q(state__in=GATE_PIPELINE_STATES)),
                      expected=Count("id", filter=Q(state__in=EXPECTED_STATES)))
            .order_by("gate__name", "direction"))
    labels = dict(Direction.choices)
    return [{"gate": r["gate__name"], "gate_code": r["gate__code"],
             "direction": r["direction"], "direction_label": labels.get(r["direction"]),
             "waiting": r["waiting"], "pipeline": r["pipeline"], "expected": r["expected"]}
            for r in rows]


def trucks_by_state(now: datetime) -> list[dict]:
    """Active trucks per state, and those that crossed in the last 24 hours."""
    counts = dict(Declaration.objects.filter(state__in=ACTIVE_STATES)
                  .values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    counts[S.CROSSED] = Declaration.objects.filter(
        state=S.CROSSED, crossed_at__gte=now - timedelta(hours=24)).count()
    labels = dict(DeclarationState.choices)
    return [{"state": s, "label": labels[s], "count": counts.get(s, 0)}
            for s in [*ACTIVE_STATES, S.CROSSED]]


def throughput_by_hour(now: datetime, hours: int = 24) -> list[dict]:
    """Crossings per local hour for the last `hours` hours, oldest first, zeros included."""
    tz = timezone.get_current_timezone()
    end = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(hours=hours - 1)
    counted = {
        timezone.localtime(row["hour"]): row["n"]
        for row in Declaration.objects.filter(state=S.CROSSED, crossed_at__gte=start,
                                              crossed_at__lte=now)
        .annotate(hour=TruncHour("crossed_at", tzinfo=tz)).values("hour")
        .annotate(n=Count("id")).order_by("hour")
    }
    return [{"hour": h, "count": counted.get(h, 0)}
            for h in (timezone.localtime(start + timedelta(hours=i)) for i in range(hours))]


def dwell_times(now: datetime, hours: int = 24) -> dict:
    """Yard check-in → crossing of the trucks that crossed in the last `hours` hours:
    histogram (hour bins), mean and 95th percentile (nearest rank)."""
    pairs = Declaration.objects.filter(
        state=S.CROSSED, crossed_at__gte=now - timedelta(hours=hours),
        checked_in_at__isnull=False).values_list("checked_in_at", "crossed_at")
    dwell = sorted(max(0.0, (c - i).total_seconds() / 3600) for i, c in pairs)
    bins = Counter()
    for d in dwell:
        bins[max(i for i, edge in enumerate(DWELL_BINS) if d >= edge)] += 1
    histogram = []
    for i, edge in enumerate(DWELL_BINS):
        label = f"{edge}–{DWELL_BINS[i + 1]}" if i + 1 < len(DWELL_BINS) else f"≥{edge}"
        histogram.append({"label": label, "count": bins.get(i, 0)})
    n = len(dwell)
    return {
        "n": n, "histogram": histogram,
        "mean_hours": round(sum(dwell) / n, 1) if n else None,
        "p95_hours": round(dwell[max(0, math.ceil(0.95 * n) - 1)], 1) if n else None,
    }


def perishable_share() -> dict:
    """Share of perishable loads among the trucks waiting and among all active ones."""
    row = Declaration.objects.filter(state__in=ACTIVE_STATES).aggregate(
        active=Count("id"), active_perishable=Count("id", filter=Q(goods__perishable=True)),
        waiting=Count("id", filter=Q(state__in=WAITING_STATES)),
        waiting_perishable=Count("id", filter=Q(state__in=WAITING_STATES,
                                                goods__perishable=True)))

    def pct(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    return {**row, "active_pct": pct(row["active_perishable"], row["active"]),
            "waiting_pct": pct(row["waiting_perishable"], row["waiting"])}


def overdue_trucks(now: datetime, limit: int = 50) -> dict:
    """Booked trucks whose slot hour is over and that have not checked in, and the
    no-shows of the last 24 hours: the list the board phones round."""
    base = Declaration.objects.select_related("gate", "enterprise", "slot", "goods")
    overdue = base.filter(state=S.BOOKED, slot__starts_at__lt=now - timedelta(hours=1))
    no_show = base.filter(state=S.NO_SHOW, updated_at__gte=now - timedelta(hours=24))
    return {
        "overdue_count": overdue.count(), "no_show_count": no_show.count(),
        "overdue": list(overdue.order_by("slot__starts_at")[:limit]),
        "no_show": list(no_show.order_by("-updated_at")[:limit]),
    }


def backlog_alerts(snapshot: Snapshot) -> list[dict]:
    """Gates whose backlog passes their busy or congested threshold."""
    gates = {g.code: g for g in Gate.objects.filter(code__in=[s.code for s in snapshot.gates])}
    alerts = []
    for snap in snapshot.gates:
        gate = gates[snap.code]
        if snap.trucks_waiting > gate.busy_backlog:
            congested = snap.trucks_waiting > gate.congested_backlog
            alerts.append({"gate": snap, "congested": congested,
                           "threshold": gate.congested_backlog if congested
                           else gate.busy_backlog})
    return alerts


def dashboard(now: datetime | None = None) -> dict:
    """Everything the gate management board's dashboard shows, fresh from the database."""
    now = now or timezone.now()
    snapshot = compute_snapshots(now)
    return {
        "now": now, "snapshot": snapshot, "alerts": backlog_alerts(snapshot),
        "yards": yard_occupancy(), "queues": queue_by_gate_direction(),
        "states": trucks_by_state(now), "throughput": throughput_by_hour(now),
        "dwell": dwell_times(now), "perishable": perishable_share(),
        "overdue": overdue_trucks(now),
    }
