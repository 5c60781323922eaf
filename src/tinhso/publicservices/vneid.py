"""Login with VNeID (the national electronic identity): an adapter interface, an OpenID
Connect client over HTTP for the real service, and a local simulator speaking the same
authorization-code flow (`vneid_simulator.py`: authorize page, token and userinfo
endpoints).

The flow: our login view keeps a random ``state`` in the session and redirects to
``authorize``; the identity provider sends the browser back to our callback with
``code`` and ``state``; we check the state, exchange the code at ``token`` for an access
token and read ``userinfo``: the 12-digit personal identification number
(``so_dinh_danh``), full name and mobile number. A code is good once, for 5 minutes.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Identity:
    id_number: str
    full_name: str
    phone: str = ""
    birth_date: str = ""


class VNeIDError(Exception):
    pass


class VNeIDAdapter:
    def authorize_url(self, *, state: str, redirect_uri: str) -> str:
        raise NotImplementedError

    def identity(self, *, code: str, redirect_uri: str) -> Identity:
        raise NotImplementedError


class OidcVNeIDAdapter(VNeIDAdapter):
    """Authorization-code flow over HTTP (the real VNeID, or the simulator's endpoints)."""

    def __init__(self, base_url: str, client_id: str, client_secret: str, timeout: float = 10):
        self.base_url = base_url.rstrip("/")
        self.client_id, self.client_secret, self.timeout = client_id, client_secret, timeout

    def authorize_url(self, *, state: str, redirect_uri: str) -> str:
        query = urllib.parse.urlencode({"response_type": "code", "client_id": self.client_id,
                                        "redirect_uri": redirect_uri, "state": state,
                                        "scope": "openid profile phone"})
        return f"{self.base_url}/authorize/?{query}"

    def _json(self, request: urllib.request.Request) -> dict:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise VNeIDError(str(error)[:200]) from None
        if not isinstance(answer, dict):
            raise VNeIDError("not a JSON object")
        return answer

    def identity(self, *, code: str, redirect_uri: str) -> Identity:
        body = urllib.parse.urlencode({
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": self.client_id, "client_secret": self.client_secret}).encode()
        token = self._json(urllib.request.Request(f"{self.base_url}/token/", data=body,
                                                  method="POST"))
        access = token.get("access_token")
        if not isinstance(access, str) or not access:
            raise VNeIDError("no access token")
        info = self._json(urllib.request.Request(
            f"{self.base_url}/userinfo/", headers={"Authorization": f"Bearer {access}"}))
        return identity_from_userinfo(info)


def identity_from_userinfo(info: dict) -> Identity:
    id_number = str(info.get("so_dinh_danh") or "")
    name = str(info.get("ho_ten") or "")
    if len(id_number) != 12 or not id_number.isdigit() or not name:
        raise VNeIDError("userinfo without a 12-digit number and a name")
    return Identity(id_number=id_number, full_name=name[:150],
                    phone=str(info.get("so_dien_thoai") or "")[:15],
                    birth_date=str(info.get("ngay_sinh") or "")[:10])


class SimulatorVNeIDAdapter(VNeIDAdapter):
    """The local simulator in this process: same authorize page and codes, the exchange
    done by the simulator's own functions instead of HTTP (tests, laptops)."""

    def authorize_url(self, *, state: str, redirect_uri: str) -> str:
        from django.urls import reverse

        query = urllib.parse.urlencode({"response_type": "code", "client_id": "tinhso",
                                        "redirect_uri": redirect_uri, "state": state})
        return f"{reverse('publicservices:vneid_sim_authorize')}?{query}"

    def identity(self, *, code: str, redirect_uri: str) -> Identity:
        from tinhso.publicservices import vneid_simulator

        try:
            return identity_from_userinfo(vneid_simulator.redeem(code, redirect_uri))
        except vneid_simulator.SimulatorError as error:
            raise VNeIDError(str(error)) from None


def get_adapter() -> VNeIDAdapter:
    if settings.VNEID_URL:
        return OidcVNeIDAdapter(settings.VNEID_URL, settings.VNEID_CLIENT_ID,
                                settings.VNEID_CLIENT_SECRET)
    return SimulatorVNeIDAdapter()
