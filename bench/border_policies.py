"""Border policies side by side, re-slotting gap to the LP optimum, forecast error, timings.

Run: ``.venv/bin/python bench/border_policies.py [--seed 1]``. The last line printed is
one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from tinhso.border.engine import (  # noqa: E402
    SCENARIOS,
    Booking,
    GateNotice,
    Lane,
    assignment_cost,
    backtest,
    build_scenario,
    check_assignment,
    format_table,
    hour_slots,
    perishable_weight,
    reslot_greedy,
    reslot_optimal,
    run_policies,
)
from tinhso.border.engine.scenarios import with_notices  # noqa: E402


def reslot_bench(seed: int, n_bookings: int = 10_000) -> dict:
    """10,000 bookings of a normal week placed by the online rule, then a notice: Hữu
    Nghị closed for a day and Tân Thanh outbound at half capacity for three days. Every
    booking of the week is re-assigned: online rule (keep if possible, else nearest
    free) against the LP optimum."""
    sc = build_scenario("normal-day", seed, days=9)
    trucks = sorted(sc.trucks, key=lambda t: t.wants_arrival_at)[:n_bookings]
    hours = sc.hours
    bookings = []
    for t in trucks:
        requested = int(math.floor(t.wants_arrival_at + 0.75))
        weight = perishable_weight(t.deadline - requested) if t.perishable else 1.0
        bookings.append(Booking(t.id, t.lane, requested, weight=weight))
    before = [s for lane in sc.lanes for s in hour_slots(lane, sc.hourly_capacity(lane, hours))]
    current = reslot_greedy(bookings, before)
    bookings = [replace(b, current=current[b.id]) for b in bookings]
    after_sc = with_notices(sc, [
        GateNotice("HN", 48, 72, factor=0.0, reason="Hữu Nghị closed for a day"),
        GateNotice("TT", 48, 120, factor=0.5, lane=Lane.OUT, reason="Tân Thanh out at 50 %"),
    ])
    after = [s for lane in after_sc.lanes
             for s in hour_slots(lane, after_sc.hourly_capacity(lane, hours))]
    t0 = time.perf_counter()
    greedy = reslot_greedy(bookings, after)
    t_greedy = time.perf_counter() - t0
    t0 = time.perf_counter()
    optimal = reslot_optimal(bookings, after, window_hours=96)
    t_lp = time.perf_counter() - t0
    check_assignment(bookings, after, greedy)
    check_assignment(bookings, after, optimal)
    cost_g = assignment_cost(bookings, after, greedy)
    cost_o = assignment_cost(bookings, after, optimal)
    classes = len({(b.lane, b.requested, b.first, b.weight) for b in bookings})
    return {
        "bookings": len(bookings),
        "classes": classes,
        "affected": sum(greedy[b.id] != b.current for b in bookings),
        "unassigned_greedy": sum(v is None for v in greedy.values()),
        "unassigned_optimal": sum(v is None for v in optimal.values()),
        "cost_greedy": round(cost_g, 2),
        "cost_optimal": round(cost_o, 2),
        "gap_pct": round(100 * (cost_g / cost_o - 1), 2) if cost_o else 0.0,
        "time_greedy_s": round(t_greedy, 3),
        "time_lp_s": round(t_lp, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    out: dict = {"seed": args.seed, "scenarios": {}}
    for name in SCENARIOS:
        t0 = time.perf_counter()
        sc = build_scenario(name, args.seed)
        t_build = time.perf_counter() - t0
        t0 = time.perf_counter()
        runs = run_policies(sc)
        t_all = time.perf_counter() - t0
        forecast = backtest(runs["walk-in"], sc)
        gates = len(sc.gates)
        print(f"\n=== {name}: {len(sc.trucks):,} trucks, {sc.hours // 24} days, {gates} gates "
              f"(seed {args.seed}) ===")
        print(format_table(runs))
        print(f"build {t_build:.2f} s, four policies {t_all:.2f} s; forecast MAE "
              f"{forecast['mae_h']:.3f} h on a mean wait of {forecast['mean_wait_h']:.2f} h "
              f"({100 * forecast['mae_ratio']:.1f} %, {forecast['n']:,} walk-in trucks)")
        entry = {
            "trucks": len(sc.trucks), "days": sc.hours // 24, "gates": gates,
            "build_s": round(t_build, 3), "all_policies_s": round(t_all, 3),
            "policies": {p: r.metrics for p, r in runs.items()}, "forecast": forecast,
        }
        if name == "winter-2021":
            queue_mid_dec = float(runs["walk-in"].queue[14 * 24])
            entry["walk_in_queue_15_dec"] = queue_mid_dec
            print(f"walk-in queue on 15/12/2021: {queue_mid_dec:,.0f} trucks "
                  "(published: 4,550)")
        out["scenarios"][name] = entry

    print("\n=== re-slotting after a notice (normal week, Hữu Nghị closed 24 h, "
          "Tân Thanh out at 50 % for 3 days) ===")
    rs = reslot_bench(args.seed)
    out["reslot"] = rs
    print(f"{rs['bookings']:,} bookings in {rs['classes']:,} classes, "
          f"{rs['affected']:,} moved by the online rule")
    print(f"weighted lateness: online {rs['cost_greedy']:,.0f}, optimum {rs['cost_optimal']:,.0f}"
          f" -> online gap {rs['gap_pct']:.2f} %; LP {rs['time_lp_s']:.2f} s, "
          f"greedy {rs['time_greedy_s']:.3f} s")

    winter = out["scenarios"]["winter-2021"]["policies"]
    normal = out["scenarios"]["normal-day"]
    wait_ratio = winter["booking+priority+advisory"]["wait_mean_h"] / winter["walk-in"][
        "wait_mean_h"]
    sim_s = max(m["runtime_s"] for m in normal["policies"].values())
    targets = {
        "winter_wait_ratio": round(wait_ratio, 4),
        "winter_wait_ratio_ok": wait_ratio <= 0.05,
        "winter_spoiled_advisory": winter["booking+priority+advisory"]["spoiled"],
        "winter_spoiled_ok": winter["booking+priority+advisory"]["spoiled"] == 0,
        "reslot_10k_s": rs["time_lp_s"],
        "reslot_ok": rs["time_lp_s"] < 2.0,
        "sim_30d_4gates_trucks": normal["trucks"],
        "sim_30d_4gates_slowest_policy_s": sim_s,
        "sim_30d_4gates_build_plus_all_policies_s": round(
            normal["build_s"] + normal["all_policies_s"], 3),
        "sim_ok": normal["build_s"] + normal["all_policies_s"] < 10.0,
        "forecast_mae_ratio_normal": normal["forecast"]["mae_ratio"],
        "forecast_ok": normal["forecast"]["mae_ratio"] < 0.15,
    }
    out["targets"] = targets
    print("\n=== targets ===")
    for k, v in targets.items():
        print(f"{k:42s} {v}")
    print(json.dumps(out, ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    main()
