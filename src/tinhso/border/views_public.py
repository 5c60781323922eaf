"""The public border status page: no login, the most-read page on a crisis day.

It renders the shared cached snapshot (`congestion.gate_snapshots`). The per-language HTML
of the gates is cached, and so is the whole page an anonymous visitor gets (no session, no
pending message): the site frame is the same for every such visitor but for the CSRF token
of the language switch, which is cached as a placeholder and replaced by the visitor's own.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe

from tinhso.border import congestion
from tinhso.core.language import current_language

LEVEL_CSS = {"normal": "ok", "busy": "warn", "congested": "bad"}
CSRF_PLACEHOLDER = "__tinhso_status_csrf_7f3a9c__"


def _gates_html(lang: str) -> str:
    key = congestion.PAGE_KEY.format(lang=lang)
    html = cache.get(key)
    if html is None:
        snapshot = congestion.gate_snapshots()
        # Worst first: on a crisis day the congested gate is the one people look for.
        ordered = sorted(snapshot.gates, key=lambda g: (
            -congestion.RANK.get(g.congestion_level, 0), -g.trucks_waiting, g.name))
        html = render_to_string("border/_status_gates.html", {
            "snapshot": snapshot, "en": lang == "en",
            "gates": [(g, LEVEL_CSS.get(g.congestion_level, "muted")) for g in ordered],
        })
        cache.set(key, str(html), congestion.SNAPSHOT_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our own auto-escaping template


def _anonymous_visitor(request) -> bool:
    """Nothing personal in the frame: no session, no message, no query string."""
    cookies = request.COOKIES
    return (settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies
            and not request.GET and not request.user.is_authenticated)


def _page(request, lang: str) -> HttpResponse:
    if not _anonymous_visitor(request):
        return render(request, "border/public_status.html",
                      {"gates_html": _gates_html(lang), "en": lang == "en"})
    key = congestion.FRAME_KEY.format(lang=lang)
    frame = cache.get(key)  # one cache read per anonymous request
    if frame is None:
        frame = render_to_string("border/public_status.html", {
            "gates_html": _gates_html(lang), "en": lang == "en",
            "csrf_token": CSRF_PLACEHOLDER}, request=request)
        cache.set(key, frame, congestion.SNAPSHOT_SECONDS)
    return HttpResponse(frame.replace(CSRF_PLACEHOLDER, get_token(request)))


def public_status(request):
    """Per gate: trucks waiting, estimated wait for a truck arriving now, congestion level
    and the advisory in force. htmx asks for the gates fragment alone every 30 s."""
    lang = current_language()
    if request.headers.get("HX-Request"):
        response = HttpResponse(_gates_html(lang))
    else:
        response = _page(request, lang)
    # The frame shows who is logged in: only anonymous pages may sit in shared caches.
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, max_age=congestion.SNAPSHOT_SECONDS)
    else:
        patch_cache_control(response, public=True, max_age=congestion.SNAPSHOT_SECONDS)
    patch_vary_headers(response, ["HX-Request", "Cookie"])
    return response
