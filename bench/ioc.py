"""Operations dashboard benchmark: three years of data in every built system at the
province's scale, then (1) the full refresh of every indicator for the province and every
commune, and (2) the dashboard page against a hello-world view through the same middleware.

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_ioc_bench .venv/bin/python
bench/ioc.py`` (the database named there is dropped and re-created, so give it a bench
database); without ``DATABASE_URL``, a SQLite file in a temporary directory.

1. migrate; the 65 communes, the demo organisations, the indicator catalogue, the 213
   conference points; then, by bulk inserts over the three years up to today: household
   counts per commune and year and ``--shops`` digital stores spread over the communes and
   the months; 85 public-service agencies (one per commune and 20 departments) and
   ``--dossiers`` dossiers; ``--documents`` issued documents of 85 agencies;
   ``--crossings`` border crossings with their paid fee invoices.
2. "refresh": ``services.refresh()`` — every computed indicator for the period in progress,
   the province and each of the 65 communes, then the alert rules — timed ``--refreshes``
   times (first and best).
3. "dashboard": the province leader's ``GET /ioc/`` and ``GET /bench/hello`` (bench.status_urls),
   in-process (Django test client, the full middleware stack), ``--requests`` each in
   interleaved rounds: p50/p99 latency and requests/s of each; ``dashboard_vs_hello`` is the
   dashboard's share of the hello-world's requests/s.
4. A table, then the last line: one JSON object with ``full_refresh_s``,
   ``dashboard_p50_ms``, ``dashboard_p99_ms``, ``dashboard_vs_hello``… Targets: full refresh
   < 30 s on PostgreSQL, dashboard p99 < 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
BATCH = 5000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def configure(workdir: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    vendor = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    if vendor == "postgresql":
        import psycopg

        name = urlsplit(url).path.lstrip("/")
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.pop("REDIS_URL", None)
    os.environ.update({
        "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.status_settings",
        "TINHSO_VAR_DIR": str(workdir / "var"), "STATIC_ROOT": str(workdir / "static"),
        "SECRET_KEY": "bench-ioc-not-a-secret",
        "DEBUG": "0", "NOTIFY_BACKEND": "console", "LOG_LEVEL": "WARNING",
        "TASKS_BACKEND": "immediate", "DB_CONN_MAX_AGE": "0", "ALLOWED_HOSTS": "*"})
    return vendor


def clones(template, n: int, vary) -> list:
    """``n`` unsaved copies of a saved row, each changed by ``vary(i, copy)``."""
    fields = {f.attname: getattr(template, f.attname) for f in template._meta.concrete_fields
              if not f.primary_key}
    out = []
    for i in range(n):
        copy = type(template)(**fields)
        vary(i, copy)
        out.append(copy)
    return out


def spread(model, ids: list[int], field: str, moments: list[datetime]) -> None:
    """Set ``field`` of the rows ``ids`` to the moments, round robin (auto_now_add fields
    cannot be given to bulk_create)."""
    for k, moment in enumerate(moments):
        model.objects.filter(pk__in=ids[k::len(moments)]).update(**{field: moment})


def seed(args, rng: random.Random) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    from tinhso.accounts.models import Organization, OrganizationKind, Role, User
    from tinhso.core.demo import seed_accounts, seed_administrative_units
    from tinhso.core.models import AdministrativeUnit
    from tinhso.ioc.catalogue import seed_catalogue
    from tinhso.meetings.demo import seed_points

    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    first = today.replace(year=today.year - 3)
    days = (today - first).days
    seed_administrative_units()
    seed_accounts()
    seed_catalogue()
    seed_points()
    communes = list(AdministrativeUnit.objects.exclude(kind="province"))
    tz = timezone.get_current_timezone()

    def moment(day_offset: float) -> datetime:
        return datetime.combine(first, datetime.min.time(), tz) + timedelta(days=day_offset)

    months = [moment(30.4 * k + 3) for k in range(36)]
    counts = {}
    with transaction.atomic():
        # ---------------------------------------------------------------- market
        from tinhso.market.models import HouseholdCount, Shop

        HouseholdCount.objects.bulk_create([
            HouseholdCount(commune=c, year=y, households=rng.randint(2500, 6000),
                           source="Niên giám thống kê", entered_at=now)
            for c in communes for y in range(first.year, today.year + 1)])
        orgs = Organization.objects.bulk_create([
            Organization(code=f"ho-bench-{i}", name=f"Hộ {i}", kind=OrganizationKind.HOUSEHOLD)
            for i in range(args.shops)], batch_size=BATCH)
        shops = Shop.objects.bulk_create([
            Shop(organization=o, slug=f"ho-bench-{i}", name=f"Cửa hàng {i}",
                 commune=communes[i % len(communes)], address="Thôn", phone="0912345678",
                 **({"bank_bin": "970405", "bank_name": "Agribank",
                     "account_number": f"88{i:08d}", "account_name": "HO"}
                    if i % 3 else {}))
            for i, o in enumerate(orgs)], batch_size=BATCH)
        spread(Shop, [s.pk for s in shops], "created_at", months)
        counts["shops"] = len(shops)

        # ---------------------------------------------------------------- public services
        from tests.publicservices import sample
        from tinhso.publicservices.models import Channel, Dossier, DossierState, Level

        agencies = [sample.agency(f"H20.{100 + k}", Level.COMMUNE, administrative_unit=c)
                    for k, c in enumerate(communes)]
        agencies += [sample.agency(f"H20.{10 + k}", Level.PROVINCE, name=f"Sở {k}")
                     for k in range(20)]
        template = sample.dossier(agency_obj=agencies[0], state=DossierState.RETURNED,
                                  outcome="on_time")
        channels = [Channel.DESK, Channel.ONLINE, Channel.PORTAL]

        def dossier(i: int, d) -> None:
            where = agencies[i % len(agencies)]
            at = moment(rng.random() * days)
            d.agency_id = d.receiving_agency_id = where.pk
            d.code = f"B{i:09d}"
            d.channel = channels[i % 3]
            d.submitted_at = d.received_at = at
            d.due_at = at + timedelta(days=3)
            d.outcome = "on_time" if i % 10 else "late"

        Dossier.objects.bulk_create(clones(template, args.dossiers, dossier), batch_size=BATCH)
        counts["dossiers"] = args.dossiers + 1

        # ---------------------------------------------------------------- documents
        from tinhso.documents.models import Agency as DocAgency
        from tinhso.documents.models import OutgoingDocument, OutgoingState

        writer = User.objects.filter(memberships__role=Role.PROVINCE_LEADER).first()
        doc_agencies = DocAgency.objects.bulk_create([
            DocAgency(organization=Organization.objects.create(
                code=f"cq-bench-{k}", name=f"Cơ quan {k}", kind=OrganizationKind.STATE_AGENCY),
                name=f"Cơ quan {k}", abbreviation=f"CQ{k}", exchange_code=f"000.{k:03d}.H20")
            for k in range(85)])
        OutgoingDocument.objects.bulk_create([
            OutgoingDocument(agency=doc_agencies[i % 85], doc_type="cong_van",
                             excerpt="V/v báo cáo", drafter=writer, signer=writer,
                             signer_title="Giám đốc", state=OutgoingState.ISSUED,
                             issued_at=moment(rng.random() * days), year=today.year,
                             number=i + 1, signed_file="s.pdf" if i % 7 else "")
            for i in range(args.documents)], batch_size=BATCH)
        counts["documents"] = args.documents

        # ---------------------------------------------------------------- border + fees
        from tests.factories import DeclarationFactory
        from tinhso.border.models import Declaration
        from tinhso.payments.models import Invoice, InvoiceStatus, PayeeAccount

        template = DeclarationFactory(crossed=True)

        def crossing(i: int, d) -> None:
            crossed = moment(rng.random() * days)
            d.ticket_token = f"b{i:015d}"
            d.plate = f"12C-{i % 1000:03d}.{i % 97:02d}"
            d.checked_in_at = crossed - timedelta(hours=rng.uniform(1, 12))
            d.crossed_at = crossed

        declarations = Declaration.objects.bulk_create(
            clones(template, args.crossings, crossing), batch_size=BATCH)
        payee = PayeeAccount.objects.create(code="bql-bench", bank_bin="970418",
                                            bank_name="BIDV", account_number="1",
                                            account_name="BQL")
        Invoice.objects.bulk_create([
            Invoice(reference=f"BENCH{i:09d}", subject="Phí hạ tầng", payer=d.enterprise,
                    payee=payee, amount_vnd=rng.choice([500_000, 1_000_000, 1_500_000]),
                    status=InvoiceStatus.PAID, paid_at=d.crossed_at, paid_via="bank",
                    verify_token=f"v{i:020d}")
            for i, d in enumerate(declarations)], batch_size=BATCH)
        counts["crossings"] = len(declarations)
        # A few hundred trucks waiting in the yards now.
        for _ in range(50):
            DeclarationFactory(in_yard=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics after the bulk inserts
    counts["seed_s"] = round(time.perf_counter() - started, 1)
    return counts


def section_refresh(times: int) -> dict:
    from tinhso.ioc import services
    from tinhso.ioc.models import Snapshot

    durations = []
    for _ in range(times):
        started = time.perf_counter()
        result = services.refresh()
        durations.append(time.perf_counter() - started)
    return {"full_refresh_s": round(durations[0], 2),
            "full_refresh_best_s": round(min(durations), 2),
            "indicators_refreshed": result.figures,
            "snapshots": Snapshot.objects.count(),
            "unavailable": len(result.unavailable), "no_data": len(result.no_data)}


def section_dashboard(requests: int) -> dict:
    from django.test import Client

    from tinhso.accounts.models import User

    leader = User.objects.get(email="lanhdao@demo.tinhso.vn")
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(leader)
    urls = {"dashboard": "/ioc/", "hello": "/bench/hello"}
    for url in urls.values():  # warm-up
        for _ in range(5):
            assert client.get(url).status_code == 200, url
    timings: dict[str, list[float]] = {k: [] for k in urls}
    spent = dict.fromkeys(urls, 0.0)
    rounds = 10
    for _ in range(rounds):
        for name, url in urls.items():
            for _ in range(requests // rounds):
                started = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - started
                assert response.status_code == 200
                timings[name].append(elapsed * 1000)
                spent[name] += elapsed
    rps = {k: len(timings[k]) / spent[k] for k in urls}
    return {"dashboard_p50_ms": round(percentile(timings["dashboard"], 0.5), 2),
            "dashboard_p99_ms": round(percentile(timings["dashboard"], 0.99), 2),
            "dashboard_req_s": round(rps["dashboard"], 1),
            "hello_p50_ms": round(percentile(timings["hello"], 0.5), 2),
            "hello_req_s": round(rps["hello"], 1),
            "dashboard_vs_hello": round(rps["dashboard"] / rps["hello"], 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shops", type=int, default=60_000)
    parser.add_argument("--dossiers", type=int, default=300_000)
    parser.add_argument("--documents", type=int, default=90_000)
    parser.add_argument("--crossings", type=int, default=300_000)
    parser.add_argument("--refreshes", type=int, default=3)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-ioc-") as workdir:
        vendor = configure(Path(workdir))
        result = {"database": vendor, **seed(args, rng)}
        result.update(section_refresh(args.refreshes))
        result.update(section_dashboard(args.requests))
        from django.db import connection

        connection.close()
    result["load_avg_1m"] = round(os.getloadavg()[0], 2)
    result["cpus"] = os.cpu_count()
    result["target_met"] = result["full_refresh_s"] < 30 and result["dashboard_p99_ms"] < 100
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
