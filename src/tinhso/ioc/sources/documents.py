"""Official documents. The documents app's `statistics` is per agency and per reader, so
the province-wide figures are counted here from its models:

- agencies on electronic documents: of the active agencies on the platform, the share
  that issued at least one document through it in the period;
- signed documents: of the documents issued in the period, the share carrying a digitally
  signed file."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from tinhso.ioc.rules import Period
from tinhso.ioc.sources import Figures, register, share


def _issued(period: Period, now: datetime):
    from tinhso.documents.models import OutgoingDocument, OutgoingState

    tz = timezone.get_current_timezone()
    start = datetime.combine(period.start, time.min, tz)
    end = min(datetime.combine(period.end + timedelta(days=1), time.min, tz), now)
    return OutgoingDocument.objects.filter(state=OutgoingState.ISSUED, issued_at__gte=start,
                                           issued_at__lt=end)


@register("documents.agencies_electronic")
def agencies_electronic(period: Period, now: datetime) -> Figures:
    from tinhso.documents.models import Agency

    agencies = Agency.objects.filter(is_active=True, organization__isnull=False)
    issuing = _issued(period, now).filter(agency__in=agencies).values("agency").distinct()
    return Figures(share(issuing.count(), agencies.count()))


@register("documents.signed_share")
def signed_share(period: Period, now: datetime) -> Figures:
    counts = _issued(period, now).aggregate(n=Count("id"), signed=Count(
        "id", filter=~Q(signed_file="")))
    return Figures(share(counts["signed"], counts["n"]))
