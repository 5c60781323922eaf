"""The finished dossiers' Decision 766 counts, kept per cohort day and agency
(`FinishedDay`), so a province-year reads a few tens of thousands of summary rows plus the
dossiers still open instead of every dossier of the year.

Why only the finished ones: a returned, refused or withdrawn dossier has no transition
left (`workflow.FINAL_STATES`), so nothing it is counted by (cohort moment, agency,
channel, state, outcome, pauses, fee, result document) changes after its last
transition. `record_finished` adds it once, in that transition's transaction
(`services.transition`); a rolled-back transition adds nothing. The open dossiers (about
one in seven in a year) are counted live from the partial index of migration 0007, with
"overdue" judged at ``now`` as before. `rebuild` recomputes the table from the dossiers
with the same aggregate expressions as the live count (after a bulk load, or to check).
"""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from tinhso.publicservices.models import (
    Channel,
    Dossier,
    DossierState,
    FinishedDay,
    Timeliness,
)
from tinhso.publicservices.workflow import FINAL_STATES, RESOLVED_STATES

COUNTERS = ("received", "received_online", "received_desk", "resolved", "resolved_on_time",
            "resolved_late", "supplemented", "supplement_requests", "refused", "withdrawn",
            "fee_dossiers", "fee_paid_online", "results_digitised")
FINISHED = Q(state__in=sorted(FINAL_STATES))


def cohort_day(dossier: Dossier) -> date | None:
    moment = dossier.received_at or dossier.submitted_at
    return timezone.localtime(moment).date() if moment else None


def contribution(d: Dossier) -> dict[str, int]:
    """What one finished dossier adds to each counter: the same rules as the live
    aggregates of `statistics._aggregates`, for one row."""
    received = d.received_at is not None
    online = d.channel in (Channel.PORTAL, Channel.ONLINE)
    resolved = d.state in RESOLVED_STATES
    fee = received and d.fee_vnd > 0
    return {
        "received": received, "received_online": received and online,
        "received_desk": received and d.channel == Channel.DESK,
        "resolved": resolved,
        "resolved_on_time": resolved and d.outcome in (Timeliness.EARLY, Timeliness.ON_TIME),
        "resolved_late": resolved and d.outcome == Timeliness.LATE,
        "supplemented": d.pause_count > 0, "supplement_requests": d.pause_count,
        "refused": d.state == DossierState.REFUSED,
        "withdrawn": d.state == DossierState.WITHDRAWN,
        "fee_dossiers": fee, "fee_paid_online": fee and online and d.fee_paid_at is not None,
        "results_digitised": resolved and d.result_file != "",
    }


def record_finished(dossier: Dossier) -> None:
    """Add a dossier that has just reached a final state (inside its transaction): one
    upsert that adds to the day's row, so concurrent transitions never lose a count."""
    if dossier.state not in FINAL_STATES:
        raise ValueError(f"dossier {dossier.pk} is not finished")
    day = cohort_day(dossier)
    if day is None:  # a draft dropped before submission is in no period
        return
    values = {name: int(value) for name, value in contribution(dossier).items()}
    table = FinishedDay._meta.db_table
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in COUNTERS)
    adds = ", ".join(f"{quote(n)} = {table}.{quote(n)} + excluded.{quote(n)}" for n in COUNTERS)
    marks = ", ".join(["%s"] * (len(COUNTERS) + 2))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, agency_id, {columns}) VALUES ({marks}) "
            f"ON CONFLICT (day, agency_id) DO UPDATE SET {adds}",
            [connection.ops.adapt_datefield_value(day), dossier.agency_id,
             *(values[n] for n in COUNTERS)])


def rebuild() -> int:
    """Recompute the whole table from the finished dossiers (one grouped query, the live
    count's own expressions); the number of rows written."""
    from tinhso.publicservices.statistics import COHORT_MOMENT, _aggregates

    aggregates = {k: v for k, v in _aggregates(timezone.now()).items() if k in COUNTERS}
    rows = (Dossier.objects.filter(FINISHED)
            .annotate(day=TruncDate(COHORT_MOMENT, tzinfo=timezone.get_current_timezone()))
            .exclude(day=None).values("day", "agency_id").annotate(**aggregates).order_by())
    with transaction.atomic():
        FinishedDay.objects.all().delete()
        made = FinishedDay.objects.bulk_create(
            [FinishedDay(**{k: v or 0 for k, v in row.items()}) for row in rows],
            batch_size=5000)
    return len(made)
