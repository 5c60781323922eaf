"""What-if simulations for the gate board, run in the background.

`start_run` records the request and queues the task once the row is committed; the task
(`border.tasks.run_whatif`) calls `run`, which simulates policy by policy, writing its
progress on the row so that the page (any web worker) can show it, then the result.
The engine is imported inside `run`: it pulls in numpy and matplotlib, which the web
process does not need for anything else.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from tinhso.border.models import WhatIfRun

logger = logging.getLogger("tinhso.border.whatif")
R = WhatIfRun.State

#: Simulated days per scenario: long enough to show the policies apart.
WHATIF_DAYS = {"normal-day": 7, "harvest-peak": 21, "winter-2021": 45}
ALL_POLICIES = "all"
#: A run still "running" after this long lost its worker (a restart, a crash).
STALE_AFTER = timedelta(minutes=30)


def _policies(policy: str) -> list[str]:
    from tinhso.border.engine import POLICIES

    return list(POLICIES) if policy == ALL_POLICIES else [policy]


def start_run(*, actor, scenario: str, capacity_change: int, policy: str, seed: int
              ) -> WhatIfRun:
    """Queue a simulation. The same request from the same person while an identical one
    is still waiting or running gets that run back, not a second one."""
    params = {"scenario": scenario, "capacity_change": capacity_change, "policy": policy,
              "seed": seed}
    with transaction.atomic():
        pending = WhatIfRun.objects.filter(
            requested_by=actor, state__in=[R.QUEUED, R.RUNNING],
            created_at__gte=timezone.now() - STALE_AFTER, **params).first()
        if pending is not None:
            return pending
        run = WhatIfRun.objects.create(requested_by=actor, steps_total=len(_policies(policy)) + 2,
                                       **params)
        transaction.on_commit(partial(_enqueue, run.pk), robust=True)
    return run


def _enqueue(run_id: int) -> None:
    from tinhso.border.tasks import run_whatif

    try:
        result = run_whatif.enqueue(run_id)
    except Exception as error:
        logger.exception("what-if run %s could not be queued", run_id)
        WhatIfRun.objects.filter(pk=run_id, state=R.QUEUED).update(
            state=R.FAILED, error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now())
        return
    WhatIfRun.objects.filter(pk=run_id).update(task_id=str(result.id))


def run(run_id: int) -> str:
    """Simulate a queued run (the background task). A run that is not waiting any more
    (done, failed, taken by another worker) is left alone: running the task twice is safe."""
    from tinhso.border.engine import build_scenario, metrics_dict, queue_svg, simulate

    now = timezone.now()
    if not WhatIfRun.objects.filter(pk=run_id, state=R.QUEUED).update(
            state=R.RUNNING, started_at=now):
        return WhatIfRun.objects.filter(pk=run_id).values_list("state", flat=True).first() or ""
    run = WhatIfRun.objects.get(pk=run_id)
    step = partial(_progress, run_id)
    try:
        scenario = build_scenario(run.scenario, run.seed, days=WHATIF_DAYS[run.scenario],
                                  capacity_change_pct=run.capacity_change)
        step(1)
        results = {}
        for n, policy in enumerate(_policies(run.policy), start=2):
            result = simulate(scenario, policy)
            results[result.policy] = result
            step(n)
        chart = queue_svg(results)
    except Exception as error:
        WhatIfRun.objects.filter(pk=run_id).update(
            state=R.FAILED, error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now())
        raise
    WhatIfRun.objects.filter(pk=run_id).update(
        state=R.DONE, steps_done=run.steps_total, finished_at=timezone.now(), chart_svg=chart,
        result={"description": scenario.description, "start": scenario.start.isoformat(),
                "days": scenario.hours // 24, "trucks": len(scenario.trucks),
                "metrics": metrics_dict(results)})
    return R.DONE


def _progress(run_id: int, steps_done: int) -> None:
    WhatIfRun.objects.filter(pk=run_id).update(steps_done=steps_done)


def is_stale(run: WhatIfRun, now=None) -> bool:
    """A run left `queued` or `running` for too long: its worker is gone."""
    return not run.finished and (now or timezone.now()) - (run.started_at or run.created_at) \
        > STALE_AFTER
