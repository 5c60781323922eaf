from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from tinhso.core.schema_types import Amount, Code, Id, LocalDateTime, text


class DeclarationIn(Schema):
    """Raw fields as typed; the service normalises them and names every bad one."""

    enterprise_code: Code | None = Field(
        None, description="Needed only when the user works for several enterprises")
    plate: text(32) = Field(examples=["12C-123.45"])
    trailer_plate: text(32) | None = Field(None, examples=["12R-012.34"])
    driver_name: text(120)
    driver_id_number: text(32) = Field(description="12-digit citizen ID or a passport number")
    driver_phone: text(32) = Field(examples=["0912345678"])
    goods: Code = Field(description="goods category code", examples=["fresh-fruit"])
    goods_description: text(255) | None = None
    weight_kg: Amount
    containers: Amount = 0
    direction: Code = Field(examples=["export"])
    gate: Code = Field(description="gate code", examples=["huu-nghi"])
    expected_arrival: LocalDateTime
    loaded_at: LocalDateTime | None = None
    submit: bool = True


class ClearanceOut(Schema):
    agency: str
    verdict: str
    note: str
    decided_at: datetime


class DeclarationOut(Schema):
    id: int
    reference: str
    state: str
    enterprise: str
    plate: str
    trailer_plate: str | None
    driver_name: str | None
    driver_phone: str | None
    goods: str
    goods_description: str | None
    perishable: bool
    weight_kg: int | None
    containers: int | None
    direction: str
    gate: str
    expected_arrival: datetime
    slot_starts_at: datetime | None
    ticket_url: str
    queue_position: int | None = None


class BookingIn(Schema):
    starts_at: LocalDateTime


class FreeSlotOut(Schema):
    starts_at: datetime
    free: int


class SlotFullOut(Schema):
    detail: list[dict]
    alternatives: list[FreeSlotOut]


class PlateEventIn(Schema):
    event_id: text(64, min_length=1)
    camera_id: text(40, min_length=1)
    plate: text(32, min_length=1)
    confidence: float = Field(ge=0, le=1)
    captured_at: LocalDateTime


class PlateEventOut(Schema):
    id: int
    event_id: str
    camera_id: str
    barrier: str = Field(description="open or hold")
    status: str
    reason: str
    declaration_id: int | None
    plate: str | None
    state: str | None
    match_score: float | None


class ResolveIn(Schema):
    declaration_id: Id | None = Field(
        None, description="the truck it really was; null dismisses the read")


class CallIn(Schema):
    count: int = Field(ge=1, le=100)


class QueueEntryOut(Schema):
    position: int
    declaration_id: int
    plate: str
    perishable: bool
    slot_starts_at: datetime | None
    checked_in_at: datetime


class ClearanceIn(Schema):
    agency: Code = Field(examples=["customs"])
    verdict: Code = Field(examples=["pass"])
    note: text(1000) = ""


class TicketOut(Schema):
    reference: str
    plate: str
    state: str
    state_label: str
    gate: str
    slot_starts_at: datetime | None
    queue_position: int | None


class NoticeIn(Schema):
    kind: Code = Field(examples=["suspension"], description="suspension or reduced")
    starts_at: LocalDateTime
    ends_at: LocalDateTime
    capacity_pct: int = Field(0, ge=0, le=100, description="remaining capacity for 'reduced'")
    directions: list[Code] = Field(default_factory=list, max_length=10,
                                   description="empty: all directions")
    reason_vi: text(255, min_length=1)
    reason_en: text(255) = ""


class NoticeOut(Schema):
    id: int
    gate: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    capacity_pct: int
    moved: dict[int, datetime]
    released: list[int]
