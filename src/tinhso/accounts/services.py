from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tinhso.accounts.auth import api_key_cache_key
from tinhso.accounts.errors import AccountError, account_error
from tinhso.accounts.models import ApiKey, ApiScope, Organization
from tinhso.core import audit


def create_api_key(
    *, actor, organization: Organization, name: str, scopes: list[str]
) -> tuple[ApiKey, str]:
    """Create a key; return it with the full secret, which is never stored nor shown again."""
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if unknown or not scopes:
        raise account_error(AccountError.UNKNOWN_SCOPE, field="scopes",
                            scopes=", ".join(unknown) or gettext_lazy("(none)"))
    with transaction.atomic():
        prefix, full_key = ApiKey.generate()
        api_key = ApiKey.objects.create(
            organization=organization,
            name=name,
            prefix=prefix,
            key_hash=ApiKey.digest(full_key),
            scopes=sorted(set(scopes)),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(
            actor=actor, action="api_key.create", obj=api_key, organization=organization,
            after={"name": name, "scopes": api_key.scopes, "prefix": prefix},
        )
    return api_key, full_key


def revoke_api_key(*, actor, api_key: ApiKey) -> ApiKey:
    with transaction.atomic():
        api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
        if api_key.revoked_at is None:
            api_key.revoked_at = timezone.now()
            api_key.save(update_fields=["revoked_at"])
            audit.record(actor=actor, action="api_key.revoke", obj=api_key,
                         organization=api_key.organization)
            transaction.on_commit(lambda: cache.delete(api_key_cache_key(api_key.prefix)))
    return api_key
