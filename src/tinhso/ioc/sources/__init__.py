"""Where the dashboard's figures come from: one function per indicator, registered under a
key that the catalogue's `Indicator.source` names.

A source takes the period (`rules.Period`) and the moment of the computation (a period in
progress is counted up to ``now``) and returns `Figures`: the province's value and, for
the indicators that have one, each commune's (by commune code). ``None`` means "no figure"
(nothing to divide by), never zero. A system not built yet raises `NoDataYet`; any other
exception is "source unavailable" for the refresh (`services.refresh`), which keeps the
last good figure and its time.

Each system's module (``sources/<system>.py``) reads that system's selectors, or its
models where no selector gives the figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_noop

from tinhso.ioc.rules import Period


class NoDataYet(Exception):
    """The system behind the indicator is not built (or not installed) yet."""


@dataclass(frozen=True)
class Figures:
    province: Decimal | None
    communes: dict[int, Decimal | None] = field(default_factory=dict)


Source = Callable[[Period, datetime], Figures]
SOURCES: dict[str, Source] = {}
#: Why a source has no figure per commune (an English msgid; the pages translate it).
PROVINCE_ONLY: dict[str, str] = {
    "manual": gettext_noop("The statistics office publishes this figure for the province "
                           "as a whole, not per commune."),
}
#: Which communes a source with figures per commune covers, when not every one.
SOME_COMMUNES: dict[str, str] = {}
#: Sources whose figure is a state at the moment of the computation (the yards' backlog,
#: the conference points' readiness): a past period cannot be recomputed from them.
AS_OF_NOW: set[str] = set()


def register(key: str, *, province_only: str | None = None, some_communes: str | None = None,
             as_of_now: bool = False):
    def add(function: Source) -> Source:
        SOURCES[key] = function
        if province_only:
            PROVINCE_ONLY[key] = province_only
        if some_communes:
            SOME_COMMUNES[key] = some_communes
        if as_of_now:
            AS_OF_NOW.add(key)
        return function

    return add


def number(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def share(part, whole) -> Decimal | None:
    """A percentage with one decimal, or None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP)


def load() -> dict[str, Source]:
    """Import every system's module (each registers its sources) and return the registry."""
    from tinhso.ioc.sources import (  # noqa: F401
        border,
        documents,
        innovation,
        market,
        meetings,
        payments,
        publicservices,
        schools,
    )

    return SOURCES
