"""Field types shared by the API schemas: every date, number and text the API reads is
bounded here, at the edge, so odd input is a 422 naming the field, never a 500 or a row
that breaks the lists later."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.utils import timezone
from pydantic import AfterValidator, Field, ValidationInfo

from tinhso.core.validators import check_datetime_in_window, check_text

#: The largest amount of money (đồng) any input may carry: ten thousand billion.
MAX_AMOUNT_VND = 10**13
#: The largest id the API accepts in a path or a body (PostgreSQL's bigint holds 2⁶³−1).
MAX_ID = 2**53


def _field(info: ValidationInfo) -> str:
    return info.field_name or "value"


def _aware(value: datetime) -> datetime:
    """A moment sent without a zone is Vietnamese time, as the pages read it."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _in_window(value: datetime, info: ValidationInfo) -> datetime:
    return check_datetime_in_window(value, _field(info))


def _clean(value: str, info: ValidationInfo) -> str:
    return check_text(value, _field(info))


#: A date and time in the years the platform accepts (`validators.EARLIEST_YEAR` to
#: `LATEST_YEAR`); without an offset it is read in the platform's time zone.
LocalDateTime = Annotated[datetime, AfterValidator(_in_window), AfterValidator(_aware)]

#: Text a person or a machine typed: no control characters (tab and new lines allowed) and
#: no lone surrogates, and never longer than a page of text.
CleanStr = Annotated[str, Field(max_length=4000), AfterValidator(_clean)]


def text(max_length: int, *, min_length: int = 0):
    """`CleanStr` of at most ``max_length`` characters (and at least ``min_length``)."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length),
                     AfterValidator(_clean)]


#: A short code (gate, camera, agency, verdict, state…), as the URLs and choices spell them.
Code = text(64)
#: A database id.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: A weight, a count, an amount typed as a whole number: bounded so it fits every column.
Amount = Annotated[int, Field(ge=-MAX_AMOUNT_VND, le=MAX_AMOUNT_VND)]
