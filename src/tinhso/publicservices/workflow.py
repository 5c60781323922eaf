"""The dossier state machine, written once: allowed edges as data, one check.

Every edge carries its reason (the legal one where there is one: Decree 61/2018/NĐ-CP on
the one-stop mechanism, amended by Decree 107/2021/NĐ-CP, and Decree 118/2025/NĐ-CP since
1/7/2025; forms of Circular 01/2018/TT-VPCP, now Circular 03/2025/TT-VPCP).
`services.transition` is the only code that changes `Dossier.state`; it writes a
`DossierStateChange` row and an audit entry for each change.
"""

from __future__ import annotations

from tinhso.publicservices.models import DossierState as S

TRANSITIONS: dict[str, dict[str, str]] = {
    S.DRAFT: {
        S.SUBMITTED: "the applicant submits the dossier (online, or the portal forwards it)",
        S.WITHDRAWN: "the applicant drops the draft",
    },
    S.SUBMITTED: {
        S.PROCESSING: "the one-stop desk finds it complete and receives it: code, receipt "
                      "(BM.01) and appointment; the legal clock starts",
        S.INCOMPLETE: "the desk asks for more before receiving it (BM.02); no clock runs",
        S.REFUSED: "the desk refuses it with a reason (BM.03): not within the agency's "
                   "competence or not eligible",
        S.WITHDRAWN: "the applicant withdraws before reception",
    },
    S.INCOMPLETE: {
        S.SUBMITTED: "the applicant completes the dossier and submits it again",
        S.REFUSED: "the applicant did not complete it",
        S.WITHDRAWN: "the applicant withdraws",
    },
    S.PROCESSING: {
        S.SUPPLEMENT: "a step finds papers missing or to correct (BM.02): the clock pauses",
        S.RESOLVED: "the leader approves: the result is ready; the dossier is judged early, "
                    "on time or late against its pause-adjusted appointment",
        S.REFUSED: "the competent person refuses it with a reason (BM.03)",
        S.WITHDRAWN: "the applicant withdraws during processing",
    },
    S.SUPPLEMENT: {
        S.PROCESSING: "the applicant supplements: the clock resumes with the time that was "
                      "left",
        S.REFUSED: "the applicant did not supplement within the time given",
        S.WITHDRAWN: "the applicant withdraws instead of supplementing",
    },
    S.RESOLVED: {
        S.RETURNED: "the desk returns the result (returning is not counted in the legal time)",
    },
    S.RETURNED: {},
    S.REFUSED: {},
    S.WITHDRAWN: {},
}

# ---- Groups of states: each defined here once.

#: Received and not finished: the legal clock runs (or is paused) for these.
OPEN_STATES = frozenset({S.PROCESSING, S.SUPPLEMENT})
#: Waiting for the one-stop desk.
RECEPTION_STATES = frozenset({S.SUBMITTED})
#: With an outcome (early / on time / late).
RESOLVED_STATES = frozenset({S.RESOLVED, S.RETURNED})
#: Nothing more happens.
FINAL_STATES = frozenset(state for state, edges in TRANSITIONS.items() if not edges)
#: The applicant may still withdraw.
WITHDRAWABLE_STATES = frozenset(state for state, edges in TRANSITIONS.items()
                                if S.WITHDRAWN in edges)


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, {})
