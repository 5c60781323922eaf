"""The date range a report page is asked for in its query string."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from django.utils import timezone


def requested_period(query: Mapping[str, str], *, days: int = 7) -> tuple[date, date]:
    """``start`` and ``end`` as ISO dates. A missing or impossible one (``2026-02-30``)
    falls back to the last ``days`` days up to today; ends given the wrong way round are
    swapped."""
    today = timezone.localdate()
    start = _iso_date(query.get("start")) or today - timedelta(days=days - 1)
    end = _iso_date(query.get("end")) or today
    return (start, end) if start <= end else (end, start)


def _iso_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None
