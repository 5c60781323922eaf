"""Sync with the national public service portal, both ways.

Out: `record_change()` is called by `services.transition` inside its transaction (the
dossier row is locked there), so a state change and its `PortalUpdate` commit together or
not at all. After the commit a background task pushes the dossier's pending updates in
sequence order; a portal that is down leaves them pending with backoff (`core.outbox`),
and the periodic sweep (`retry_due`) tries again, for as long as PORTAL_MAX_ATTEMPTS
allows (days, at the one-hour cap). The portal applies each (MaHoSo, SoThuTu) once, so an
update whose answer was lost is resent without being applied twice.

In: `pull()` (periodic) reads the portal's new dossiers after a stored cursor and hands
each to the one reception code path (`receive_portal_dossier`), keeping the portal's
code; a dossier already here (same national id) is skipped, so a pull repeated after a
crash creates nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tinhso.core import audit, outbox
from tinhso.core.models import OutboxState
from tinhso.publicservices.portal import protocol
from tinhso.publicservices.portal.adapter import (
    PortalError,
    PortalRejected,
    PortalUnavailable,
    get_adapter,
)
from tinhso.publicservices.portal.models import PortalCursor, PortalUpdate

logger = logging.getLogger("tinhso.publicservices.portal")

CURSOR_NAME = "national"


def record_change(dossier, *, from_state: str, to_state: str, at: datetime,
                  actor_label: str = "", note: str = "") -> PortalUpdate | None:
    """Write the portal update of one state change, in the caller's transaction (which
    holds the dossier's row lock: the sequence is the next one of that dossier). A dossier
    without a code yet (a draft or one waiting at the desk) is not on the portal: None."""
    if not dossier.code:
        return None
    last = (PortalUpdate.objects.filter(dossier=dossier)
            .aggregate(last=Max("sequence"))["last"] or 0)
    update = protocol.StatusUpdate(
        dossier_code=dossier.code, sequence=last + 1,
        status=protocol.status_code(from_state, to_state), at=at,
        procedure_code=dossier.procedure.code, agency_code=dossier.agency.code,
        channel=dossier.channel, national_id=dossier.external_id,
        received_at=dossier.received_at, due_at=dossier.effective_due_at,
        finished_at=dossier.returned_at or dossier.resolved_at,
        handler=actor_label, note=note,
    )
    row = PortalUpdate.objects.create(dossier=dossier, sequence=update.sequence,
                                      payload=update.to_json(), next_attempt_at=at)
    transaction.on_commit(partial(enqueue_delivery, dossier.pk), robust=True)
    return row


def enqueue_delivery(dossier_id: int, *, run_after: datetime | None = None) -> None:
    """Queue the push of a dossier's pending updates. A failed enqueue is logged: the
    rows stay pending and the periodic sweep queues them again."""
    from tinhso.publicservices.tasks import push_portal_updates

    task = push_portal_updates
    try:
        if run_after is not None:
            if not task.get_backend().supports_defer:
                return  # the periodic sweep picks it up when it is due
            task = task.using(run_after=run_after)
        task.enqueue(dossier_id)
    except Exception:
        logger.exception("portal push of dossier %s could not be queued", dossier_id)


def deliver(dossier_id: int) -> str:
    """Push the dossier's pending updates in sequence order, stopping at the first that
    cannot go now (the order the portal sees is the order of the changes)."""
    adapter = get_adapter()
    if adapter is None:
        return "off"
    while True:
        head = (PortalUpdate.objects.filter(dossier_id=dossier_id, state=OutboxState.PENDING)
                .order_by("sequence").values_list("pk", flat=True).first())
        if head is None:
            return "done"
        row = outbox.claim(PortalUpdate, head, now=timezone.now())
        if row is None:  # not due yet, or another worker holds it
            return "waiting"
        try:
            adapter.push_status(row.payload)
        except PortalRejected as error:
            # Resending the same body will not help: left failed for an operator, and the
            # dossier's later updates go on (the portal takes the latest state).
            outbox.failed(row, error, now=timezone.now(), max_attempts=row.attempts)
            logger.error("portal refused update %s: %s", row, row.last_error)
            continue
        except PortalUnavailable as error:
            outbox.failed(row, error, now=timezone.now(),
                          max_attempts=settings.PORTAL_MAX_ATTEMPTS)
            logger.warning("portal update %s failed (attempt %s): %s", row, row.attempts,
                           row.last_error)
            if row.state == OutboxState.PENDING:
                enqueue_delivery(dossier_id, run_after=row.next_attempt_at)
            return "retrying"
        outbox.delivered(row, now=timezone.now())


def retry_updates(pks, *, actor, now: datetime | None = None) -> int:
    """An operator's "send again" for updates the portal refused or that spent their
    attempts (after the cause was fixed): each becomes due at once with one more attempt,
    audited, and its dossier's push is queued after the commit. Delivered updates are
    left alone. The number of updates queued again."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(PortalUpdate.objects.select_for_update().filter(pk__in=list(pks))
                    .exclude(state=OutboxState.DELIVERED).order_by("dossier_id", "sequence"))
        count = outbox.retry_now(PortalUpdate, [row.pk for row in rows], now=now)
        for row in rows:
            audit.record(actor=actor, action="portal_update.retry", obj=row,
                         before={"state": row.state, "attempts": row.attempts,
                                 "last_error": row.last_error[:500]},
                         after={"state": OutboxState.PENDING})
        for dossier_id in dict.fromkeys(row.dossier_id for row in rows):
            transaction.on_commit(partial(enqueue_delivery, dossier_id), robust=True)
    return count


