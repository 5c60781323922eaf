"""Row-level access to dossiers: one rule, used by every list, detail and action.

An officer works for the agencies whose organisation they hold an officer role in; they
see the dossiers their agency handles now or received (the receiving desk returns the
result after a transfer). A citizen sees the dossiers they applied for. Another
agency's dossier does not exist for an officer: a detail or an action answers 404.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.http import Http404

from tinhso.accounts.models import Role
from tinhso.accounts.permissions import organizations_with_role, roles_of

OFFICER_ROLES = frozenset({Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.HEAD_OF_UNIT,
                           Role.AGENCY_LEADER})
#: Read-only, province-wide (statistics, operations room).
PROVINCE_ROLES = frozenset({Role.PROVINCE_LEADER})


def agencies_of(user, roles: Iterable[str] = OFFICER_ROLES) -> set[int]:
    """Ids of the agencies the user works for in one of ``roles``."""
    from tinhso.publicservices.models import Agency

    orgs = organizations_with_role(user, roles)
    if not orgs:
        return set()
    # Cached on the user for the request, like its roles (a console asks several times).
    cache = user.__dict__.setdefault("_tinhso_agencies", {})
    key = frozenset(orgs)
    if key not in cache:
        cache[key] = set(Agency.objects.filter(organization_id__in=orgs)
                         .values_list("pk", flat=True))
    return set(cache[key])


def dossier_filter_for(user) -> Q:
    if getattr(user, "is_superuser", False) and user.is_active:
        return Q()
    if user is None or not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    rule = Q(applicant_user_id=user.pk)
    held = {role for role, _org in roles_of(user)}
    if held & PROVINCE_ROLES:
        return rule | ~Q(state="draft")
    agencies = agencies_of(user)
    if agencies:
        rule |= (Q(agency_id__in=agencies) | Q(receiving_agency_id__in=agencies)) & ~Q(
            state="draft")
    return rule


def visible_dossier(user, pk: int, *, for_update: bool = False):
    """The dossier ``pk`` if the user may see it (locked with ``for_update``), else 404."""
    from tinhso.publicservices.models import Dossier

    dossiers = Dossier.objects.visible_to(user)
    if for_update:
        dossiers = dossiers.select_for_update(of=("self",))
    dossier = dossiers.select_related("procedure", "agency", "receiving_agency").filter(
        pk=pk).first()
    if dossier is None:
        raise Http404("dossier")
    return dossier


def is_officer_of(user, agency_id: int, roles: Iterable[str] = OFFICER_ROLES) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return agency_id in agencies_of(user, roles)
