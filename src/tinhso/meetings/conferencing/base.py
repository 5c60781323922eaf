"""The interface every conferencing engine implements. Pure Python (no Django import)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class JoinRequest:
    """Who joins which room, when the link is valid, and with which rights."""

    room: str           # the engine's room id (Meeting.room_name)
    title: str
    display_name: str   # the point's name, shown in the engine's participant list
    participant_id: str  # stable id of the point (its code)
    moderator: bool     # the chair's point moderates
    valid_from: datetime
    valid_until: datetime


class ConferencingProvider:
    name = "base"

    def create_room(self, *, room: str, title: str, starts_at: datetime,
                    ends_at: datetime) -> None:
        """Make sure the room exists on the engine (idempotent)."""
        raise NotImplementedError

    def join_url(self, request: JoinRequest) -> str:
        """The URL that puts one participant into the room."""
        raise NotImplementedError
