"""Periodic work: `tick()` enqueues each task of `settings.PERIODIC_TASKS` once per period.

Periods are aligned to the Unix epoch (every 120 s: 09:30:00, 09:32:00 …), so every
scheduler process agrees on them, and a `PeriodicRun` row per task records the last period
enqueued. Claiming a period is one conditional UPDATE in the same transaction as the
enqueue (the database backend's queue is a table of the same database): when two
schedulers run at once, exactly one enqueues, and a failed enqueue claims nothing. A
scheduler that was down does not replay the periods it missed: it enqueues the current one.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from tinhso.core.models import PeriodicRun

logger = logging.getLogger("tinhso.scheduler")


def period_start(now: datetime, every: int) -> datetime:
    return datetime.fromtimestamp(int(now.timestamp()) // every * every, tz=UTC)


def tick(*, now: datetime | None = None) -> list[str]:
    """Enqueue the periodic tasks whose period has come round; their names."""
    now = now or timezone.now()
    enqueued = []
    last = dict(PeriodicRun.objects.values_list("name", "period_start"))
    for name, spec in settings.PERIODIC_TASKS.items():
        start = period_start(now, int(spec["every"]))
        if name not in last:
            PeriodicRun.objects.get_or_create(name=name)
        elif last[name] is not None and last[name] >= start:
            continue  # most ticks: nothing due, and no write (SQLite's lock stays free)
        try:
            with transaction.atomic():
                claimed = PeriodicRun.objects.filter(
                    Q(period_start__isnull=True) | Q(period_start__lt=start), name=name,
                ).update(period_start=start, enqueued_at=now)
                if not claimed:
                    continue  # this period is enqueued already (maybe by another scheduler)
                result = import_string(spec["task"]).enqueue()
                PeriodicRun.objects.filter(name=name).update(task_id=str(result.id))
        except Exception:
            logger.exception("periodic task %s could not be enqueued", name)
            continue
        enqueued.append(name)
    return enqueued
