"""Reads of the officer consoles and the tracking register (BM.06): every list goes
through the one row-level rule (`Dossier.objects.visible_to`)."""

from __future__ import annotations

import threading
from datetime import datetime

from django.db.models import Q, QuerySet

from tinhso.accounts.models import Role
from tinhso.core.workdays import WorkingCalendar
from tinhso.publicservices.access import agencies_of
from tinhso.publicservices.models import Dossier, DossierState, StepKind
from tinhso.publicservices.workflow import OPEN_STATES

S = DossierState
#: "Due soon": the due moment is within this many half working days (one working day).
DUE_SOON_HALF_DAYS = 2


def _base(user) -> QuerySet:
    return (Dossier.objects.visible_to(user)
            .select_related("procedure", "agency", "receiving_agency", "current_step"))


def my_dossiers(user) -> QuerySet:
    """The open dossiers whose current step is the user's, soonest due first."""
    return _base(user).filter(assignee=user, state__in=list(OPEN_STATES)).order_by(
        "due_at", "id")


def agency_open_dossiers(user) -> QuerySet:
    """Open dossiers of the agencies where the user heads a unit or leads (to assign)."""
    heads = agencies_of(user, {Role.HEAD_OF_UNIT, Role.AGENCY_LEADER})
    return _base(user).filter(agency_id__in=heads, state__in=list(OPEN_STATES)).order_by(
        "due_at", "id")


def reception_queue(user) -> QuerySet:
    """The desk's queue: dossiers waiting for reception (oldest first)."""
    desks = agencies_of(user, {Role.ONE_STOP_OFFICER})
    return _base(user).filter(agency_id__in=desks, state=S.SUBMITTED).order_by(
        "submitted_at", "id")


def results_to_return(user) -> QuerySet:
    desks = agencies_of(user, {Role.ONE_STOP_OFFICER})
    return _base(user).filter(receiving_agency_id__in=desks, state=S.RESOLVED).order_by(
        "resolved_at", "id")


def approval_list(user) -> QuerySet:
    """The leader's list: open dossiers at the approval step of the leader's agencies."""
    leads = agencies_of(user, {Role.AGENCY_LEADER})
    return _base(user).filter(agency_id__in=leads, state=S.PROCESSING,
                              current_step__kind=StepKind.APPROVAL).order_by("due_at", "id")


def online_catalogue(*, q: str = "", field: str = "", level: str = "",
                     online: str = "") -> QuerySet:
    """The procedures offered online, searched through `core.search` (accent-insensitive,
    best match first, then by code) and filtered by field, level and online level;
    unknown filter values are ignored. The page and the API both read this."""
    from tinhso.core import search
    from tinhso.publicservices.models import Level, OnlineLevel, Procedure

    rows = Procedure.objects.filter(is_active=True).exclude(online_level=OnlineLevel.NONE)
    if field:
        rows = rows.filter(field=field[:200])
    if level in Level.values:
        rows = rows.filter(level=level)
    if online in (OnlineLevel.FULL, OnlineLevel.PARTIAL):
        rows = rows.filter(online_level=online)
    q = (q or "")[:200].strip()
    if q:
        return search.search(rows, q).order_by(f"-{search.RANK}", "code")
    return rows.order_by("level", "field", "name")


def register(user, low: datetime, high: datetime) -> QuerySet:
    """The tracking register (sổ theo dõi hồ sơ, BM.06): dossiers received in the period,
    in order of reception."""
    return _base(user).filter(
        Q(received_at__gte=low, received_at__lt=high)).order_by("received_at", "id")


def due_class(dossier: Dossier, now: datetime, soon_limit: datetime) -> str:
    """``overdue`` / ``due-soon`` / ``""`` for the colour of a line (a paused clock is
    never overdue)."""
    due = dossier.effective_due_at
    if dossier.state not in OPEN_STATES or due is None or dossier.state == S.SUPPLEMENT:
        return ""
    if due < now:
        return "overdue"
    if due <= soon_limit:
        return "due-soon"
    return ""


_CALENDARS: dict[frozenset, WorkingCalendar] = {}
_BUILDING = threading.Lock()


def cached_calendar() -> WorkingCalendar:
    """`core.selectors.working_calendar`, built once per process for a given set of the
    admins' overrides (read on every call, one small query), so a console page does not
    rebuild the working-day index each time. Any change of the overrides gives a new
    key, hence a new calendar."""
    from django.conf import settings

    from tinhso.core.models import CalendarOverride

    key = frozenset(CalendarOverride.objects.values_list("date", "is_working_day"))
    key = key | {("hours", settings.WORKING_HOURS), ("tz", settings.TIME_ZONE)}
    calendar = _CALENDARS.get(key)
    if calendar is None:
        from django.utils import timezone

        from tinhso.core.selectors import working_calendar

        with _BUILDING:
            calendar = working_calendar()
            # Build the index now (around today, years ahead): later reads in that window
            # do not change the shared object, so threads may use it together.
            calendar.add_half_days(timezone.now(), DUE_SOON_HALF_DAYS)
            _CALENDARS.clear()  # one live set of overrides at a time
            _CALENDARS[key] = calendar
    return calendar


def soon_limit(calendar: WorkingCalendar, now: datetime) -> datetime:
    return calendar.add_half_days(now, DUE_SOON_HALF_DAYS)
