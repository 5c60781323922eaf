"""The adapter to the national public service portal: a small interface, and the HTTP
client speaking ``protocol`` (the real portal and the local simulator alike).

Failures are of two kinds: `PortalUnavailable` (network, timeout, 5xx, 429: try again
later, nothing is lost) and `PortalRejected` (the portal refuses the content: retrying the
same body will not help; the outbox entry is left failed for an operator).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


class PortalError(Exception):
    pass


class PortalUnavailable(PortalError):
    """Try again later."""


class PortalRejected(PortalError):
    """The portal refused the request's content."""


@dataclass(frozen=True)
class PullPage:
    dossiers: list[dict]
    next_cursor: str


class NationalPortalAdapter:
    """What the sync needs from the national portal."""

    def fetch_new(self, cursor: str, *, limit: int = 100) -> PullPage:
        """Dossiers submitted on the portal after ``cursor`` (raw JSON items)."""
        raise NotImplementedError

    def push_status(self, payload: dict) -> bool:
        """Send one state change (``StatusUpdate.to_json()``); True when the portal had
        it already (a resend)."""
        raise NotImplementedError


class HttpPortalAdapter(NationalPortalAdapter):
    def __init__(self, base_url: str, *, token: str = "", timeout: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers,
                                         method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read()[:300].decode(errors="replace")
            if error.code >= 500 or error.code in (408, 429):
                raise PortalUnavailable(f"HTTP {error.code}: {detail}") from None
            raise PortalRejected(f"HTTP {error.code}: {detail}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            raise PortalUnavailable(str(error)[:300]) from None
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            raise PortalUnavailable("the portal's answer is not JSON") from None
        if not isinstance(answer, dict) or str(answer.get("error_code", "")) != "0":
            raise PortalRejected(f"portal error: {str(answer)[:300]}")
        return answer

    def fetch_new(self, cursor: str, *, limit: int = 100) -> PullPage:
        query = urllib.parse.urlencode({"tu": cursor or "0", "gioihan": limit})
        answer = self._call("GET", f"/api/hoso/moi?{query}")
        data = answer.get("data") or []
        if not isinstance(data, list):
            raise PortalRejected("data: not a list")
        return PullPage(dossiers=data, next_cursor=str(answer.get("tiep", cursor)))

    def push_status(self, payload: dict) -> bool:
        answer = self._call("POST", "/api/hoso/trangthai", payload)
        return bool(answer.get("trung"))


def get_adapter() -> NationalPortalAdapter | None:
    """The configured portal (settings.PORTAL_URL), or None when sync is off."""
    from django.conf import settings

    if not settings.PORTAL_URL:
        return None
    return HttpPortalAdapter(settings.PORTAL_URL, token=settings.PORTAL_TOKEN,
                             timeout=settings.PORTAL_TIMEOUT_S)
