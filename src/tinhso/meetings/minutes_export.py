"""The minutes of a meeting as a file: PDF (core.pdf, Vietnamese fonts) or Word (DOCX,
python-docx), from the same title and paragraphs so both say the same thing."""

from __future__ import annotations

import io

from tinhso.meetings import selectors
from tinhso.meetings.models import Meeting, Minutes

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def content(meeting: Meeting, record: Minutes) -> tuple[str, list[str]]:
    """(title, paragraphs); the headings "NỘI DUNG" and "KẾT LUẬN" stand alone."""
    zone = selectors.tz()
    start = meeting.starts_at.astimezone(zone)
    bookings = meeting.point_bookings.filter(active=True)
    paragraphs = [
        f"Thời gian: {start:%H:%M} – {meeting.ends_at.astimezone(zone):%H:%M} "
        f"ngày {start:%d/%m/%Y}",
        f"Địa điểm: {meeting.host_room}", f"Chủ trì: {meeting.chair_name}",
        f"Số điểm cầu: {bookings.count()}, có mặt: "
        f"{bookings.filter(joined_at__isnull=False).count()}",
        "NỘI DUNG", *record.text.splitlines(), "KẾT LUẬN",
        *[f"{c.position}. {c.text}" + (f" — Giao: {c.assignee.name}, hạn {c.due_on:%d/%m/%Y}"
                                       if c.assignee else "")
          for c in meeting.conclusions.select_related("assignee")],
        f"Thư ký: {record.secretary.full_name}",
    ]
    return f"BIÊN BẢN HỘI NGHỊ: {meeting.title}", paragraphs


HEADINGS = ("NỘI DUNG", "KẾT LUẬN")


def as_pdf(meeting: Meeting, record: Minutes) -> bytes:
    from tinhso.core import pdf

    title, paragraphs = content(meeting, record)
    return pdf.simple_document(title, paragraphs)


def as_docx(meeting: Meeting, record: Minutes) -> bytes:
    import docx
    from docx.shared import Pt

    title, paragraphs = content(meeting, record)
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"  # the decree's typeface for administrative texts
    style.font.size = Pt(13)
    document.core_properties.title = title
    document.add_heading(title, level=1)
    for text in paragraphs:
        if text in HEADINGS:
            document.add_heading(text, level=2)
        elif text.strip():
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
