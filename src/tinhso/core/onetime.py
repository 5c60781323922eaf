"""One-time codes sent to a mobile number (a household opening its shop, a guardian
logging in): six digits, kept only as a keyed hash in the shared cache (so every web
process sees it), one a minute per number, good for ten minutes, burnt after five wrong
tries. Each caller names its purpose, sends the code in its own words and turns a refusal
into its own error."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from enum import StrEnum

from django.conf import settings
from django.core.cache import cache

CODE_SECONDS = 600  # a code is good for ten minutes
RESEND_SECONDS = 60  # one code a minute per number
MAX_TRIES = 5


class Refusal(StrEnum):
    TOO_SOON = "too_soon"  # a code was sent to this number less than a minute ago
    WRONG = "wrong"  # no code, an expired one, or not this one
    TOO_MANY = "too_many"  # the fifth wrong try: the code is burnt


class CodeRefused(Exception):
    def __init__(self, refusal: Refusal):
        super().__init__(refusal.value)
        self.refusal = refusal


def _key(purpose: str, phone: str) -> str:
    return f"onetime:{purpose}:{phone}"


def _digest(purpose: str, phone: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{phone}:{code}".encode(),
                    hashlib.sha256).hexdigest()


def issue(purpose: str, phone: str) -> str:
    """A new code for ``phone`` (already normalised), for the caller to send."""
    if not cache.add(f"{_key(purpose, phone)}:sent", 1, RESEND_SECONDS):
        raise CodeRefused(Refusal.TOO_SOON)
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(_key(purpose, phone), {"digest": _digest(purpose, phone, code), "tries": 0},
              CODE_SECONDS)
    return code


def check(purpose: str, phone: str, code: str) -> None:
    """Accept the code sent to ``phone``, once; a wrong one counts against it."""
    key = _key(purpose, phone)
    entry = cache.get(key)
    if not entry:
        raise CodeRefused(Refusal.WRONG)
    if not hmac.compare_digest(entry["digest"], _digest(purpose, phone, (code or "").strip())):
        entry["tries"] += 1
        if entry["tries"] >= MAX_TRIES:
            cache.delete(key)
            raise CodeRefused(Refusal.TOO_MANY)
        cache.set(key, entry, CODE_SECONDS)
        raise CodeRefused(Refusal.WRONG)
    cache.delete(key)
