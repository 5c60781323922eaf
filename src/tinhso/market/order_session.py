"""What a browser's session remembers of the orders it placed or looked up (so that a
guest can open them again without an account); nothing else is kept there."""

from __future__ import annotations

SEEN_KEY = "market_orders"
KEEP = 20


def remember(request, code: str) -> None:
    seen = [c for c in request.session.get(SEEN_KEY, []) if c != code][-(KEEP - 1):]
    request.session[SEEN_KEY] = [*seen, code]


def has_seen(request, code: str) -> bool:
    return code in request.session.get(SEEN_KEY, [])
