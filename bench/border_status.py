"""Requests/s of the public border status page and JSON feed, beside a hello-world view.

Run: ``.venv/bin/python bench/border_status.py`` (SQLite file in a temporary directory) or
``.venv/bin/python bench/border_status.py --postgres`` (database ``tinhso_bench_status`` on
postgres://postgres@127.0.0.1:5432, created, migrated and dropped again). ``var/`` is never
touched: the run has its own TINHSO_VAR_DIR and static root in a temporary directory.

1. migrate, demo accounts and gates, then ``--trucks`` trucks in the yards (bulk_create,
   spread over Hữu Nghị, Tân Thanh and Chi Ma), plus a day of crossings and some bookings.
2. gunicorn (``--workers`` sync workers, DEBUG off, REDIS_URL so that the cached snapshot
   is shared by the workers) on 127.0.0.1, serving ``bench.status_urls``: the site plus
   ``GET /bench/hello``, a bare view through the same middleware.
3. Per endpoint, warm-up, then ``--requests`` GETs from ``--concurrency`` client threads,
   in ``--rounds`` interleaved rounds (hello, page, feed, ticket, …) so drift hits all
   alike. ``ticket`` cycles through 400 drivers' e-tickets at Hữu Nghị (state and
   position in the yard queue, the htmx refresh a phone sends every 30 s), each a different
   truck.
4. Checks that the answers carry the database's numbers, prints a table; the last line is
   one JSON object. Target: page and feed at ≥ 60 % of the hello-world's requests/s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_NAME = "tinhso_bench_status"
ENDPOINTS = {"hello": "/bench/hello", "page": "/border/", "feed": "/api/v1/border/status",
             "ticket": "/border/ticket/{token}/"}
TICKETS = 400  # distinct drivers' e-tickets the "ticket" requests cycle through
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")


def _pg(statement: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(statement)


def configure(workdir: Path, postgres: bool) -> dict:
    if postgres:
        _pg(f"DROP DATABASE IF EXISTS {PG_NAME}")
        _pg(f"CREATE DATABASE {PG_NAME}")
        url = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
    else:
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = {
        "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.status_settings",
        "TINHSO_VAR_DIR": str(workdir / "var"), "STATIC_ROOT": str(workdir / "static"),
        "SECRET_KEY": "bench-status-not-a-secret", "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1", "REDIS_URL": REDIS_URL, "NOTIFY_BACKEND": "console",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }
    os.environ.update(env)
    return {"vendor": "postgresql" if postgres else "sqlite", "url": url, "env": env}


def seed(n_trucks: int) -> dict:
    """Demo reference data and `n_trucks` trucks in the yards (plus history)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from tinhso.accounts.models import Organization
    from tinhso.border import congestion, services
    from tinhso.border.demo import seed_border
    from tinhso.border.models import Declaration, Gate, GoodsCategory, Yard
    from tinhso.border.workflow import WAITING_STATES
    from tinhso.core.demo import seed_accounts

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    seed_accounts()
    seed_border()
    now = timezone.now()
    enterprise = Organization.objects.get(code="dn-nong-san-xu-lang")
    goods = list(GoodsCategory.objects.order_by("code"))
    share = {"huu-nghi": 0.55, "tan-thanh": 0.3, "chi-ma": 0.15}
    yards = {code: list(Yard.objects.filter(gate__code=code).order_by("code"))
             for code in share}
    Yard.objects.update(capacity=4000)  # room for every truck: a crowded day, not overflow

    def row(i: int, gate: Gate, state: str, **fields) -> Declaration:
        plate = f"{12 + i % 80:02d}C-{i // 100 % 1000:03d}.{i % 100:02d}"
        return Declaration(
            enterprise=enterprise, state=state, plate=plate,
            plate_key=plate.replace("-", "").replace(".", ""), driver_name="Hoàng Văn Tài",
            driver_id_number="020090001234", driver_phone="0912000002",
            goods=goods[i % len(goods)], weight_kg=20000, direction="export" if i % 3 else
            "import", gate=gate, expected_arrival=now, submitted_at=now, **fields)

    rows, i = [], 0
    gates = {g.code: g for g in Gate.objects.filter(code__in=share)}
    for code, fraction in share.items():
        for k in range(round(n_trucks * fraction)):
            i += 1
            state = "held" if k % 25 == 0 else "in_yard"
            rows.append(row(i, gates[code], state, yard=yards[code][k % len(yards[code])],
                            checked_in_at=now - timedelta(minutes=5 + k % 2000)))
        for k in range(round(800 * fraction)):  # a day of crossings
            i += 1
            crossed = now - timedelta(minutes=1 + k * 1440 // round(800 * fraction))
            rows.append(row(i, gates[code], "crossed", checked_in_at=crossed - timedelta(
                hours=3 + k % 20), crossed_at=crossed))
        for _k in range(round(600 * fraction)):
            i += 1
            rows.append(row(i, gates[code], "booked"))
    Declaration.objects.bulk_create(rows, batch_size=1000)
    from tinhso.border.selectors import yard_queue

    started = time.perf_counter()
    queue = yard_queue(gates["huu-nghi"])
    call_order_ms = (time.perf_counter() - started) * 1000
    tickets = dict(Declaration.objects.filter(pk__in=[e.key for e in queue[::len(queue) // TICKETS]])
                   .values_list("ticket_token", "pk"))
    positions = {e.key: n for n, e in enumerate(queue, start=1)}
    waiting = Declaration.objects.filter(state__in=WAITING_STATES).count()
    published = services.refresh_advisories()
    congestion.forget_snapshots()
    started = time.perf_counter()
    for _ in range(5):
        congestion.compute_snapshots()
    refresh_ms = (time.perf_counter() - started) / 5 * 1000
    return {"snapshot_refresh_ms": round(refresh_ms, 1), "trucks_in_yards": waiting,
            "declarations": Declaration.objects.count(),
            "advisories": [f"{a.gate.code}:{a.level}" for a in published],
            "call_order_ms": round(call_order_ms, 1), "huu_nghi_queue": len(queue),
            "tickets": {token: positions[pk] for token, pk in tickets.items()}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(conn: http.client.HTTPConnection, path: str,
        headers: dict | None = None) -> tuple[int, bytes, dict]:
    conn.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    return response.status, body, dict(response.getheaders())


def wait_ready(port: int, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            if get(conn, ENDPOINTS["hello"])[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer")


def hammer(port: int, path: str, total: int, threads: int, tokens: list[str]) -> dict:
    """`total` GETs from `threads` threads (a new connection when the server closes one);
    a path with ``{token}`` cycles through `tokens`."""
    latencies: list[float] = []
    errors = []
    lock = threading.Lock()
    counter = iter(range(total))
    paths = [path.format(token=t) for t in tokens] if "{token}" in path else [path]
    # An e-ticket open on a phone refreshes its body through htmx every 30 s.
    headers = {"HX-Request": "true"} if "{token}" in path else {}

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while True:
            with lock:
                number = next(counter, None)
                if number is None:
                    break
            t0 = time.perf_counter()
            try:
                status, _body, answer_headers = get(conn, paths[number % len(paths)], headers)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                errors.append(repr(exc))
                continue
            mine.append(time.perf_counter() - t0)
            if status != 200:
                errors.append(status)
            if answer_headers.get("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return {"seconds": time.perf_counter() - started, "latencies": latencies,
            "errors": errors}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def check_answers(port: int, expected_waiting: int, tickets: dict[str, int]) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, body, headers = get(conn, ENDPOINTS["feed"])
    feed = json.loads(body)
    waiting = sum(g["trucks_waiting"] for g in feed["gates"])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    page_status, page, page_headers = get(conn, ENDPOINTS["page"])
    huu_nghi = next(g for g in feed["gates"] if g["code"] == "huu-nghi")
    marker = f'data-field="trucks_waiting">{huu_nghi["trucks_waiting"]}<'
    # Each e-ticket shows the position the call order gives its truck.
    tickets_ok = all(
        f'<span class="big">{position}</span>'.encode()
        in get(conn, ENDPOINTS["ticket"].format(token=token))[1]
        for token, position in list(tickets.items())[:20])
    ok = (tickets_ok and status == 200 and page_status == 200 and waiting == expected_waiting
          and marker.encode() in page and "max-age" in headers.get("Cache-Control", "")
          and "public" in page_headers.get("Cache-Control", ""))
    return {"ok": ok, "feed_trucks_waiting": waiting, "levels": {
        g["code"]: g["congestion_level"] for g in feed["gates"] if g["trucks_waiting"]}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trucks", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=2000, help="per endpoint per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="tinhso-bench-status-"))
    db = configure(workdir, args.postgres)
    server = None
    try:
        seeded = seed(args.trucks)
        port = free_port()
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "tinhso.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
             "--worker-class", "sync", "--log-level", "warning", "--chdir", str(ROOT)],
            env={**os.environ, **db["env"]}, start_new_session=True)
        wait_ready(port, server)
        answers = check_answers(port, seeded["trucks_in_yards"], seeded["tickets"])
        tokens = list(seeded["tickets"])
        for path in ENDPOINTS.values():
            hammer(port, path, args.warmup, args.concurrency, tokens)
        runs: dict[str, list[dict]] = {name: [] for name in ENDPOINTS}
        for _round in range(args.rounds):
            for name, path in ENDPOINTS.items():
                runs[name].append(hammer(port, path, args.requests, args.concurrency, tokens))
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        if args.postgres:
            from django.db import connections

            connections.close_all()
            _pg(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        shutil.rmtree(workdir, ignore_errors=True)

    result: dict = {"vendor": db["vendor"], "trucks_in_yards": seeded["trucks_in_yards"],
                    "workers": args.workers, "concurrency": args.concurrency,
                    "answers_ok": answers["ok"],
                    "snapshot_refresh_ms": seeded["snapshot_refresh_ms"],
                    "call_order_ms": seeded["call_order_ms"]}
    rows = []
    for name, path in ENDPOINTS.items():
        lat = [x for run in runs[name] for x in run["latencies"]]
        seconds = sum(run["seconds"] for run in runs[name])
        errors = sum(len(run["errors"]) for run in runs[name])
        rps = len(lat) / seconds
        result[f"{name}_rps"] = round(rps, 1)
        result[f"{name}_p99_ms"] = round(1000 * percentile(lat, 0.99), 2)
        result[f"{name}_errors"] = errors
        rows.append((name, path, len(lat), rps, 1000 * percentile(lat, 0.5),
                     1000 * percentile(lat, 0.99), errors))
    for name in ("page", "feed", "ticket"):
        result[f"{name}_vs_hello"] = round(result[f"{name}_rps"] / result["hello_rps"], 3)
    result["target"] = 0.6
    result["meets_target"] = all(result[f"{n}_vs_hello"] >= 0.6 for n in ("page", "feed"))

    print(f"Border status over HTTP: gunicorn {args.workers} sync workers, "
          f"{args.concurrency} client threads, {db['vendor']}, "
          f"{seeded['trucks_in_yards']} trucks in the yards, Redis cache")
    print(f"answers carry the database's numbers: {answers['ok']} "
          f"(feed trucks_waiting={answers['feed_trucks_waiting']}, levels {answers['levels']})")
    print(f"one snapshot refresh (cache miss, all gates): {seeded['snapshot_refresh_ms']} ms")
    print(f"one call order of Hữu Nghị's {seeded['huu_nghi_queue']} queued trucks (an e-ticket"
          f" position without the per-gate cache): {seeded['call_order_ms']} ms")
    print(f"{'endpoint':8} {'path':26} {'requests':>8} {'req/s':>9} {'p50 ms':>8} "
          f"{'p99 ms':>8} {'errors':>6} {'vs hello':>8}")
    for name, path, n, rps, p50, p99, errors in rows:
        ratio = rps / result["hello_rps"]
        print(f"{name:8} {path:26} {n:8d} {rps:9.1f} {p50:8.2f} {p99:8.2f} {errors:6d} "
              f"{ratio:8.2f}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
