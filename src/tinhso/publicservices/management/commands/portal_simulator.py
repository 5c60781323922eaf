"""``tinhso portal_simulator --port 8765``: a local national public service portal.

Point the system at it with ``PORTAL_URL=http://127.0.0.1:8765`` (and the same
``PORTAL_TOKEN`` if you set one). Submit a dossier "on the portal" with
``POST /_sim/hoso``, take the portal down with ``POST /_sim/trangthai-cong
{"down": true}``, and read what it received with ``GET /_sim/capnhat``.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tinhso.publicservices.portal import protocol
from tinhso.publicservices.portal.simulator import PortalState, server


class Command(BaseCommand):
    help = "Run a local national public service portal (JSON over HTTP) for the sync."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--token", default=None,
                            help="bearer token to require (default: PORTAL_TOKEN)")
        parser.add_argument("--seed", help="JSON file: a list of portal dossiers to serve")

    def handle(self, *args, host: str, port: int, token: str | None, seed: str | None,
               **options) -> None:
        state = PortalState(settings.PORTAL_TOKEN if token is None else token)
        if seed:
            try:
                with open(seed, encoding="utf-8") as handle:
                    items = json.load(handle)
                for item in items:
                    state.add_dossier(item)
            except (OSError, ValueError, TypeError, protocol.ProtocolError) as error:
                raise CommandError(f"{seed}: {error}") from None
        httpd = server(state, host, port)
        self.stdout.write(f"National portal simulator on http://{host}:{httpd.server_port} "
                          f"({len(state.dossiers)} dossiers waiting)")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            httpd.server_close()
