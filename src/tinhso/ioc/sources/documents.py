"""Official documents. The documents app's `statistics` is per agency and per reader, so
the province-wide figures are counted here from its models:

- agencies on electronic documents: of the active agencies on the platform, the share
  that issued at least one document through it in the period;
- signed documents: of the documents issued in the period, the share carrying a digitally
  signed file.

Each commune's figure counts the agencies of that commune: those whose organisation is the
commune's People's Committee (`market.CommuneOffice`, the same link that gives a commune
officer their commune). Province departments count for the province only."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from tinhso.ioc.rules import Period
from tinhso.ioc.sources import Figures, register, share

COMMITTEES = gettext_noop("Only the communes whose People's Committee is on the platform "
                          "have this figure: a document counts in the commune of the "
                          "committee that issued it.")


def _issued(period: Period, now: datetime):
    from tinhso.documents.models import OutgoingDocument, OutgoingState

    tz = timezone.get_current_timezone()
    start = datetime.combine(period.start, time.min, tz)
    end = min(datetime.combine(period.end + timedelta(days=1), time.min, tz), now)
    return OutgoingDocument.objects.filter(state=OutgoingState.ISSUED, issued_at__gte=start,
                                           issued_at__lt=end)


def _agency_communes(agency_ids) -> dict[int, int]:
    """Documents agency id → commune code, for the agencies that are a commune's office."""
    from tinhso.documents.models import Agency
    from tinhso.market.models import CommuneOffice

    office = dict(CommuneOffice.objects.values_list("organization_id", "commune__code"))
    return {pk: office[org] for pk, org in Agency.objects.filter(pk__in=agency_ids)
            .values_list("pk", "organization_id") if org in office}


@register("documents.agencies_electronic", some_communes=COMMITTEES)
def agencies_electronic(period: Period, now: datetime) -> Figures:
    from tinhso.documents.models import Agency

    agencies = set(Agency.objects.filter(is_active=True, organization__isnull=False)
                   .values_list("pk", flat=True))
    issuing = set(_issued(period, now).filter(agency__in=agencies)
                  .values_list("agency", flat=True).distinct())
    per: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for pk, code in _agency_communes(agencies).items():
        per[code][0] += pk in issuing
        per[code][1] += 1
    return Figures(share(len(issuing), len(agencies)),
                   {code: share(*counts) for code, counts in per.items()})


@register("documents.signed_share", some_communes=COMMITTEES)
def signed_share(period: Period, now: datetime) -> Figures:
    from tinhso.documents.models import Agency

    per_agency = list(_issued(period, now).values("agency").annotate(
        n=Count("id"), signed=Count("id", filter=~Q(signed_file=""))).order_by()
        .values_list("agency", "n", "signed"))
    communes = _agency_communes({row[0] for row in per_agency} | set(
        Agency.objects.filter(is_active=True, organization__isnull=False)
        .values_list("pk", flat=True)))
    # A committee on the platform that issued nothing: its commune has "no figure yet".
    per: dict[int, list[int]] = {code: [0, 0] for code in communes.values()}
    for agency_id, n, signed in per_agency:
        if agency_id in communes:
            per[communes[agency_id]][0] += signed
            per[communes[agency_id]][1] += n
    return Figures(share(sum(r[2] for r in per_agency), sum(r[1] for r in per_agency)),
                   {code: share(*counts) for code, counts in per.items()})
