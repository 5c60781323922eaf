"""Plate-camera event ingestion over real HTTP, against a bare django-ninja insert.

Run: ``.venv/bin/python bench/border_events.py`` (SQLite in a temporary directory), or
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/tinhso_bench .venv/bin/python
bench/border_events.py`` (the database is dropped, created, migrated and dropped again;
its name must contain "bench"). ``var/`` is never touched: a SQLite ``DATABASE_URL`` is
ignored and a fresh file in a temporary directory is used instead.

What it does, in one run and under the same conditions for both endpoints:

1. migrate + ``seed_demo``, a ``camera`` API key of the Hữu Nghị yard operator, and
   ``--declarations`` submitted export declarations at Hữu Nghị (bulk_create, distinct
   plates). The two Hữu Nghị yards get room for every truck (the demo's 600 + 250 places
   would turn most check-ins into ``yard_full`` holds, not the path we want to time).
2. gunicorn (``--workers`` × ``--threads`` gthread, DEBUG off) serving
   ``bench.bare_app``: the site's urls plus ``POST /bench/bare`` (no auth, one INSERT).
3. Warm-up, then ``--requests`` requests per endpoint from ``--concurrency`` keep-alive
   client threads, the two endpoints alternating in ``--rounds`` chunks so that the
   machine's drift in speed falls on both alike: ``POST /api/v1/border/plate-events`` with a mix of exact reads of
   declared plates (each truck read once: it checks in), OCR-confused reads that the plate
   key folds (they check in too), reads with a lost character (fuzzy scan: the truck is
   proposed at the exception desk), unknown plates (exception desk)
   and ~5% retries of an earlier event id (idempotent); and ``POST /bench/bare`` with the
   same bodies.
4. Correctness counts in the database, then an in-process profile (queries and time per
   kind of read), then the table; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import io
import itertools
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

EVENTS_PATH = "/api/v1/border/plate-events"
BARE_PATH = "/bench/bare"
OPERATOR = "bai-xe-huu-nghi"
ENTERPRISE = "dn-nong-san-xu-lang"
GATE = "huu-nghi"
CAMERAS = ["cam-yard-huu-nghi-1-in", "cam-yard-huu-nghi-kh-in"]
VN = ZoneInfo("Asia/Ho_Chi_Minh")
# Declared trucks carry these series; unknown reads use others (far from every declared key).
DECLARED_SERIES = ["12C", "12H", "14C", "15C", "20C", "29C", "98C", "99C"]
UNKNOWN_SERIES = ["43H", "51D", "61H", "79D", "92H"]
# Share of each kind of read among the requests that are not retries.
MIX = {"exact": 0.84, "ocr": 0.07, "fuzzy": 0.03, "unknown": 0.06}
RETRY_SHARE = 0.05
RETRY_DISTANCE = 32  # a retry repeats an event sent at least this many requests earlier


# ---------------------------------------------------------------- database

def prepare_database(workdir: Path) -> dict:
    """Point DATABASE_URL at a throwaway database and (for PostgreSQL) create it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        path = workdir / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return {"vendor": "sqlite", "name": str(path)}
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name or name == "tinhso_ci":
        sys.exit(f"refusing to drop and recreate database {name!r}: its name must contain "
                 "'bench' (e.g. tinhso_bench)")
    admin = urlunsplit(parts._replace(path="/postgres"))
    _pg_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return {"vendor": "postgresql", "name": name, "admin": admin}


def drop_database(db: dict) -> None:
    if db["vendor"] == "postgresql":
        _pg_admin(db["admin"], f'DROP DATABASE IF EXISTS "{db["name"]}" WITH (FORCE)')


