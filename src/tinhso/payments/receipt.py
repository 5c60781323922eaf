"""The e-receipt (biên lai điện tử) of a paid invoice, as a PDF with Vietnamese text and a
verification QR code. The Vietnamese fonts and the QR drawing come from `core.pdf`."""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit

from tinhso.core.money import format_vnd
from tinhso.core.pdf import FONT, FONT_BOLD, draw_qr, new_canvas
from tinhso.payments.models import PLACEHOLDER_LABEL, Invoice


def receipt_pdf(invoice: Invoice, verify_url: str, *, compress: bool = True) -> bytes:
    """The receipt as PDF bytes. ``compress=False`` leaves the page streams readable
    (tests); the reference is also written in Helvetica and as the document title, so it
    can be found in the bytes (DejaVu text is stored as glyph ids)."""
    out = io.BytesIO()
    width, height = A5
    pdf = new_canvas(out, pagesize=A5, compress=compress, title=f"Biên lai {invoice.reference}",
                     author=invoice.payee.name, subject=invoice.reference)
    x, y = 12 * mm, height - 16 * mm
    pdf.setFont(FONT_BOLD, 13)
    pdf.drawString(x, y, "BIÊN LAI THU PHÍ ĐIỆN TỬ")
    pdf.setFont(FONT, 9)
    pdf.drawString(x, y - 12, "E-receipt — infrastructure fee")
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawRightString(width - x, y, invoice.reference)
    y -= 34
    paid_at = timezone.localtime(invoice.paid_at).strftime("%d/%m/%Y %H:%M") if invoice.paid_at \
        else "—"
    via = {"bank": "Chuyển khoản ngân hàng", "cashier": "Nộp tại quầy thu phí"}.get(
        invoice.paid_via, "—")
    rows = [
        ("Đơn vị thu / Payee", invoice.payee.name),
        ("Người nộp / Payer", invoice.payer.name),
        ("Mã số thuế / Tax code", invoice.payer.tax_code or "—"),
        ("Nội dung / For", invoice.subject),
        ("Số tiền / Amount", format_vnd(invoice.amount_vnd)),
        ("Hình thức / Paid via", via),
        ("Thời điểm nộp / Paid at", paid_at),
        ("Trạng thái / Status", "ĐÃ NỘP / PAID" if invoice.is_paid else "CHƯA NỘP / UNPAID"),
    ]
    for label, value in rows:
        pdf.setFont(FONT, 8)
        pdf.drawString(x, y, label)
        pdf.setFont(FONT_BOLD if label.startswith("Số tiền") else FONT, 9)
        for part in simpleSplit(str(value), FONT, 9, width - 2 * x - 44 * mm)[:2]:
            pdf.drawString(x + 44 * mm, y, part)
            y -= 11
        y -= 4
    y -= 6
    pdf.setFont(FONT_BOLD, 9)
    pdf.drawString(x, y, "Chi tiết / Lines")
    y -= 13
    pdf.setFont(FONT, 8)
    for line in invoice.lines:
        label = line["label"] + (f" [{PLACEHOLDER_LABEL}]" if line.get("is_placeholder") else "")
        pdf.drawRightString(width - x, y, format_vnd(int(line["amount_vnd"])))
        for part in simpleSplit(label, FONT, 8, width - 2 * x - 30 * mm)[:3]:
            pdf.drawString(x, y, part)
            y -= 10
        y -= 2
    if invoice.is_placeholder:
        y -= 4
        pdf.setFont(FONT_BOLD, 8)
        pdf.drawString(x, y, f"Mức phí {PLACEHOLDER_LABEL}: chưa được xác nhận theo nghị quyết.")
    size = 36 * mm
    draw_qr(pdf, verify_url, width - x - size, 12 * mm, size)
    pdf.setFont(FONT, 7)
    pdf.drawString(x, 20 * mm, "Quét mã QR để kiểm tra biên lai.")
    pdf.drawString(x, 16 * mm, "Scan the QR code to verify this receipt.")
    pdf.setFont("Helvetica", 6)
    pdf.drawString(x, 12 * mm, verify_url[:90])
    pdf.showPage()
    pdf.save()
    return out.getvalue()
