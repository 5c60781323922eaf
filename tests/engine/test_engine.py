"""Border engine: capacity, order, optimality, determinism, forecast, isolation."""

import itertools
import math
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinhso.border.engine import (
    POLICIES,
    Booking,
    GateNotice,
    Lane,
    Slot,
    SlotState,
    assignment_cost,
    build_scenario,
    check_assignment,
    estimate_wait,
    format_table,
    hour_slots,
    nearest_free,
    nearest_free_slots,
    plot_queue,
    queue_svg,
    reslot_greedy,
    reslot_optimal,
    run_policies,
    simulate,
)
from tinhso.border.engine.reslot import UNASSIGNED_PENALTY
from tinhso.border.engine.scenarios import with_notices
from tinhso.border.engine.simulate import crossing_times

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def small_runs():
    sc = build_scenario("harvest-peak", seed=3, days=12, scale=0.15)
    return sc, run_policies(sc)


def test_engine_does_not_import_django():
    code = (
        f"import sys; sys.path.insert(0, {str(SRC)!r})\n"
        "import tinhso.border.engine\n"
        "from tinhso.border.engine import forecast, model, report, reslot, scenarios, "
        "simulate, slots\n"
        "sc = tinhso.border.engine.build_scenario('normal-day', 1, days=1, scale=0.05)\n"
        "tinhso.border.engine.simulate(sc, 'booking')\n"
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if 'django' in m)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_capacity_never_exceeded(small_runs):
    sc, runs = small_runs
    for res in runs.values():
        for li, lane in enumerate(res.lanes):
            caps = sc.hourly_capacity(lane)
            times = res.crossed[(res.lane == li) & ~np.isnan(res.crossed)]
            per_hour = np.bincount(np.floor(times).astype(int), minlength=len(caps))
            assert (per_hour[: len(caps)] <= caps).all(), (res.policy, lane)
            assert len(per_hour) == len(caps) or per_hour[len(caps):].sum() == 0


def test_notices_change_capacity(small_runs):
    sc, _ = small_runs
    closed = sc.hourly_capacity("HN:out")[5 * 24 + 8 : 5 * 24 + 16]
    assert closed.sum() == 0
    normal = sc.hourly_capacity("HN:out")[4 * 24 : 5 * 24]
    assert normal.sum() == pytest.approx(262 * 1.15 * 0.15, abs=1)


def test_crossing_instants_spread_evenly():
    t = crossing_times(np.array([0, 2, 0, 4]))
    assert t.tolist() == [1.25, 1.75, 3.125, 3.375, 3.625, 3.875]


def test_walk_in_is_fifo(small_runs):
    _, runs = small_runs
    res = runs["walk-in"]
    for li in range(len(res.lanes)):
        m = (res.lane == li) & ~np.isnan(res.crossed)
        order = np.argsort(res.arrival[m], kind="stable")
        assert np.all(np.diff(res.crossed[m][order]) > 0)


@pytest.mark.parametrize("name", ["booking", "booking+priority", "booking+priority+advisory"])
def test_fifo_within_priority_class(small_runs, name):
    _, runs = small_runs
    res = runs[name]
    m = ~np.isnan(res.crossed)
    groups: dict = {}
    for k in np.flatnonzero(m):
        cls = bool(res.perishable[k]) if "priority" in name else None
        groups.setdefault((res.lane[k], res.slot[k], cls), []).append(k)
    for members in groups.values():
        members.sort(key=lambda k: (res.arrival[k], k))
        crossed = [res.crossed[k] for k in members]
        assert crossed == sorted(crossed)


def test_booked_trucks_wait_less_than_walk_in(small_runs):
    _, runs = small_runs
    assert runs["booking"].metrics["wait_mean_h"] < runs["walk-in"].metrics["wait_mean_h"]
    assert runs["booking+priority+advisory"].metrics["spoiled"] == 0


def test_advisory_prevents_spoilage_in_winter():
    sc = build_scenario("winter-2021", seed=2, days=30, scale=0.3)
    res = simulate(sc, "booking+priority+advisory")
    assert res.metrics["spoiled"] == 0
    assert res.metrics["diverted"] > 0
    assert simulate(sc, "walk-in").metrics["spoiled"] > 0


@pytest.mark.parametrize("name", ["normal-day", "harvest-peak", "winter-2021"])
def test_scenarios_are_deterministic(name):
    a = build_scenario(name, seed=7, days=3, scale=0.2)
    b = build_scenario(name, seed=7, days=3, scale=0.2)
    c = build_scenario(name, seed=8, days=3, scale=0.2)
    assert a.trucks == b.trucks
    assert a.notices == b.notices
    assert a.trucks != c.trucks
    assert simulate(a, "booking+priority").metrics | {"runtime_s": 0} == simulate(
        b, "booking+priority").metrics | {"runtime_s": 0}


def test_unknown_names_are_rejected():
    with pytest.raises(ValueError, match="unknown scenario"):
        build_scenario("rush-hour")
    with pytest.raises(ValueError, match="unknown policy"):
        simulate(build_scenario("normal-day", 1, days=1, scale=0.05), "lottery")


def test_nearest_free_slots():
    cap = [2, 2, 0, 2, 2]
    used = [2, 1, 0, 2, 0]
    assert nearest_free_slots(cap, used, 2) == [1]  # tie 1 vs 4? 1 is nearer
    assert nearest_free_slots(cap, used, 3, count=2) == [4, 1]
    assert nearest_free_slots(cap, used, 0, earliest=2) == [4]
    assert nearest_free_slots(cap, used, 0, earliest=2, latest=3) == []
    assert nearest_free_slots([1, 1], [0, 0], 0.5) == [0]  # tie goes to the earlier


