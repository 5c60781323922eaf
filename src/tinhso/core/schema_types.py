"""Field types shared by the API schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.utils import timezone
from pydantic import AfterValidator


def _aware(value: datetime) -> datetime:
    """A moment sent without a zone is Vietnamese time, as the pages read it."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


#: A date and time; without an offset it is read in the platform's time zone.
LocalDateTime = Annotated[datetime, AfterValidator(_aware)]
