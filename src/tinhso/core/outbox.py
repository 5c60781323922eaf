"""Outbox delivery: the attempt bookkeeping shared by every `OutboxEntry` model.

A delivery task calls `claim()`, talks to the outside world *outside* any transaction (a
slow SMS gateway must not hold a database lock), then records the outcome with
`delivered()` or `failed()`. Every step is one conditional UPDATE, so two workers handed
the same entry (a retry and the periodic sweep, say) never both deliver it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F, Q

from tinhso.core.models import OutboxEntry, OutboxState

#: How long an attempt may run before the entry is due again (the worker died mid-send).
LEASE = timedelta(minutes=10)
#: Waits between attempts: 1, 2, 4, 8 … minutes, never more than an hour.
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
#: The periodic sweep re-enqueues only entries overdue by this much: a due entry normally
#: has its delivery task queued already.
SWEEP_GRACE = timedelta(minutes=5)
ERROR_CHARS = 2000


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def claim(model: type[OutboxEntry], pk: int, *, now: datetime) -> OutboxEntry | None:
    """Start an attempt on a pending entry that is due (or never tried); None when it is
    delivered, failed, not due yet, or another worker holds it."""
    won = model.objects.filter(
        Q(attempts=0) | Q(next_attempt_at__lte=now), pk=pk, state=OutboxState.PENDING,
    ).update(attempts=F("attempts") + 1, last_attempt_at=now, next_attempt_at=now + LEASE)
    return model.objects.get(pk=pk) if won else None


def delivered(entry: OutboxEntry, *, now: datetime) -> None:
    entry.state, entry.delivered_at, entry.next_attempt_at = OutboxState.DELIVERED, now, None
    type(entry).objects.filter(pk=entry.pk).update(
        state=entry.state, delivered_at=now, next_attempt_at=None)


def failed(entry: OutboxEntry, error: BaseException, *, now: datetime,
           max_attempts: int) -> None:
    """Record a failed attempt: due again after the backoff, or failed for good once the
    attempts are spent."""
    entry.last_error = f"{type(error).__name__}: {error}"[:ERROR_CHARS]
    if entry.attempts >= max_attempts:
        entry.state, entry.next_attempt_at = OutboxState.FAILED, None
    else:
        entry.next_attempt_at = now + backoff(entry.attempts)
    type(entry).objects.filter(pk=entry.pk).update(
        state=entry.state, next_attempt_at=entry.next_attempt_at, last_error=entry.last_error)


def overdue(model: type[OutboxEntry], *, now: datetime, limit: int = 500) -> list[int]:
    """Pending entries whose delivery should have happened a while ago: the enqueue was
    lost, the backend cannot defer a retry, or a worker died holding the lease."""
    return list(model.objects.filter(state=OutboxState.PENDING,
                                     next_attempt_at__lte=now - SWEEP_GRACE)
                .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


def retry_now(model: type[OutboxEntry], pks, *, now: datetime) -> int:
    """An operator's "try again": failed or waiting entries become due at once (one more
    attempt for a failed one)."""
    return model.objects.filter(pk__in=pks).exclude(state=OutboxState.DELIVERED).update(
        state=OutboxState.PENDING, next_attempt_at=now)
