"""Notifications to people (drivers, enterprises): one interface, pluggable backends.

`console` logs the message, `file` appends one JSON line per message (what the demo and
the tests read). SMS and Zalo adapters implement the same `send`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("tinhso.notifications")


@dataclass(frozen=True)
class Notification:
    recipient: str  # a mobile number (0xxxxxxxxx) or an organisation code
    kind: str
    message_vi: str
    message_en: str
    link: str = ""


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
        line = json.dumps({**asdict(notification), "at": timezone.now().isoformat()},
                          ensure_ascii=False)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


BACKENDS = {"console": ConsoleBackend, "file": FileBackend}


def backend() -> NotificationBackend:
    name = settings.NOTIFY_BACKEND
    return (BACKENDS[name] if name in BACKENDS else import_string(name))()


def send(notification: Notification) -> None:
    backend().send(notification)
