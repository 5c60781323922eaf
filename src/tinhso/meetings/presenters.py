"""Shapes of meetings for the API (and the pages' JSON)."""

from __future__ import annotations

from datetime import date

from tinhso.meetings.models import Conclusion, Meeting, PointBooking


def booking_out(b: PointBooking) -> dict:
    return {"point": b.point.code, "point_name": b.point.name, "is_host": b.is_host,
            "acknowledged": b.acknowledged_at is not None, "readiness": b.readiness,
            "readiness_note": b.readiness_note, "attendee_count": getattr(b, "people", None)
            if getattr(b, "people", None) is not None else b.attendee_count,
            "joined_at": b.joined_at, "contact_phone": b.point.contact_phone}


def agenda_out(m: Meeting, viewer) -> list[dict]:
    """The agenda as ``viewer`` may see it: a linked document they may not read is only
    marked withheld (and whether it is classified), never numbered or summarised."""
    from tinhso.meetings.selectors import agenda_for

    return [{"title": a["title"], "document": a["document_ref"], "linked_document": a["linked"]}
            for a in agenda_for(m, viewer)]


def meeting_out(m: Meeting, *, viewer=None) -> dict:
    return {"id": m.pk, "title": m.title, "level": m.level, "state": m.state,
            "organizer": m.organizer.code, "chair": m.chair_name, "host_room": m.host_room_id,
            "host_point": m.host_room.point.code, "starts_at": m.starts_at,
            "ends_at": m.ends_at, "buffer_minutes": m.buffer_minutes, "series": m.series_id,
            "provider": m.provider, "uid": m.uid, "sequence": m.ics_sequence,
            "agenda": agenda_out(m, viewer),
            "points": m.point_bookings.filter(active=True).count()}


def task_out(c: Conclusion, *, today: date) -> dict:
    return {"id": c.pk, "meeting_id": c.meeting_id, "meeting": c.meeting.title, "text": c.text,
            "assignee": c.assignee.code if c.assignee else None, "due_on": c.due_on,
            "progress": c.progress, "done_on": c.done_on, "overdue": c.is_overdue(today)}


def meeting_detail_out(m: Meeting, *, today: date, viewer=None) -> dict:
    out = meeting_out(m, viewer=viewer)
    out["bookings"] = [booking_out(b) for b in m.point_bookings.filter(active=True)
                       .select_related("point").order_by("point__kind", "point__name")]
    minutes = getattr(m, "minutes", None) if hasattr(m, "minutes") else None
    out["minutes"] = minutes.text if minutes else None
    out["conclusions"] = [task_out(c, today=today) for c in m.conclusions.select_related(
        "assignee", "meeting")]
    return out
