"""A bar chart as server-rendered SVG (pure, no Django): no script, no inline style (the
Content-Security-Policy forbids both), colours from the stylesheet through classes.

Presentation attributes (x, y, width, height) are geometry, not style, and are allowed."""

from __future__ import annotations

from html import escape


def _short(amount: int) -> str:
    """1,250,000 → '1,3 tr'; 45,000 → '45 N' (Vietnamese abbreviations)."""
    if amount >= 1_000_000:
        return f"{amount / 1_000_000:.1f}".replace(".", ",") + " tr"
    if amount >= 1_000:
        return f"{round(amount / 1_000)} N"
    return str(amount)


def bar_chart_svg(points: list[tuple[str, int]], *, title: str, width: int = 360,
                  height: int = 200) -> str:
    """Bars for ``points`` (label, non-negative value), scaled to the largest, each with its
    label below and its value above; ``title`` is the accessible name."""
    top, bottom, side = 18, 24, 4
    count = max(len(points), 1)
    slot = (width - 2 * side) / count
    bar = max(slot * 0.7, 1)
    peak = max((v for _, v in points), default=0) or 1
    plot = height - top - bottom
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} '
             f'{height}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<line class="chart-axis" x1="{side}" y1="{top + plot}" x2="{width - side}" '
             f'y2="{top + plot}"/>']
    for i, (label, value) in enumerate(points):
        value = max(int(value), 0)
        h = round(plot * value / peak, 1)
        x = round(side + i * slot + (slot - bar) / 2, 1)
        y = round(top + plot - h, 1)
        centre = round(x + bar / 2, 1)
        parts.append(f'<rect class="chart-bar" x="{x}" y="{y}" width="{round(bar, 1)}" '
                     f'height="{h}"><title>{escape(label)}: {f"{value:,}".replace(",", ".")}'
                     '</title></rect>')
        if value:
            parts.append(f'<text class="chart-value" x="{centre}" y="{max(y - 4, 10)}" '
                         f'text-anchor="middle">{escape(_short(value))}</text>')
        parts.append(f'<text class="chart-label" x="{centre}" y="{height - 8}" '
                     f'text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
