"""Security headers Django does not set itself.

The Content-Security-Policy comes from django-csp (settings.CONTENT_SECURITY_POLICY); this
module adds the Permissions-Policy, which turns off the browser features (camera,
microphone, geolocation…) that no page of the platform uses, so that even injected script
could not ask for them.
"""

from __future__ import annotations

from django.conf import settings


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` → `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