def retry_due(*, now: datetime | None = None) -> int:
    """Queue again the pushes that are overdue (periodic); the number of dossiers."""
    due = outbox.overdue(PortalUpdate, now=now or timezone.now(), limit=2000)
    dossiers = list(dict.fromkeys(
        PortalUpdate.objects.filter(pk__in=due).values_list("dossier_id", flat=True)))
    for dossier_id in dossiers:
        enqueue_delivery(dossier_id)
    return len(dossiers)


def pull(*, limit: int = 100, pages: int = 20) -> dict[str, int]:
    """Read the portal's new dossiers and receive them; counts of what happened."""
    counts = {"received": 0, "known": 0, "rejected": 0}
    adapter = get_adapter()
    if adapter is None:
        return counts
    cursor_row, _ = PortalCursor.objects.get_or_create(name=CURSOR_NAME)
    cursor = cursor_row.cursor
    for _page in range(pages):
        try:
            page = adapter.fetch_new(cursor, limit=limit)
        except PortalError as error:
            PortalCursor.objects.filter(pk=cursor_row.pk).update(
                last_error=str(error)[:2000], pulled_at=timezone.now())
            logger.warning("portal pull failed: %s", error)
            break
        for item in page.dossiers:
            counts[_receive_one(item)] += 1
        # The cursor moves only past items handled (received, known or rejected).
        cursor = page.next_cursor
        PortalCursor.objects.filter(pk=cursor_row.pk).update(
            cursor=cursor, pulled_at=timezone.now(), last_error="")
        if len(page.dossiers) < limit:
            break
    return counts


class PortalDossierRefused(ValueError):
    """A portal dossier naming a procedure or an agency we do not have."""


def _receive_one(item: dict) -> str:
    from tinhso.core.errors import DomainError
    from tinhso.publicservices.models import Channel, Dossier

    try:
        parsed = protocol.parse_dossier(item)
    except protocol.ProtocolError as error:
        logger.error("portal dossier refused: %s", error)
        return "rejected"
    if Dossier.objects.filter(channel=Channel.PORTAL,
                              external_id=parsed.national_id).exists():
        return "known"
    try:
        receive_portal_dossier(parsed)
    except (DomainError, PortalDossierRefused) as error:
        logger.error("portal dossier %s refused: %s", parsed.dossier_code, error)
        return "rejected"
    return "received"


def receive_portal_dossier(parsed: protocol.PortalDossier):
    """A dossier from the national portal enters through the one reception code path
    (`services.submit_dossier`), keeping the code it came with; it then waits for the
    desk like any other."""
    from tinhso.publicservices.models import Agency, Channel, Procedure
    from tinhso.publicservices.services import submit_dossier

    procedure = Procedure.objects.filter(code=parsed.procedure_code).first()
    if procedure is None:
        raise PortalDossierRefused(f"unknown procedure {parsed.procedure_code}")
    agency = Agency.objects.filter(code=parsed.agency_code).first()
    if agency is None:
        raise PortalDossierRefused(f"unknown agency {parsed.agency_code}")
    applicant = {
        "applicant_kind": parsed.applicant_kind, "applicant_name": parsed.applicant_name,
        "applicant_id_number": parsed.applicant_id_number,
        "applicant_tax_code": parsed.applicant_tax_code,
        "applicant_phone": parsed.applicant_phone, "applicant_email": parsed.applicant_email,
        "applicant_address": parsed.applicant_address,
    }
    papers = [{"name": name} for name in parsed.papers]
    form = {**parsed.form_data, "summary": parsed.summary} if parsed.summary \
        else parsed.form_data
    return submit_dossier(actor=None, procedure=procedure, agency=agency,
                          channel=Channel.PORTAL, applicant=applicant, form_data=form,
                          papers=papers, code=parsed.dossier_code,
                          external_id=parsed.national_id, now=parsed.submitted_at)
