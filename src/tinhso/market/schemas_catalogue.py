"""API schemas of the catalogue (shops and products)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import BaseModel, Field

from tinhso.core.schema_types import MAX_AMOUNT_VND, text
from tinhso.market.selectors_catalogue import SORTS

Sort = Literal[tuple(SORTS)]  # type: ignore[valid-type]


class CatalogueQuery(BaseModel):
    q: text(200) = Field("", description="words to find, accents optional (“na chi lang”)")
    category: text(60) = Field("", description="category code")
    commune: int | None = Field(None, ge=1, le=99_999_999, description="commune code")
    ocop: int | None = Field(None, ge=3, le=5, description="at least this many OCOP stars")
    price_min: int | None = Field(None, ge=0, le=MAX_AMOUNT_VND)
    price_max: int | None = Field(None, ge=0, le=MAX_AMOUNT_VND)
    specialty: bool = False
    sort: Sort = "relevance"


class ProductOut(Schema):
    id: int
    slug: str
    name: str
    price: int = Field(description="price per unit, whole đồng")
    unit: str
    unit_label: str
    quantity_step: Decimal
    min_quantity: Decimal
    in_stock: bool
    in_season: bool
    category: str
    shop: str
    shop_slug: str
    ocop_stars: int | None = Field(description="shown only while the certificate is valid")
    specialty: bool
    photo: str | None
    url: str


class CataloguePage(Schema):
    """One page of the catalogue: ``count`` stops at the end of the page asked (then
    ``count_capped``: there is a next page)."""

    count: int
    count_capped: bool = Field(description="there are more matches than ``count``")
    limit: int
    offset: int
    items: list[ProductOut]


class OcopOut(Schema):
    stars: int
    certificate_no: str
    decision: str
    issued_on: str
    expires_on: str


class ProductDetailOut(ProductOut):
    description: str
    stock: Decimal
    origin_commune: str | None
    season_start_month: int | None
    season_end_month: int | None
    ocop: OcopOut | None
    photos: list[str]


class ShopOut(Schema):
    slug: str
    name: str
    description: str
    commune: str
    commune_code: int
    hub: str | None
    opened_on_behalf: bool
    url: str


class PhoneIn(Schema):
    phone: text(20)


class CodeSentOut(Schema):
    phone: str
    expires_in_seconds: int


class ShopIn(Schema):
    phone: text(20)
    name: text(120)
    owner_name: text(150)
    commune: int = Field(ge=1, le=99_999_999)
    address: text(255)
    bank_bin: text(6)
    account_number: text(30)
    account_name: text(120)
    tax_code: text(20) = ""
    description: text(2000) = ""
    code: text(10) = ""
    password: text(128) = ""


class ProductIn(Schema):
    name: text(160)
    category: text(60)
    unit: text(10)
    price_vnd: int = Field(ge=1, le=10**10)
    description: text(4000) = ""
    quantity_step: Decimal = Field(Decimal(1), gt=0, le=1_000_000, decimal_places=3)
    min_quantity: Decimal = Field(Decimal(1), gt=0, le=1_000_000, decimal_places=3)
    stock: Decimal = Field(Decimal(0), ge=0, le=1_000_000, decimal_places=3)
    season_start_month: int | None = Field(None, ge=1, le=12)
    season_end_month: int | None = Field(None, ge=1, le=12)
    origin_commune: int | None = Field(None, ge=1, le=99_999_999)
    is_specialty: bool = False
    is_active: bool = True
    ocop_stars: int | None = Field(None, ge=3, le=5)
    ocop_certificate_no: text(60) = ""
    ocop_decision: text(120) = ""
    ocop_issued_on: date | None = None
    ocop_expires_on: date | None = None


class PhotoOut(Schema):
    id: int
    thumbnail: str
    large: str