def _pg_admin(admin_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def seed(n_declarations: int, rng: random.Random) -> dict:
    """Demo data, a camera key and the declared trucks; returns what the load needs."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench.bare_app import create_bare_table
    from tinhso.accounts.models import Organization
    from tinhso.accounts.services import create_api_key
    from tinhso.border.models import Camera, Declaration, Gate, GoodsCategory, Yard
    from tinhso.border.platematch import plate_key

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    create_bare_table(connection)
    operator = Organization.objects.get(code=OPERATOR)
    _, api_key = create_api_key(actor=None, organization=operator, name="bench camera",
                                scopes=["camera"])
    gate = Gate.objects.get(code=GATE)
    cameras = list(Camera.objects.filter(code__in=CAMERAS).select_related("yard"))
    assert len(cameras) == len(CAMERAS), f"seed_demo has no cameras {CAMERAS}"
    assert all(c.operator_id == operator.id for c in cameras), "cameras not the operator's"
    Yard.objects.filter(gate=gate).update(capacity=n_declarations + 1000)
    enterprise = Organization.objects.get(code=ENTERPRISE)
    goods = GoodsCategory.objects.get(code="fresh-fruit")
    numbers = rng.sample(range(len(DECLARED_SERIES) * 100_000), n_declarations)
    plates = [f"{DECLARED_SERIES[n // 100_000]}-{n % 100_000 // 100:03d}.{n % 100:02d}"
              for n in numbers]
    now = timezone.now()
    Declaration.objects.bulk_create(
        [
            Declaration(
                enterprise=enterprise, plate=plate, plate_key=plate_key(plate), trailer_plate="",
                driver_name=f"Lái xe {i}", driver_id_number=f"{20_000_000_000 + i:012d}",
                driver_phone=f"09{12_000_000 + i:08d}", goods=goods, weight_kg=20_000 + i % 9000,
                direction="export", gate=gate, expected_arrival=now + timedelta(minutes=i % 720),
                state="submitted", submitted_at=now,
            )
            for i, plate in enumerate(plates)
        ],
        batch_size=500,
    )
    trucks = list(Declaration.objects.filter(gate=gate, state="submitted")
                  .values_list("id", "plate"))
    assert len(trucks) == n_declarations, (len(trucks), n_declarations)
    connection.close()
    return {"api_key": api_key, "trucks": trucks}


# ---------------------------------------------------------------- workload

def ocr_variant(plate: str, rng: random.Random) -> str:
    """A read the plate key repairs: separators lost, a digit read as a letter."""
    from tinhso.border.platematch import plate_key

    compact = plate.replace("-", "").replace(".", "")
    swaps = [compact, plate.replace(".", " "), compact.lower()]
    for position, letter in [(0, "I"), (1, "Z"), (-1, "O"), (-2, "S"), (-3, "B")]:
        digit = {"I": "1", "Z": "2", "O": "0", "S": "5", "B": "8"}[letter]
        if compact[position] == digit:
            chars = list(compact)
            chars[position] = letter
            swaps.append("".join(chars))
    variants = [v for v in swaps if plate_key(v) == plate_key(plate)]
    return rng.choice(variants)


def build_workload(trucks: list[tuple[int, str]], total: int, rng: random.Random) -> list[dict]:
    """``total`` camera reads in sending order, each ``{"kind", "body", "truck", "of"}``."""
    from tinhso.border.platematch import plate_key

    declared_keys = {plate_key(p) for _, p in trucks}
    free = list(trucks)
    rng.shuffle(free)
    kinds, weights = zip(*MIX.items(), strict=True)
    base = datetime.now(VN).replace(microsecond=0)
    events: list[dict] = []
    for i in range(total):
        earlier = [e for e in events[: max(0, i - RETRY_DISTANCE)] if e["kind"] != "retry"]
        if earlier and rng.random() < RETRY_SHARE:
            first = rng.choice(earlier)
            events.append({"kind": "retry", "body": first["body"], "truck": first["truck"],
                           "of": first["body"]["event_id"]})
            continue
        kind = rng.choices(kinds, weights)[0]
        truck = None
        if kind == "unknown":
            while True:
                plate = f"{rng.choice(UNKNOWN_SERIES)}-{rng.randrange(1000):03d}.{rng.randrange(100):02d}"
                if plate_key(plate) not in declared_keys:
                    break
        else:
            if not free:
                raise SystemExit("not enough declarations for the requests; raise --declarations")
            truck = free.pop()
            plate = truck[1]
            if kind == "ocr":
                plate = ocr_variant(plate, rng)
            elif kind == "fuzzy":
                plate = plate[:-1]  # the last digit was not read
        body = {
            "event_id": f"ev-{i:06d}-{secrets.token_hex(4)}",
            "camera_id": CAMERAS[i % len(CAMERAS)],
            "plate": plate,
            "confidence": round(rng.uniform(0.86, 0.99), 3),
            # Dated now, a millisecond apart: reads dated minutes ahead of the server or
            # older than camera_rules.MAX_READ_AGE go to the desk, not the path timed here.
            "captured_at": (base + timedelta(milliseconds=i)).isoformat(),
        }
        events.append({"kind": kind, "body": body, "truck": truck and truck[0], "of": None})
    return events


# ---------------------------------------------------------------- server and load

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args, port: int, workdir: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = (workdir / "gunicorn.log").open("wb")
    cmd = [
        str(gunicorn), "tinhso.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers), "--worker-class", "gthread",
        "--threads", str(args.threads), "--keep-alive", "30",
        "--pythonpath", f"{ROOT},{ROOT / 'src'}", "--chdir", str(workdir),
        "--log-level", "warning", "--error-logfile", "-",
    ]
    process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited: {server_log_tail(workdir)}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", BARE_PATH)
            conn.getresponse().read()
            conn.close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def server_log_tail(workdir: Path, lines: int = 20) -> str:
    path = workdir / "gunicorn.log"
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def drive(port: int, path: str, bodies: list[bytes], headers: dict, concurrency: int):
    """Send every body once from ``concurrency`` keep-alive connections, in order.
    Returns ``([(status, seconds, response bytes)], wall seconds)``."""
    results: list = [None] * len(bodies)
    counter = itertools.count()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while (i := next(counter)) < len(bodies):
            started = time.perf_counter()
            try:
                conn.request("POST", path, body=bodies[i], headers=headers)
                response = conn.getresponse()
                status, data = response.status, response.read()
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                status, data = 0, repr(exc).encode()
                conn.close()  # reconnects on the next request
            results[i] = (status, time.perf_counter() - started, data)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def server_cpu_ms(server_pid: int) -> float:
    """CPU time (user + system) used so far by gunicorn's master and workers, from /proc;
    unlike wall time, it does not depend on what else the machine is doing."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if stat.parent.name == str(server_pid) or fields[1] == str(server_pid):
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total * 1000 / os.sysconf("SC_CLK_TCK")


def drive_interleaved(port: int, server_pid: int, bodies: list[bytes], headers: dict,
                      concurrency: int, rounds: int) -> dict:
    """Both endpoints over the same bodies, in ``rounds`` alternating chunks (events
    first in even rounds, bare first in odd ones): this VM's speed drifts by a third
    over seconds, and interleaving puts the drift on both sides alike. Returns, per path,
    ``{"results", "wall", "server_cpu_ms"}``."""
    measured = {path: {"results": [], "wall": 0.0, "server_cpu_ms": 0.0}
                for path in (EVENTS_PATH, BARE_PATH)}
    size = -(-len(bodies) // rounds)
    for number, start in enumerate(range(0, len(bodies), size)):
        paths = [EVENTS_PATH, BARE_PATH] if number % 2 == 0 else [BARE_PATH, EVENTS_PATH]
        for path in paths:
            cpu_before = server_cpu_ms(server_pid)
            results, wall = drive(port, path, bodies[start:start + size], headers, concurrency)
            measured[path]["server_cpu_ms"] += server_cpu_ms(server_pid) - cpu_before
            measured[path]["results"].extend(results)
            measured[path]["wall"] += wall
    return measured


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summarize(name: str, results: list, wall: float, ok: set[int]) -> dict:
    latencies = [r[1] * 1000 for r in results]
    return {
        "endpoint": name, "requests": len(results), "per_s": len(results) / wall,
        "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies), "errors": sum(r[0] not in ok for r in results),
        "statuses": dict(Counter(r[0] for r in results)),
    }


# ---------------------------------------------------------------- checks and profile

def check_database(events: list[dict], answers: list[dict], bare_sent: int) -> dict:
    """Counts in the database after the run, against what was sent and answered."""
    from django.db import connection

    from bench.bare_app import BARE_TABLE
    from tinhso.border.models import Declaration, PlateEvent
    from tinhso.core.models import AuditEntry

    # Every send of one event id (the first and its retries) must get the same answer, and
    # exactly one of them a 201: usually the first, but a retry that overtakes a slow
    # first send creates the event and the first send then gets the 200.
    sends: dict[str, list[dict]] = defaultdict(list)
    for event, answer in zip(events, answers, strict=True):
        sends[event["body"]["event_id"]].append(answer)
    retried = {e["of"] for e in events if e["kind"] == "retry"}
    consistent = {
        event_id for event_id, group in sends.items()
        if sorted(a.get("_status") for a in group) == [200] * (len(group) - 1) + [201]
        and len({(a.get("id"), a.get("barrier"), a.get("declaration_id")) for a in group}) == 1
    }
    mismatches = [sends[i] for i in sorted(set(sends) - consistent)[:3]]
    opened = {a["declaration_id"] for e, a in zip(events, answers, strict=True)
              if e["kind"] != "retry" and a.get("barrier") == "open"}
    exact_trucks = {e["truck"] for e in events if e["kind"] in {"exact", "ocr"}}
    in_yard = set(Declaration.objects.filter(state="in_yard").values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {BARE_TABLE}")
        (bare_rows,) = cursor.fetchone()
    counts = {
        "event_ids_sent": len(sends),
        "plate_event_rows": PlateEvent.objects.count(),
        "retries_sent": sum(e["kind"] == "retry" for e in events),
        "retried_ids_consistent": len(retried & consistent),
        "retried_ids": len(retried),
        "ids_one_201_same_answer": len(consistent),
        "barrier_open": len(opened),
        "declarations_in_yard": len(in_yard),
        "exact_or_ocr_reads": len(exact_trucks),
        "exact_or_ocr_in_yard": len(exact_trucks & in_yard),
        "check_in_audit_entries": AuditEntry.objects.filter(action="declaration.in_yard").count(),
        "exception_desk": PlateEvent.objects.filter(status="exception").count(),
        "inconsistent_examples": mismatches,
        "bare_requests_sent": bare_sent,
        "bare_rows": bare_rows,
    }
    counts["ok"] = (
        counts["plate_event_rows"] == counts["event_ids_sent"]
        and counts["ids_one_201_same_answer"] == counts["event_ids_sent"]
        and counts["declarations_in_yard"] == counts["barrier_open"]
        == counts["check_in_audit_entries"]
        and counts["exact_or_ocr_in_yard"] == counts["exact_or_ocr_reads"]
        and counts["bare_rows"] == bare_sent
    )
    return counts


def profile_in_process(api_key: str, spare: list[tuple[int, str]], rng: random.Random,
                       per_kind: int = 30) -> dict:
    """Queries and time per request, in this process (Django test client, no HTTP), for
    each kind of read; plus the fuzzy scan's two parts on their own."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tinhso.border import selectors
    from tinhso.border.models import Gate
    client = Client(SERVER_NAME="127.0.0.1")
    events = build_workload(spare, per_kind * 6, rng)
    by_kind: dict[str, list] = defaultdict(list)
    sql_of: dict[str, list[str]] = {}

    def post(path: str, body: dict, headers: dict) -> tuple[int, int, float]:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.post(path, data=body, content_type="application/json",
                                   headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
        return response.status_code, queries, elapsed

    post(EVENTS_PATH, events[0]["body"], {"X-API-Key": api_key})  # camera cache, imports
    for event in events[1:]:
        status, queries, elapsed = post(EVENTS_PATH, event["body"], {"X-API-Key": api_key})
        by_kind[event["kind"]].append((len(queries), elapsed))
        sql_of.setdefault(event["kind"], [q["sql"] for q in queries.captured_queries])
    for event in events[: per_kind]:
        status, queries, elapsed = post(BARE_PATH, event["body"], {})
        by_kind["bare"].append((len(queries), elapsed))
        sql_of.setdefault("bare", [q["sql"] for q in queries.captured_queries])
    gate_id = Gate.objects.get(code=GATE).id
    started = time.perf_counter()
    for _ in range(10):
        cache.delete(selectors.plate_index_key(gate_id))
        index = selectors.active_plate_index(gate_id)
    load_ms = (time.perf_counter() - started) * 100
    started = time.perf_counter()
    for _ in range(10):
        selectors.active_plate_index(gate_id).match("43H-123.45")
    index_ms = (time.perf_counter() - started) * 100
    kinds = {
        kind: {"n": len(rows), "queries": sorted({q for q, _ in rows}),
               "p50_ms": percentile([t for _, t in rows], 50)}
        for kind, rows in by_kind.items()
    }
    return {"kinds": kinds, "sql": sql_of, "active_trucks": len(index),
            "full_scan_load_ms": load_ms, "plate_index_match_ms": index_ms,
            "plate_index_seconds": selectors.PLATE_INDEX_SECONDS}


# ---------------------------------------------------------------- main

def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="per endpoint")
    parser.add_argument("--warmup", type=int, default=300, help="per endpoint, not timed")
    parser.add_argument("--declarations", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--workers", type=int, default=2)
    # One thread per worker, like `make run`'s sync workers: on SQLite a second writer
    # thread per process only adds lock waits (p99 343 ms at 2 threads vs 193 at 1 before
    # tuning).
    parser.add_argument("--threads", type=int, default=1, help="gthread threads per worker")
    parser.add_argument("--rounds", type=int, default=10,
                        help="alternating chunks of events and bare requests")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database and workdir")
    return parser.parse_args()


def fmt_row(cells, widths) -> str:
    return "  ".join(str(c).rjust(w) if i else str(c).ljust(w)
                     for i, (c, w) in enumerate(zip(cells, widths, strict=True)))


def main() -> None:
    args = parse_args()
    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="tinhso-bench-"))
    db = prepare_database(workdir)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "bench.bare_app", "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
        "TINHSO_VAR_DIR": str(workdir), "TINHSO_TESTING": "0", "LOG_LEVEL": "WARNING",
    })
    server = None
    try:
        import django

        django.setup()
        from django.db import connections

        print(f"database: {db['vendor']} ({db['name']}); seeding {args.declarations} "
              "declarations…", flush=True)
        seeded = seed(args.declarations, rng)
        total = args.warmup + args.requests
        events = build_workload(seeded["trucks"], total, rng)
        used = {e["truck"] for e in events}
        spare = [t for t in seeded["trucks"] if t[0] not in used]
        bodies = [json.dumps(e["body"]).encode() for e in events]
        headers = {"Content-Type": "application/json", "X-API-Key": seeded["api_key"]}
        port = free_port()
        server = start_server(args, port, workdir)
        print(f"gunicorn on 127.0.0.1:{port}: {args.workers} workers × {args.threads} threads "
              f"(gthread), {args.concurrency} client threads, keep-alive", flush=True)

        w = args.warmup
        warm_real, _ = drive(port, EVENTS_PATH, bodies[:w], headers, args.concurrency)
        warm_bare, _ = drive(port, BARE_PATH, bodies[:w], headers, args.concurrency)
        measured = drive_interleaved(port, server.pid, bodies[w:], headers, args.concurrency,
                                     args.rounds)
        real, real_wall = measured[EVENTS_PATH]["results"], measured[EVENTS_PATH]["wall"]
        bare, bare_wall = measured[BARE_PATH]["results"], measured[BARE_PATH]["wall"]
        cpu_per_request = {path: m["server_cpu_ms"] / len(m["results"])
                           for path, m in measured.items()}
        stop_server(server)
        server = None

        rows = [summarize("POST " + EVENTS_PATH, real, real_wall, {200, 201}),
                summarize("POST " + BARE_PATH + " (bare)", bare, bare_wall, {201})]
        answers = []
        for status, _, data in warm_real + real:
            try:
                answer = json.loads(data)
            except ValueError:
                answer = {}
            answers.append({**(answer if isinstance(answer, dict) else {}), "_status": status})
        counts = check_database(events, answers, len(warm_bare) + len(bare))

        per_kind: dict[str, list] = defaultdict(list)
        outcomes: dict[str, Counter] = defaultdict(Counter)
        for event, answer, result in zip(events[w:], answers[w:], real, strict=True):
            per_kind[event["kind"]].append(result[1] * 1000)
            outcomes[event["kind"]][f"{answer.get('barrier')}/{answer.get('reason') or '-'}"] += 1

        profile = None if args.no_profile else profile_in_process(seeded["api_key"], spare, rng)

        widths = [44, 9, 10, 8, 8, 8, 7]
        print()
        print(fmt_row(["endpoint", "requests", "events/s", "p50 ms", "p99 ms", "max ms",
                       "errors"], widths))
        for r in rows:
            print(fmt_row([r["endpoint"], r["requests"], f"{r['per_s']:.0f}",
                           f"{r['p50_ms']:.1f}", f"{r['p99_ms']:.1f}", f"{r['max_ms']:.1f}",
                           r["errors"]], widths))
        ratio = rows[0]["per_s"] / rows[1]["per_s"]
        print(f"ratio events/s ÷ bare/s = {ratio:.2f} (target ≥ 0.5: "
              f"{'met' if ratio >= 0.5 else 'NOT met'}); p99 {rows[0]['p99_ms']:.1f} ms "
              f"(target < 50 ms: {'met' if rows[0]['p99_ms'] < 50 else 'NOT met'})")
        events_cpu, bare_cpu = cpu_per_request[EVENTS_PATH], cpu_per_request[BARE_PATH]
        print(f"server CPU per request: events {events_cpu:.2f} ms, bare {bare_cpu:.2f} ms "
              f"(bare ÷ events = {bare_cpu / events_cpu:.2f})")
        for r in rows:
            if r["errors"]:
                print(f"{r['endpoint']}: statuses {r['statuses']}")
        print("\nreal endpoint by kind of read:")
        print(fmt_row(["kind", "requests", "p50 ms", "p99 ms", "barrier/reason"],
                      [8, 9, 8, 8, 0]))
        for kind in ["exact", "ocr", "fuzzy", "unknown", "retry"]:
            lat = per_kind.get(kind, [])
            print(fmt_row([kind, len(lat), f"{percentile(lat, 50):.1f}",
                           f"{percentile(lat, 99):.1f}", dict(outcomes[kind])], [8, 9, 8, 8, 0]))
        print("\ncorrectness (warm-up included):")
        for key, value in counts.items():
            print(f"  {key:<26} {value}")
        if profile:
            print(f"\nin-process profile (test client, no HTTP; {profile['active_trucks']} active "
                  "trucks at the gate):")
            for kind, p in profile["kinds"].items():
                print(f"  {kind:<8} queries/request {p['queries']}  p50 {p['p50_ms']:.1f} ms")
            print(f"  fuzzy path parts: read the gate's plate keys {profile['full_scan_load_ms']:.1f}"
                  f" ms (once per {profile['plate_index_seconds']:g} s), cached keys + match"
                  f" {profile['plate_index_match_ms']:.2f} ms")
            for kind in ["exact", "unknown", "retry", "bare"]:
                print(f"  SQL of one '{kind}' request:")
                for sql in profile["sql"].get(kind, []):
                    print(f"    {sql[:150]}")
        if rows[0]["errors"] or rows[1]["errors"]:
            print("\nserver log tail:\n" + server_log_tail(workdir))
        connections.close_all()
        summary = {
            "events_per_s": round(rows[0]["per_s"], 1), "bare_per_s": round(rows[1]["per_s"], 1),
            "ratio": round(ratio, 3), "p50_ms": round(rows[0]["p50_ms"], 2),
            "p99_ms": round(rows[0]["p99_ms"], 2), "database": db["vendor"],
            "server_cpu_ms_per_request": round(events_cpu, 2),
            "bare_server_cpu_ms_per_request": round(bare_cpu, 2),
            "bare_p50_ms": round(rows[1]["p50_ms"], 2), "bare_p99_ms": round(rows[1]["p99_ms"], 2),
            "errors": rows[0]["errors"], "bare_errors": rows[1]["errors"],
            "requests": args.requests, "concurrency": args.concurrency,
            "workers": args.workers, "threads": args.threads,
            "declarations": args.declarations, "correct": counts["ok"],
            "targets_met": ratio >= 0.5 and rows[0]["p99_ms"] < 50,
            "queries_per_request": ({k: v["queries"] for k, v in profile["kinds"].items()}
                                    if profile else None),
        }
        print(json.dumps(summary, ensure_ascii=False))
    finally:
        stop_server(server)
        if "django" in sys.modules and "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        if not args.keep:
            drop_database(db)
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept {db['name']} and {workdir}", file=sys.stderr)


if __name__ == "__main__":
    main()
