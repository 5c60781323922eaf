"""What of a document `core.search` indexes: number-symbol and excerpt first, the issuing
agency next, the PDF's text (extracted with pypdf at upload) last.

The index also holds key words (``core.search.find``: bounded work per query) for the
lists' equality filters (agency, type, register, state) and for the row-level rule of
``access.py`` written as keys: ``ag<agency>pub`` (unclassified, seen by the agency's
staff), ``ag<agency>sec`` (secret, seen there by those holding ``documents.secret``),
``ag<agency>u<user>`` (the people a document is given to: drafter and signer, handlers),
and ``pub`` / ``u<user>`` for a superuser. ``access.search_keys(user)`` is the matching
side: the same rule as ``visible_to``, and a test holds them equal."""

from __future__ import annotations

#: The PDF text indexed per document (the first pages carry the substance).
TEXT_CHARS = 20_000
PUBLIC_KEY = "pub"


def _text(obj) -> str:
    return (obj.text or "")[:TEXT_CHARS]


def agency_key(agency_id: int) -> str:
    return f"ag{agency_id}"


def visible_key(agency_id: int, *, secret: bool) -> str:
    return f"ag{agency_id}{'sec' if secret else 'pub'}"


def person_key(agency_id: int | None, user_id: int) -> str:
    return f"ag{agency_id}u{user_id}" if agency_id is not None else f"u{user_id}"


def type_key(doc_type: str) -> str:
    return f"t{doc_type}"


def register_key(register_id: int) -> str:
    return f"r{register_id}"


def state_key(state: str) -> str:
    return f"s{state}"


def _keys(doc, people: list[int]) -> list[str]:
    from tinhso.documents.models import SECRET_VALUES

    secret = doc.confidentiality in SECRET_VALUES  # a migration's historical model too
    out = [agency_key(doc.agency_id), visible_key(doc.agency_id, secret=secret),
           type_key(doc.doc_type), state_key(doc.state)]
    if not secret:
        out.append(PUBLIC_KEY)
    if doc.register_id:
        out.append(register_key(doc.register_id))
    for user_id in dict.fromkeys(people):
        out += [person_key(doc.agency_id, user_id), person_key(None, user_id)]
    return out


def incoming_keys(doc) -> list[str]:
    from tinhso.documents.models import Assignment

    prefetched = getattr(doc, "_prefetched_objects_cache", {}).get("assignments")
    if prefetched is not None:  # a reindex batch
        handlers = [a.assignee_id for a in prefetched]
    elif doc.pk:
        handlers = list(Assignment.objects.filter(document_id=doc.pk)
                        .values_list("assignee_id", flat=True))
    else:
        handlers = []
    return _keys(doc, handlers)


def outgoing_keys(doc) -> list[str]:
    return _keys(doc, [doc.drafter_id, doc.signer_id])


def register() -> None:
    from tinhso.core import search
    from tinhso.documents.models import Assignment, IncomingDocument, OutgoingDocument

    search.register(IncomingDocument, a=("number_symbol", "excerpt"), b=("sender_name",),
                    c=(_text,), keys=incoming_keys, follow={Assignment: "assignments"},
                    prefetch_related=("assignments",))
    search.register(OutgoingDocument, a=("number_symbol", "excerpt"), b=("agency.name",),
                    c=(_text,), select_related=("agency",), keys=outgoing_keys)
