"""What the site menu needs to know about public services."""

from django.utils.functional import SimpleLazyObject

from tinhso.publicservices.access import OFFICER_ROLES, agencies_of


def officer(request):
    """``works_at_agency``: the user handles dossiers for at least one agency. A specialist
    of an office that handles no procedures (the meetings secretary, a document clerk) holds
    the role but has no console to open, so the menu must not offer one. Asked lazily: only
    the menu of an officer's role evaluates it."""
    user = getattr(request, "user", None)
    return {"works_at_agency": SimpleLazyObject(
        lambda: bool(user is not None and user.is_authenticated
                     and (user.is_superuser or agencies_of(user, OFFICER_ROLES))))}
