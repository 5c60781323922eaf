from django.conf import settings

from tinhso.accounts.permissions import has_perm


def platform(request):
    user = getattr(request, "user", None)
    return {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "can": _PermissionLookup(user),
    }


class _PermissionLookup:
    """Lets templates ask `{% if can.border__declare %}` through the one permission rule."""

    def __init__(self, user):
        self.user = user

    def __getattr__(self, name: str) -> bool:
        if name.startswith("_"):
            raise AttributeError(name)
        return has_perm(self.user, name.replace("__", "."))
