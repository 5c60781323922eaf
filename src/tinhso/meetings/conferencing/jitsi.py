"""Jitsi Meet with token authentication (prosody `token` auth, `jitsi-meet-tokens`).

Jitsi's token format (jitsi/lib-jitsi-meet, doc/tokens.md): an HS256 JWT signed with the
deployment's `app_secret`, with

* ``aud`` — "jitsi"; ``iss`` — the `app_id`; ``sub`` — the Jitsi domain (or tenant);
* ``room`` — the room name the token opens (lower case; "*" would open every room);
* ``nbf`` / ``exp`` — the window in which the token is accepted;
* ``context.user`` — ``name``, ``id`` and ``moderator`` ("true"/"false" strings, as the
  prosody module reads them), and a top-level ``moderator`` boolean for newer deployments.

The link is ``https://<domain>/<room>?jwt=<token>``. Pure Python (PyJWT), no Django.
"""

from __future__ import annotations

from urllib.parse import quote

import jwt

from tinhso.meetings.conferencing.base import ConferencingProvider, JoinRequest


class JitsiProvider(ConferencingProvider):
    name = "jitsi"

    def __init__(self, *, domain: str, app_id: str, secret: str):
        self.domain, self.app_id, self.secret = domain, app_id, secret

    def create_room(self, *, room, title, starts_at, ends_at) -> None:
        """Jitsi creates a room when its first participant joins: nothing to do."""

    def token(self, request: JoinRequest) -> str:
        claims = {
            "aud": "jitsi",
            "iss": self.app_id,
            "sub": self.domain,
            "room": request.room.lower(),
            "nbf": int(request.valid_from.timestamp()),
            "exp": int(request.valid_until.timestamp()),
            "moderator": request.moderator,
            "context": {
                "user": {
                    "id": request.participant_id,
                    "name": request.display_name,
                    "moderator": "true" if request.moderator else "false",
                },
                "room": {"name": request.title},
            },
        }
        return jwt.encode(claims, self.secret, algorithm="HS256")

    def join_url(self, request: JoinRequest) -> str:
        return f"https://{self.domain}/{quote(request.room.lower())}?jwt={self.token(request)}"
