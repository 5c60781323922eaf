"""Pydantic schemas of the operations dashboard's API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema


class FigureOut(Schema):
    period: str
    value: Decimal | None
    target: Decimal | None
    status: str
    state: str
    computed_at: datetime
    last_good_at: datetime | None


class TileOut(Schema):
    code: str
    name_vi: str
    name_en: str
    unit: str
    owner: str
    frequency: str
    direction: str
    is_public: bool
    system_url: str
    latest: FigureOut | None
    trend: list[FigureOut]


class DashboardOut(Schema):
    commune: int | None
    tiles: list[TileOut]


class ManualValueIn(Schema):
    indicator: str
    period: str
    value: str
    unit: str
    note: str = ""


class ManualValueOut(Schema):
    id: int
    indicator: str
    period: str
    value: Decimal
    state: str
    entered_at: datetime
    reviewed_at: datetime | None
    return_reason: str


class ReturnIn(Schema):
    reason: str
    note: str = ""


class TargetIn(Schema):
    indicator: str
    year: int
    value: str


class TargetOut(Schema):
    indicator: str
    year: int
    value: Decimal


class AlertOut(Schema):
    id: int
    indicator: str
    rule: str
    period: str
    value: Decimal | None
    target: Decimal | None
    raised_at: datetime
    acknowledged_at: datetime | None
    note: str


class AcknowledgeIn(Schema):
    note: str


class ReportIn(Schema):
    kind: str
    day: date  # any date of the week or month


class ReportOut(Schema):
    id: int
    kind: str
    period_start: str
    period_end: str
    generated_at: datetime


class KioskIn(Schema):
    name: str


class KioskOut(Schema):
    name: str
    token: str
    url: str


class OpenFigureOut(Schema):
    period: str
    value: Decimal
    target: Decimal | None
    status: str
    computed_at: datetime


class OpenTargetOut(Schema):
    year: int
    value: Decimal


class OpenIndicatorOut(Schema):
    code: str
    name_vi: str
    name_en: str
    definition_vi: str
    definition_en: str
    unit: str
    frequency: str
    direction: str
    owner: str
    targets: list[OpenTargetOut]
    figures: list[OpenFigureOut]


class LicenceOut(Schema):
    name: str
    name_en: str
    url: str
    attribution: str


class OpenDataOut(Schema):
    licence: LicenceOut
    indicators: list[OpenIndicatorOut]
