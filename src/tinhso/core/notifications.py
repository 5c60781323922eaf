"""Notifications to people (drivers, enterprises): one interface, pluggable backends.

`send()` records the message (an `OutgoingNotification` row) and, once that commits, hands
its delivery to a background task: the request that caused it never waits for, nor fails
with, an SMS gateway. A delivery that raises is retried with backoff (`core.outbox`), and
one that never gets through is left `failed` in the admin with its last error.

Backends: `console` logs the message, `file` appends one JSON line per message (what the
demo and the tests read). SMS and Zalo adapters implement the same `NotificationBackend`.

A notification may carry small files (`Attachment`: an invitation's .ics), stored with the
row and handed to the backend at delivery; an e-mail or Zalo backend sends them, an SMS
backend ignores them (the link still leads to the page). Without attachments nothing
changes for existing callers or backends.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from tinhso.core import outbox
from tinhso.core.models import OutboxState, OutgoingNotification

logger = logging.getLogger("tinhso.notifications")


#: What one notification's attachments may weigh together (they live in the outbox row).
MAX_ATTACHMENT_BYTES = 256 * 1024


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes

    def as_json(self) -> dict:
        return {"filename": self.filename, "content_type": self.content_type,
                "content_b64": base64.b64encode(self.content).decode("ascii")}

    @classmethod
    def from_json(cls, data: dict) -> Attachment:
        return cls(data["filename"], data["content_type"], base64.b64decode(data["content_b64"]))


@dataclass(frozen=True)
class Notification:
    recipient: str  # a mobile number (0xxxxxxxxx) or an organisation code
    kind: str
    message_vi: str
    message_en: str
    link: str = ""
    attachments: tuple[Attachment, ...] = ()

    def as_row(self) -> dict:
        """The outbox row's fields (attachments as JSON, base64 content)."""
        return {"recipient": self.recipient, "kind": self.kind, "message_vi": self.message_vi,
                "message_en": self.message_en, "link": self.link,
                "attachments": [a.as_json() for a in self.attachments]}


class NotificationBackend:
    def send(self, notification: Notification) -> None:
        raise NotImplementedError


class ConsoleBackend(NotificationBackend):
    def send(self, notification: Notification) -> None:
        logger.info("notify %s [%s] %s", notification.recipient, notification.kind,
                    notification.message_vi)


class FileBackend(NotificationBackend):
    def send(self, notification: Notification) -> None:
        path = settings.NOTIFY_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({**notification.as_row(), "at": timezone.now().isoformat()},
                          ensure_ascii=False)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


BACKENDS = {"console": ConsoleBackend, "file": FileBackend}


def backend() -> NotificationBackend:
    name = settings.NOTIFY_BACKEND
    return (BACKENDS[name] if name in BACKENDS else import_string(name))()


def send(notification: Notification) -> OutgoingNotification | None:
    """Record the notification and deliver it in the background after the commit.

    Callers in a transaction get the row written in it (nothing is sent if it rolls back);
    the border services call this from `transaction.on_commit`, where it commits at once.
    Never raises: a notification that cannot even be recorded is logged, and the write
    that caused it stands."""
    if sum(len(a.content) for a in notification.attachments) > MAX_ATTACHMENT_BYTES:
        raise ValueError("notification attachments over MAX_ATTACHMENT_BYTES")
    try:
        with transaction.atomic():
            row = OutgoingNotification.objects.create(**notification.as_row(),
                                                      next_attempt_at=timezone.now())
            transaction.on_commit(partial(enqueue_delivery, row.pk), robust=True)
    except Exception:
        logger.exception("notification to %s [%s] could not be recorded",
                         notification.recipient, notification.kind)
        return None
    return row


def enqueue_delivery(notification_id: int, *, run_after: datetime | None = None) -> None:
    """Queue the delivery task. A failed enqueue is logged, not raised: the row stays
    pending and `retry_due()` queues it again."""
    from tinhso.core.tasks import deliver_notification

    task = deliver_notification
    try:
        if run_after is not None:
            if not task.get_backend().supports_defer:
                return  # the periodic sweep (retry_due) picks it up when it is due
            task = task.using(run_after=run_after)
        task.enqueue(notification_id)
    except Exception:
        logger.exception("delivery of notification %s could not be queued", notification_id)


def deliver(notification_id: int) -> str:
    """One delivery attempt (the background task). Returns the state it leaves."""
    row = outbox.claim(OutgoingNotification, notification_id, now=timezone.now())
    if row is None:  # delivered already, given up, not due, or in another worker's hands
        return "skipped"
    message = Notification(recipient=row.recipient, kind=row.kind, message_vi=row.message_vi,
                           message_en=row.message_en, link=row.link,
                           attachments=tuple(Attachment.from_json(a)
                                             for a in row.attachments or ()))
    try:
        backend().send(message)
    except Exception as error:
        outbox.failed(row, error, now=timezone.now(), max_attempts=settings.NOTIFY_MAX_ATTEMPTS)
        logger.warning("notification %s to %s failed (attempt %s): %s", row.pk, row.recipient,
                       row.attempts, row.last_error)
        if row.state == OutboxState.PENDING:
            enqueue_delivery(row.pk, run_after=row.next_attempt_at)
        return row.state
    outbox.delivered(row, now=timezone.now())
    return row.state


def retry_due(*, now: datetime | None = None) -> int:
    """Queue again every pending notification that is overdue (periodic)."""
    due = outbox.overdue(OutgoingNotification, now=now or timezone.now())
    for pk in due:
        enqueue_delivery(pk)
    return len(due)


def retry_now(pks, *, actor) -> int:
    """An administrator's "send again" for failed or waiting notifications."""
    from tinhso.core import audit

    with transaction.atomic():
        rows = list(OutgoingNotification.objects.select_for_update().filter(pk__in=pks)
                    .exclude(state=OutboxState.DELIVERED))
        count = outbox.retry_now(OutgoingNotification, [r.pk for r in rows], now=timezone.now())
        for row in rows:
            audit.record(actor=actor, action="notification.retry", obj=row,
                         before={"state": row.state, "attempts": row.attempts},
                         after={"state": OutboxState.PENDING})
            transaction.on_commit(partial(enqueue_delivery, row.pk), robust=True)
    return count


def prune(*, now: datetime | None = None) -> int:
    """Forget delivered notifications after NOTIFY_KEEP_DAYS: they hold phone numbers."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.NOTIFY_KEEP_DAYS)
    deleted, _ = OutgoingNotification.objects.filter(
        state=OutboxState.DELIVERED, delivered_at__lt=cutoff).delete()
    return deleted
