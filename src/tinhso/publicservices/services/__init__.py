"""Use cases of the one-stop public services (one module per topic). Every write goes
through one function here, inside one transaction, with its audit entries; pages, the
API and background tasks all call these."""

from tinhso.publicservices.services.catalogue import (
    ImportReport,
    import_catalogue,
    read_table,
    save_procedures,
)
from tinhso.publicservices.services.dossiers import (
    DOSSIER_CODE_RE,
    accept_dossier,
    assign_dossier,
    dossier_code,
    extension_deadline,
    hand_over,
    issue_extension,
    next_dossier_code,
    receive_at_desk,
    refuse_dossier,
    request_completion,
    request_supplement,
    resolve_dossier,
    resubmit_dossier,
    return_result,
    submit_dossier,
    supply_supplement,
    transfer_dossier,
    transition,
    warn_due_dossiers,
    withdraw_dossier,
)

__all__ = [
    "DOSSIER_CODE_RE", "ImportReport", "accept_dossier", "assign_dossier", "dossier_code",
    "extension_deadline", "hand_over", "import_catalogue", "issue_extension",
    "next_dossier_code", "read_table", "receive_at_desk", "refuse_dossier",
    "request_completion", "request_supplement", "resolve_dossier", "resubmit_dossier",
    "return_result", "save_procedures", "submit_dossier", "supply_supplement",
    "transfer_dossier", "transition", "warn_due_dossiers", "withdraw_dossier",
]
