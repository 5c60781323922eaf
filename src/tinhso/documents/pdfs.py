"""PDF work of the documents app: reading an upload (checked by content with core.files,
then parsed with pypdf), extracting its text for search, and composing the issued copy
(Appendix I header with the number-symbol, the body's pages, the signature space)."""

from __future__ import annotations

import io
from datetime import datetime

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from tinhso.core import files
from tinhso.core import pdf as corepdf
from tinhso.documents import reference as ref

#: Pages read for the search text (OCR is out of scope: scans give no text).
TEXT_PAGES = 30
MAX_PDF_BYTES = 20 * files.MB
#: Where the signer's visible signature goes on the first page (x1, y1, x2, y2), under
#: the body text, on the right, as Appendix I places it.
SIGNATURE_BOX = (320, 70, 560, 230)


class UnreadablePdf(Exception):
    pass


def parse(data: bytes):
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UnreadablePdf("encrypted")
        _ = len(reader.pages)
        return reader
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError,
            RecursionError, OSError) as exc:
        raise UnreadablePdf(str(exc)) from exc


def extract_text(data: bytes, *, pages: int = TEXT_PAGES) -> str:
    """The text of the first ``pages`` pages (empty for scans or on any parse trouble:
    search is a convenience, the file is what counts)."""
    try:
        reader = parse(data)
        parts = []
        for page in reader.pages[:pages]:
            try:
                parts.append(page.extract_text() or "")
            except Exception:  # a single odd page must not lose the others
                continue
        text = "\n".join(parts)
    except UnreadablePdf:
        return ""
    return "".join(ch for ch in text if ch in "\n\t" or ch >= " ")[:200_000]


def read_stored(name: str) -> bytes:
    with files.private_storage().open(name, "rb") as handle:
        return handle.read()


def store_pdf(upload, *, folder: str, field: str, label) -> tuple[str, bytes]:
    """Check (by content, core.files), store privately, and make sure pypdf can read it.
    Returns (storage name, bytes). A damaged PDF is refused naming the field."""
    from tinhso.documents.errors import DocumentError, document_error

    name, _ = files.store_document(upload, folder=folder, field=field, label=label,
                                   allowed=("pdf",), max_bytes=MAX_PDF_BYTES)
    data = read_stored(name)
    try:
        parse(data)
    except UnreadablePdf:
        files.delete(name)
        raise document_error(DocumentError.CORRUPT_PDF, field=field) from None
    return name, data


DOCX = files.CONTENT_TYPES["docx"]


def docx_text(data: bytes, *, limit: int = 200_000) -> str:
    """The paragraphs and table cells of a Word draft, for search (python-docx)."""
    import io

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # checked by core.files already; an odd part only loses the text
        return ""
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(t for t in parts if t)[:limit]


def store_body(upload, *, folder: str, field: str, label) -> tuple[str, str, str]:
    """A draft's body: a PDF (checked as ``store_pdf`` does) or a Word document (DOCX,
    checked by content in core.files: no macros). Returns (storage name, content type,
    text for search). The issued copy is always made from a PDF body."""
    from tinhso.documents.errors import DocumentError, document_error

    name, content_type = files.store_document(upload, folder=folder, field=field,
                                              label=label, allowed=("pdf", "docx"),
                                              max_bytes=MAX_PDF_BYTES)
    data = read_stored(name)
    if content_type == DOCX:
        return name, content_type, docx_text(data)
    try:
        parse(data)
    except UnreadablePdf:
        files.delete(name)
        raise document_error(DocumentError.CORRUPT_PDF, field=field) from None
    return name, content_type, extract_text(data)


def save_bytes(data: bytes, *, folder: str) -> str:
    import secrets

    from django.core.files.base import ContentFile

    token = secrets.token_hex(16)
    return files.private_storage().save(f"{folder}/{token[:2]}/{token}.pdf", ContentFile(data))


