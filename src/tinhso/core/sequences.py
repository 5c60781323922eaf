"""Gapless numbering per scope and period: dossier codes, document numbers, receipts.

``next_number(scope, period)`` hands out 1, 2, 3 … for each (scope, period) pair, e.g.
``("dossier:H20.01", "261130")`` for a daily series or ``("receipt:bql", "2026")`` for a
yearly one. It must be called inside the caller's ``transaction.atomic()``: the counter
row is incremented there and stays locked until that transaction ends, so

* two concurrent callers never get the same number (the second waits for the first's
  commit and then reads the incremented value), and
* a caller whose transaction rolls back gives its number back: nothing is skipped.

The price is that writers of one series are serialised for the rest of their
transaction; keep the call late in it (after the validation that may fail).
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from tinhso.core.models import SequenceCounter

__all__ = ["next_number", "current_number"]

_SCOPE_MAX = SequenceCounter._meta.get_field("scope").max_length
_PERIOD_MAX = SequenceCounter._meta.get_field("period").max_length


def next_number(scope: str, period: str = "") -> int:
    """The next number of the series, counted inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_number() must be called inside transaction.atomic(): "
                           "otherwise a failed write would skip its number.")
    if not scope or len(scope) > _SCOPE_MAX or len(period) > _PERIOD_MAX:
        raise ValueError(f"bad series {scope!r}/{period!r}")
    series = SequenceCounter.objects.filter(scope=scope, period=period)
    # The UPDATE takes the row lock, held until the caller commits or rolls back.
    if not series.update(last=F("last") + 1):
        try:
            with transaction.atomic():  # a savepoint: a lost race must not spoil the caller
                SequenceCounter.objects.create(scope=scope, period=period, last=1)
            return 1
        except IntegrityError:
            # Another transaction created the row first (and committed): count after it.
            series.update(last=F("last") + 1)
    return series.values_list("last", flat=True).get()


def current_number(scope: str, period: str = "") -> int:
    """The last number handed out (0 if none): for displays and checks, never to allocate."""
    return (SequenceCounter.objects.filter(scope=scope, period=period)
            .values_list("last", flat=True).first() or 0)
