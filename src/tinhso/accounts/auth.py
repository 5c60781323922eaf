"""Authentication for the API: browser sessions (with CSRF) and scoped machine API keys."""

from __future__ import annotations

from django.core.cache import cache
from ninja.security import APIKeyHeader, SessionAuth

from tinhso.accounts.models import ApiKey

# Cameras authenticate on every read: keep the key row a short while in the cache. The
# digest is still compared on every request; revoking deletes the entry at once.
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
        request.api_key = api_key
        return api_key


class ActiveSessionAuth(SessionAuth):
    """Django session login; CSRF is checked by SessionAuth for unsafe methods."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


session_auth = ActiveSessionAuth()
