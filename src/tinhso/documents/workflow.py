"""The outgoing document's states as data: every allowed edge, who may take it, and why.
`services.transition()` is the only code that changes a draft's state (one audit entry
per change)."""

from __future__ import annotations

from dataclasses import dataclass

from tinhso.documents.models import OutgoingState as S


@dataclass(frozen=True)
class Edge:
    source: frozenset[str]
    target: str
    permission: str
    reason: str


EDGES: dict[str, Edge] = {
    # The drafter hands the draft to the head of unit / leader (Art. 10: the draft is
    # reviewed before it is signed).
    "submit": Edge(frozenset({S.DRAFT}), S.IN_REVIEW, "documents.draft",
                   "draft ready for review"),
    # The reviewer or the signer sends it back with a comment; the drafter uploads a new
    # version.
    "return": Edge(frozenset({S.IN_REVIEW, S.APPROVED}), S.DRAFT, "documents.review",
                   "changes asked for"),
    # The signer (the competent person, Art. 13) approves the content to be signed.
    "approve": Edge(frozenset({S.IN_REVIEW}), S.APPROVED, "documents.sign",
                    "approved for signature"),
    # The clerk issues: number-symbol from the register, signatures, date (Art. 15-16).
    "issue": Edge(frozenset({S.APPROVED}), S.ISSUED, "documents.clerk",
                  "issued with its number-symbol"),
    # A draft that will not be issued is cancelled, never deleted.
    "cancel": Edge(frozenset({S.DRAFT, S.IN_REVIEW, S.APPROVED}), S.CANCELLED,
                   "documents.draft", "abandoned draft"),
}

ACTION_LABELS = {
    "submit": "Send for review",
    "return": "Return to the drafter",
    "approve": "Approve",
    "issue": "Issue",
    "cancel": "Cancel the draft",
}

ACTION_VI = {
    "submit": "Trình duyệt",
    "return": "Trả lại để sửa",
    "approve": "Duyệt ký",
    "issue": "Phát hành",
    "cancel": "Hủy dự thảo",
}


def action_name(action: str) -> str:
    """Both names of an action, for a message read in either language."""
    return f"{ACTION_VI.get(action, action)} / {ACTION_LABELS.get(action, action)}"


#: States a draft can still be edited in (a new version of the body).
EDITABLE = frozenset({S.DRAFT})
