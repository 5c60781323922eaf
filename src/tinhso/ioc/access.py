"""Who sees which indicators and which communes' figures: the one rule the pages, the API
and the reports ask.

- the province leader, the operations centre and the administrator: everything;
- an agency's data officer: the agency's own indicators plus the public ones,
  for the province and every commune;
- a commune officer: the public indicators, only for the commune(s) of their organisation
  (`market.CommuneOffice`), never the province row (an indicator's own page shows its
  province figure, which for a public one is open data anyway; so a private indicator
  with figures per commune, such as fee revenue by the gate's commune, stays with its
  owner agency and the centre);
- anyone else (anonymous): nothing here; the open-data page shows the public indicators.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tinhso.accounts.models import Role
from tinhso.accounts.permissions import has_perm, organizations_with_role

AGENCY_ROLES = {Role.DATA_OFFICER}


def sees_everything(user) -> bool:
    return has_perm(user, "ioc.view_all")


def commune_ids(user) -> set[int]:
    from tinhso.market.models import CommuneOffice

    orgs = organizations_with_role(user, {Role.COMMUNE_OFFICER})
    return set(CommuneOffice.objects.filter(organization_id__in=orgs)
               .values_list("commune_id", flat=True))


def communes_visible_to(user) -> set[int] | None:
    """None = the province row and every commune; else only these communes' ids."""
    if sees_everything(user) or organizations_with_role(user, AGENCY_ROLES):
        return None
    return commune_ids(user)


def indicators_visible_to(rows: QuerySet, user) -> QuerySet:
    if not has_perm(user, "ioc.dashboard"):
        return rows.none()
    if sees_everything(user):
        return rows
    agencies = organizations_with_role(user, AGENCY_ROLES)
    if agencies:
        return rows.filter(Q(owner_id__in=agencies) | Q(is_public=True))
    return rows.filter(is_public=True)


def snapshots_visible_to(rows: QuerySet, user) -> QuerySet:
    from tinhso.ioc.models import Indicator

    rows = rows.filter(indicator__in=Indicator.objects.visible_to(user))
    communes = communes_visible_to(user)
    if communes is not None:
        rows = rows.filter(commune_id__in=communes)
    return rows
