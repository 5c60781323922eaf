"""Operations dashboard of the gate management board (and the province leaders).

Figures come fresh from `congestion.dashboard()` (aggregate queries); charts are drawn
here as plain SVG geometry rendered by the template: no JavaScript chart library, no CDN.
htmx reloads the body every 30 seconds.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from tinhso.accounts.permissions import require
from tinhso.border import congestion
from tinhso.core.language import current_language

CHART_W, CHART_H, PAD_L, PAD_B, PAD_T = 480, 160, 28, 22, 12


def bar_chart(values: list[int], labels: list[str], *, label_every: int = 1) -> dict:
    """Geometry of a bar chart in a CHART_W × CHART_H viewBox, for `_dashboard_bars.html`."""
    top = max(values, default=0) or 1
    plot_w, plot_h = CHART_W - PAD_L - 4, CHART_H - PAD_B - PAD_T
    step = plot_w / max(1, len(values))
    bars = []
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        h = plot_h * value / top
        bars.append({
            "x": round(PAD_L + i * step + step * 0.1, 1), "w": round(step * 0.8, 1),
            "y": round(PAD_T + plot_h - h, 1), "h": round(h, 1), "value": value,
            "label": label if i % label_every == 0 else "",
            "cx": round(PAD_L + i * step + step / 2, 1),
        })
    return {"bars": bars, "w": CHART_W, "h": CHART_H, "top": top, "base": PAD_T + plot_h,
            "left": PAD_L, "right": CHART_W - 4, "label_y": CHART_H - 6, "top_y": PAD_T + 4}


@login_required
def dashboard(request):
    require(request.user, "border.dashboard")
    data = congestion.dashboard()
    data["gates"] = sorted(data["snapshot"].gates, key=lambda g: (
        -congestion.RANK.get(g.congestion_level, 0), -g.trucks_waiting, g.name))
    throughput = data["throughput"]
    data["throughput_chart"] = bar_chart(
        [t["count"] for t in throughput], [f"{t['hour']:%H}" for t in throughput],
        label_every=3)
    data["throughput_total"] = sum(t["count"] for t in throughput)
    data["dwell_chart"] = bar_chart([b["count"] for b in data["dwell"]["histogram"]],
                                    [b["label"] for b in data["dwell"]["histogram"]])
    for yard in data["yards"]:
        yard["css"] = "bad" if yard["pct"] >= 90 else "warn" if yard["pct"] >= 70 else ""
    data["en"] = current_language() == "en"
    template = ("border/_dashboard_body.html" if request.headers.get("HX-Request")
                else "border/dashboard.html")
    response = render(request, template, data)
    add_never_cache_headers(response)
    return response
