"""API schemas of the meetings system: every input bounded (lengths, counts, dates)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from tinhso.core.schema_types import Code, Id, LocalDateTime, text

Token = text(40, min_length=1)
LocalDate = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2099, 12, 31))]


class AgendaIn(Schema):
    title: text(300, min_length=1)
    document: text(120) = Field("", description="a paper from outside, named in free text")
    outgoing_document: Id | None = Field(
        None, description="id of an outgoing document of the documents system you may see")
    incoming_document: Id | None = Field(
        None, description="id of an incoming document of the documents system you may see")


class MeetingIn(Schema):
    title: text(200, min_length=1)
    level: Literal["province", "department", "commune"]
    host_room: Id
    starts_at: LocalDateTime
    ends_at: LocalDateTime
    points: list[Code] = Field(default_factory=list, max_length=500,
                               description="codes of conference points")
    groups: list[text(120)] = Field(
        default_factory=list, max_length=20,
        description='"all", "communes", "province" or "former:<former district>"')
    buffer_minutes: int = Field(15, ge=0, le=120)
    agenda: list[AgendaIn] = Field(default_factory=list, max_length=30)
    provider: Literal["", "simulator", "jitsi", "bigbluebutton"] = ""


class SeriesIn(MeetingIn):
    count: int | None = Field(None, ge=1, le=60,
                              description="weekly occurrences (or give `until`)")
    until: LocalDate | None = Field(None, description="the series' last day (or give `count`)")
    exceptions: list[LocalDate] = Field(default_factory=list, max_length=60,
                                        description="dates of the series skipped")


class RescheduleIn(Schema):
    starts_at: LocalDateTime
    ends_at: LocalDateTime


class ConflictOut(Schema):
    kind: str
    id: int
    code: str
    name: str
    meeting_id: int
    meeting: str
    starts_at: datetime
    ends_at: datetime


class WindowOut(Schema):
    starts_at: datetime
    ends_at: datetime


class CheckOut(Schema):
    free: bool
    conflicts: list[ConflictOut]
    suggestions: list[WindowOut]


class ConflictErrorOut(Schema):
    detail: list[dict]


class PointOut(Schema):
    code: str
    name: str
    kind: str
    former_district: str
    location: str
    equipment: str
    contact_name: str
    contact_phone: str
    connection: str
    state: str
    is_sample: bool


class RoomOut(Schema):
    id: int
    name: str
    capacity: int
    point: str


class BookingOut(Schema):
    point: str
    point_name: str
    is_host: bool
    acknowledged: bool
    readiness: str
    readiness_note: str
    attendee_count: int | None
    joined_at: datetime | None
    contact_phone: str


class MeetingOut(Schema):
    id: int
    title: str
    level: str
    state: str
    organizer: str
    chair: str
    host_room: int
    host_point: str
    starts_at: datetime
    ends_at: datetime
    buffer_minutes: int
    series: int | None
    provider: str
    uid: str
    sequence: int
    agenda: list[dict]
    points: int


class MeetingDetailOut(MeetingOut):
    bookings: list[BookingOut]
    minutes: str | None
    conclusions: list[dict]


class BoardOut(Schema):
    total: int
    ok: int
    problem: int
    silent: int
    joined: int
    people: int
    points: list[BookingOut]


class ReadinessIn(Schema):
    status: Literal["ok", "problem"]
    note: text(500) = ""


class PersonIn(Schema):
    full_name: text(150, min_length=1)
    role_title: text(150) = ""


class AttendanceIn(Schema):
    count: int = Field(ge=0, le=10000)
    people: list[PersonIn] = Field(default_factory=list, max_length=200)


class CheckInIn(Schema):
    point: Code
    full_name: text(150, min_length=1)
    role_title: text(150) = ""


class JoinOut(Schema):
    url: str
    moderator: bool


class ConclusionIn(Schema):
    text: text(2000, min_length=1)
    assignee: text(40) = ""
    working_days: int | None = Field(None, ge=1, le=365)


class MinutesIn(Schema):
    text: text(20000, min_length=1)
    conclusions: list[ConclusionIn] = Field(default_factory=list, max_length=50)


class TaskOut(Schema):
    id: int
    meeting_id: int
    meeting: str
    text: str
    assignee: str | None
    due_on: date | None
    progress: int
    done_on: date | None
    overdue: bool


class ProgressIn(Schema):
    percent: int = Field(ge=0, le=100)
    note: text(1000, min_length=1)


class PointStateIn(Schema):
    state: Literal["ready", "faulty", "maintenance"]
    note: text(500) = ""
