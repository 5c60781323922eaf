"""Authentication for the API: browser sessions (with CSRF) and scoped machine API keys."""

from __future__ import annotations

from functools import cache as memoize

from django.core.cache import cache
from django.db import connection
from ninja.security import APIKeyHeader, SessionAuth

from tinhso.accounts.models import ApiKey, Organization

# Cameras authenticate on every read: keep the key row (with its organisation) a short
# while in the cache. The cache never decides that a key is still valid: the digest is
# compared and `is_still_active` asks the database on every request, so a key revoked,
# deleted or whose organisation was deactivated stops working at once in every process,
# whatever a cache (of any process) still holds. Revoking also drops the cached row.
API_KEY_CACHE_SECONDS = 30


def api_key_cache_key(prefix: str) -> str:
    return f"accounts:api-key:{prefix}"


def cached_api_key(prefix: str) -> ApiKey | None:
    return cache.get_or_set(
        api_key_cache_key(prefix),
        lambda: ApiKey.objects.active().select_related("organization").filter(
            prefix=prefix).first(),
        API_KEY_CACHE_SECONDS,
    )


@memoize
def _still_active_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    return (f"SELECT 1 FROM {quote(ApiKey._meta.db_table)} k"
            f" JOIN {quote(Organization._meta.db_table)} o ON o.id = k.organization_id"
            " WHERE k.id = %s AND k.revoked_at IS NULL AND o.is_active")


def is_still_active(api_key: ApiKey) -> bool:
    """Whether the key's row still exists, unrevoked, of an active organisation: one
    primary-key read (tens of microseconds), the only word on revocation."""
    with connection.cursor() as cursor:
        cursor.execute(_still_active_sql(connection.vendor), [api_key.pk])
        return cursor.fetchone() is not None


class ApiKeyAuth(APIKeyHeader):
    """`X-API-Key: ts_<prefix>_<secret>`; the key must carry `scope` (if given)."""

    param_name = "X-API-Key"

    def __init__(self, scope: str | None = None):
        self.scope = scope
        super().__init__()

    def authenticate(self, request, key: str | None):
        if not key or not key.startswith("ts_") or key.count("_") < 2:
            return None
        prefix = key[3 : 3 + ApiKey.PREFIX_LENGTH]
        api_key = cached_api_key(prefix)
        if api_key is None or not api_key.matches(key):
            return None
        if self.scope and not api_key.has_scope(self.scope):
            return None
        if not is_still_active(api_key):
            cache.delete(api_key_cache_key(prefix))
            return None
        request.api_key = api_key
        return api_key


class ActiveSessionAuth(SessionAuth):
    """Django session login; CSRF is checked by SessionAuth for unsafe methods."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


session_auth = ActiveSessionAuth()
