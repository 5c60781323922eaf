"""BigBlueButton's HTTP API (docs.bigbluebutton.org/development/api).

Every call is ``<api_url>/<call>?<query>&checksum=<hex>`` where the checksum is
``sha1(call + query + shared_secret)`` over the query string exactly as sent (SHA-256 is
also accepted by BBB ≥ 2.6 with ``checksumHash``; we use SHA-1, which every version
accepts). ``create`` (idempotent for the same ``meetingID``) answers an XML document whose
``returncode`` is SUCCESS; ``join`` is a URL the browser opens, with ``role=MODERATOR`` or
``VIEWER`` (BBB ≥ 2.4; the older password scheme is not used).

The links' validity around the meeting window is enforced by the platform's own join
page, which only redirects inside the window (BBB join URLs carry no expiry).
Pure Python: no Django import; the HTTP call goes through ``transport`` (a callable
``url -> bytes``), so the local simulator can answer it in-process.
"""

from __future__ import annotations

import hashlib
import hmac
import urllib.request
from collections.abc import Callable
from urllib.parse import urlencode
from xml.etree import ElementTree

from tinhso.meetings.conferencing.base import ConferencingProvider, JoinRequest


class EngineError(Exception):
    pass


def checksum(call: str, query: str, secret: str) -> str:
    return hashlib.sha1((call + query + secret).encode()).hexdigest()


def signed_url(api_url: str, call: str, params: dict, secret: str) -> str:
    query = urlencode(params)
    return f"{api_url.rstrip('/')}/{call}?{query}&checksum={checksum(call, query, secret)}"


def verify(call: str, raw_query: str, secret: str) -> bool:
    """Check a request's checksum as BBB does: over the query without `checksum`."""
    parts = raw_query.split("&")
    given = [p for p in parts if p.startswith("checksum=")]
    rest = "&".join(p for p in parts if not p.startswith("checksum="))
    if len(given) != 1:
        return False
    return hmac.compare_digest(given[0].removeprefix("checksum="), checksum(call, rest, secret))


def _http_get(url: str) -> bytes:  # pragma: no cover - the network is never used in tests
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
        return response.read()


class BigBlueButtonProvider(ConferencingProvider):
    name = "bigbluebutton"

    def __init__(self, *, api_url: str, secret: str,
                 transport: Callable[[str], bytes] | None = None):
        self.api_url, self.secret = api_url, secret
        self.transport = transport or _http_get

    def create_url(self, *, room: str, title: str, duration_minutes: int) -> str:
        return signed_url(self.api_url, "create", {
            "name": title, "meetingID": room, "record": "false",
            "duration": str(duration_minutes),
        }, self.secret)

    def create_room(self, *, room, title, starts_at, ends_at) -> None:
        minutes = int((ends_at - starts_at).total_seconds() // 60) + 30
        body = self.transport(self.create_url(room=room, title=title, duration_minutes=minutes))
        answer = ElementTree.fromstring(body)
        if answer.findtext("returncode") != "SUCCESS":
            raise EngineError(answer.findtext("message") or "create failed")

    def join_url(self, request: JoinRequest) -> str:
        return signed_url(self.api_url, "join", {
            "fullName": request.display_name, "meetingID": request.room,
            "role": "MODERATOR" if request.moderator else "VIEWER",
            "userID": request.participant_id, "redirect": "true",
        }, self.secret)
