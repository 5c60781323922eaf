"""Schemas of the public-services API: every input bounded at the edge."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from tinhso.core.schema_types import Id, text


class StepOut(Schema):
    order: int
    name: str
    kind: str
    agency_code: str
    assignee_id: int | None
    received_at: datetime
    due_at: datetime
    finished_at: datetime | None
    outcome: str


class DossierOut(Schema):
    id: int
    code: str | None
    procedure_code: str
    procedure_name: str
    agency_code: str
    receiving_agency_code: str
    channel: str
    state: str
    state_label: str
    applicant_name: str
    submitted_at: datetime | None
    received_at: datetime | None
    appointment_at: datetime | None
    due_at: datetime | None
    effective_due_at: datetime | None
    extension_used: bool
    outcome: str
    current_step: str | None
    assignee_id: int | None
    due_status: Literal["", "due-soon", "overdue"] = ""


class DossierDetailOut(DossierOut):
    steps: list[StepOut]
    timeline: list[TimelineOut]


class TimelineOut(Schema):
    state: str
    label: str
    at: datetime


DossierDetailOut.model_rebuild()


class ApplicantIn(Schema):
    kind: Literal["person", "organization"] = "person"
    name: text(200, min_length=1)
    id_number: text(12) = ""
    tax_code: text(14) = ""
    phone: text(15) = ""
    email: text(254) = ""
    address: text(255) = ""


class DeskReceptionIn(Schema):
    procedure_code: text(30, min_length=1)
    agency_code: text(20, min_length=1)
    applicant: ApplicantIn
    papers: list[text(500, min_length=1)] = Field(default_factory=list, max_length=50)


class NoteIn(Schema):
    note: text(2000) = ""


class HandOverIn(NoteIn):
    assignee_id: Id | None = None


class AssignIn(Schema):
    assignee_id: Id


class SupplementIn(Schema):
    missing: list[text(500, min_length=1)] = Field(min_length=1, max_length=50)
    reason: text(2000) = ""


class ResolveIn(Schema):
    result_summary: text(2000) = ""


class RefuseIn(Schema):
    reason: text(40) = Field("", description="not_eligible, wrong_agency, invalid_papers, "
                                             "not_supplemented or other (needs a note)")
    note: text(2000) = ""


class TransferIn(NoteIn):
    agency_code: text(20, min_length=1)


class ExtensionIn(Schema):
    new_due: date = Field(ge=date(2020, 1, 1), le=date(2100, 12, 31))
    reason: text(2000, min_length=1)


class TrackIn(Schema):
    code: text(40, min_length=1)
    factor: text(20, min_length=1) = Field(description="the applicant's mobile number, or "
                                                       "the last 4–12 digits of the ID")


class TrackOut(Schema):
    code: str
    procedure_name: str
    agency_name: str
    state: str
    state_label: str
    received_at: datetime | None
    appointment_at: datetime | None
    due_at: datetime | None
    outcome: str
    can_rate: bool
    timeline: list[TimelineOut]


Level = Field(ge=1, le=3, description="1 not satisfied, 2 satisfied, 3 very satisfied")


class RateIn(TrackIn):
    publicity: int = Level
    contacts: int = Level
    staff: int = Level
    timeliness: int = Level
    result: int = Level
    comment: text(1000) = ""


class RatingOut(Schema):
    code: str
    score: int
    rated_at: datetime


class StatisticsQuery(Schema):
    year: int = Field(ge=2020, le=2100)
    by: Literal["agency", "field", "procedure", "month"] = "agency"


class CatalogueQuery(Schema):
    """Search and filters of the online catalogue (unknown values are ignored)."""

    q: str = Field("", max_length=200)
    field: str = Field("", max_length=200)
    level: str = Field("", max_length=10)
    online: str = Field("", max_length=10)


class ProcedureOut(Schema):
    code: str
    name: str
    field: str
    level: str
    processing_days: float
    fee_vnd: int
    online_level: str
