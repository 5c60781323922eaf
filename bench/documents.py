"""Official documents benchmark: search over many documents on SQLite and PostgreSQL,
issuing throughput with concurrent clerks on one register (and that the numbers have no
gaps and no duplicates), and signature validations per second.

Run: ``.venv/bin/python bench/documents.py`` (``--documents 200000`` by default).
SQLite runs in a file in a temporary directory; PostgreSQL runs in the database named in
``DATABASE_URL`` when it is a ``postgres://`` URL — that database is dropped and
re-created, so give it a bench database such as
``postgres://postgres@127.0.0.1:5432/tinhso_bench_documents``. ``var/`` is never touched.

Each database is measured in its own child process:

1. migrate, the demo agencies with their registers and staff, the demo CA;
2. ``--documents`` incoming documents of the province's agencies (bulk_create, then one
   ``core.search.reindex`` and ``ANALYZE``), excerpts and issuers drawn so that queries match from a few
   rows to many thousands, one in twenty secret;
3. search: ``selectors.incoming(clerk, Filters(q=…))[:20]`` — the row-level access rule
   and the accent-insensitive full-text search together, newest first, as the API runs
   them — cycling
   through typical queries (accents or not, words being typed); p50/p99 per query;
4. PostgreSQL only: ``--issuers`` threads issue ``--issues`` approved drafts at once on one
   register (the whole issue: number, Appendix I page, two PAdES signatures), then the
   numbers are checked for gaps and duplicates;
5. validations per second of a signed PDF (``core.signing.validate_pdf``).

The last line is one JSON object: ``search_p50_ms``, ``search_p99_ms`` (PostgreSQL when it
is given, else SQLite), the same per database, ``issues_per_s``, ``gaps``, ``duplicates``,
``validations_per_s``. Targets: search p99 < 100 ms; no gaps, no duplicates.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
QUERIES = ["chuyen doi so", "chuyển đổi số", "cua khau huu nghi", "ùn tắc", "nong san",
           "bao cao quy", "VietQR", "ocop", "dich vu cong truc tuyen", "tet nguyen dan",
           "cho bien gioi tan thanh", "so cong thuong", "bo cong thuong", "124/BC",
           "xuat nhap khau", "an toan thuc pham", "hoi nghi truc tuyen", "chuyen d", "thach den",
           "ke hoach nam 2027"]
SUBJECTS = ["triển khai Kế hoạch chuyển đổi số năm 2027", "quản lý xuất nhập khẩu qua cửa khẩu "
            "Hữu Nghị", "phòng, chống ùn tắc nông sản tại cửa khẩu", "báo cáo kết quả quý IV",
            "tổ chức hội nghị trực tuyến", "thanh toán phí hạ tầng bằng VietQR",
            "phát triển sản phẩm OCOP", "dịch vụ công trực tuyến toàn trình",
            "an toàn thực phẩm dịp Tết Nguyên đán", "xây dựng chợ biên giới Tân Thanh",
            "tiêu thụ na Chi Lăng và thạch đen", "tuyển dụng công chức", "phòng chống thiên tai",
            "quản lý đất đai", "giáo dục vùng cao", "y tế cơ sở", "giao thông nông thôn",
            "bảo vệ rừng", "du lịch Mẫu Sơn", "cải cách hành chính"]
ISSUERS = ["Bộ Công Thương", "Bộ Tài chính", "Sở Công Thương tỉnh Lạng Sơn",
           "Sở Nông nghiệp và Môi trường", "Sở Y tế", "Sở Giáo dục và Đào tạo",
           "Ủy ban nhân dân xã Đồng Đăng", "Cục Hải quan", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
           "Văn phòng Chính phủ", "Sở Tài chính", "Công an tỉnh"]
TYPES = [("cong_van", ""), ("bao_cao", "BC"), ("ke_hoach", "KH"), ("quyet_dinh", "QĐ"),
         ("thong_bao", "TB"), ("giay_moi", "GM")]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def environment(workdir: Path, url: str) -> dict:
    return {
        **os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tinhso.settings",
        "TINHSO_VAR_DIR": str(workdir / "var"), "STATIC_ROOT": str(workdir / "static"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "DOCUMENT_AXIS_DIR": str(workdir / "axis"),
        "SECRET_KEY": "bench-documents-not-a-secret", "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1", "NOTIFY_BACKEND": "console", "LOG_LEVEL": "WARNING",
        "TASKS_BACKEND": "immediate", "LOGIN_THROTTLING": "0",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }


# --- the child: one database ----------------------------------------------------------

def seed(n: int) -> dict:
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from tinhso.core import search
    from tinhso.documents import demo, reference
    from tinhso.documents.models import Direction, IncomingDocument, IncomingState, Register

    call_command("migrate", verbosity=0)
    world = demo.seed_reference(password=None)
    agencies = [a for a in world["agencies"].values() if a.on_platform]
    registers = {(r.agency_id, r.is_secret): r for r in Register.objects.filter(
        direction=Direction.INCOMING, legal_type="")}
    rng = random.Random(7)
    now = timezone.now()
    counters: dict = {}
    batch = []
    started = time.perf_counter()
    for i in range(n):
        agency = agencies[i % len(agencies)]
        secret = i % 20 == 0
        register = registers[(agency.pk, secret)]
        year = 2026 - (i % 3)
        key = (register.pk, year)
        counters[key] = counters.get(key, 0) + 1
        doc_type, abbr = rng.choice(TYPES)
        issuer = rng.choice(ISSUERS)
        number = rng.randint(1, 900)
        symbol = f"{number:02d}/{abbr}-{issuer.split()[0][:3].upper()}" if abbr else \
            f"{number:02d}/{issuer.split()[0][:3].upper()}-VP"
        subject = rng.choice(SUBJECTS)
        excerpt = f"Về việc {subject}"
        text = " ".join([excerpt] + rng.sample(SUBJECTS, 4))
        batch.append(IncomingDocument(
            agency=agency, register=register, year=year, arrival_number=counters[key],
            arrived_at=now - timedelta(minutes=i), registered_at=now - timedelta(minutes=i),
            source="scanned", sender_name=issuer, number_symbol=symbol,
            number_symbol_key=reference.normalise_number_symbol(symbol), doc_date=now.date(),
            doc_type=doc_type, excerpt=excerpt,
            confidentiality="mat" if secret else "thuong", file="bench/none.pdf", text=text,
            signature_verdict="valid", state=IncomingState.REGISTERED))
        if len(batch) >= 5000:
            with transaction.atomic():
                IncomingDocument.objects.bulk_create(batch)
            batch = []
    if batch:
        with transaction.atomic():
            IncomingDocument.objects.bulk_create(batch)
    inserted = time.perf_counter() - started
    started = time.perf_counter()
    indexed = search.reindex(IncomingDocument)
    from django.db import connection

    with connection.cursor() as cursor:  # what autovacuum does after a bulk load
        cursor.execute("ANALYZE")
    return {"seeded": n, "insert_s": round(inserted, 1),
            "index_s": round(time.perf_counter() - started, 1), "indexed": indexed,
            "clerk": world["staff"]["000.00.00.H20"]["vanthu"].pk}


def measure_search(clerk_id: int, rounds: int) -> dict:
    from django.db import connection

    from tinhso.accounts.models import User
    from tinhso.documents import selectors

    clerk = User.objects.get(pk=clerk_id)
    for q in QUERIES:  # warm the caches once
        list(selectors.incoming(clerk, selectors.Filters(q=q))[:20])
    timings, hits = [], {}
    for _ in range(rounds):
        for q in QUERIES:
            clerk = User.objects.get(pk=clerk_id)  # a fresh request: roles read again
            started = time.perf_counter()
            rows = list(selectors.incoming(clerk, selectors.Filters(q=q))[:20])
            timings.append((time.perf_counter() - started) * 1000)
            hits[q] = len(rows)
    return {"vendor": connection.vendor, "search_p50_ms": round(percentile(timings, 50), 2),
            "search_p99_ms": round(percentile(timings, 99), 2), "searches": len(timings),
            "queries_without_hits": sorted(q for q, n in hits.items() if not n)}


def measure_issuing(issuers: int, count: int) -> dict:
    import io

    from django.db import close_old_connections, connection

    from tinhso.core import pdf as corepdf
    from tinhso.documents import demo, services
    from tinhso.documents.models import OutgoingDocument, OutgoingState

    world = demo.seed_reference(password=None)
    agency = world["agencies"]["000.00.00.H20"]
    people = world["staff"]["000.00.00.H20"]
    others = [a for a in world["agencies"].values() if a != agency]
    body = corepdf.simple_document("NỘI DUNG", ["Đề nghị các cơ quan thực hiện."])
    drafts = []
    for n in range(count):
        upload = io.BytesIO(body)
        doc = services.create_draft(
            actor=people["chuyenvien"], agency=agency, doc_type="bao_cao",
            excerpt=f"Báo cáo số liệu tuần {n}", signer=people["lanhdao"],
            signer_title="Chủ tịch", authority="TM.", authority_of="Ủy ban nhân dân",
            recipients=others[:2], body=upload)
        services.transition(actor=people["chuyenvien"], document=doc, action="submit")
        services.transition(actor=people["lanhdao"], document=doc, action="approve")
        drafts.append(doc)
    # one warm-up issue outside the measure (credentials issued, fonts loaded)
    services.transition(actor=people["vanthu"], document=drafts.pop(), action="issue")
    queue = list(drafts)
    lock = threading.Lock()
    barrier = threading.Barrier(issuers)
    errors: list[str] = []

    def work():
        close_old_connections()
        try:
            barrier.wait()
            while True:
                with lock:
                    if not queue:
                        return
                    doc = queue.pop()
                try:
                    services.transition(actor=people["vanthu"], document=doc, action="issue")
                except Exception as error:  # counted, never hidden
                    errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(issuers)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    numbers = list(OutgoingDocument.objects.filter(agency=agency, state=OutgoingState.ISSUED,
                                                   doc_type="bao_cao", year__isnull=False)
                   .values_list("number", flat=True))
    expected = set(range(1, max(numbers) + 1)) if numbers else set()
    return {"issuers": issuers, "issued": len(drafts) - len(errors),
            "issue_errors": errors[:3], "issues_per_s": round((len(drafts) - len(errors))
                                                             / elapsed, 2),
            "gaps": len(expected - set(numbers)), "duplicates": len(numbers) - len(set(numbers))}


def measure_validation(rounds: int) -> dict:
    from tinhso.core import credentials, signing
    from tinhso.core import pdf as corepdf

    ca = credentials.demo_ca()
    signer = ca.issue("Nguyễn Văn Hùng", organisation="UBND tỉnh Lạng Sơn")
    signed = signing.sign_pdf(corepdf.simple_document("QUYẾT ĐỊNH", ["Điều 1."]), signer,
                              appearance=signing.Appearance(name="Nguyễn Văn Hùng",
                                                            title="Chủ tịch", authority="TM.",
                                                            authority_of="Ủy ban nhân dân"))
    roots = credentials.trusted_roots_pem()
    assert signing.validate_pdf(signed, roots).is_valid
    started = time.perf_counter()
    for _ in range(rounds):
        signing.validate_pdf(signed, roots)
    return {"validations_per_s": round(rounds / (time.perf_counter() - started), 1)}


def child(args) -> None:
    import django

    django.setup()
    from django.db import connection

    out = seed(args.documents)
    out.update(measure_search(out.pop("clerk"), args.rounds))
    if connection.vendor == "postgresql":
        out.update(measure_issuing(args.issuers, args.issues))
    out.update(measure_validation(args.validations))
    print(json.dumps(out, ensure_ascii=False))


# --- the parent ------------------------------------------------------------------------

def run_child(url: str, workdir: Path, args) -> dict:
    cmd = [sys.executable, __file__, "--child", "--documents", str(args.documents),
           "--rounds", str(args.rounds), "--issuers", str(args.issuers),
           "--issues", str(args.issues), "--validations", str(args.validations)]
    result = subprocess.run(cmd, env=environment(workdir, url), capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-4000:])
        raise SystemExit(f"benchmark child failed on {url.split(':')[0]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=10, help="passes over the queries")
    parser.add_argument("--issuers", type=int, default=16)
    parser.add_argument("--issues", type=int, default=97)
    parser.add_argument("--validations", type=int, default=200)
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    url = os.environ.get("DATABASE_URL", "").strip()
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-documents-") as tmp:
        workdir = Path(tmp)
        if not args.skip_sqlite:
            results["sqlite"] = run_child(f"sqlite:///{workdir / 'bench.sqlite3'}",
                                          workdir / "sqlite", args)
        if url.startswith(("postgres://", "postgresql://")):
            import psycopg

            name = urlsplit(url).path.lstrip("/")
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
            results["postgresql"] = run_child(url, workdir / "pg", args)
    print(f"{'database':<12}{'docs':>9}{'insert s':>10}{'index s':>9}{'p50 ms':>9}"
          f"{'p99 ms':>9}{'issues/s':>10}{'gaps':>6}{'dups':>6}{'valid/s':>9}")
    for vendor, r in results.items():
        print(f"{vendor:<12}{r['seeded']:>9}{r['insert_s']:>10}{r['index_s']:>9}"
              f"{r['search_p50_ms']:>9}{r['search_p99_ms']:>9}"
              f"{r.get('issues_per_s', '—'):>10}{r.get('gaps', '—'):>6}"
              f"{r.get('duplicates', '—'):>6}{r['validations_per_s']:>9}")
    main_db = results.get("postgresql") or results.get("sqlite") or {}
    line = {"documents": args.documents,
            "search_p50_ms": main_db.get("search_p50_ms"),
            "search_p99_ms": main_db.get("search_p99_ms"),
            "issues_per_s": main_db.get("issues_per_s"), "issuers": args.issuers,
            "gaps": main_db.get("gaps"), "duplicates": main_db.get("duplicates"),
            "validations_per_s": main_db.get("validations_per_s")}
    for vendor, r in results.items():
        line[f"search_p50_ms_{vendor}"] = r["search_p50_ms"]
        line[f"search_p99_ms_{vendor}"] = r["search_p99_ms"]
    print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
