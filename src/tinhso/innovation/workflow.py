"""The life of a startup or cooperative profile, as data: (state, action) -> new state.
Pure Python (no Django import); `services.move_profile` checks an edge here and audits it."""

from __future__ import annotations

DRAFT, SUBMITTED, PUBLISHED, RETURNED = "draft", "submitted", "published", "returned"

#: (state, action) -> (new state, who may take it: "founder" or "office")
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    # The founder asks for publication once the profile is written.
    (DRAFT, "submit"): (SUBMITTED, "founder"),
    # ... and again after changing what the office asked for.
    (RETURNED, "submit"): (SUBMITTED, "founder"),
    # A light review: the office publishes what is true and decent ...
    (SUBMITTED, "publish"): (PUBLISHED, "office"),
    # ... or sends it back with a note saying what to change.
    (SUBMITTED, "return"): (RETURNED, "office"),
    # A published profile found wrong later leaves the directory until it is fixed.
    (PUBLISHED, "return"): (RETURNED, "office"),
}


class NotAllowed(Exception):
    def __init__(self, state: str, action: str):
        super().__init__(f"{action} is not possible from {state}")
        self.state, self.action = state, action


def next_state(state: str, action: str, *, by: str) -> str:
    """The state after ``action`` taken by ``by`` ("founder" / "office"), or NotAllowed."""
    edge = TRANSITIONS.get((state, action))
    if edge is None or edge[1] != by:
        raise NotAllowed(state, action)
    return edge[0]


def actions_from(state: str, *, by: str) -> list[str]:
    return [action for (s, action), (_new, who) in TRANSITIONS.items()
            if s == state and who == by]
