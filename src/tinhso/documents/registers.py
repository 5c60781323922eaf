"""The incoming and outgoing registers (sổ đăng ký văn bản) of a period as Excel, in the
column layout of Decree 30's Appendix IV."""

from __future__ import annotations

import io
from datetime import date

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from tinhso.documents import reference
from tinhso.documents.models import UNREGISTERED, DeliveryState, OutgoingState

OUTGOING_COLUMNS = (
    ("Số, ký hiệu văn bản", 16), ("Ngày tháng văn bản", 12),
    ("Tên loại và trích yếu nội dung văn bản", 48), ("Người ký", 20),
    ("Nơi nhận văn bản", 30), ("Đơn vị, người nhận bản lưu", 20), ("Số lượng bản", 8),
    ("Ngày chuyển", 12), ("Ký nhận", 10), ("Ghi chú", 14),
)
INCOMING_COLUMNS = (
    ("Ngày đến", 12), ("Số đến", 8), ("Tác giả", 28), ("Số, ký hiệu", 16),
    ("Ngày tháng", 12), ("Tên loại và trích yếu nội dung", 48),
    ("Đơn vị hoặc người nhận", 24), ("Ký nhận", 10), ("Ghi chú", 20),
)
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _d(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y")


def _sheet(title: str, agency_name: str, period: str, columns, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([agency_name.upper()])
    sheet.append([title.upper()])
    sheet.append([period])
    sheet.append([])
    sheet.append([name for name, _ in columns])
    sheet.append([f"({i})" for i in range(1, len(columns) + 1)])
    for row in rows:
        sheet.append(row)
    for cell in sheet[1] + sheet[2]:
        cell.font = Font(bold=True)
    for number, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    for row in sheet.iter_rows(min_row=5, max_row=sheet.max_row, max_col=len(columns)):
        for cell in row:
            cell.border = _BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if cell.row in (5, 6):
                cell.font = Font(bold=cell.row == 5)
                cell.alignment = Alignment(horizontal="center", wrap_text=True)
    sheet.freeze_panes = "A7"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _period(date_from: date, date_to: date) -> str:
    return f"Từ ngày {_d(date_from)} đến ngày {_d(date_to)}"


def receipts(recipients) -> str:
    """The "Ký nhận" column: each recipient's answer (received on…, returned: why)."""
    parts = []
    for r in recipients:
        if r.state == DeliveryState.RECEIVED and r.received_at:
            parts.append(f"{r.agency.abbreviation or r.agency.name}: đã nhận {_d(r.received_at)}")
        elif r.state == DeliveryState.RETURNED:
            why = r.get_return_reason_display() + (f" — {r.return_note}" if r.return_note
                                                   else "")
            parts.append(f"{r.agency.abbreviation or r.agency.name}: trả lại ({why})")
    return "; ".join(parts)


def outgoing_register(rows, *, agency_name: str, date_from: date, date_to: date) -> bytes:
    lines = []
    for doc in rows.filter(state=OutgoingState.ISSUED).select_related(
            "signer", "unit").prefetch_related("recipients__agency").order_by(
            "register_id", "year", "number"):
        recipients = doc.recipients.all()
        sent = [r.delivered_at for r in recipients if r.delivered_at]
        lines.append([
            doc.number_symbol, _d(doc.issued_at),
            f"{reference.document_type(doc.doc_type).name}: {doc.excerpt}",
            doc.signer.full_name, "; ".join(r.agency.name for r in recipients),
            doc.unit.name if doc.unit else "", doc.copies,
            _d(min(sent)) if sent else "", receipts(recipients), doc.get_confidentiality_display()
            if doc.is_secret else "",
        ])
    return _sheet("Sổ đăng ký văn bản đi", agency_name, _period(date_from, date_to),
                  OUTGOING_COLUMNS, lines)


def incoming_register(rows, *, agency_name: str, date_from: date, date_to: date) -> bytes:
    lines = []
    for doc in rows.exclude(state__in=UNREGISTERED).prefetch_related(
            "assignments__assignee").order_by("register_id", "year", "arrival_number"):
        handlers = "; ".join(a.assignee.full_name for a in doc.assignments.all())
        notes = []
        if doc.duplicate_of_id:
            notes.append("Trùng số, ký hiệu")
        if doc.signature_verdict != "valid":
            notes.append(f"Chữ ký số: {doc.get_signature_verdict_display()}")
        lines.append([
            _d(doc.registered_at or doc.arrived_at), doc.arrival_number, doc.sender_name,
            doc.number_symbol, _d(doc.doc_date),
            f"{reference.document_type(doc.doc_type).name}: {doc.excerpt}", handlers, "",
            "; ".join(notes),
        ])
    return _sheet("Sổ đăng ký văn bản đến", agency_name, _period(date_from, date_to),
                  INCOMING_COLUMNS, lines)
