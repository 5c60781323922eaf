"""Border API: the same services as the pages, for enterprise systems, cameras and agencies."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from tinhso.accounts.auth import ApiKeyAuth, session_auth
from tinhso.accounts.models import ApiScope, Organization, Role
from tinhso.accounts.permissions import organizations_with_role, require
from tinhso.border import selectors, services
from tinhso.border.errors import BorderError, border_error
from tinhso.border.models import Declaration, DeclarationState, Direction, Gate, PlateEvent
from tinhso.border.presenters import declaration_out, plate_event_out
from tinhso.border.schemas import (
    BookingIn,
    CallIn,
    CancelIn,
    ClearanceIn,
    DeclarationIn,
    DeclarationOut,
    FreeSlotOut,
    NoticeIn,
    NoticeOut,
    PlateEventIn,
    PlateEventOut,
    QueueEntryOut,
    ResolveIn,
    SlotFullOut,
    TicketOut,
)
from tinhso.core.paging import Page, PageIn, page_of
from tinhso.core.schema_types import Code, Id, LocalDateTime, text

router = Router(tags=["border"])
Token = text(64)
camera_auth = ApiKeyAuth(scope=ApiScope.CAMERA)


def _visible(request, pk: int) -> Declaration:
    """Someone else's declaration is a 404: its existence is not disclosed."""
    queryset = Declaration.objects.visible_to(request.auth).select_related(
        "goods", "gate", "slot", "enterprise")
    return get_object_or_404(queryset, pk=pk)


def _enterprise_id(user, code: str | None) -> int:
    enterprises = organizations_with_role(user, [Role.ENTERPRISE_STAFF])
    if code:
        org_id = Organization.objects.filter(code=code, id__in=enterprises).values_list(
            "id", flat=True).first()
    else:
        org_id = next(iter(enterprises), None) if len(enterprises) == 1 else None
    if org_id is None:
        raise border_error(BorderError.ENTERPRISE_NOT_CHOSEN, field="enterprise_code",
                           http_status=422 if enterprises else 403)
    return org_id


@router.get("/declarations", response=Page[DeclarationOut], auth=session_auth)
def list_declarations(request, page: Query[PageIn], state: DeclarationState | None = None):
    """The declarations the caller may see, newest first, a page at a time."""
    trucks = Declaration.objects.visible_to(request.auth).select_related(
        "goods", "gate", "slot", "enterprise").order_by("-created_at", "-id")
    if state:
        trucks = trucks.filter(state=state)
    return page_of(trucks, page, lambda d: declaration_out(d, request.auth))


@router.post("/declarations", response={201: DeclarationOut}, auth=session_auth)
def create_declaration(request, payload: DeclarationIn):
    data = payload.dict()
    declaration = services.create_declaration(
        actor=request.auth, enterprise_id=_enterprise_id(request.auth, data.pop("enterprise_code")),
        data=data, submit=data.pop("submit"),
    )
    return Status(201, declaration_out(_visible(request, declaration.pk), request.auth))


@router.get("/declarations/{pk}", response=DeclarationOut, auth=session_auth)
def get_declaration(request, pk: Id):
    return declaration_out(_visible(request, pk), request.auth, with_position=True)


@router.put("/declarations/{pk}", response=DeclarationOut, auth=session_auth)
def update_declaration(request, pk: Id, payload: DeclarationIn):
    data = payload.dict(exclude={"enterprise_code", "submit"})
    services.update_declaration(actor=request.auth, declaration=_visible(request, pk), data=data)
    return declaration_out(_visible(request, pk), request.auth)


@router.post("/declarations/{pk}/cancel", response=DeclarationOut, auth=session_auth)
def cancel_declaration(request, pk: Id, payload: CancelIn):
    """Cancel with a reason (422 on field ``reason`` when it is missing or unknown)."""
    services.cancel_declaration(actor=request.auth, declaration=_visible(request, pk),
                                reason=payload.reason, note=payload.note)
    return declaration_out(_visible(request, pk), request.auth)


@router.post("/declarations/{pk}/booking", response={200: DeclarationOut, 409: SlotFullOut},
             auth=session_auth)
def book_slot(request, pk: Id, payload: BookingIn):
    try:
        services.book_slot(actor=request.auth, declaration=_visible(request, pk),
                           starts_at=payload.starts_at)
    except services.SlotFull as full:
        return Status(409, {"detail": [full.error.as_dict()],
                            "alternatives": [vars(a) for a in full.alternatives]})
    return declaration_out(_visible(request, pk), request.auth)


@router.get("/gates/{code}/free-slots", response=list[FreeSlotOut], auth=session_auth)
def free_slots(request, code: Code, direction: Direction, requested: LocalDateTime,
               perishable: bool = False):
    gate = get_object_or_404(Gate, code=code, is_active=True)
    return [vars(s) for s in services.nearest_free_slots(gate, direction.value, requested,
                                                        perishable=perishable)]


