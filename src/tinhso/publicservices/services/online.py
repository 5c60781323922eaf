"""The citizen's online form: a draft saved as often as wanted, then one atomic
submission into the one reception code path.

* Applicant data is checked by `core.validators` (12-digit CCCD with its province /
  century / gender / birth-year structure, mobile number, tax code for an organisation,
  email); each error names its field.
* One upload per paper of the procedure, checked by content and stored privately
  (`core.files.store_document`: PDF, JPEG or PNG, at most 10 MB). A file replaced in a
  later save is deleted; files stored for a save that then fails are deleted again, so
  nothing half-written survives.
* Submission checks that every required paper has its file (the error names the paper),
  then moves the draft to "waiting for reception" through `services.transition`, the same
  edge the desk and the national portal take (`submit_dossier`).
* A procedure with a fee shows a VietQR (payments' payee account, amount and the
  dossier's reference) on the citizen's page.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tinhso.core import audit
from tinhso.core import files as core_files
from tinhso.core.errors import FieldCollector
from tinhso.core.validators import (
    InvalidValue,
    check_text,
    normalize_citizen_id,
    normalize_mobile,
    normalize_tax_code,
)
from tinhso.publicservices.errors import PublicServiceError as E
from tinhso.publicservices.errors import public_service_error
from tinhso.publicservices.models import (
    Agency,
    ApplicantKind,
    Channel,
    Dossier,
    DossierPaper,
    DossierState,
    Procedure,
)

RESULT_FOLDER = "publicservices/papers"
TEXT_LIMITS = {"applicant_name": 200, "applicant_address": 255, "applicant_email": 254}


def clean_applicant(data: Mapping[str, str], *, complete: bool) -> dict:
    """The applicant's fields, normalised; InvalidInput naming every bad field. A draft
    (``complete=False``) may leave fields empty; a submission may not."""
    check = FieldCollector()
    out: dict[str, str] = {}
    kind = data.get("applicant_kind") or ApplicantKind.PERSON
    if kind not in ApplicantKind.values:
        kind = ApplicantKind.PERSON
    out["applicant_kind"] = kind
    for field, limit in TEXT_LIMITS.items():
        value = (data.get(field) or "").strip()
        if len(value) > limit:
            check.fail(public_service_error(E.TOO_LONG, field=field, max=limit))
            continue
        out[field] = check.field(field, check_text, value, field) or ""
    if complete and not out.get("applicant_name"):
        check.fail(public_service_error(E.REQUIRED, field="applicant_name"))
    id_number = (data.get("applicant_id_number") or "").strip()
    if id_number:
        out["applicant_id_number"] = check.field(
            "applicant_id_number", normalize_citizen_id, id_number, "applicant_id_number") or ""
    elif complete and kind == ApplicantKind.PERSON:
        check.fail(public_service_error(E.REQUIRED, field="applicant_id_number"))
    phone = (data.get("applicant_phone") or "").strip()
    if phone:
        out["applicant_phone"] = check.field(
            "applicant_phone", normalize_mobile, phone, "applicant_phone") or ""
    elif complete:
        check.fail(public_service_error(E.REQUIRED, field="applicant_phone"))
    tax = (data.get("applicant_tax_code") or "").strip()
    if tax:
        out["applicant_tax_code"] = check.field(
            "applicant_tax_code", normalize_tax_code, tax, "applicant_tax_code") or ""
    elif complete and kind == ApplicantKind.ORGANIZATION:
        check.fail(public_service_error(E.REQUIRED, field="applicant_tax_code"))
    check.raise_if_invalid()
    return out


def _check_choice(procedure: Procedure, agency: Agency) -> None:
    if not procedure.is_active:
        raise public_service_error(E.PROCEDURE_INACTIVE, field="procedure", code=procedure.code)
    if not agency.is_active:
        raise public_service_error(E.AGENCY_INACTIVE, field="agency", agency=agency.name)
    if agency.level != procedure.level:
        raise public_service_error(E.AGENCY_LEVEL, field="agency", agency=agency.name)


def _store_uploads(procedure: Procedure, uploads: Mapping[str, object]) -> dict[int, dict]:
    """Store each uploaded paper (field ``paper-<id>``); on any bad file, delete those
    already stored and raise InvalidInput naming every bad paper."""
    stored: dict[int, dict] = {}
    check = FieldCollector()
    for paper in procedure.papers.all():
        upload = uploads.get(f"paper-{paper.pk}")
        if not upload:
            continue
        try:
            name, content_type = core_files.store_document(
                upload, folder=RESULT_FOLDER, field=f"paper-{paper.pk}", label=paper.name)
        except InvalidValue as error:  # kept, to report every bad paper at once
            check.fail(error)
            continue
        stored[paper.pk] = {"storage_key": name, "content_type": content_type,
                            "original_filename": str(getattr(upload, "name", ""))[:255],
                            "size": int(getattr(upload, "size", 0) or 0)}
    try:
        check.raise_if_invalid()
    except Exception:
        core_files.delete(*(s["storage_key"] for s in stored.values()))
        raise
    return stored


def save_draft(*, actor, procedure: Procedure, agency: Agency, data: Mapping[str, str],
               uploads: Mapping[str, object], dossier: Dossier | None = None,
               submit: bool = False, now: datetime | None = None) -> Dossier:
    """Create or update the actor's draft (and submit it with ``submit=True``), in one
    transaction; the files of a failed call are removed."""
    from tinhso.publicservices.services import transition

    now = now or timezone.now()
    _check_choice(procedure, agency)
    applicant = clean_applicant(data, complete=submit)
    stored = _store_uploads(procedure, uploads)
    replaced: list[str] = []
    try:
        with transaction.atomic():
            if dossier is None:
                dossier = Dossier.objects.create(
                    procedure=procedure, agency=agency, receiving_agency=agency,
                    channel=Channel.ONLINE, state=DossierState.DRAFT, applicant_user=actor,
                    created_by=actor, fee_vnd=procedure.fee_vnd, **applicant)
            else:
                dossier = Dossier.objects.select_for_update().get(
                    pk=dossier.pk, applicant_user=actor, state=DossierState.DRAFT)
                for field, value in applicant.items():
                    setattr(dossier, field, value)
                dossier.agency = dossier.receiving_agency = agency
                dossier.save()
            have = {p.procedure_paper_id: p for p in dossier.papers.all()}
            for paper in procedure.papers.all():
                if paper.pk in stored:
                    old = have.get(paper.pk)
                    if old is not None:
                        replaced.append(old.storage_key)
                        old.delete()
                    DossierPaper.objects.create(
                        dossier=dossier, procedure_paper=paper, name=paper.name,
                        copies=paper.copies, form=paper.form, uploaded_by=actor,
                        **stored[paper.pk])
            if submit:
                have = set(dossier.papers.exclude(storage_key="")
                           .values_list("procedure_paper_id", flat=True))
                missing = [p for p in procedure.papers.all() if p.is_required
                           and p.pk not in have]
                if missing:
                    raise public_service_error(E.PAPER_MISSING, field=f"paper-{missing[0].pk}",
                                               paper=missing[0].name)
                dossier.submitted_at = now
                transition(dossier, DossierState.SUBMITTED, actor=actor, at=now,
                           also=["submitted_at"], details={"channel": Channel.ONLINE})
            else:
                audit.record(actor=actor, action="dossier.draft", obj=dossier,
                             organization=agency.organization,
                             after={"papers": sorted(stored)})
    except Exception:
        core_files.delete(*(s["storage_key"] for s in stored.values()))
        raise
    transaction.on_commit(lambda: core_files.delete(*replaced))
    return dossier
