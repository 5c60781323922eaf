"""The date range a report page is asked for in its query string."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.errors import FieldCollector, InvalidInput
from tinhso.core.language import current_language
from tinhso.core.validators import check_date_in_window


def requested_period(query: Mapping[str, str], *, days: int = 7) -> tuple[date, date]:
    """``start`` and ``end`` as ISO dates. A missing or impossible one (``2026-02-30``)
    falls back to the last ``days`` days up to today; ends given the wrong way round are
    swapped. A date outside the years every input keeps to (`validators.EARLIEST_YEAR`–
    `LATEST_YEAR`) raises `InvalidInput` naming ``start`` and/or ``end``."""
    today = timezone.localdate()
    check = FieldCollector()
    start = check.field("start", _iso_date, query.get("start"), "start")
    end = check.field("end", _iso_date, query.get("end"), "end")
    check.raise_if_invalid()
    start = start or today - timedelta(days=days - 1)
    end = end or today
    return (start, end) if start <= end else (end, start)


def default_period(*, days: int = 7) -> tuple[date, date]:
    """The last ``days`` days up to today: what a report shows when asked for nothing."""
    today = timezone.localdate()
    return today - timedelta(days=days - 1), today


def _iso_date(text: str | None, field: str) -> date | None:
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return None
    return check_date_in_window(day, field)


def period_for_page(request, *, days: int = 7) -> tuple[date, date, int]:
    """`requested_period` of a report page's query string, and the status to answer with:
    a date out of range is named in an error message on the page, which then shows the
    default period with status 422 (never a 500)."""
    try:
        start, end = requested_period(request.GET, days=days)
    except InvalidInput as error:
        labels = {"start": _("From"), "end": _("To")}
        for problem in error.errors:
            messages.error(request, f"{labels.get(problem.field, problem.field)}: "
                                    f"{problem.message(current_language())}")
        start, end = default_period(days=days)
        return start, end, 422
    return start, end, 200
