"""core.pdf: Vietnamese text survives into the PDF (DejaVu glyphs, extracted back by
pypdf), long text wraps inside its box, and the QR code is drawn."""

import io

from pypdf import PdfReader
from reportlab.lib.units import mm

from tinhso.core import pdf as corepdf


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_vietnamese_text_round_trips_through_the_pdf():
    data = corepdf.simple_document("QUYẾT ĐỊNH về việc phê duyệt", [
        "Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn quyết định: điều chỉnh kế hoạch năm 2026.",
    ])
    assert data.startswith(b"%PDF")
    text = _text(data)
    assert "QUYẾT ĐỊNH" in text
    assert "Ủy ban nhân dân tỉnh Lạng Sơn" in text


def test_wrap_keeps_every_line_inside_the_width_and_keeps_paragraphs():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = ("Đề nghị các sở, ban, ngành tăng cường ứng dụng công nghệ thông tin " * 6) + \
        "\nĐoạn hai."
    lines = corepdf.wrap(text, 80 * mm, size=10)
    assert len(lines) > 3
    assert lines[-1] == "Đoạn hai."
    assert all(stringWidth(line, corepdf.FONT, 10) <= 80 * mm for line in lines)


def test_draw_wrapped_cuts_at_max_lines_and_returns_the_next_baseline():
    out = io.BytesIO()
    c = corepdf.new_canvas(out, compress=False)
    y = corepdf.draw_wrapped(c, "chữ " * 200, 20 * mm, 200 * mm, 50 * mm, size=10,
                             leading=12, max_lines=3)
    assert y == 200 * mm - 36
    c.showPage()
    c.save()
    assert "…" in _text(out.getvalue())


def test_qr_code_is_an_image_on_the_page():
    out = io.BytesIO()
    c = corepdf.new_canvas(out)
    corepdf.draw_qr(c, "https://tinhso.example/verify/abc", 10 * mm, 10 * mm, 30 * mm)
    c.showPage()
    c.save()
    page = PdfReader(io.BytesIO(out.getvalue())).pages[0]
    assert len(page.images) == 1


def test_fonts_come_from_a_local_file():
    assert corepdf.font_path(corepdf.FONT).exists()
    assert corepdf.font_path(corepdf.SERIF_BOLD).exists()
