"""Use cases of the digital border gate, one module per topic (as Zulip keeps `actions/`).
Every write goes through one function here, inside one transaction, with its audit
entries; pages, the API and background tasks all call these.

The names below are the package's public surface, so callers write `services.book_slot`.
"""

from tinhso.border.services.advisories import refresh_advisories
from tinhso.border.services.booking import (
    FreeSlot,
    NoticeOutcome,
    SlotFull,
    announce_notice,
    book_slot,
    mark_no_shows,
    nearest_free_slots,
)
from tinhso.border.services.calling import call_next
from tinhso.border.services.cameras import (
    EventAnswer,
    check_manual_reason,
    ingest_plate_event,
    manual_crossing,
    manual_yard_step,
    require_exception_desk,
    resolve_plate_event,
)
from tinhso.border.services.clearance import (
    can_act_for_agency,
    record_clearance,
    required_agencies,
)
from tinhso.border.services.common import transition
from tinhso.border.services.declarations import (
    cancel_declaration,
    create_declaration,
    submit_declaration,
    update_declaration,
)
from tinhso.border.services.gates import GateUpdate, save_camera, save_yard, update_gate

__all__ = [
    "EventAnswer", "FreeSlot", "GateUpdate", "NoticeOutcome", "SlotFull", "announce_notice",
    "book_slot", "call_next", "can_act_for_agency", "cancel_declaration", "create_declaration",
    "ingest_plate_event", "mark_no_shows", "nearest_free_slots", "record_clearance",
    "refresh_advisories", "required_agencies", "resolve_plate_event", "save_camera",
    "manual_crossing", "manual_yard_step", "check_manual_reason", "require_exception_desk",
    "save_yard", "submit_declaration", "transition", "update_declaration", "update_gate",
]