def _vn_date(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"ngày {local.day:02d} tháng {local.month:02d} năm {local.year}"


def issued_copy(*, agency_name: str, parent_name: str, number_symbol: str, type_code: str,
                excerpt: str, place: str, issued_at: datetime, recipients: list[str],
                urgency_label: str, secret_label: str, body: bytes | None) -> bytes:
    """The document as issued: a first page laid out as Appendix I (issuing body and
    national motto, number-symbol, place and date, type and excerpt, "Nơi nhận" and the
    signature space), followed by the body's pages."""
    from pypdf import PdfReader, PdfWriter

    out = io.BytesIO()
    width, height = A4
    c = corepdf.new_canvas(out, title=f"{number_symbol} {excerpt}"[:200],
                           author=agency_name, subject=number_symbol)
    left, right = 20 * mm, width - 15 * mm
    top = height - 20 * mm
    col = 85 * mm
    y = top
    if parent_name:
        y = corepdf.draw_wrapped(c, parent_name.upper(), left, y, col, size=11, align="center")
    y = corepdf.draw_wrapped(c, agency_name.upper(), left, y, col, font=corepdf.FONT_BOLD,
                             size=11, align="center")
    c.line(left + col / 2 - 15 * mm, y + 9, left + col / 2 + 15 * mm, y + 9)
    corepdf.draw_wrapped(c, f"Số: {number_symbol}", left, y - 6, col, size=11,
                         align="center")
    motto_x = left + col + 5 * mm
    motto_w = right - motto_x
    my = corepdf.draw_wrapped(c, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", motto_x, top, motto_w,
                              font=corepdf.FONT_BOLD, size=10.5, align="center")
    my = corepdf.draw_wrapped(c, "Độc lập - Tự do - Hạnh phúc", motto_x, my, motto_w,
                              font=corepdf.FONT_BOLD, size=11, align="center")
    c.line(motto_x + motto_w / 2 - 25 * mm, my + 9, motto_x + motto_w / 2 + 25 * mm, my + 9)
    corepdf.draw_wrapped(c, f"{place}, {_vn_date(issued_at)}", motto_x, my - 8, motto_w,
                         font=corepdf.FONT_ITALIC, size=11, align="center")
    y = min(y - 30, my - 40)
    marks = [m for m in (secret_label.upper(), urgency_label.upper()) if m]
    if marks:
        c.setFont(corepdf.FONT_BOLD, 12)
        c.drawString(left, y, " · ".join(marks))
        y -= 20
    doc_type = ref.document_type(type_code)
    if doc_type.abbreviation:
        y = corepdf.draw_wrapped(c, doc_type.name.upper(), left, y, right - left,
                                 font=corepdf.FONT_BOLD, size=13, align="center")
        y = corepdf.draw_wrapped(c, excerpt, left + 15 * mm, y, right - left - 30 * mm,
                                 font=corepdf.FONT_BOLD, size=12, align="center",
                                 max_lines=5)
    else:
        y = corepdf.draw_wrapped(c, f"V/v {excerpt}", left, y, col, size=11, max_lines=5)
    y -= 10
    corepdf.draw_wrapped(c, "(Nội dung chi tiết tại các trang kèm theo.)" if body else "",
                         left, y, right - left, font=corepdf.FONT_ITALIC, size=11)
    c.setFont(corepdf.FONT_BOLD, 10)
    ny = SIGNATURE_BOX[3]
    c.drawString(left, ny, "Nơi nhận:")
    ny -= 13
    for name in recipients[:10]:
        ny = corepdf.draw_wrapped(c, f"- {name};", left, ny, 80 * mm, size=9,
                                  max_lines=1, leading=11)
    if len(recipients) > 10:
        corepdf.draw_wrapped(c, f"- … ({len(recipients) - 10} nơi khác)", left, ny, 80 * mm,
                             size=9)
    c.showPage()
    c.save()
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(out.getvalue())))
    if body:
        writer.append(parse(body))
    final = io.BytesIO()
    writer.write(final)
    return final.getvalue()
