"""`tinhso scheduler`: enqueue the periodic tasks (settings.PERIODIC_TASKS) on their cadence.

Run one beside the worker (`make run` / `tinhso serve` does). Running two is safe: each
period is enqueued once (see `tinhso.core.scheduler`).
"""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from tinhso.core import scheduler


class Command(BaseCommand):
    help = "Enqueue the periodic tasks (no-shows, advisories, retries) when their period comes."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One tick, then exit.")
        parser.add_argument("--interval", type=float, default=5.0,
                            help="Seconds between ticks (default: %(default)s).")

    def handle(self, *args, once: bool, interval: float, **options):
        stop = threading.Event()
        if not once:
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
            self.stdout.write(f"Scheduler running, a tick every {interval:g} s.")
        while True:
            for name in scheduler.tick():
                self.stdout.write(f"enqueued {name}")
            if once or stop.wait(interval):
                break
            close_old_connections()  # as between two requests: drop a broken or old one
