"""A local national public service portal: the same JSON over HTTP as the real one
(``protocol``), kept in memory. No Django: a plain WSGI app, served by
``tinhso portal_simulator --port 8765`` or, in the tests, on a thread (``running()``).

Endpoints (all JSON):

- ``GET  /api/hoso/moi?tu=<cursor>&gioihan=<n>`` — dossiers submitted on the portal after
  the cursor: ``{"error_code": "0", "data": [...], "tiep": <next cursor>}``;
- ``POST /api/hoso/trangthai`` — one state change of a dossier; applied once per
  (MaHoSo, SoThuTu): a resend answers ``"trung": true`` and changes nothing;
- ``POST /_sim/hoso`` — a citizen submits a dossier on the portal (portal JSON);
- ``POST /_sim/trangthai-cong`` — ``{"down": true|false, "mode": "refuse"|"lost_answer"}``:
  the portal is down (answers 503) or applies updates but the answer is lost;
- ``GET  /_sim/capnhat`` — the updates applied, in order (what the tests compare).
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from tinhso.publicservices.portal import protocol

MAX_BODY = 1_000_000


class PortalState:
    """The portal's memory; one lock, since the server may answer on several threads."""

    def __init__(self, token: str = "") -> None:
        self.token = token
        self.lock = threading.Lock()
        self.dossiers: list[dict] = []
        self.applied: list[dict] = []
        self.seen: set[tuple[str, int]] = set()
        self.down = False
        self.mode = "refuse"
        self.requests = 0

    def add_dossier(self, item: dict) -> None:
        protocol.parse_dossier(item)  # the simulator serves only well-formed dossiers
        with self.lock:
            self.dossiers.append(item)

    def set_down(self, down: bool, mode: str = "refuse") -> None:
        with self.lock:
            self.down, self.mode = down, mode

    def applied_keys(self) -> list[tuple[str, int]]:
        with self.lock:
            return [(u["MaHoSo"], u["SoThuTu"]) for u in self.applied]


def _answer(start_response, status: str, body: dict) -> list[bytes]:
    raw = json.dumps(body, ensure_ascii=False).encode()
    start_response(status, [("Content-Type", "application/json; charset=utf-8"),
                            ("Content-Length", str(len(raw)))])
    return [raw]


def _read_json(environ) -> dict:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        raise protocol.ProtocolError("body too large")
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise protocol.ProtocolError("body: not JSON") from None
    if not isinstance(body, dict):
        raise protocol.ProtocolError("body: not an object")
    return body


def make_app(state: PortalState):
    def app(environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        with state.lock:
            state.requests += 1
            down, mode = state.down, state.mode
        try:
            if path.startswith("/_sim/"):
                return control(method, path, environ, start_response)
            if state.token and environ.get("HTTP_AUTHORIZATION") != f"Bearer {state.token}":
                return _answer(start_response, "401 Unauthorized",
                               {"error_code": "401", "message": "Sai mã xác thực"})
            if down and mode == "refuse":
                return _answer(start_response, "503 Service Unavailable",
                               {"error_code": "503", "message": "Hệ thống đang bảo trì"})
            if method == "GET" and path == "/api/hoso/moi":
                return new_dossiers(environ, start_response)
            if method == "POST" and path == "/api/hoso/trangthai":
                return update(environ, start_response, lose_answer=down)
        except protocol.ProtocolError as error:
            return _answer(start_response, "400 Bad Request",
                           {"error_code": "400", "message": str(error)})
        return _answer(start_response, "404 Not Found",
                       {"error_code": "404", "message": "Không tìm thấy"})

    def new_dossiers(environ, start_response):
        query = parse_qs(environ.get("QUERY_STRING", ""))
        try:
            cursor = max(int(query.get("tu", ["0"])[0]), 0)
            limit = min(max(int(query.get("gioihan", ["100"])[0]), 1), 500)
        except ValueError:
            raise protocol.ProtocolError("tu/gioihan: not integers") from None
        with state.lock:
            page = state.dossiers[cursor:cursor + limit]
        return _answer(start_response, "200 OK",
                       {"error_code": "0", "data": page, "tiep": cursor + len(page)})

    def update(environ, start_response, *, lose_answer: bool):
        body = _read_json(environ)
        code, sequence, _status = protocol.check_update(body)
        with state.lock:
            duplicate = (code, sequence) in state.seen
            if not duplicate:
                state.seen.add((code, sequence))
                state.applied.append(body)
        if lose_answer:  # applied, but the answer never reaches the caller
            return _answer(start_response, "504 Gateway Timeout",
                           {"error_code": "504", "message": "Hết thời gian chờ"})
        return _answer(start_response, "200 OK",
                       {"error_code": "0", "message": "Thành công", "trung": duplicate})

    def control(method, path, environ, start_response):
        if method == "POST" and path == "/_sim/hoso":
            state.add_dossier(_read_json(environ))
            return _answer(start_response, "200 OK", {"error_code": "0"})
        if method == "POST" and path == "/_sim/trangthai-cong":
            body = _read_json(environ)
            mode = body.get("mode", "refuse")
            if mode not in ("refuse", "lost_answer"):
                raise protocol.ProtocolError("mode: refuse or lost_answer")
            state.set_down(bool(body.get("down")), mode)
            return _answer(start_response, "200 OK", {"error_code": "0"})
        if method == "GET" and path == "/_sim/capnhat":
            with state.lock:
                applied = list(state.applied)
            return _answer(start_response, "200 OK", {"error_code": "0", "data": applied})
        return _answer(start_response, "404 Not Found",
                       {"error_code": "404", "message": "Không tìm thấy"})

    return app


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


def server(state: PortalState, host: str = "127.0.0.1", port: int = 0) -> WSGIServer:
    return make_server(host, port, make_app(state), handler_class=_QuietHandler)


@contextlib.contextmanager
def running(token: str = "") -> Iterator[tuple[str, PortalState]]:
    """A simulator on a free local port, on a thread: ``(base_url, state)``."""
    state = PortalState(token)
    httpd = server(state)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