@router.post("/declarations/{pk}/clearance", response=DeclarationOut, auth=session_auth)
def record_clearance(request, pk: Id, payload: ClearanceIn):
    services.record_clearance(actor=request.auth, declaration=_visible(request, pk),
                              agency=payload.agency, verdict=payload.verdict,
                              reason=payload.reason, note=payload.note)
    return declaration_out(_visible(request, pk), request.auth)


@router.post("/plate-events", response={200: PlateEventOut, 201: PlateEventOut},
             auth=camera_auth)
def plate_event(request, payload: PlateEventIn):
    """A plate camera's read. Retrying the same (camera_id, event_id) returns the first
    answer (200) and records nothing new; a new event answers 201."""
    answer = services.ingest_plate_event(
        api_key=request.auth, camera_code=payload.camera_id, event_id=payload.event_id,
        plate=payload.plate, confidence=payload.confidence, captured_at=payload.captured_at,
    )
    return Status(201 if answer.created else 200, plate_event_out(answer.event))


@router.get("/exceptions", response=Page[PlateEventOut], auth=session_auth)
def exception_desk(request, page: Query[PageIn]):
    """Camera reads waiting at the exception desk, oldest first, a page at a time."""
    services.require_exception_desk(request.auth)
    return page_of(selectors.exception_desk(request.auth).order_by("captured_at", "id"), page,
                   plate_event_out)


@router.post("/plate-events/{pk}/resolve", response=PlateEventOut, auth=session_auth)
def resolve_plate_event(request, pk: Id, payload: ResolveIn):
    services.require_exception_desk(request.auth)
    event = get_object_or_404(selectors.exception_desk(request.auth), pk=pk)
    declaration = _visible(request, payload.declaration_id) if payload.declaration_id else None
    event = services.resolve_plate_event(actor=request.auth, event=event, declaration=declaration)
    return plate_event_out(PlateEvent.objects.select_related("camera", "declaration").get(
        pk=event.pk))


@router.get("/gates/{code}/queue", response=Page[QueueEntryOut], auth=session_auth)
def gate_queue(request, code: Code, page: Query[PageIn]):
    """The gate's yard queue in calling order, a page at a time."""
    require(request.auth, "border.gate_console")
    gate = get_object_or_404(Gate, code=code)
    return page_of(_queue_out(gate), page)


def _queue_out(gate: Gate) -> list[dict]:
    queue = selectors.yard_queue(gate)
    plates = dict(Declaration.objects.filter(pk__in=[e.key for e in queue]).values_list(
        "id", "plate"))
    return [
        {"position": i, "declaration_id": e.key, "plate": plates[e.key], "perishable": e.perishable,
         "slot_starts_at": e.slot_starts_at, "checked_in_at": e.checked_in_at}
        for i, e in enumerate(queue, start=1)
    ]


@router.post("/gates/{code}/call", response=list[DeclarationOut], auth=session_auth)
def call_next(request, code: Code, payload: CallIn):
    gate = get_object_or_404(Gate, code=code)
    called = services.call_next(actor=request.auth, gate=gate, count=payload.count)
    return [declaration_out(_visible(request, d.pk), request.auth) for d in called]


@router.post("/gates/{code}/notices", response={201: NoticeOut}, auth=session_auth)
def announce_notice(request, code: Code, payload: NoticeIn):
    """Suspend or reduce a gate for a period; every affected booking moves at once."""

    gate = get_object_or_404(Gate, code=code)
    outcome = services.announce_notice(actor=request.auth, gate=gate, **payload.dict())
    notice = outcome.notice
    return Status(201, {"id": notice.pk, "gate": gate.code, "kind": notice.kind,
                        "starts_at": notice.starts_at, "ends_at": notice.ends_at,
                        "capacity_pct": notice.capacity_pct, "moved": outcome.moved,
                        "released": outcome.released})


@router.get("/tickets/{token}", response=TicketOut, auth=None)
def ticket(request, token: Token):
    """The driver's e-ticket: no login, the unguessable token is the key."""
    declaration = get_object_or_404(
        Declaration.objects.select_related("gate", "slot"), ticket_token=token)
    return {
        "reference": declaration.reference, "plate": declaration.plate,
        "state": declaration.state, "state_label": str(declaration.get_state_display()),
        "gate": declaration.gate.name,
        "slot_starts_at": declaration.slot.starts_at if declaration.slot_id else None,
        "queue_position": selectors.queue_position(declaration),
    }


def _mount_status_feed() -> None:
    from tinhso.border.api_status import router as status_router

    router.add_router("", status_router)


_mount_status_feed()
