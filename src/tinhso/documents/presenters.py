"""The shapes the API and the pages show of a document."""

from __future__ import annotations

from tinhso.documents import reference, selectors
from tinhso.documents.models import IncomingDocument, OutgoingDocument


def outgoing_out(doc: OutgoingDocument) -> dict:
    return {
        "id": doc.pk, "agency": doc.agency.name, "doc_type": doc.doc_type,
        "doc_type_name": reference.document_type(doc.doc_type).name, "excerpt": doc.excerpt,
        "state": doc.state, "state_label": str(doc.get_state_display()),
        "urgency": doc.urgency, "confidentiality": doc.confidentiality,
        "number_symbol": doc.number_symbol, "issued_at": doc.issued_at,
        "signer": doc.signer.full_name, "version": doc.version, "created_at": doc.created_at,
    }


def outgoing_detail_out(doc: OutgoingDocument, user) -> dict:
    return {
        **outgoing_out(doc), "signer_title": doc.signer_title, "authority": doc.authority,
        "recipients": [{"agency": r.agency.name, "state": r.state,
                        "delivered_at": r.delivered_at, "received_at": r.received_at,
                        "return_reason": r.return_reason, "return_note": r.return_note}
                       for r in doc.recipients.select_related("agency")],
        "comments": [{"author": c.author.full_name, "action": c.action, "text": c.text,
                      "at": c.at.isoformat()} for c in doc.comments.select_related("author")],
        "actions": selectors.available_actions(user, doc),
    }


def incoming_out(doc: IncomingDocument) -> dict:
    return {
        "id": doc.pk, "agency": doc.agency.name, "arrival_number": doc.arrival_number,
        "year": doc.year, "arrived_at": doc.arrived_at, "sender_name": doc.sender_name,
        "number_symbol": doc.number_symbol, "doc_date": doc.doc_date, "doc_type": doc.doc_type,
        "excerpt": doc.excerpt, "urgency": doc.urgency,
        "confidentiality": doc.confidentiality, "state": doc.state,
        "state_label": str(doc.get_state_display()),
        "signature_verdict": doc.signature_verdict,
        "signature_label": str(doc.get_signature_verdict_display()),
        "due_date": doc.due_date, "duplicate_of": doc.duplicate_of_id,
    }


def incoming_detail_out(doc: IncomingDocument) -> dict:
    return {
        **incoming_out(doc),
        "signature_checks": [{"verdict": c.verdict,
                              "verdict_label": str(c.get_verdict_display()),
                              "signer": c.signer, "organisation": c.organisation,
                              "signed_at": c.signed_at, "checked_at": c.checked_at}
                             for c in doc.signature_checks.all()],
        "assignments": [{"id": a.pk, "assignee": a.assignee.full_name,
                         "instructions": a.instructions, "deadline": a.deadline,
                         "working_days": a.working_days, "state": a.state}
                        for a in doc.assignments.select_related("assignee")],
        "opinions": [{"author": o.author.full_name, "text": o.text, "at": o.at.isoformat()}
                     for o in doc.opinions.select_related("author")],
        "reply_id": doc.reply_id,
    }


def link_out(row: selectors.LinkRow) -> dict:
    return {"id": row.pk, "target": row.target, "target_id": row.target_id,
            "label": row.label, "visible": row.visible, "created_at": row.created_at,
            "created_by": row.created_by}


def related_out(row: selectors.Related) -> dict:
    return {"kind": row.kind, "id": row.pk, "number_symbol": row.number_symbol,
            "excerpt": row.excerpt, "type_name": row.type_name, "date": row.on,
            "state_label": row.state_label}
