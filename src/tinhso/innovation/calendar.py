"""The events calendar as iCalendar (RFC 5545, the `icalendar` package, as the meetings'
invitations): one VEVENT per event with a stable UID, so a calendar that subscribed
updates events in place. Pure Python apart from reading the rows' attributes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from icalendar import Calendar, Event

PRODID = "-//Tinh So Lang Son//Khoi nghiep doi moi sang tao//VI"


def render(events: Iterable, *, stamp: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Sự kiện khởi nghiệp Lạng Sơn")
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    for item in events:
        event = Event()
        event.add("uid", f"innovation-event-{item.pk}@tinhso.langson.gov.vn")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.starts_at)
        event.add("dtend", item.ends_at)
        event.add("summary", item.title_vi)
        event.add("location", item.location)
        event.add("description", item.body_vi[:2000])
        calendar.add_component(event)
    return calendar.to_ical()