def test_nearest_free_honours_perishable_reserve():
    slots = [SlotState("a", 10.0, capacity=4, used=2, reserved=2, reserved_used=0),
             SlotState("b", 12.0, capacity=4, used=0, reserved=2)]
    assert nearest_free(slots, 10.0, perishable=True) == ["a"]
    assert nearest_free(slots, 10.0, perishable=False, now=0.0, release_hours=5) == ["b"]
    assert nearest_free(slots, 10.0, perishable=False, now=0.0, release_hours=12) == ["a"]
    assert nearest_free(slots, 10.0, perishable=False) == ["b"]


def _brute_force(bookings, slots):
    best = math.inf
    options = [None, *slots]
    for choice in itertools.product(options, repeat=len(bookings)):
        load: dict = {}
        ok = True
        cost = 0.0
        for b, s in zip(bookings, choice, strict=True):
            if s is None:
                cost += UNASSIGNED_PENALTY
                continue
            if s.lane != b.lane or s.hour < b.first:
                ok = False
                break
            load[s.id] = load.get(s.id, 0) + 1
            cost += b.weight * max(0, s.hour - b.requested)
        if ok and all(n <= s.capacity for s in slots for sid, n in load.items() if sid == s.id):
            best = min(best, cost)
    return best


@pytest.mark.parametrize("seed", range(12))
def test_lp_reslot_equals_brute_force(seed):
    rng = random.Random(seed)
    slots = [Slot(f"s{h}", "L", h, rng.randint(0, 2)) for h in range(4)]
    bookings = [
        Booking(i, "L", requested=rng.randint(0, 3), weight=rng.choice([1.0, 1.0, 2.5, 4.0]))
        for i in range(rng.randint(2, 5))
    ]
    opt = reslot_optimal(bookings, slots, window_hours=10)
    check_assignment(bookings, slots, opt)
    assert assignment_cost(bookings, slots, opt) == pytest.approx(_brute_force(bookings, slots))
    greedy = reslot_greedy(bookings, slots)
    check_assignment(bookings, slots, greedy)
    assert assignment_cost(bookings, slots, greedy) >= assignment_cost(bookings, slots, opt)


def test_lp_reslot_after_closure_is_integral_and_feasible():
    slots = hour_slots("HN:out", [0, 0, 3, 3, 3, 3])
    bookings = [Booking(i, "HN:out", requested=i % 3, weight=2.0 if i % 4 == 0 else 1.0,
                        current=f"HN:out@{i % 3}") for i in range(10)]
    opt = reslot_optimal(bookings, slots)
    check_assignment(bookings, slots, opt)
    assert None not in opt.values()
    greedy = reslot_greedy(bookings, slots)
    assert assignment_cost(bookings, slots, greedy) >= assignment_cost(bookings, slots, opt)


def test_reslot_in_simulation_respects_closure():
    sc = build_scenario("normal-day", seed=1, days=3, scale=0.2)
    sc = with_notices(sc, [GateNotice("HN", 30, 40, factor=0.0, lane=Lane.IN, announced_at=20)])
    res = simulate(sc, "booking")
    li = res.lanes.index("HN:in")
    assert not np.any((res.lane == li) & (res.crossed >= 30) & (res.crossed < 40))
    assert res.metrics["reslotted"] > 0


@pytest.mark.parametrize("rate", [3.0, 7.5, 40.0])
@pytest.mark.parametrize("queue", [0, 1, 12])
def test_forecast_is_exact_on_constant_rate(rate, queue):
    t0 = 100.0 + 0.123
    crossings = [t0 + i / rate for i in range(int(rate * 2) + 2)]
    now = crossings[-1] + 0.4 / rate
    # the truck crosses at the (queue + 1)-th crossing after now
    expected = crossings[-1] + (queue + 1) / rate - now
    assert estimate_wait(queue, crossings, now, window_hours=2.5) == pytest.approx(expected)


def test_forecast_counts_only_open_hours():
    rate = 10.0
    crossings = [21.0 + i / rate for i in range(10)]  # 21:00-21:54, gate closes 22:00
    now = 23.0
    wait = estimate_wait(5, crossings, now, open_from=7, open_to=22)
    # crossings continue in phase at 07:00 next day: 0.9 h of the last open hour used
    last = crossings[-1]
    open_left = 22.0 - last
    expected = (24 + 7 + (6 / rate - open_left)) - now
    assert wait == pytest.approx(expected)


def test_forecast_without_information():
    assert math.isinf(estimate_wait(3, [], 10.0))
    assert estimate_wait(3, [], 10.0, capacity_per_hour=2.0) == pytest.approx(1.75)


def test_report_table_and_charts(tmp_path, small_runs):
    _, runs = small_runs
    table = format_table(runs)
    for name in POLICIES:
        assert name in table
    assert "mean border wait" in table
    assert "Chờ trung bình" in format_table(runs, english=False)
    svg = queue_svg(runs)
    assert svg.startswith("<svg")
    assert "</svg>" in svg
    plot_queue(runs, str(tmp_path / "q.png"))
    assert (tmp_path / "q.png").read_bytes()[:4] == b"\x89PNG"
