"""Server-rendered SVG sparklines (no Django, no JavaScript): a polyline's points in a
100 × 30 box from a series of values, gaps (None) skipped."""

from __future__ import annotations

from decimal import Decimal

WIDTH, HEIGHT, PAD = 100, 30, 2


def sparkline(values: list[Decimal | float | None]) -> str:
    """``"x,y x,y …"`` for an SVG polyline; "" with fewer than two known values."""
    known = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return ""
    low = min(v for _i, v in known)
    high = max(v for _i, v in known)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    return " ".join(
        f"{PAD + i * step:.1f},{HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD):.1f}"
        for i, v in known)
