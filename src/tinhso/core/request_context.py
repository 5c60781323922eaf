"""Where the current request came from, for audit entries written deep inside services.

A ContextVar is per request (per thread or task), never shared between requests, so it is
safe with many workers; services stay free of `request` parameters.
"""

from __future__ import annotations

from contextvars import ContextVar

_client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def client_ip() -> str | None:
    return _client_ip.get()


def client_address(request) -> str | None:
    """The address that made the request, for the audit log and login throttling alike.

    Behind the province's reverse proxy (USE_X_FORWARDED_FOR), the last X-Forwarded-For hop
    is the one our own proxy appended: the only one a client cannot forge. The first hop is
    whatever the client chose to send.
    """
    from django.conf import settings

    meta = getattr(request, "META", {})
    if getattr(settings, "USE_X_FORWARDED_FOR", False):
        last_hop = meta.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if last_hop:
            return last_hop
    return meta.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)
