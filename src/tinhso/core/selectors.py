from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet

from tinhso.core.models import AuditEntry, CalendarOverride
from tinhso.core.workdays import WorkingCalendar, parse_working_hours


def working_calendar() -> WorkingCalendar:
    """The national calendar plus the overrides the admins keep in the database (swapped
    Saturdays, extra days off), with the agencies' working hours (`settings.WORKING_HOURS`).
    Build one per request or task and reuse it: its index is built on first use."""
    overrides = dict(CalendarOverride.objects.values_list("date", "is_working_day"))
    return WorkingCalendar(overrides=overrides, hours=parse_working_hours(settings.WORKING_HOURS),
                           tz=ZoneInfo(settings.TIME_ZONE))


def audit_entries(
    *,
    action: str = "",
    object_type: str = "",
    actor: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.select_related("actor", "organization")
    if action:
        entries = entries.filter(action__icontains=action)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if actor:
        entries = entries.filter(actor_label__icontains=actor)
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    return entries
