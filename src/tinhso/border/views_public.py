"""The public border status page: no login, the most-read page on a crisis day.

It renders the shared cached snapshot (`congestion.gate_snapshots`); the per-language
HTML of the gates is cached as well, so a request costs one cache read and the site frame.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from tinhso.border import congestion

LEVEL_CSS = {"normal": "ok", "busy": "warn", "congested": "bad"}


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


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


def public_status(request):
    """Per gate: trucks waiting, estimated wait for a truck arriving now, congestion level
    and the advisory in force. htmx asks for the gates fragment alone every 30 s."""
    lang = _lang()
    gates = _gates_html(lang)
    if request.headers.get("HX-Request"):
        response = HttpResponse(gates)
    else:
        response = render(request, "border/public_status.html", {"gates_html": gates,
                                                                 "en": lang == "en"})
    # The frame shows who is logged in: only anonymous pages may sit in shared caches.
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, max_age=congestion.SNAPSHOT_SECONDS)
    else:
        patch_cache_control(response, public=True, max_age=congestion.SNAPSHOT_SECONDS)
    patch_vary_headers(response, ["HX-Request", "Accept-Language", "Cookie"])
    return response
