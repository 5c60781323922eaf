"""Invitations as iCalendar (RFC 5545, the `icalendar` package): one VEVENT per meeting
with a UID kept for ever, so a calendar that imported the invitation updates it in place
(METHOD:REQUEST with a higher SEQUENCE) or removes it (METHOD:CANCEL, STATUS:CANCELLED).

Pure Python: no Django import."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Tinh So Lang Son//Hoi nghi truc tuyen//VI"


@dataclass(frozen=True)
class Invitation:
    uid: str
    sequence: int
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    organizer_name: str
    organizer_email: str
    description: str
    url: str
    stamp: datetime
    cancelled: bool = False


def render(invitation: Invitation) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if invitation.cancelled else "REQUEST")
    event = Event()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", invitation.stamp)
    event.add("dtstart", invitation.starts_at)
    event.add("dtend", invitation.ends_at)
    event.add("summary", invitation.title)
    event.add("location", invitation.location)
    event.add("description", invitation.description)
    if invitation.url:
        event.add("url", invitation.url)
    organizer = vCalAddress(f"mailto:{invitation.organizer_email}")
    organizer.params["cn"] = vText(invitation.organizer_name)
    event["organizer"] = organizer
    event.add("status", "CANCELLED" if invitation.cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
