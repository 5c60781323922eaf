"""Dossiers: reception (one code path for the national portal, the desk and the online
form), the processing steps, the legal clock, supplements, extension, refusal, result.

The clock (legal basis, as this system implements it):

* **Start.** The time limit runs from reception of a complete dossier (Decree
  61/2018/NĐ-CP, as amended by Decree 107/2021/NĐ-CP; Decree 118/2025/NĐ-CP since
  1/7/2025). A dossier received outside working hours counts from the next working
  session (`core.workdays`). The appointment on the receipt (BM.01) is the reception
  moment plus the procedure's legal time in half working days.
* **Steps.** Each step of the procedure's internal process has its share of the time in
  half working days; a step's due moment is when it received the dossier plus its share.
  The process control sheet (BM.05) records each hand-over and judges each step early,
  on time or late.
* **Supplement during processing** (BM.02). The clock stops while the applicant supplies
  what is missing and resumes with the working time that was left when it stopped: the
  time the dossier spent with the applicant is not the agency's processing time, and
  the time the agency already used is not given back (Decree 61/2018 as amended: the
  request for a supplement is made once, in writing, with everything missing; the
  processing time excludes the time to supplement). The same shift applies to the
  current step's due moment and to a new date already promised by an apology letter.
  A request before reception (BM.02 at the desk) sends the dossier back without a
  clock: the clock starts at reception.
* **Late.** Before the appointment, the agency that will miss it issues an apology and
  new-date letter (BM.04) at least one working day before the appointment; the date may
  be re-set only once, and the dossier still counts as late (Decision 766/QĐ-TTg counts
  it against the agency).
* **Result.** The dossier is judged when the result is ready (approval): against the
  pause-adjusted appointment `due_at`. Returning the result is not counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from tinhso.accounts.models import Role
from tinhso.accounts.permissions import has_perm, require
from tinhso.core import audit, sequences
from tinhso.core.notifications import Notification, send
from tinhso.core.reasons import clean_reason, reason_text
from tinhso.core.selectors import working_calendar
from tinhso.core.validators import check_text
from tinhso.core.workdays import WorkingCalendar
from tinhso.publicservices import statistics_days
from tinhso.publicservices.access import agencies_of, visible_dossier
from tinhso.publicservices.errors import Action, PublicServiceError, public_service_error
from tinhso.publicservices.models import (
    Agency,
    Channel,
    Dossier,
    DossierPaper,
    DossierState,
    DossierStateChange,
    DossierStep,
    ExtensionLetter,
    Procedure,
    RefusalReason,
    StepKind,
    SupplementRequest,
    Timeliness,
)
from tinhso.publicservices.portal import sync as portal_sync
from tinhso.publicservices.services import fees
from tinhso.publicservices.workflow import (
    FINAL_STATES,
    OPEN_STATES,
    TRANSITIONS,
    can_transition,
)

S = DossierState
E = PublicServiceError

#: ``<agency e-ID code>-YYMMDD-<2 digits><daily sequence, at least 4 digits>``.
DOSSIER_CODE_RE = re.compile(r"^[A-Za-z0-9.]{1,20}-\d{6}-\d{6,9}$")

APPLICANT_FIELDS = ("applicant_kind", "applicant_name", "applicant_id_number",
                    "applicant_tax_code", "applicant_phone", "applicant_email",
                    "applicant_address")
NOTE_MAX = 2000


# ---------------------------------------------------------------- the dossier code


def dossier_code(agency_code: str, day: date, sequence: int, infix: str | None = None) -> str:
    """The dossier code of Circular 04/2025/TT-VPCP: ``H20.01-261130-010042`` is agency
    ``H20.01``, received 30/11/2026, two digits ``01`` (`settings.DOSSIER_CODE_INFIX`, the
    province's choice) and the 42nd dossier of that agency that day. The only place the
    format is written."""
    infix = settings.DOSSIER_CODE_INFIX if infix is None else infix
    if not (len(infix) == 2 and infix.isdigit()) or sequence < 1:
        raise ValueError(f"bad dossier code parts {infix!r}/{sequence}")
    return f"{agency_code}-{day:%y%m%d}-{infix}{sequence:04d}"


def next_dossier_code(agency: Agency, moment: datetime) -> str:
    """The next code of ``agency`` for the day of ``moment`` (local): gapless, inside the
    caller's transaction (`core.sequences`)."""
    day = timezone.localtime(moment).date()
    number = sequences.next_number(f"dossier:{agency.code}", f"{day:%y%m%d}")
    return dossier_code(agency.code, day, number)


# ---------------------------------------------------------------- shared machinery


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _label(state: str, language: str) -> str:
    with translation.override(language):
        return str(DossierState(state).label)


def _notify_applicant(dossier: Dossier, kind: str, extra_vi: str = "", extra_en: str = "") -> None:
    if not dossier.applicant_phone:
        return
    ref = dossier.code or f"#{dossier.pk}"
    vi = f"Hồ sơ {ref}: {_label(dossier.state, 'vi')}." + (f" {extra_vi}" if extra_vi else "")
    en = f"Dossier {ref}: {_label(dossier.state, 'en')}." + (f" {extra_en}" if extra_en else "")
    note = Notification(recipient=dossier.applicant_phone, kind=f"publicservices.{kind}",
                        message_vi=vi[:1000], message_en=en[:1000],
                        link="/public-services/tracking/")
    transaction.on_commit(lambda: send(note))


def transition(dossier: Dossier, target: str, *, actor, note: str = "",
               at: datetime | None = None, also: Sequence[str] = (),
               details: dict | None = None) -> Dossier:
    """The only code that changes a dossier's state. The caller holds the row lock; `also`
    names other fields it changed, saved in the same UPDATE. Writes the timeline row and
    the audit entry, and tells the applicant."""
    current = dossier.state
    if not can_transition(current, target):
        raise public_service_error(E.NOT_ALLOWED_IN_STATE,
                                   action=Action.move_to(DossierState(target).label),
                                   state=DossierState(current).label)
    at = _now(at)
    dossier.state = target
    dossier.save(update_fields=["state", "updated_at", *also])
    reason = TRANSITIONS[current][target]
    DossierStateChange.objects.create(
        dossier=dossier, from_state=current, to_state=target, at=at,
        actor=actor if _is_user(actor) else None,
        actor_label=str(actor)[:200] if actor is not None else "system", note=note[:NOTE_MAX])
    portal_sync.record_change(dossier, from_state=current, to_state=target, at=at,
                              actor_label=str(actor)[:200] if actor is not None else "",
                              note=note[:NOTE_MAX])
    if target in FINAL_STATES:  # its Decision 766 counts are final: add them to its day
        statistics_days.record_finished(dossier)
    audit.record(actor=actor, action=f"dossier.{target}", obj=dossier,
                 organization=dossier.agency.organization if actor is None else None,
                 before={"state": current}, after={"state": target, **(details or {})},
                 note=note or reason)
    _notify_applicant(dossier, target)
    return dossier


def _is_user(actor) -> bool:
    from tinhso.accounts.models import User

    return isinstance(actor, User)


def _locked(actor, dossier: Dossier | int) -> Dossier:
    """Lock the dossier for this use case, through the one row-level rule: a dossier the
    actor may not see is a 404 (``actor=None`` is the system itself)."""
    pk = dossier if isinstance(dossier, int) else dossier.pk
    if actor is None:
        return (Dossier.objects.select_for_update(of=("self",))
                .select_related("procedure", "agency", "receiving_agency").get(pk=pk))
    return visible_dossier(actor, pk, for_update=True)


def _require_officer(actor, permission: str, agency: Agency) -> None:
    """``permission`` held in the organisation of ``agency`` (the system may do anything)."""
    if actor is None:
        return
    if agency.organization_id is None:
        require(actor, permission, -1)  # only a superuser acts for an agency without one
    require(actor, permission, agency.organization_id)


def _text(value: str, field: str, *, required: bool = False, max_length: int = NOTE_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise public_service_error(E.REQUIRED, field=field)
    if len(value) > max_length:
        raise public_service_error(E.TOO_LONG, field=field, max=max_length)
    check_text(value, field)
    return value


def _missing_list(missing: Iterable[str] | str) -> list[str]:
    items = missing.splitlines() if isinstance(missing, str) else list(missing)
    cleaned = [_text(str(item), "missing", max_length=500) for item in items]
    cleaned = [item for item in cleaned if item]
    if not cleaned or len(cleaned) > 50:
        raise public_service_error(E.MISSING_LIST, field="missing")
    return cleaned


def _current_step(dossier: Dossier) -> DossierStep | None:
    if dossier.current_step_id is None:
        return None
    return DossierStep.objects.select_for_update().get(pk=dossier.current_step_id)


def _start_step(dossier: Dossier, *, order: int, procedure_step, kind: str, name: str,
                agency: Agency, half_days: int, assignee, handed_over_by, at: datetime,
                calendar: WorkingCalendar, due_at: datetime | None = None) -> DossierStep:
    step = DossierStep.objects.create(
        dossier=dossier, order=order, procedure_step=procedure_step, kind=kind, name=name,
        agency=agency, half_days=half_days, assignee=assignee, handed_over_by=handed_over_by,
        received_at=at, due_at=due_at or calendar.add_half_days(at, half_days))
    dossier.current_step = step
    dossier.assignee = assignee
    return step


def _finish_step(step: DossierStep, *, at: datetime, calendar: WorkingCalendar,
                 note: str = "") -> None:
    step.finished_at = at
    step.outcome = calendar.timeliness(at, step.due_at)
    if note:
        step.note = note
    step.save(update_fields=["finished_at", "outcome", "note"])


# ---------------------------------------------------------------- reception


def submit_dossier(*, actor, procedure: Procedure, agency: Agency, channel: str,
                   applicant: dict, form_data: dict | None = None,
                   papers: Sequence[dict] = (), code: str = "", external_id: str = "",
                   now: datetime | None = None) -> Dossier:
    """A dossier arrives (the one code path of the three channels) and waits for the desk.

    ``applicant``: the `APPLICANT_FIELDS` (without the ``applicant_`` prefix is accepted
    too), already normalised by the caller's form or schema (core validators).
    ``papers``: dicts of `DossierPaper` fields (name, copies, form, procedure_paper,
    storage_key …). ``code``: the code a national-portal dossier came with (kept)."""
    now = _now(now)
    if not procedure.is_active:
        raise public_service_error(E.PROCEDURE_INACTIVE, field="procedure", code=procedure.code)
    if not agency.is_active:
        raise public_service_error(E.AGENCY_INACTIVE, field="agency", agency=agency.name)
    if agency.level != procedure.level:
        raise public_service_error(E.AGENCY_LEVEL, field="agency", agency=agency.name)
    if channel not in Channel.values:
        raise ValueError(channel)
    fields = {}
    for name in APPLICANT_FIELDS:
        short = name.removeprefix("applicant_")
        value = applicant.get(name, applicant.get(short, ""))
        if value:
            fields[name] = _text(str(value), name, max_length=255)
    if not fields.get("applicant_name"):
        raise public_service_error(E.REQUIRED, field="applicant_name")
    code = (code or "").strip()
    if code:
        if channel != Channel.PORTAL:
            raise ValueError("only a national-portal dossier comes with its code")
        if not DOSSIER_CODE_RE.match(code):
            raise public_service_error(E.CODE_FORMAT, field="code", code=code[:40])
    with transaction.atomic():
        if code and Dossier.objects.filter(code=code).exists():
            raise public_service_error(E.CODE_TAKEN, field="code", code=code)
        dossier = Dossier.objects.create(
            procedure=procedure, agency=agency, receiving_agency=agency, channel=channel,
            state=S.DRAFT, code=code or None, external_id=external_id[:64],
            form_data=form_data or {}, fee_vnd=procedure.fee_vnd,
            applicant_user=actor if _is_user(actor) and channel == Channel.ONLINE else None,
            created_by=actor if _is_user(actor) else None, **fields)
        for paper in papers:
            DossierPaper.objects.create(dossier=dossier, uploaded_by=dossier.created_by,
                                        **paper)
        dossier.submitted_at = now
        transition(dossier, S.SUBMITTED, actor=actor, at=now, also=["submitted_at"],
                   details={"channel": channel})
    return dossier


def accept_dossier(*, actor, dossier: Dossier | int, now: datetime | None = None) -> Dossier:
    """The desk receives a complete dossier: its code (a portal dossier keeps its own), the
    reception moment, the appointment (after-hours rule) and the first line of BM.05."""
    now = _now(now)
    with transaction.atomic():
        dossier = _locked(actor, dossier)
        _require_officer(actor, "publicservices.receive", dossier.agency)
        if dossier.state != S.SUBMITTED:
            raise public_service_error(E.NOT_ALLOWED_IN_STATE, action=Action.ACCEPT,
                                       state=DossierState(dossier.state).label)
        if fees.fee_due(dossier):
            raise public_service_error(E.FEE_UNPAID, reference=fees.fee_reference(dossier))
        calendar = working_calendar()
        procedure = dossier.procedure
        dossier.received_at = now
        dossier.received_by = actor if _is_user(actor) else None
        dossier.legal_half_days = procedure.half_days
        dossier.appointment_at = calendar.add_half_days(now, dossier.legal_half_days)
        dossier.due_at = dossier.appointment_at
        if dossier.fee_paid_at is None:  # a fee paid online stays what was paid
            dossier.fee_vnd = procedure.fee_vnd
        changed = ["received_at", "received_by", "legal_half_days", "appointment_at", "due_at",
                   "fee_vnd", "current_step", "assignee"]
        if not dossier.code:
            dossier.code = next_dossier_code(dossier.agency, now)  # late: after every check
            changed.append("code")
        steps = list(procedure.steps.order_by("order"))
        first = steps[0] if steps else None
        _start_step(dossier, order=1, procedure_step=first,
                    kind=first.kind if first else StepKind.RECEPTION,
                    name=first.name if first else str(StepKind.RECEPTION.label),
                    agency=dossier.agency, half_days=first.half_days if first else 0,
                    assignee=actor if _is_user(actor) else None, handed_over_by=None, at=now,
                    calendar=calendar)
        SupplementRequest.objects.filter(dossier=dossier, supplied_at__isnull=True).update(
            supplied_at=now)
        transition(dossier, S.PROCESSING, actor=actor, at=now, also=changed,
                   details={"code": dossier.code,
                            "appointment_at": dossier.appointment_at.isoformat()})
    return dossier


def receive_at_desk(*, actor, procedure: Procedure, agency: Agency, applicant: dict,
                    form_data: dict | None = None, papers: Sequence[dict] = (),
                    now: datetime | None = None) -> Dossier:
    """A walk-in dossier: submitted and received in one transaction, through the same code
    path as the others."""
    now = _now(now)
    require(actor, "publicservices.receive", agency.organization_id or -1)
    with transaction.atomic():
        dossier = submit_dossier(actor=actor, procedure=procedure, agency=agency,
                                 channel=Channel.DESK, applicant=applicant,
                                 form_data=form_data, papers=papers, now=now)
        return accept_dossier(actor=actor, dossier=dossier, now=now)


def request_completion(*, actor, dossier: Dossier | int, missing: Iterable[str] | str,
                       reason: str = "", now: datetime | None = None) -> SupplementRequest:
    """The desk asks for more before receiving (BM.02 at reception): no code, no clock."""
    now = _now(now)
    missing = _missing_list(missing)
    reason = _text(reason, "reason")
    with transaction.atomic():
        dossier = _locked(actor, dossier)
        _require_officer(actor, "publicservices.receive", dossier.agency)
        transition(dossier, S.INCOMPLETE, actor=actor, at=now, note=reason,
                   details={"missing": missing})
        request = SupplementRequest.objects.create(
            dossier=dossier, before_reception=True, missing=missing, reason=reason,
            requested_by=actor if _is_user(actor) else None, requested_at=now)
        _notify_applicant(dossier, "completion", "Cần bổ sung: " + "; ".join(missing),
                          "Missing: " + "; ".join(missing))
    return request


def resubmit_dossier(*, actor, dossier: Dossier | int, papers: Sequence[dict] = (),
                     now: datetime | None = None) -> Dossier:
    """The applicant completes a dossier sent back before reception."""
    now = _now(now)
    with transaction.atomic():
        dossier = _locked(actor, dossier)
        _require_applicant_or_desk(actor, dossier)
        request = SupplementRequest.objects.filter(dossier=dossier,
                                                   supplied_at__isnull=True).first()
        for paper in papers:
            DossierPaper.objects.create(dossier=dossier, supplement_request=request,
                                        uploaded_by=actor if _is_user(actor) else None, **paper)
        if request is not None:
            request.supplied_at = now
            request.save(update_fields=["supplied_at"])
        dossier.submitted_at = now
        transition(dossier, S.SUBMITTED, actor=actor, at=now, also=["submitted_at"])
    return dossier


def _require_applicant_or_desk(actor, dossier: Dossier) -> None:
    """The applicant themselves, or the desk acting for them (paper brought in person)."""
    if actor is None or (_is_user(actor) and dossier.applicant_user_id == actor.pk):
        return
    _require_officer(actor, "publicservices.receive", dossier.receiving_agency)


# ---------------------------------------------------------------- refusal, withdrawal


def refuse_dossier(*, actor, dossier: Dossier | int, reason: str, note: str = "",
                   now: datetime | None = None) -> Dossier:
    """Refuse with a reason (BM.03): at the desk before reception, or by the head or leader
    during processing. The clock stops for good; a refused dossier has no outcome."""
    now = _now(now)
    reason, note = clean_reason(RefusalReason, reason, note)
    note = _text(note, "note")
    with transaction.atomic():
        dossier = _locked(actor, dossier)
        _require_officer(actor, "publicservices.refuse", dossier.agency)
        dossier.refusal_reason, dossier.refusal_note = reason, note
        also = ["refusal_reason", "refusal_note", *_close_clock(dossier, now)]
        transition(dossier, S.REFUSED, actor=actor, at=now, also=also,
                   note=reason_text(RefusalReason, reason, note, "vi"),
                   details={"reason": reason})
    return dossier


def withdraw_dossier(*, actor, dossier: Dossier | int, note: str = "",
                     now: datetime | None = None) -> Dossier:
    """The applicant withdraws (online, or in writing at the desk)."""
    now = _now(now)
    note = _text(note, "note")
    with transaction.atomic():
        dossier = _locked(actor, dossier)
        _require_applicant_or_desk(actor, dossier)
        dossier.withdrawal_note = note
        also = ["withdrawal_note", *_close_clock(dossier, now)]
        transition(dossier, S.WITHDRAWN, actor=actor, at=now, also=also, note=note)
    return dossier


def _close_clock(dossier: Dossier, now: datetime) -> list[str]:
    """Stop the current step and an open supplement request; the fields changed."""
    step = _current_step(dossier)
    if step is not None and step.finished_at is None:
        _finish_step(step, at=now, calendar=working_calendar())
    SupplementRequest.objects.filter(dossier=dossier, supplied_at__isnull=True).update(
        supplied_at=now)
    dossier.assignee = None
    dossier.paused_at = None
    return ["assignee", "paused_at"]


# ---------------------------------------------------------------- processing steps


def assign_dossier(*, actor, dossier: Dossier | int, assignee, now: datetime | None = None,
                   note: str = "") -> DossierStep:
    """The head of unit (or leader) gives the current step to an officer of the agency."""
    now = _now(now)
    note = _text(note, "note")
    with transaction.atomic():
        dossier = _locked(actor, dossier)
        _require_officer(actor, "publicservices.assign", dossier.agency)
        if dossier.state not in OPEN_STATES:
            raise public_service_error(E.NOT_ALLOWED_IN_STATE, action=Action.ASSIGN,
                                       state=DossierState(dossier.state).label)
        _check_assignee(assignee, dossier.agency)
        step = _current_step(dossier)
        before = step.assignee_id
        step.assignee = assignee
        step.save(update_fields=["assignee"])
        dossier.assignee = assignee
        dossier.save(update_fields=["assignee", "updated_at"])
        audit.record(actor=actor, action="dossier.assign", obj=dossier,
                     before={"assignee": before}, after={"assignee": assignee.pk,
                                                         "step": step.order}, note=note)
    return step


def _check_assignee(assignee, agency: Agency) -> None:
    if assignee is None:
        return
    if not (agency.pk in agencies_of(assignee) or getattr(assignee, "is_superuser", False)):
        raise public_service_error(E.ASSIGNEE_AGENCY, field="assignee", agency=agency.name)


def _may_act_on_step(actor, dossier: Dossier, step: DossierStep) -> None:
    """The step's assignee, or the head / leader of the agency, may move it on."""
    if actor is None:
        return
    _require_officer(actor, "publicservices.process", dossier.agency)
    if step.assignee_id in (None, actor.pk):
        return
    if not has_perm(actor, "publicservices.assign", dossier.agency.organization_id):
        raise public_service_error(E.NOT_ASSIGNEE)


def hand_over(*, actor, dossier: Dossier | int, assignee=None, note: str = "",
              now: datetime | None = None) -> DossierStep:
    """The current step is done: its line of BM.05 is closed (early / on time / late) and
    the next step of the procedure starts, with ``assignee``, its share of the time and
    its due moment. The last step is closed by `resolve_dossier`, not here."""
    now = _now(now)
    note = _text(note, "note")
    with transaction.atomic():
        dossier = _locked(actor, dossier)
        if dossier.state != S.PROCESSING:
            raise public_service_error(E.NOT_ALLOWED_IN_STATE, action=Action.HAND_OVER,
                                       state=DossierState(dossier.state).label)
        step = _current_step(dossier)
        _may_act_on_step(actor, dossier, step)
        procedure_steps = list(dossier.procedure.steps.order_by("order"))
        position = _procedure_position(step, procedure_steps)
        if position + 1 >= len(procedure_steps):
            raise public_service_error(E.NOT_ALLOWED_IN_STATE, action=Action.HAND_OVER,
                                       state=DossierState(dossier.state).label)
        _check_assignee(assignee, dossier.agency)
        calendar = working_calendar()
        _finish_step(step, at=now, calendar=calendar, note=note)
        following = procedure_steps[position + 1]
        new = _start_step(dossier, order=step.order + 1, procedure_step=following,
                          kind=following.kind, name=following.name, agency=dossier.agency,
                          half_days=following.half_days, assignee=assignee,
                          handed_over_by=actor if _is_user(actor) else None, at=now,
                          calendar=calendar)
        dossier.save(update_fields=["current_step", "assignee", "updated_at"])
        audit.record(actor=actor, action="dossier.hand_over", obj=dossier,
                     before={"step": step.order, "outcome": step.outcome},
                     after={"step": new.order, "name": new.name,
                            "assignee": assignee.pk if assignee else None,
                            "due_at": new.due_at.isoformat()}, note=note)
    return new


def _procedure_position(step: DossierStep, procedure_steps: list) -> int:
    ids = [s.pk for s in procedure_steps]
    return ids.index(step.procedure_step_id) if step.procedure_step_id in ids else -1


def transfer_dossier(*, actor, dossier: Dossier | int, to_agency: Agency, note: str = "",
                     now: datetime | None = None) -> DossierStep:
    """Send the dossier to another agency (a commune to a province department): the current
    step continues there with the same due moment, and the dossier keeps one clock (its
    appointment and due moment do not change)."""
    now = _now(now)
    note = _text(note, "note")
    with transaction.atomic():
        dossier = _locked(actor, dossier)
        _require_officer(actor, "publicservices.transfer", dossier.agency)
        if dossier.state != S.PROCESSING:
            raise public_service_error(E.NOT_ALLOWED_IN_STATE, action=Action.TRANSFER,
                                       state=DossierState(dossier.state).label)
        if to_agency.pk == dossier.agency_id:
            raise public_service_error(E.SAME_AGENCY, field="agency", agency=to_agency.name)
        if not to_agency.is_active:
            raise public_service_error(E.AGENCY_INACTIVE, field="agency", agency=to_agency.name)
        calendar = working_calendar()
        step = _current_step(dossier)
        _finish_step(step, at=now, calendar=calendar, note=note)
        before = dossier.agency_id
        dossier.agency = to_agency
        new = _start_step(dossier, order=step.order + 1, procedure_step=step.procedure_step,
                          kind=step.kind, name=step.name, agency=to_agency,
                          half_days=step.half_days, assignee=None,
                          handed_over_by=actor if _is_user(actor) else None, at=now,
                          calendar=calendar, due_at=step.due_at)
        dossier.save(update_fields=["agency", "current_step", "assignee", "updated_at"])
        audit.record(actor=actor, action="dossier.transfer", obj=dossier,
                     before={"agency": before}, after={"agency": to_agency.pk}, note=note)
    return new


# ---------------------------------------------------------------- supplement (pause)


def request_supplement(*, actor, dossier: Dossier | int, missing: Iterable[str] | str,
                       reason: str = "", now: datetime | None = None) -> SupplementRequest:
    """A step finds papers missing (BM.02): the clock pauses until the applicant supplies."""
    now = _now(now)
    missing = _missing_list(missing)
    reason = _text(reason, "reason")
    with transaction.atomic():
        dossier = _locked(actor, dossier)
        _require_officer(actor, "publicservices.request_supplement", dossier.agency)
        step = _current_step(dossier)
        if actor is not None and dossier.state == S.PROCESSING:
            _may_act_on_step(actor, dossier, step)
        dossier.paused_at = now
        dossier.pause_count += 1
        dossier.state_before_pause = dossier.state
        transition(dossier, S.SUPPLEMENT, actor=actor, at=now, note=reason,
                   also=["paused_at", "pause_count", "state_before_pause"],
                   details={"missing": missing, "step": step.order if step else None})
        request = SupplementRequest.objects.create(
            dossier=dossier, step=step, missing=missing, reason=reason,
            requested_by=actor if _is_user(actor) else None, requested_at=now)
        _notify_applicant(dossier, "supplement", "Cần bổ sung: " + "; ".join(missing),
                          "Missing: " + "; ".join(missing))
    return request


def supply_supplement(*, actor, dossier: Dossier | int, papers: Sequence[dict] = (),
                      now: datetime | None = None) -> Dossier:
    """The applicant supplies (online or at the desk): the clock resumes with the working
    time left at the pause (`WorkingCalendar.resume`), for the dossier's due moment, the
    apology letter's new date and the current step's due moment alike."""
    now = _now(now)
    with transaction.atomic():
        dossier = _locked(actor, dossier)
        _require_applicant_or_desk(actor, dossier)
        if dossier.state != S.SUPPLEMENT:
            raise public_service_error(E.NOT_ALLOWED_IN_STATE,
                                       action=Action.move_to(S.PROCESSING.label),
                                       state=DossierState(dossier.state).label)
        calendar = working_calendar()
        paused_at = dossier.paused_at
        request = SupplementRequest.objects.select_for_update().get(
            dossier=dossier, supplied_at__isnull=True)
        for paper in papers:
            DossierPaper.objects.create(dossier=dossier, supplement_request=request,
                                        uploaded_by=actor if _is_user(actor) else None, **paper)
        request.supplied_at = now
        request.save(update_fields=["supplied_at"])
        before = dossier.due_at
        dossier.due_at = calendar.resume(dossier.due_at, paused_at, now)
        if dossier.extended_due_at:
            dossier.extended_due_at = calendar.resume(dossier.extended_due_at, paused_at, now)
        step = _current_step(dossier)
        if step is not None and step.finished_at is None:
            step.due_at = calendar.resume(step.due_at, paused_at, now)
            step.save(update_fields=["due_at"])
        dossier.paused_at = None
        target = dossier.state_before_pause or S.PROCESSING
        dossier.state_before_pause = ""
        transition(dossier, target, actor=actor, at=now,
                   also=["due_at", "extended_due_at", "paused_at", "state_before_pause"],
                   details={"due_at": dossier.due_at.isoformat(),
                            "due_at_before": before.isoformat()})
    return dossier


# ---------------------------------------------------------------- apology and extension


def issue_extension(*, actor, dossier: Dossier | int, new_due: date | datetime, reason: str,
                    now: datetime | None = None) -> ExtensionLetter:
    """The apology and new-date letter (BM.04), signed by the head: at least one working day
    before the appointment, a later working day, once per dossier. The dossier still
    counts as late."""
    now = _now(now)
    reason = _text(reason, "reason", required=True)
    with transaction.atomic():
        dossier = _locked(actor, dossier)
        _require_officer(actor, "publicservices.extend", dossier.agency)
        if dossier.state not in OPEN_STATES:
            raise public_service_error(E.NOT_ALLOWED_IN_STATE, action=Action.EXTEND,
                                       state=DossierState(dossier.state).label)
        if dossier.extension_used:
            raise public_service_error(E.EXTENSION_USED)
        calendar = working_calendar()
        due = dossier.due_at
        due_text = f"{timezone.localtime(due):%H:%M %d/%m/%Y}"
        today = timezone.localtime(now).date()
        # No later than the working day before the due date (a Friday for a Monday).
        if today > calendar.add_working_days(timezone.localtime(due).date(), -1):
            raise public_service_error(E.EXTENSION_TOO_LATE, due=due_text)
        if isinstance(new_due, datetime):
            new_due_at = new_due
        else:
            new_due_at = datetime.combine(new_due, calendar.hours.afternoon_end,
                                          tzinfo=calendar.tz)
        local_new = timezone.localtime(new_due_at)
        if (local_new.date() <= timezone.localtime(due).date()
                or not calendar.is_working_day(local_new.date())
                or local_new.year > 2099):
            raise public_service_error(E.EXTENSION_DATE, field="new_due", due=due_text)
        letter = ExtensionLetter.objects.create(
            dossier=dossier, original_due_at=due, new_due_at=new_due_at, reason=reason,
            signed_by=actor, issued_at=now)
        dossier.extended_due_at = new_due_at
        dossier.extension_used = True
        dossier.save(update_fields=["extended_due_at", "extension_used", "updated_at"])
        audit.record(actor=actor, action="dossier.extension", obj=dossier,
                     before={"due_at": due.isoformat()},
                     after={"new_due_at": new_due_at.isoformat()}, note=reason)
        _notify_applicant(
            dossier, "extension",
            f"Xin lỗi vì chậm trả kết quả; hẹn lại: {local_new:%H:%M %d/%m/%Y}. Lý do: {reason}",
            f"We apologise for the delay; new date: {local_new:%H:%M %d/%m/%Y}. "
            f"Reason: {reason}")
    return letter


# ---------------------------------------------------------------- result


def resolve_dossier(*, actor, dossier: Dossier | int, result_summary: str = "",
                    result_file: str = "", now: datetime | None = None) -> Dossier:
    """The leader approves at the last step: the result is ready, and the dossier is judged
    against its pause-adjusted appointment (late whenever an apology letter was needed)."""
    now = _now(now)
    result_summary = _text(result_summary, "result_summary")
    with transaction.atomic():
        dossier = _locked(actor, dossier)
        _require_officer(actor, "publicservices.approve", dossier.agency)
        calendar = working_calendar()
        if dossier.state == S.PROCESSING:
            step = _current_step(dossier)
            if step is not None:
                _finish_step(step, at=now, calendar=calendar)
        outcome = calendar.timeliness(now, dossier.due_at) if dossier.due_at else ""
        if dossier.extension_used:
            outcome = Timeliness.LATE
        dossier.outcome = outcome
        dossier.resolved_at = now
        dossier.result_summary = result_summary
        dossier.result_file = result_file[:255]
        dossier.assignee = None
        transition(dossier, S.RESOLVED, actor=actor, at=now,
                   also=["outcome", "resolved_at", "result_summary", "result_file", "assignee"],
                   details={"outcome": outcome})
    return dossier


def return_result(*, actor, dossier: Dossier | int, now: datetime | None = None) -> Dossier:
    """The desk hands the result over (or it is returned online)."""
    now = _now(now)
    with transaction.atomic():
        dossier = _locked(actor, dossier)
        _require_officer(actor, "publicservices.return_result", dossier.receiving_agency)
        dossier.returned_at = now
        transition(dossier, S.RETURNED, actor=actor, at=now, also=["returned_at"])
    return dossier


# ---------------------------------------------------------------- warnings (scheduler)


def warn_due_dossiers(*, now: datetime | None = None) -> dict[str, int]:
    """Warn the assignee and the heads of the agency of each open dossier that is due
    within one working day (once) and of each that became overdue (once). Safe to run
    twice: each warning is claimed by a conditional UPDATE before it is sent."""
    now = _now(now)
    calendar = working_calendar()
    counts = {"due_soon": 0, "overdue": 0}
    open_dossiers = (Dossier.objects.filter(state=S.PROCESSING, due_at__isnull=False)
                     .filter(Q(due_soon_warned_at__isnull=True)
                             | Q(overdue_warned_at__isnull=True))
                     .select_related("agency", "assignee")
                     .only("pk", "code", "due_at", "extended_due_at", "agency", "assignee",
                           "due_soon_warned_at", "overdue_warned_at"))
    for dossier in open_dossiers.iterator(chunk_size=500):
        due = dossier.effective_due_at
        if now > due and dossier.overdue_warned_at is None:
            kind, field = "overdue", "overdue_warned_at"
        elif (dossier.due_soon_warned_at is None
              and now >= calendar.add_half_days(due, -2)):
            kind, field = "due_soon", "due_soon_warned_at"
        else:
            continue
        with transaction.atomic():
            claimed = Dossier.objects.filter(pk=dossier.pk, **{f"{field}__isnull": True},
                                             state=S.PROCESSING).update(**{field: now})
            if not claimed:
                continue
            _warn_officers(dossier, kind, due)
        counts[kind] += 1
    return counts


def _warn_officers(dossier: Dossier, kind: str, due: datetime) -> None:
    from tinhso.accounts.models import User

    heads = User.objects.filter(
        is_active=True, memberships__organization_id=dossier.agency.organization_id,
        memberships__role__in=[Role.HEAD_OF_UNIT, Role.AGENCY_LEADER]).distinct()
    people = {u.pk: u for u in heads}
    if dossier.assignee is not None:
        people[dossier.assignee.pk] = dossier.assignee
    when = f"{timezone.localtime(due):%H:%M %d/%m/%Y}"
    if kind == "overdue":
        vi, en = f"Hồ sơ {dossier.code} đã quá hạn ({when}).", f"Dossier {dossier.code} is " \
            f"overdue ({when})."
    else:
        vi = f"Hồ sơ {dossier.code} sắp đến hạn ({when}): cần xử lý hoặc lập phiếu xin lỗi."
        en = f"Dossier {dossier.code} is due soon ({when}): finish it or issue the apology " \
            "letter."
    for user in people.values():
        note = Notification(recipient=user.phone or f"user:{user.pk}",
                            kind=f"publicservices.{kind}", message_vi=vi, message_en=en,
                            link=f"/public-services/dossiers/{dossier.pk}/")
        transaction.on_commit(lambda note=note: send(note))


def extension_deadline(dossier: Dossier, calendar: WorkingCalendar | None = None) -> date | None:
    """The last day an apology letter may be issued (one working day before the due date)."""
    if dossier.due_at is None:
        return None
    calendar = calendar or working_calendar()
    return calendar.add_working_days(timezone.localtime(dossier.due_at).date(), -1)


__all__ = [
    "DOSSIER_CODE_RE", "accept_dossier", "assign_dossier", "dossier_code",
    "extension_deadline", "hand_over", "issue_extension", "next_dossier_code",
    "receive_at_desk", "refuse_dossier", "request_completion", "request_supplement",
    "resolve_dossier", "resubmit_dossier", "return_result", "submit_dossier",
    "supply_supplement", "transfer_dossier", "transition", "warn_due_dossiers",
    "withdraw_dossier",
]
