"""Border scheduling and simulation engine (pure Python, no Django).

Public API used by the border app's services:

* :func:`nearest_free_slots` / :func:`nearest_free` — the online booking rule;
* :func:`reslot_optimal` / :func:`reslot_greedy` — re-slotting after a gate notice;
* :func:`estimate_wait` — the estimated wait shown on the public page;
* :func:`build_scenario`, :func:`simulate`, :func:`run_policies` — what-if simulation;
* :func:`format_table`, :func:`plot_queue`, :func:`queue_svg` — reports.
"""

from .forecast import backtest, estimate_wait
from .model import Direction, Gate, GateNotice, GoodsCategory, Lane, Scenario, Truck, lane_key
from .report import format_table, metrics_dict, plot_queue, queue_svg
from .reslot import (
    Booking,
    Slot,
    assignment_cost,
    check_assignment,
    hour_slots,
    perishable_weight,
    reslot_greedy,
    reslot_optimal,
)
from .scenarios import SCENARIOS, build_scenario
from .simulate import POLICIES, PolicyConfig, SimResult, policy, run_policies, simulate
from .slots import SlotState, capacity_in_force, free_places, nearest_free, nearest_free_slots

__all__ = [
    "POLICIES",
    "SCENARIOS",
    "Booking",
    "Direction",
    "Gate",
    "GateNotice",
    "GoodsCategory",
    "Lane",
    "PolicyConfig",
    "Scenario",
    "SimResult",
    "Slot",
    "SlotState",
    "Truck",
    "assignment_cost",
    "backtest",
    "build_scenario",
    "capacity_in_force",
    "check_assignment",
    "estimate_wait",
    "format_table",
    "free_places",
    "hour_slots",
    "lane_key",
    "metrics_dict",
    "nearest_free",
    "nearest_free_slots",
    "perishable_weight",
    "plot_queue",
    "policy",
    "queue_svg",
    "reslot_greedy",
    "reslot_optimal",
    "run_policies",
    "simulate",
]
