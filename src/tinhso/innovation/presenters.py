"""Shaping for pages and the API: news and events in the reader's language, the
deadline typed in a form, the receipt PDF and the office's provisional ranking."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from django.utils import timezone

from tinhso.core import pdf
from tinhso.innovation import selectors, services
from tinhso.innovation.models import Application, Call


def localised(item, language: str) -> SimpleNamespace:
    """A news item or event with ``title``/``body`` in ``language`` (Vietnamese when the
    English text is missing)."""
    english = language == "en"
    title = (item.title_en if english and item.title_en else item.title_vi)
    body = (item.body_en if english and item.body_en else item.body_vi)
    return SimpleNamespace(obj=item, pk=item.pk, title=title, body=body,
                           paragraphs=[p for p in body.splitlines() if p.strip()],
                           image=bool(item.image),
                           **({"starts_at": item.starts_at, "ends_at": item.ends_at,
                               "location": item.location} if hasattr(item, "starts_at")
                              else {"published_at": item.published_at}))


def parse_moment(value: str) -> datetime | None:
    """A moment typed in a form: ``2026-12-10T17:00`` is Vietnam time (the platform's
    zone, whatever the browser's); one written with an offset keeps it."""
    try:
        moment = datetime.fromisoformat((value or "").strip()[:40])
    except ValueError:
        return None
    if not 2000 <= moment.year <= 2099:
        return None
    return timezone.make_aware(moment, services.VIETNAM) if timezone.is_naive(moment) \
        else moment


def receipt_pdf(application: Application) -> bytes:
    call = application.call
    lines = [
        f"Số biên nhận: {application.number}",
        f"Cuộc thi / chương trình: {call.title}",
        f"Doanh nghiệp / hợp tác xã: {application.profile.name}",
        f"Dự án: {application.project_title}",
        f"Nộp lúc: {services.local_text(application.submitted_at)} (giờ Việt Nam)",
        f"Sửa lần cuối: {services.local_text(application.updated_at)}",
        f"Hạn nộp: {services.local_text(call.deadline)} — được sửa hồ sơ đến trước hạn này.",
        "Tài liệu đính kèm: " + "; ".join(
            call.required_attachments[a.slot] for a in application.attachments.all()
            if a.slot < len(call.required_attachments)),
        "Văn phòng Khởi nghiệp đổi mới sáng tạo tỉnh Lạng Sơn",
    ]
    return pdf.simple_document("BIÊN NHẬN HỒ SƠ DỰ THI / APPLICATION RECEIPT", lines)


def ranking_rows(call: Call) -> list[dict]:
    """The office's provisional ranking from the scores in so far (not public)."""
    ranked = selectors.ranking_of(call)
    apps = Application.objects.select_related("profile").in_bulk([r.key for r in ranked])
    return [{"rank": r.rank, "application": apps[r.key], "score": r.score,
             "spread": r.spread, "std_dev": r.std_dev} for r in ranked]
