"""Estimated wait at a gate for a truck arriving now (the public page's "thời gian chờ").

The gate is a server that clears trucks at a rate measured from its recent crossings.
A truck arriving with ``queue_ahead`` trucks in front of it crosses at the
``queue_ahead + 1``-th crossing from now. Time is counted in *open hours* when the
gate's opening hours are given, so a truck arriving at night waits for the opening.

With crossings at a constant rate the estimate is exact: the next crossings are
extrapolated from the phase of the last one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from .model import HOURS_PER_DAY


class _Clock:
    """Maps clock hours to cumulative open hours and back."""

    def __init__(self, open_from: float | None, open_to: float | None) -> None:
        self.a = open_from
        self.b = open_to
        self.span = None if open_from is None or open_to is None else open_to - open_from

    def to_open(self, t: float) -> float:
        if self.span is None:
            return t
        day = math.floor(t / HOURS_PER_DAY)
        hod = t - day * HOURS_PER_DAY
        return day * self.span + min(max(hod - self.a, 0.0), self.span)

    def from_open(self, o: float) -> float:
        if self.span is None:
            return o
        day = math.floor(o / self.span)
        return day * HOURS_PER_DAY + self.a + (o - day * self.span)


@dataclass(frozen=True)
class WaitEstimate:
    """``hours``: clock hours until a truck arriving now crosses (what its driver will
    wait, a night closure included). ``queue_hours``: open hours the queue alone takes
    (the scheduled closure left out): congestion is judged on this one, so a closed gate
    with nobody waiting is closed, not congested."""

    hours: float
    queue_hours: float


UNKNOWN = WaitEstimate(math.inf, math.inf)


def estimate_wait(*args, **kwargs) -> float:
    """Hours a truck arriving at ``now`` will wait, ``inf`` if nothing is known: the
    ``hours`` of `estimate_waits`, which takes the same arguments."""
    return estimate_waits(*args, **kwargs).hours


def estimate_waits(
    queue_ahead: int,
    recent_crossings: Sequence[float | datetime] | np.ndarray,
    now: float | datetime,
    *,
    window_hours: float = 3.0,
    capacity_per_hour: float | None = None,
    open_from: float | None = None,
    open_to: float | None = None,
) -> WaitEstimate:
    """The wait of a truck arriving at ``now``, with and without the closure; `UNKNOWN`
    (infinite) when nothing is known.

    ``recent_crossings``: times of the gate's (lane's) last crossings, as datetimes or
    hours on the same clock as ``now`` (hours: hour of day = value mod 24).
    ``window_hours``: how far back (in open hours) crossings count for the rate.
    ``capacity_per_hour``: the planned rate; a floor for the measured one, because a
    gate that had no queue cleared fewer trucks than it could.
    ``open_from``/``open_to``: daily opening hours (local), e.g. 7 and 22.
    """
    if isinstance(now, datetime):
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        times = [(t - midnight) / timedelta(hours=1) for t in recent_crossings]  # type: ignore[operator]
        now_h = (now - midnight) / timedelta(hours=1)
    else:
        times = np.asarray(recent_crossings, dtype=float).tolist()
        now_h = float(now)
    clock = _Clock(open_from, open_to)
    now_o = clock.to_open(now_h)
    seen = sorted(o for o in map(clock.to_open, times) if now_o - window_hours <= o <= now_o)
    rate = None
    last = None
    if len(seen) >= 2 and seen[-1] > seen[0]:
        rate = (len(seen) - 1) / (seen[-1] - seen[0])
        last = seen[-1]
    if (capacity_per_hour is not None and capacity_per_hour > 0
            and (rate is None or capacity_per_hour > rate * (1 + 1e-9))):
        rate, last = capacity_per_hour, None
    if rate is None:
        return UNKNOWN
    if last is not None and now_o - last <= 1.5 / rate:
        # busy gate: crossings continue in phase with the last one
        k0 = max(1, math.ceil((now_o - last) * rate - 1e-9))
        ready_o = last + (k0 + queue_ahead) / rate
    else:
        ready_o = now_o + (queue_ahead + 0.5) / rate
    return WaitEstimate(hours=max(0.0, clock.from_open(ready_o) - now_h),
                        queue_hours=max(0.0, ready_o - now_o))


def backtest(result, scenario, *, window_hours: float = 3.0, max_trucks: int = 5000,
             use_capacity: bool = True) -> dict[str, float]:
    """Predicted vs actual wait of simulated trucks in a FIFO (walk-in) run.

    At each sampled truck's arrival, the queue ahead is every truck of its lane that
    arrived before it and had not crossed, and the recent crossings are its lane's.
    """
    errors, actual = [], []
    unknown = 0
    lanes = result.lanes
    stride = max(1, int(np.sum(~np.isnan(result.crossed)) // max_trucks))
    for li, lane in enumerate(lanes):
        gate = scenario.gate(lane.split(":")[0])
        clock = _Clock(gate.open_from, gate.open_to)
        caps = scenario.hourly_capacity(lane)
        mask = (result.lane == li) & ~np.isnan(result.arrival) & (result.arrival < result.hours)
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            continue
        arr = result.arrival[idx]
        order = np.argsort(arr, kind="stable")
        idx, arr = idx[order], arr[order]
        crs = np.sort(result.crossed[idx][~np.isnan(result.crossed[idx])])
        for pos in range(0, len(idx), stride):
            k = idx[pos]
            if np.isnan(result.crossed[k]):
                continue
            a = arr[pos]
            n_crossed = int(np.searchsorted(crs, a, side="right"))
            ahead = pos - n_crossed
            since = clock.from_open(clock.to_open(a) - window_hours) - 1e-9
            lo = int(np.searchsorted(crs, since, side="left"))
            hour = int(a)
            cap = None
            if use_capacity:
                # planned rate of the next open hour (what the slot plan says)
                nxt = hour
                while nxt < len(caps) and caps[nxt] == 0:
                    nxt += 1
                cap = float(caps[nxt]) if nxt < len(caps) else None
            pred = estimate_wait(max(0, ahead), crs[lo:n_crossed], a,
                                 window_hours=window_hours, capacity_per_hour=cap,
                                 open_from=gate.open_from, open_to=gate.open_to)
            if math.isinf(pred):
                unknown += 1
                continue
            real = result.crossed[k] - a
            errors.append(abs(pred - real))
            actual.append(real)
    if not errors:
        return {"n": 0, "unknown": unknown, "mae_h": 0.0, "mean_wait_h": 0.0,
                "mae_ratio": 0.0}
    mae = float(np.mean(errors))
    mean_wait = float(np.mean(actual))
    return {"n": len(errors), "unknown": unknown, "mae_h": round(mae, 3),
            "mean_wait_h": round(mean_wait, 3),
            "mae_ratio": round(mae / mean_wait, 4) if mean_wait > 0 else 0.0}
