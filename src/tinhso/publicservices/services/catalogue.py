"""The procedure catalogue: import and re-import from the national portal's list (Excel or
CSV, layout in `catalogue_format`), idempotent: a procedure is found by its code, a
re-import updates what changed and says what, and a file with a bad row writes nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from tinhso.accounts.permissions import require
from tinhso.core import audit
from tinhso.core.errors import InvalidInput
from tinhso.publicservices.catalogue_format import (
    COLUMNS,
    REQUIRED_COLUMNS,
    CellError,
    ProcedureRow,
    header_map,
    parse_row,
)
from tinhso.publicservices.errors import PublicServiceError as E
from tinhso.publicservices.errors import public_service_invalid
from tinhso.publicservices.models import Procedure, ProcedurePaper, ProcedureStep

MAX_ROWS = 5000
MAX_BYTES = 20 * 1024 * 1024
PLAIN_FIELDS = ("name", "field", "level", "receiving_agency", "deciding_agency",
                "processing_days", "fee_vnd", "fee_note", "result", "online_level",
                "legal_basis")


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    #: ``{code: [changed field names]}`` (``papers`` / ``steps`` when those changed).
    updated: dict[str, list[str]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def read_table(content: bytes, filename: str = "") -> list[list[str]]:
    """The rows of an .xlsx (first sheet) or a UTF-8 CSV (comma or semicolon)."""
    if len(content) > MAX_BYTES:
        raise InvalidInput([public_service_invalid(E.IMPORT_FILE, field="file")])
    try:
        if content[:2] == b"PK":
            return _read_xlsx(content)
        text = content.decode("utf-8-sig")
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        return [row for row in csv.reader(io.StringIO(text), dialect)][: MAX_ROWS + 1]
    except (UnicodeDecodeError, csv.Error, OSError, ValueError, KeyError, IndexError) as error:
        raise InvalidInput([public_service_invalid(E.IMPORT_FILE, field="file")]) from error


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [["" if v is None else _cell(v) for v in row]
                for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1)]
        book.close()
    except Exception as error:  # a broken zip or workbook raises many kinds of error
        raise ValueError("not a readable workbook") from error
    return rows


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_table(rows: list[list[str]]) -> list[ProcedureRow]:
    """Every row checked; all bad cells reported at once (field ``row N``)."""
    if not rows:
        raise InvalidInput([public_service_invalid(E.IMPORT_HEADER, field="file",
                                                   column=COLUMNS["code"])])
    columns = header_map(rows[0])
    missing = [COLUMNS[c] for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InvalidInput([public_service_invalid(E.IMPORT_HEADER, field="file", column=m)
                            for m in missing])
    parsed, errors, seen = [], [], set()
    for number, row in enumerate(rows[1:], start=2):
        cells = {name: (row[i] if i < len(row) else "") for name, i in columns.items()}
        if not any(str(v).strip() for v in cells.values()):
            continue
        try:
            record = parse_row(cells)
        except CellError as error:
            errors.append(public_service_invalid(
                E.IMPORT_VALUE, field=f"row {number}", row=number,
                column=COLUMNS[error.column], value=error.value[:60]))
            continue
        if record.code in seen:
            errors.append(public_service_invalid(E.IMPORT_VALUE, field=f"row {number}",
                                                 row=number, column=COLUMNS["code"],
                                                 value=record.code))
            continue
        seen.add(record.code)
        parsed.append(record)
    if errors:
        raise InvalidInput(errors[:50])
    return parsed


def import_catalogue(*, actor, content: bytes, filename: str = "",
                     is_sample: bool = False) -> ImportReport:
    """Import or re-import the catalogue file; nothing is written if any row is bad."""
    if actor is not None:
        require(actor, "publicservices.manage_catalogue")
    records = parse_table(read_table(content, filename))
    return save_procedures(actor=actor, records=records, is_sample=is_sample)


def _papers_of(procedure: Procedure) -> list[tuple]:
    return [(p.name, p.copies, p.form, p.template_name)
            for p in procedure.papers.order_by("order")]


def _steps_of(procedure: Procedure) -> list[tuple]:
    return [(s.kind, s.name, s.half_days) for s in procedure.steps.order_by("order")]


def save_procedures(*, actor, records: list[ProcedureRow], is_sample: bool = False
                    ) -> ImportReport:
    """Create or update each procedure by its code (one transaction, one audit entry per
    procedure created or changed)."""
    report = ImportReport()
    with transaction.atomic():
        existing = {p.code: p for p in Procedure.objects.select_for_update().filter(
            code__in=[r.code for r in records])}
        for record in records:
            values = {name: getattr(record, name) for name in PLAIN_FIELDS}
            papers = [(p.name, p.copies, p.form, p.template_name) for p in record.papers]
            steps = [(s.kind, s.name, s.half_days) for s in record.steps]
            procedure = existing.get(record.code)
            if procedure is None:
                procedure = Procedure.objects.create(code=record.code, is_sample=is_sample,
                                                     **values)
                _replace_papers(procedure, papers)
                _replace_steps(procedure, steps)
                audit.record(actor=actor, action="procedure.import", obj=procedure,
                             after={"code": procedure.code})
                report.created.append(record.code)
                continue
            changed = [name for name, value in values.items()
                       if _differs(getattr(procedure, name), value)]
            for name in changed:
                setattr(procedure, name, values[name])
            if not procedure.is_active:
                procedure.is_active = True
                changed.append("is_active")
            if changed:
                procedure.save(update_fields=[*changed, "updated_at"])
            if _papers_of(procedure) != papers:
                _replace_papers(procedure, papers)
                changed.append("papers")
            if _steps_of(procedure) != steps:
                _replace_steps(procedure, steps)
                changed.append("steps")
            if changed:
                audit.record(actor=actor, action="procedure.reimport", obj=procedure,
                             after={"changed": changed})
                report.updated[record.code] = changed
            else:
                report.unchanged.append(record.code)
    return report


def _differs(old, new) -> bool:
    if isinstance(new, Decimal):
        return Decimal(old) != new
    return old != new


def _replace_papers(procedure: Procedure, papers: list[tuple]) -> None:
    procedure.papers.all().delete()
    ProcedurePaper.objects.bulk_create([
        ProcedurePaper(procedure=procedure, order=i, name=name, copies=copies, form=form,
                       template_name=template)
        for i, (name, copies, form, template) in enumerate(papers, start=1)])


def _replace_steps(procedure: Procedure, steps: list[tuple]) -> None:
    """Update the steps in place by position (dossiers in progress point at them and keep
    their own due moments in DossierStep); surplus steps go, new ones are added."""
    current = list(procedure.steps.order_by("order"))
    for row, (kind, name, half) in zip(current, steps, strict=False):
        row.kind, row.name, row.half_days = kind, name, half
        row.save(update_fields=["kind", "name", "half_days"])
    ProcedureStep.objects.filter(pk__in=[row.pk for row in current[len(steps):]]).delete()
    ProcedureStep.objects.bulk_create([
        ProcedureStep(procedure=procedure, order=i, kind=kind, name=name, half_days=half)
        for i, (kind, name, half) in enumerate(steps, start=1) if i > len(current)])
