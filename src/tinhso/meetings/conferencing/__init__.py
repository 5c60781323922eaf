"""Conferencing engines behind one interface (`base.ConferencingProvider`): Jitsi Meet
(signed JWT room links), BigBlueButton (checksum-signed HTTP API) and a local simulator that
speaks BigBlueButton's protocol, served by the platform itself (tests and the demo)."""

from __future__ import annotations

from django.conf import settings

from tinhso.meetings.conferencing.base import ConferencingProvider, JoinRequest
from tinhso.meetings.conferencing.bigbluebutton import BigBlueButtonProvider
from tinhso.meetings.conferencing.jitsi import JitsiProvider

__all__ = ["ConferencingProvider", "JoinRequest", "provider_for"]


def provider_for(name: str) -> ConferencingProvider:
    """The configured provider ``name`` (settings.MEETINGS_PROVIDERS)."""
    conf = settings.MEETINGS_PROVIDERS[name]
    if name == "jitsi":
        return JitsiProvider(domain=conf["domain"], app_id=conf["app_id"], secret=conf["secret"])
    if name == "bigbluebutton":
        return BigBlueButtonProvider(api_url=conf["api_url"], secret=conf["secret"])
    if name == "simulator":
        from tinhso.meetings.conferencing.simulator import simulator_provider

        return simulator_provider()
    raise KeyError(name)
