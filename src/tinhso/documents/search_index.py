"""What of a document `core.search` indexes: number-symbol and excerpt first, the issuing
agency next, the PDF's text (extracted with pypdf at upload) last."""

from __future__ import annotations

#: The PDF text indexed per document (the first pages carry the substance).
TEXT_CHARS = 20_000


def _text(obj) -> str:
    return (obj.text or "")[:TEXT_CHARS]


def register() -> None:
    from tinhso.core import search
    from tinhso.documents.models import IncomingDocument, OutgoingDocument

    search.register(IncomingDocument, a=("number_symbol", "excerpt"), b=("sender_name",),
                    c=(_text,))
    search.register(OutgoingDocument, a=("number_symbol", "excerpt"), b=("agency.name",),
                    c=(_text,), select_related=("agency",))
