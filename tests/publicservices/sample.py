"""Small builders for part B's tests (agencies, procedures, dossiers in a given state)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tests.factories import OrganizationFactory
from tinhso.accounts.models import OrganizationKind
from tinhso.publicservices import statistics_days
from tinhso.publicservices.models import (
    Agency,
    Channel,
    Dossier,
    DossierState,
    Level,
    Procedure,
)
from tinhso.publicservices.workflow import FINAL_STATES

_numbers = itertools.count(1)


def agency(code: str = "H20.01", level: str = Level.COMMUNE, **kwargs) -> Agency:
    found = Agency.objects.filter(code=code).first()
    if found:
        return found
    org = OrganizationFactory(kind=OrganizationKind.STATE_AGENCY)
    return Agency.objects.create(code=code, name=kwargs.pop("name", f"UBND {code}"),
                                 level=level, organization=org, **kwargs)


def procedure(code: str = "1.001193", **kwargs) -> Procedure:
    found = Procedure.objects.filter(code=code).first()
    if found:
        return found
    defaults = {"name": "Đăng ký khai sinh", "field": "Hộ tịch", "level": Level.COMMUNE,
                "processing_days": Decimal("3")}
    return Procedure.objects.create(code=code, **{**defaults, **kwargs})


def dossier(*, state: str = DossierState.PROCESSING, code: str | None = None,
            agency_obj: Agency | None = None, proc: Procedure | None = None,
            channel: str = Channel.DESK, **kwargs) -> Dossier:
    n = next(_numbers)
    where = agency_obj or agency()
    now = timezone.now()
    received = state not in (DossierState.DRAFT, DossierState.SUBMITTED,
                             DossierState.INCOMPLETE)
    values = {
        "procedure": proc or procedure(), "agency": where, "receiving_agency": where,
        "channel": channel, "state": state,
        "code": code if code is not None else (f"{where.code}-261202-01{n:04d}"
                                               if received else None),
        "applicant_name": "Nguyễn Văn An", "applicant_phone": "0912345678",
        "applicant_id_number": "020090001234",
        "submitted_at": now, "received_at": now if received else None,
        "legal_half_days": 6, "appointment_at": now + timedelta(days=3) if received else None,
        "due_at": now + timedelta(days=3) if received else None,
    }
    values.update(kwargs)
    made = Dossier.objects.create(**values)
    if made.state in FINAL_STATES:  # what services.transition does on the last transition
        statistics_days.record_finished(made)
    return made
