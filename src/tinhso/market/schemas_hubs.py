"""API shapes of payouts, reviews and the commune KPIs (every input bounded here)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, Field, ValidationInfo

from tinhso.core.schema_types import Id
from tinhso.core.schema_types import text as bounded
from tinhso.core.validators import EARLIEST_YEAR, LATEST_YEAR, check_date_in_window


def _day_in_window(value: date, info: ValidationInfo) -> date:
    return check_date_in_window(value, info.field_name or "date")


#: A calendar date in the years the platform accepts.
Day = Annotated[date, AfterValidator(_day_in_window)]

Year = Annotated[int, Field(ge=EARLIEST_YEAR, le=LATEST_YEAR)]
Slug = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")]
Reference = bounded(60)
LongText = bounded(2000)
ReplyText = bounded(2000, min_length=1)
ReasonCode = bounded(20, min_length=1)
Note = bounded(1000)
Source = bounded(255)
RequiredSource = bounded(255, min_length=1)
StatementCode = Annotated[str, Field(min_length=1, max_length=25, pattern=r"^[-A-Za-z0-9]+$")]


class PayoutOut(Schema):
    code: str
    hub: str | None = Field(description="the hub's slug; null: the market pays (no commission)")
    shop: str = Field(description="the shop's slug")
    shop_name: str
    period_start: date
    period_end: date
    items_total_vnd: int
    delivery_total_vnd: int
    commission_vnd: int
    amount_vnd: int
    state: str
    paid_at: datetime | None = None
    paid_reference: str = ""


class PayoutLineOut(Schema):
    order_code: str
    items_total_vnd: int
    delivery_fee_vnd: int
    commission_vnd: int
    payout_vnd: int


class PayoutDetailOut(PayoutOut):
    lines: list[PayoutLineOut]
    vietqr: str | None = Field(None, description="EMV payload paying the shop's own account "
                                                 "(for whoever may mark it paid, while due)")


class MakePayoutsIn(Schema):
    hub: Slug | None = Field(None, description="the hub's slug; omit for the market's own")
    period_start: Day
    period_end: Day


class MarkPaidIn(Schema):
    reference: Reference = ""


class ReviewOut(Schema):
    id: int
    product_id: int
    author_name: str
    stars: int
    text: str
    created_at: datetime
    reply: str = ""
    replied_at: datetime | None = None


class ReviewPage(Schema):
    average: float | None
    count: int
    limit: int
    offset: int
    items: list[ReviewOut]


class ReviewIn(Schema):
    order_line_id: Id
    stars: Annotated[int, Field(ge=1, le=5)]
    text: LongText = ""


class ReplyIn(Schema):
    text: ReplyText


class HideIn(Schema):
    reason: ReasonCode
    note: Note = ""


class KpiRowOut(Schema):
    code: int | None
    name: str
    households: int | None
    households_year: int | None
    households_source: str
    shops: int
    with_payment_account: int
    active_shops_30d: int
    orders: int
    sales_vnd: int
    shop_pct: float | None
    payment_account_pct: float | None
    target_shop_pct: int | None
    target_payment_account_pct: int | None
    shop_on_track: bool | None
    payment_on_track: bool | None


class TargetOut(Schema):
    year: int
    shop_pct: int
    payment_account_pct: int


class KpiOut(Schema):
    year: int
    at: datetime
    target: TargetOut | None
    targets: list[TargetOut]
    province: KpiRowOut | None
    communes: list[KpiRowOut]


class HouseholdCountIn(Schema):
    commune_code: Annotated[int, Field(ge=1, le=10**7)]
    year: Year
    households: Annotated[int, Field(ge=1, le=10_000_000)]
    source: RequiredSource


class HouseholdCountOut(Schema):
    commune_code: int
    year: int
    households: int
    source: str


class TargetIn(Schema):
    year: Year
    shop_pct: Annotated[int, Field(ge=0, le=100)]
    payment_account_pct: Annotated[int, Field(ge=0, le=100)]
    source: Source = ""
