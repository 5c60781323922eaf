from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from tinhso.core.schema_types import Code, text


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
    organization_code: text(40, min_length=1)
    name: text(100, min_length=1)
    scopes: list[Code] = Field(min_length=1, max_length=10)


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
