from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class MembershipOut(Schema):
    organization_code: str
    organization_name: str
    role: str


class MeOut(Schema):
    id: int
    full_name: str
    email: str | None
    phone: str | None
    memberships: list[MembershipOut]


class ApiKeyIn(Schema):
    organization_code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(min_length=1)


class ApiKeyOut(Schema):
    id: int
    organization_code: str
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreatedOut(ApiKeyOut):
    key: str
