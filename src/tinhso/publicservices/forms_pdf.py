"""The one-stop forms of Circular 03/2025/TT-VPCP as PDFs (via `core.pdf`): BM.01 receipt
and appointment (with a QR code to the public tracking page), BM.02 request to supplement,
BM.03 refusal, BM.04 apology and new date. Layout follows the forms' headings and fields;
the wording of each field is the circular's."""

from __future__ import annotations

import io
from datetime import datetime

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from tinhso.core import pdf as core_pdf
from tinhso.core.pdf import FONT, FONT_BOLD, FONT_ITALIC

WIDTH, HEIGHT = A4
MARGIN = 20 * mm
TEXT_WIDTH = WIDTH - 2 * MARGIN


def _moment(value: datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def _day(value: datetime | None) -> str:
    return f"ngày {timezone.localtime(value):%d/%m/%Y}" if value else ""


def _start(title: str, form_no: str, agency_name: str, code: str,
           compress: bool) -> tuple:
    out = io.BytesIO()
    pdf = core_pdf.new_canvas(out, compress=compress, title=f"{title} {code}",
                              author=agency_name, subject=form_no)
    y = HEIGHT - 18 * mm
    pdf.setFont(FONT_ITALIC, 9)
    pdf.drawRightString(WIDTH - MARGIN, y + 6 * mm, form_no)
    left = 80 * mm
    core_pdf.draw_wrapped(pdf, agency_name.upper(), MARGIN, y, left, font=FONT_BOLD, size=9,
                          align="center", max_lines=3)
    pdf.setFont(FONT_BOLD, 9)
    pdf.drawCentredString(MARGIN + left + (TEXT_WIDTH - left) / 2, y,
                          "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    pdf.drawCentredString(MARGIN + left + (TEXT_WIDTH - left) / 2, y - 12,
                          "Độc lập - Tự do - Hạnh phúc")
    pdf.setFont(FONT, 9)
    pdf.drawString(MARGIN, y - 30, f"Mã hồ sơ: {code}")
    y -= 55
    y = core_pdf.draw_wrapped(pdf, title, MARGIN, y, TEXT_WIDTH, font=FONT_BOLD, size=13,
                              align="center") - 8
    return out, pdf, y


def _paragraph(pdf, text: str, y: float, *, size: float = 10.5, font: str = FONT) -> float:
    return core_pdf.draw_wrapped(pdf, text, MARGIN, y, TEXT_WIDTH, font=font, size=size) - 4


def _sign(pdf, y: float, role: str, name: str = "") -> float:
    x = MARGIN + TEXT_WIDTH / 2
    pdf.setFont(FONT_BOLD, 10)
    pdf.drawCentredString(x + TEXT_WIDTH / 4, y, role)
    pdf.setFont(FONT_ITALIC, 9)
    pdf.drawCentredString(x + TEXT_WIDTH / 4, y - 12, "(Ký và ghi rõ họ tên)")
    if name:
        pdf.setFont(FONT, 10)
        pdf.drawCentredString(x + TEXT_WIDTH / 4, y - 60, name)
    return y - 75


def _finish(out: io.BytesIO, pdf) -> bytes:
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def receipt_pdf(dossier, tracking_url: str, *, compress: bool = True) -> bytes:
    """BM.01: giấy tiếp nhận hồ sơ và hẹn trả kết quả."""
    agency = dossier.receiving_agency
    out, pdf, y = _start("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Mẫu số 01",
                         agency.name, dossier.code or "", compress)
    y = _paragraph(pdf, f"{agency.name} tiếp nhận hồ sơ của: {dossier.applicant_name}", y)
    rows = [
        ("Địa chỉ", dossier.applicant_address or "—"),
        ("Số điện thoại", dossier.applicant_phone or "—"),
        ("Email", dossier.applicant_email or "—"),
        ("Nội dung yêu cầu", f"{dossier.procedure.code} {dossier.procedure.name}"),
    ]
    y = core_pdf.draw_rows(pdf, rows, MARGIN, y, TEXT_WIDTH, size=10) - 4
    y = _paragraph(pdf, "1. Thành phần hồ sơ nộp gồm:", y, font=FONT_BOLD)
    papers = list(dossier.papers.all())
    for n, paper in enumerate(papers, start=1):
        y = _paragraph(pdf, f"   {n}. {paper.name} — {paper.get_form_display()}, "
                            f"số lượng: {paper.copies}", y, size=10)
    if not papers:
        y = _paragraph(pdf, "   (không có giấy tờ kèm theo)", y, size=10)
    days = dossier.legal_half_days / 2
    y = _paragraph(pdf, f"2. Số lượng hồ sơ: 01 (bộ). Thời gian giải quyết theo quy định: "
                        f"{days:g} ngày làm việc.", y)
    y = _paragraph(pdf, f"3. Thời gian nhận hồ sơ: {_moment(dossier.received_at)}.", y)
    y = _paragraph(pdf, f"4. Thời gian trả kết quả giải quyết hồ sơ: "
                        f"{_moment(dossier.appointment_at)}.", y)
    y = _paragraph(pdf, f"5. Nhận kết quả tại: {agency.address or agency.name}.", y)
    y = _paragraph(pdf, "Vào sổ theo dõi hồ sơ, Quyển số: ……… Số thứ tự: ………", y, size=9)
    core_pdf.draw_qr(pdf, tracking_url, MARGIN, y - 32 * mm, 30 * mm)
    pdf.setFont(FONT, 8)
    pdf.drawString(MARGIN, y - 36 * mm, "Quét mã để tra cứu tiến độ hồ sơ")
    pdf.drawString(MARGIN, y - 40 * mm, tracking_url[:90])
    received_by = dossier.received_by.full_name if dossier.received_by_id else ""
    _sign(pdf, y - 4, "NGƯỜI TIẾP NHẬN HỒ SƠ", received_by)
    return _finish(out, pdf)


def supplement_pdf(dossier, request, *, compress: bool = True) -> bytes:
    """BM.02: phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""
    agency = dossier.agency
    out, pdf, y = _start("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Mẫu số 02",
                         agency.name, dossier.code or f"#{dossier.pk}", compress)
    y = _paragraph(pdf, f"{agency.name} tiếp nhận hồ sơ của: {dossier.applicant_name}", y)
    y = _paragraph(pdf, f"Nội dung yêu cầu giải quyết: {dossier.procedure.name}", y)
    y = _paragraph(pdf, "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:", y, font=FONT_BOLD)
    for n, item in enumerate(request.missing or [], start=1):
        y = _paragraph(pdf, f"   {n}. {item}", y, size=10)
    if request.reason:
        y = _paragraph(pdf, f"Lý do: {request.reason}", y)
    y = _paragraph(pdf, "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ "
                        f"{agency.name}" + (f", số điện thoại {agency.phone}" if agency.phone
                                            else "") + " để được hướng dẫn.", y)
    y = _paragraph(pdf, f"Thời điểm yêu cầu: {_moment(request.requested_at)}.", y, size=9)
    by = request.requested_by.full_name if request.requested_by_id else ""
    _sign(pdf, y - 10, "NGƯỜI HƯỚNG DẪN", by)
    return _finish(out, pdf)


def refusal_pdf(dossier, reason_label: str, *, compress: bool = True) -> bytes:
    """BM.03: phiếu từ chối tiếp nhận giải quyết hồ sơ."""
    agency = dossier.agency
    out, pdf, y = _start("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Mẫu số 03",
                         agency.name, dossier.code or f"#{dossier.pk}", compress)
    y = _paragraph(pdf, f"{agency.name} tiếp nhận hồ sơ của: {dossier.applicant_name}", y)
    y = _paragraph(pdf, f"Nội dung yêu cầu giải quyết: {dossier.procedure.name}", y)
    y = _paragraph(pdf, "Qua xem xét, cơ quan, đơn vị giải quyết thủ tục hành chính thông báo "
                        "không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:", y)
    y = _paragraph(pdf, reason_label, y, font=FONT_BOLD)
    if dossier.refusal_note:
        y = _paragraph(pdf, dossier.refusal_note, y)
    y = _paragraph(pdf, "Xin thông báo để ông/bà được biết và thực hiện.", y)
    _sign(pdf, y - 10, "NGƯỜI TIẾP NHẬN / THỦ TRƯỞNG CƠ QUAN")
    return _finish(out, pdf)


def apology_pdf(letter, *, compress: bool = True) -> bytes:
    """BM.04: phiếu xin lỗi và hẹn lại ngày trả kết quả."""
    dossier = letter.dossier
    agency = dossier.agency
    out, pdf, y = _start("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "Mẫu số 04",
                         agency.name, dossier.code or "", compress)
    y = _paragraph(pdf, f"Kính gửi: {dossier.applicant_name}", y, font=FONT_BOLD)
    y = _paragraph(pdf, f"Ngày {timezone.localtime(dossier.received_at):%d/%m/%Y}, "
                        f"{dossier.receiving_agency.name} tiếp nhận giải quyết hồ sơ của "
                        f"ông/bà về: {dossier.procedure.name}. Mã hồ sơ: {dossier.code}.", y)
    y = _paragraph(pdf, f"Thời hạn trả kết quả giải quyết hồ sơ: "
                        f"{_moment(letter.original_due_at)}.", y)
    y = _paragraph(pdf, f"Tuy nhiên đến nay, {agency.name} chưa trả kết quả giải quyết hồ sơ "
                        f"cho ông/bà. Lý do: {letter.reason}", y)
    y = _paragraph(pdf, f"Sự chậm trễ này đã gây phiền hà cho ông/bà. {agency.name} xin lỗi "
                        f"ông/bà và hẹn lại thời gian trả kết quả vào "
                        f"{_moment(letter.new_due_at)}.", y)
    y = _paragraph(pdf, "Mong nhận được sự thông cảm của ông/bà.", y)
    y = _paragraph(pdf, f"Ngày lập phiếu: {_day(letter.issued_at)}.", y, size=9)
    _sign(pdf, y - 10, "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", letter.signed_by.full_name)
    return _finish(out, pdf)
