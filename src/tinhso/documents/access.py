"""Who sees which document: the ONE rule every list, search, detail and download uses.

- A document belongs to one agency (the issuer of an outgoing document, the receiver of an
  incoming one); only people holding a role in that agency's organisation see it.
- A secret document (Mật, Tối mật, Tuyệt mật) is seen inside the agency only by those
  holding ``documents.secret`` there (its leader and clerk) and by the people it is given
  to: the drafter and signer of an outgoing one, the handlers of an incoming one.
- A superuser sees every unclassified document, and a secret one only as above.
Someone else's document is a 404, decided by the same querysets.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tinhso.accounts.permissions import PERMISSIONS, organizations_with_role, roles_of
from tinhso.documents.models import SECRET_VALUES


def staff_organizations(user) -> set[int]:
    return {org_id for _, org_id in roles_of(user)}


def _secret_orgs(user) -> set[int]:
    return organizations_with_role(user, PERMISSIONS["documents.secret"])


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.is_active)


def _agency_ids(org_ids: set[int]) -> list[int]:
    """The agencies of these organisations, as ids: the document filters then read
    ``agency_id IN (…)``, which the (agency, date) indexes serve directly."""
    from tinhso.documents.models import Agency

    if not org_ids:
        return []
    return list(Agency.objects.filter(organization_id__in=org_ids).values_list("pk", flat=True))


def outgoing_visible_to(queryset: QuerySet, user) -> QuerySet:
    if not _authenticated(user):
        return queryset.none()
    involved = Q(drafter=user) | Q(signer=user)
    if user.is_superuser:
        return queryset.filter(~Q(confidentiality__in=SECRET_VALUES) | involved)
    agencies = _agency_ids(staff_organizations(user))
    secret_agencies = _agency_ids(_secret_orgs(user))
    return queryset.filter(agency_id__in=agencies).filter(
        ~Q(confidentiality__in=SECRET_VALUES) | Q(agency_id__in=secret_agencies) | involved)


def incoming_visible_to(queryset: QuerySet, user) -> QuerySet:
    if not _authenticated(user):
        return queryset.none()
    involved = Q(pk__in=_assigned_ids(user))
    if user.is_superuser:
        return queryset.filter(~Q(confidentiality__in=SECRET_VALUES) | involved)
    agencies = _agency_ids(staff_organizations(user))
    secret_agencies = _agency_ids(_secret_orgs(user))
    return queryset.filter(agency_id__in=agencies).filter(
        ~Q(confidentiality__in=SECRET_VALUES) | Q(agency_id__in=secret_agencies) | involved)


def _assigned_ids(user):
    from tinhso.documents.models import Assignment

    return Assignment.objects.filter(assignee=user).values("document_id")


def agencies_of(user):
    """The agencies the user works in (on the platform)."""
    from tinhso.documents.models import Agency

    if not _authenticated(user):
        return Agency.objects.none()
    return Agency.objects.filter(organization_id__in=staff_organizations(user),
                                 is_active=True)


def search_keys(user) -> list[str]:
    """The row-level rule above as ``core.search`` key words (``search_index``): a
    document matches when it carries one of them. Empty: the user sees nothing."""
    from tinhso.documents import search_index as ix

    if not _authenticated(user):
        return []
    if user.is_superuser:
        return [ix.PUBLIC_KEY, ix.person_key(None, user.pk)]
    agencies = _agency_ids(staff_organizations(user))
    secret_agencies = set(_agency_ids(_secret_orgs(user)))
    # Seeing every document of an agency is its one key (one posting list to read).
    return ([ix.agency_key(a) for a in agencies if a in secret_agencies]
            + [key for a in agencies if a not in secret_agencies
               for key in (ix.visible_key(a, secret=False), ix.person_key(a, user.pk))])
