"""API schemas of the innovation system: every input bounded (lengths, counts, dates)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from tinhso.core.schema_types import Id, LocalDateTime, text


class ProfileIn(Schema):
    kind: Literal["startup", "cooperative"]
    name: text(200, min_length=1)
    field: text(16, min_length=1) = Field(description="agriculture, food, tourism, …")
    stage: text(16, min_length=1) = Field(description="idea, prototype, first_sales, …")
    commune: int = Field(ge=1, le=99999, description="administrative unit code")
    summary: text(2000, min_length=1)
    team: text(2000) = ""
    products: text(2000) = ""
    website: text(300) = ""
    facebook: text(300) = ""
    tax_code: text(20) = ""


class ProfileOut(Schema):
    id: int
    kind: str
    name: str
    field: str
    field_label: str
    stage: str
    commune: int
    commune_name: str
    summary: str
    team: str
    products: str
    website: str
    facebook: str
    tax_code: str
    state: str
    review_note: str = ""


class MoveIn(Schema):
    action: Literal["submit", "publish", "return"]
    note: text(1000) = ""


class CriterionIn(Schema):
    name: text(200, min_length=1)
    weight: int = Field(ge=1, le=100)
    max_score: int = Field(10, ge=1, le=100)


class CallIn(Schema):
    title: text(200, min_length=1)
    description: text(5000, min_length=1)
    eligibility: text(3000, min_length=1)
    deadline: LocalDateTime = Field(description="an instant; without an offset, Vietnam time")
    required_attachments: list[text(120, min_length=1)] = Field(default_factory=list,
                                                                max_length=10)
    criteria: list[CriterionIn] = Field(min_length=1, max_length=20)
    funded_places: int = Field(0, ge=0, le=100)


class CriterionOut(Schema):
    id: int
    name: str
    weight: int
    max_score: int


class CallOut(Schema):
    id: int
    title: str
    description: str
    eligibility: str
    deadline: datetime
    deadline_local: str
    is_open: bool
    state: str
    required_attachments: list[str]
    criteria: list[CriterionOut]
    funded_places: int


class ApplicationIn(Schema):
    profile: Id | None = None
    project_title: text(200, min_length=1)
    summary: text(4000, min_length=1)
    budget_vnd: int = Field(0, ge=0, le=100_000_000_000)


class ApplicationOut(Schema):
    id: int
    number: str
    call: int
    profile: int
    profile_name: str
    project_title: str
    summary: str
    budget_vnd: int
    submitted_at: datetime
    updated_at: datetime
    attachments: list[int]
    funded: bool


class JudgesIn(Schema):
    judges: list[Id] = Field(min_length=1, max_length=20)


class AssignmentOut(Schema):
    id: int
    application: int
    judge: int
    conflict: str


class DeclarationIn(Schema):
    conflict: bool
    note: text(500) = ""


class ScoreIn(Schema):
    criterion: Id
    value: int = Field(ge=0, le=100)
    comment: text(1000) = ""


class ScoresIn(Schema):
    scores: list[ScoreIn] = Field(min_length=1, max_length=20)


class ScoreOut(Schema):
    criterion: int
    value: int
    comment: str


class RankedOut(Schema):
    rank: int
    application: int
    number: str
    profile: str
    project_title: str
    score: Decimal
    spread: Decimal
    std_dev: Decimal
    funded: bool


class ShowcaseOut(Schema):
    id: int
    name: str
    shop: str
    commune: str
    ocop_stars: int | None
    price_vnd: int
    unit: str
    in_stock: bool
    url: str


class EventOut(Schema):
    id: int
    title: str
    title_en: str
    body: str
    location: str
    starts_at: datetime
    ends_at: datetime


class NewsOut(Schema):
    id: int
    title: str
    title_en: str
    body: str
    published_at: datetime


class FieldCount(Schema):
    field: str
    label: str
    count: int


class CommuneCount(Schema):
    commune: int
    name: str
    count: int


class CallCount(Schema):
    id: int
    title: str
    applications: int
    funded: int


class FiguresOut(Schema):
    profiles: int
    by_field: list[FieldCount]
    by_commune: list[CommuneCount]
    calls: list[CallCount]
    funded: int
