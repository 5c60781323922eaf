"""Where the current request came from, for audit entries written deep inside services.

A ContextVar is per request (per thread or task), never shared between requests, so it is
safe with many workers; services stay free of `request` parameters.
"""

from __future__ import annotations

from contextvars import ContextVar

_client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def client_ip() -> str | None:
    return _client_ip.get()


def _ip_from(request) -> str | None:
    # Behind the province's reverse proxy the first X-Forwarded-For hop is the client;
    # only trust it when the deployment says a proxy is there.
    from django.conf import settings

    if getattr(settings, "USE_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(_ip_from(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)
