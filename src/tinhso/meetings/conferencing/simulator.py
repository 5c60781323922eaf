"""A local conferencing engine that speaks BigBlueButton's API (create / join /
getMeetings with the checksum scheme), served by the platform at
``/meetings/engine/bigbluebutton/api/``: the demo and the tests use it, never the network.

Rooms it created are kept in the cache (shared by every process), so a join for a room
that was never created is refused as BBB refuses it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.cache import cache

from tinhso.meetings.conferencing.bigbluebutton import BigBlueButtonProvider, verify

PATH = "/meetings/engine/bigbluebutton/api"


def _key(room: str) -> str:
    return f"meetings:sim-room:{room}"


def _xml(code: str, message: str = "", **fields: str) -> bytes:
    inner = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items())
    return (f"<response><returncode>{code}</returncode>{inner}"
            f"<messageKey>{message}</messageKey><message>{message}</message></response>").encode()


def handle(call: str, raw_query: str) -> tuple[int, bytes, dict]:
    """Answer one API call: (HTTP status, XML body, parsed parameters)."""
    secret = settings.MEETINGS_PROVIDERS["simulator"]["secret"]
    params = {k: v[0] for k, v in parse_qs(raw_query).items()}
    if not verify(call, raw_query, secret):
        return 200, _xml("FAILED", "checksumError"), params
    room = params.get("meetingID", "")[:200]
    if call == "create":
        if not room:
            return 200, _xml("FAILED", "missingParamMeetingID"), params
        cache.set(_key(room), params.get("name", "")[:200], timeout=7 * 24 * 3600)
        return 200, _xml("SUCCESS", meetingID=room), params
    if call == "join":
        if cache.get(_key(room)) is None:
            return 200, _xml("FAILED", "notFound"), params
        if params.get("role") not in {"MODERATOR", "VIEWER"} or not params.get("fullName"):
            return 200, _xml("FAILED", "missingParamFullName"), params
        return 200, _xml("SUCCESS", meetingID=room), params
    return 200, _xml("FAILED", "unsupportedRequest"), params


def _in_process(url: str) -> bytes:
    parts = urlsplit(url)
    _status, body, _params = handle(parts.path.rsplit("/", 1)[-1], parts.query)
    return body


def simulator_provider() -> BigBlueButtonProvider:
    conf = settings.MEETINGS_PROVIDERS["simulator"]
    return BigBlueButtonProvider(api_url=conf["api_url"] or PATH, secret=conf["secret"],
                                 transport=_in_process)
