"""PDFs with Vietnamese text (shared building block `core.pdf`).

reportlab's standard fonts have no Vietnamese glyphs; DejaVu Sans has them and ships inside
matplotlib (``mpl-data/fonts/ttf``), so no download is ever needed. Everything that draws a
PDF (payment receipts, public-service forms, documents, report cards) registers the fonts
through `register_fonts()` and uses the names `FONT` / `FONT_BOLD` / `FONT_ITALIC`.

No Django import: this module is usable from pure code and benchmarks.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT, FONT_BOLD, FONT_ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
#: Serif faces (the decree's documents are set in a serif face: Times New Roman).
SERIF, SERIF_BOLD, SERIF_ITALIC = "DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif-Italic"

_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    SERIF: "DejaVuSerif.ttf",
    SERIF_BOLD: "DejaVuSerif-Bold.ttf",
    SERIF_ITALIC: "DejaVuSerif-Italic.ttf",
}


def font_dir() -> Path:
    """The folder holding the DejaVu TrueType files (matplotlib's copy)."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def font_path(name: str = FONT) -> Path:
    """The file of one of the registered faces (Pillow draws with the same files)."""
    return font_dir() / _FILES[name]


@cache
def register_fonts() -> None:
    """Register the DejaVu faces with reportlab, once per process (registration is
    idempotent per name, so the cache only saves the file reads)."""
    folder = font_dir()
    for name, filename in _FILES.items():
        path = folder / filename
        if path.exists():
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC,
                                  boldItalic=FONT_BOLD)
    pdfmetrics.registerFontFamily(SERIF, normal=SERIF, bold=SERIF_BOLD, italic=SERIF_ITALIC,
                                  boldItalic=SERIF_BOLD)


def new_canvas(out: io.BytesIO, *, pagesize=A4, compress: bool = True,
               title: str = "", author: str = "", subject: str = "") -> canvas.Canvas:
    """A canvas with the fonts registered. ``compress=False`` leaves the page streams
    readable and the file byte-identical between runs (tests)."""
    register_fonts()
    pdf = canvas.Canvas(out, pagesize=pagesize, pageCompression=1 if compress else 0,
                        invariant=0 if compress else 1)
    if title:
        pdf.setTitle(title)
    if author:
        pdf.setAuthor(author)
    if subject:
        pdf.setSubject(subject)
    return pdf


def wrap(text: str, width: float, *, font: str = FONT, size: float = 10) -> list[str]:
    """Split Vietnamese text into lines no wider than ``width`` points, keeping the
    paragraphs (newlines) of the text."""
    register_fonts()
    lines: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        lines.extend(simpleSplit(paragraph, font, size, width) or [""])
    return lines


def draw_wrapped(pdf: canvas.Canvas, text: str, x: float, y: float, width: float, *,
                 font: str = FONT, size: float = 10, leading: float | None = None,
                 max_lines: int | None = None, align: str = "left") -> float:
    """Draw ``text`` wrapped to ``width`` from the baseline ``y`` downwards; returns the
    baseline below the last line drawn. ``align`` is left, center or right (``x`` is the
    left edge in every case)."""
    leading = leading or size * 1.3
    lines = wrap(text, width, font=font, size=size)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip() + " …"
    pdf.setFont(font, size)
    for line in lines:
        if align == "center":
            pdf.drawCentredString(x + width / 2, y, line)
        elif align == "right":
            pdf.drawRightString(x + width, y, line)
        else:
            pdf.drawString(x, y, line)
        y -= leading
    return y


def draw_rows(pdf: canvas.Canvas, rows: Iterable[tuple[str, str]], x: float, y: float,
              width: float, *, label_width: float = 44 * mm, size: float = 9) -> float:
    """Label / value pairs, the value wrapped beside its label; returns the next baseline."""
    for label, value in rows:
        pdf.setFont(FONT, size - 1)
        pdf.drawString(x, y, label)
        y = draw_wrapped(pdf, str(value), x + label_width, y, width - label_width,
                         size=size, max_lines=3) - 4
    return y


def qr_image(payload: str, *, scale: int = 4, error: str = "m") -> ImageReader:
    """A QR code of ``payload`` as an image reportlab can draw (segno, no network)."""
    buffer = io.BytesIO()
    segno.make(payload, error=error).save(buffer, kind="png", scale=scale, border=2)
    buffer.seek(0)
    return ImageReader(buffer)


def draw_qr(pdf: canvas.Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw a QR code of ``payload`` with its lower-left corner at (x, y)."""
    pdf.drawImage(qr_image(payload), x, y, size, size)


def simple_document(title: str, paragraphs: Iterable[str], *, compress: bool = True,
                    pagesize=A4) -> bytes:
    """A plain multi-page PDF: a bold title and wrapped paragraphs (drafts, test data,
    benchmark fixtures)."""
    out = io.BytesIO()
    width, height = pagesize
    pdf = new_canvas(out, pagesize=pagesize, compress=compress, title=title)
    margin = 20 * mm
    y = height - 25 * mm
    y = draw_wrapped(pdf, title, margin, y, width - 2 * margin, font=FONT_BOLD, size=13,
                     align="center") - 8
    for paragraph in paragraphs:
        for line in wrap(paragraph, width - 2 * margin, size=11):
            if y < 20 * mm:
                pdf.showPage()
                y = height - 20 * mm
            pdf.setFont(FONT, 11)
            pdf.drawString(margin, y, line)
            y -= 15
        y -= 6
    pdf.showPage()
    pdf.save()
    return out.getvalue()
