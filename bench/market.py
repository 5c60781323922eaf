"""Digital stores benchmark: catalogue search over HTTP beside a hello-world endpoint
(and, as a second section, checkout throughput — added by the orders side).

Run: ``.venv/bin/python bench/market.py`` (SQLite file in a temporary directory, or the
database in ``DATABASE_URL`` when it is set — PostgreSQL: the database named there is
dropped and re-created, so give it a bench database such as
``postgres://postgres@127.0.0.1:5432/tinhso_bench_market``). ``var/`` is never touched.

1. migrate, the communes of Lạng Sơn, categories, ``--shops`` household shops and
   ``--products`` products (bulk_create, then one ``core.search.reindex``), names drawn from
   the province's produce and places so that queries match from a few to thousands.
2. Two gunicorn servers (``--workers`` sync workers each, DEBUG off) on the same
   database, serving the site plus ``GET /bench/hello`` (a bare view through the same
   middleware): one as deployed (answers cached ``MARKET_SEARCH_CACHE_SECONDS``, 30 s), one
   with that cache off (``MARKET_SEARCH_CACHE_SECONDS=0``: every search runs in the
   database). Only one is hammered at a time.
3. Section "search": ``GET /api/v1/market/products?q=…&limit=20`` cycling through typical
   queries (full words, words being typed, accents or not), then the same with filters and
   sorts (category, commune, OCOP stars, price range, price sort), in interleaved rounds
   with hello-world; per-request latency p50/p99 and req/s, uncached and cached side by
   side.
4. A table, then the last line: one JSON object. ``search_p50_ms``, ``search_p99_ms``,
   ``search_vs_hello`` are the UNCACHED figures (the targets hold without the cache:
   p99 < 50 ms and ≥ 0.5 of hello's req/s); ``cached_search_*`` the cached ones,
   ``filtered_*`` the uncached filtered/sorted searches.

Add a section: a function ``(ports, args, seeded) -> dict`` appended to ``SECTIONS``
(``ports``: ``{"cached": …, "uncached": …}``); its keys join the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.border_status import free_port, get, hammer, percentile, wait_ready  # noqa: E402

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
HELLO = "/bench/hello"
SEARCH = "/api/v1/market/products?q={token}&limit=20"
QUERIES = ["na chi lang", "Na Chi Lăng", "thach den", "thạch đen tràng định", "mien dong",
           "quyt bac son", "hoi", "hồi khô", "mat ong", "rau bo khai", "che shan tuyet",
           "dac san lang son", "ocop 4 sao", "thach d", "na ch", "quyt", "mien dong binh",
           "tuong ban", "vit quay", "khau nhuc", "banh cuon", "lap suon", "mac mat", "hong"]
PRODUCE = ["Na", "Thạch đen", "Miến dong", "Quýt", "Hồi khô", "Tinh dầu hồi", "Mật ong",
           "Rau bò khai", "Chè Shan tuyết", "Hồng vành khuyên", "Tương Bản", "Vịt quay",
           "Khâu nhục", "Bánh cuốn", "Lạp sườn", "Lá mác mật", "Măng khô", "Gừng", "Nghệ",
           "Khoai môn", "Đào", "Mận", "Ớt", "Gạo nếp", "Thịt lợn gác bếp", "Bánh khảo"]
PLACES = ["Chi Lăng", "Tràng Định", "Bắc Sơn", "Bình Gia", "Văn Quan", "Lộc Bình",
          "Cao Lộc", "Đình Lập", "Hữu Lũng", "Văn Lãng", "Mẫu Sơn", "Đồng Đăng"]
QUALITIES = ["loại 1", "sạch", "hữu cơ", "nhà trồng", "đặc biệt", "tươi", "sấy", "thượng hạng",
             "truyền thống", "gia truyền", ""]
DESCRIPTIONS = ["Hàng nhà trồng, hái khi khách đặt.", "Đóng gói cẩn thận, giao trong ngày.",
                "Sản phẩm của hợp tác xã, có truy xuất nguồn gốc.", "Vị ngọt thanh, thơm.",
                "Bảo quản nơi khô ráo, thoáng mát.", "Giao hàng toàn tỉnh, nhận tại điểm tập kết.",
                "Thu hoạch theo mùa, số lượng có hạn.", "Không chất bảo quản.",
                # one in a hundred names another product: a description match ranks below
                *([""] * 8), "Ăn kèm na chi lang hoặc thạch đen rất ngon."]


def configure(workdir: Path) -> dict:
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
    env = {
        "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.status_settings",
        "TINHSO_VAR_DIR": str(workdir / "var"), "STATIC_ROOT": str(workdir / "static"),
        "SECRET_KEY": "bench-market-not-a-secret", "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1", "NOTIFY_BACKEND": "console", "LOG_LEVEL": "WARNING",
        "LOGIN_THROTTLING": "0",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }
    os.environ.pop("REDIS_URL", None)
    os.environ.update(env)
    return {"vendor": vendor, "url": url, "env": env}


def seed(n_shops: int, n_products: int) -> dict:
    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command
    from django.db.models import Count

    from tinhso.accounts.models import Organization, OrganizationKind
    from tinhso.core import search
    from tinhso.core.demo import seed_administrative_units
    from tinhso.core.models import AdministrativeUnit
    from tinhso.market.models import Category, Product, Shop

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    seed_administrative_units()
    rng = random.Random(20)
    communes = list(AdministrativeUnit.objects.exclude(kind="province"))
    categories = [Category.objects.get_or_create(slug=slug, defaults={"name": name})[0]
                  for slug, name in [("trai-cay", "Trái cây"), ("dac-san", "Đặc sản"),
                                     ("rau", "Rau"), ("gia-vi", "Gia vị"), ("do-kho", "Đồ khô")]]
    Organization.objects.bulk_create([
        Organization(code=f"ho-bench-{i}", name=f"Hộ {i}", kind=OrganizationKind.HOUSEHOLD)
        for i in range(n_shops)], batch_size=1000)
    orgs = list(Organization.objects.filter(code__startswith="ho-bench-").order_by("pk"))
    Shop.objects.bulk_create([
        Shop(organization=org, slug=f"ho-{i}", name=f"Nhà {rng.choice(PLACES)} {i}",
             commune=rng.choice(communes), address="Thôn 1", phone=f"09{i:08d}")
        for i, org in enumerate(orgs)], batch_size=1000)
    shops = list(Shop.objects.order_by("pk"))
    started = time.perf_counter()
    rows = []
    for i in range(n_products):
        name = " ".join(w for w in (rng.choice(PRODUCE), rng.choice(PLACES),
                                    rng.choice(QUALITIES)) if w)
        ocop = i % 17 == 0
        rows.append(Product(
            shop=shops[i % len(shops)], slug=f"p-{i}", name=name,
            category=categories[i % len(categories)], unit=rng.choice(["kg", "pack", "box"]),
            price_vnd=rng.randrange(10, 500) * 1000, stock=Decimal(rng.randrange(0, 200)),
            description=rng.choice(DESCRIPTIONS[:-1]) if i % 100 else DESCRIPTIONS[-1],
            is_specialty=i % 20 == 0,
            ocop_stars=rng.choice([3, 4, 5]) if ocop else None,
            ocop_certificate_no="OCOP-1" if ocop else "", ocop_decision="QĐ 1" if ocop else "",
            ocop_issued_on=date(2025, 1, 1) if ocop else None,
            ocop_expires_on=date(2028, 1, 1) if ocop else None))
        if len(rows) == 5000:
            Product.objects.bulk_create(rows)
            rows = []
    Product.objects.bulk_create(rows)
    seeded_s = time.perf_counter() - started
    started = time.perf_counter()
    indexed = search.reindex(Product)
    index_s = time.perf_counter() - started
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    matches = {q: search.search(Product.objects.filter(is_active=True), q).count()
               for q in QUERIES}
    busiest = (Shop.objects.values("commune__code").annotate(n=Count("pk"))
               .order_by("-n").values_list("commune__code", flat=True)[:3])
    connection.close()
    return {"products": Product.objects.count(), "indexed": indexed,
            "seed_s": round(seeded_s, 1), "index_s": round(index_s, 1), "matches": matches,
            "communes": list(busiest)}


def filtered_tokens(seeded: dict) -> list[str]:
    """Filtered and sorted searches (as the catalogue page's form sends them)."""
    communes = seeded["communes"]
    return [
        f"{quote('na chi lang')}&sort=price_asc",
        f"{quote('thach den')}&category=dac-san",
        f"&commune={communes[0]}",
        f"{quote('quyt')}&commune={communes[1]}",
        "&ocop=4",
        f"{quote('hoi')}&ocop=3&sort=price_desc",
        f"{quote('mien dong')}&price_min=50000&price_max=150000",
        "&price_min=100000&price_max=120000&sort=price_asc",
        f"{quote('mat ong')}&category=trai-cay&price_max=200000",
        "&sort=price_asc",
        f"{quote('dac san lang son')}&sort=name",
        f"&category=rau&commune={communes[2]}&sort=price_desc",
    ]


def _measure(port: int, path: str, runs: list[dict]) -> dict:
    lat = [x for run in runs for x in run["latencies"]]
    seconds = sum(run["seconds"] for run in runs)
    return {"path": path.split("?")[0], "requests": len(lat), "rps": len(lat) / seconds,
            "p50": 1000 * percentile(lat, 0.5), "p99": 1000 * percentile(lat, 0.99),
            "errors": sum(len(run["errors"]) for run in runs)}


def _answers_ok(port: int, seeded: dict) -> bool:
    import http.client

    status, raw, _headers = get(http.client.HTTPConnection("127.0.0.1", port, timeout=30),
                                SEARCH.format(token=quote("na chi lang")))
    body = json.loads(raw)
    matches = seeded["matches"]["na chi lang"]
    # "count" is exact up to the end of the page (limit=20), then "more than 20"
    return (status == 200 and body["count"] == min(matches, 20) and len(body["items"]) == 20
            and body["count_capped"] == (matches > 20)
            and all("chi lang" in _fold(item["name"]) for item in body["items"][:5]))


def section_search(ports: dict, args, seeded: dict) -> dict:
    """Hello-world, then the same searches on the server without the answer cache and on
    the one with it, in interleaved rounds; then the filtered and sorted searches."""
    tokens = [quote(q) for q in QUERIES]
    filtered = filtered_tokens(seeded)
    cached, uncached = ports["cached"], ports["uncached"]
    answers_ok = _answers_ok(uncached, seeded) and _answers_ok(cached, seeded)
    plan = [("hello", cached, HELLO, tokens), ("search", uncached, SEARCH, tokens),
            ("cached_search", cached, SEARCH, tokens),
            ("filtered", uncached, SEARCH, filtered),
            ("cached_filtered", cached, SEARCH, filtered)]
    for _name, port, path, words in plan:
        hammer(port, path, args.warmup, args.concurrency, words)
    runs: dict[str, list[dict]] = {name: [] for name, *_rest in plan}
    for _round in range(args.rounds):
        for name, port, path, words in plan:
            runs[name].append(hammer(port, path, args.requests, args.concurrency, words))
    out: dict = {"search_answers_ok": answers_ok}
    print(f"{'endpoint':16} {'cache':6} {'requests':>8} {'req/s':>9} {'p50 ms':>8} "
          f"{'p99 ms':>8} {'errors':>6} {'vs hello':>8}")
    figures = {name: _measure(port, path, runs[name]) for name, port, path, _w in plan}
    hello_rps = figures["hello"]["rps"]
    for name, port, _path, _words in plan:
        got = figures[name]
        for key in ("rps", "p50", "p99"):
            suffix = "" if key == "rps" else "_ms"
            out[f"{name}_{key}{suffix}"] = round(got[key], 1 if key == "rps" else 2)
        out[f"{name}_errors"] = got["errors"]
        ratio = got["rps"] / hello_rps
        if name != "hello":
            out[f"{name}_vs_hello"] = round(ratio, 3)
        cache_state = "-" if name == "hello" else ("on" if port == cached else "off")
        print(f"{name:16} {cache_state:6} {got['requests']:8d} {got['rps']:9.1f} "
              f"{got['p50']:8.2f} {got['p99']:8.2f} {got['errors']:6d} {ratio:8.3f}")
    print(f"search answers match the database: {answers_ok}; search vs hello req/s: "
          f"uncached {out['search_vs_hello']}, cached {out['cached_search_vs_hello']}; "
          f"filtered/sorted uncached {out['filtered_vs_hello']}")
    return out


def _fold(text: str) -> str:
    from tinhso.core.searchtext import fold

    return fold(text)


def section_checkout(ports: dict, args, seeded: dict) -> dict:
    """16 buyers (threads, each its own database connection) racing for one product's last
    kilos through the checkout service (``bench/market_checkout.py``): orders/s and the
    quantity sold beyond the stock, which must be 0."""
    sys.path.insert(0, str(ROOT))
    from bench.market_checkout import checkout_race

    race = checkout_race(buyers=16, stock=200)
    print(f"checkout: {race['checkout_orders']} orders by {race['checkout_buyers']} buyers in "
          f"{race['checkout_seconds']} s = {race['checkout_per_s']}/s, oversold "
          f"{race['oversold']}, stock consistent {race['stock_consistent']}, refused clearly "
          f"{race['refused_clearly']}, unclearly {race['refused_unclearly']}, failed "
          f"otherwise {race['failed_otherwise']} {race['first_failure']}")
    return {key: race[key] for key in ("checkout_per_s", "oversold", "checkout_orders",
                                       "stock_consistent", "refused_unclearly",
                                       "failed_otherwise")}


#: Sections measured in one run against the same server; each returns keys of the last line.
SECTIONS = [section_search, section_checkout]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--shops", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=1500, help="per endpoint per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=200)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="tinhso-bench-market-"))
    db = configure(workdir)
    servers: list[subprocess.Popen] = []
    result: dict = {"vendor": db["vendor"], "workers": args.workers,
                    "concurrency": args.concurrency}
    try:
        seeded = seed(args.shops, args.products)
        print(f"Digital stores over HTTP: {db['vendor']}, {seeded['products']} products "
              f"(seeded in {seeded['seed_s']} s, indexed in {seeded['index_s']} s), "
              f"two gunicorn servers (answer cache on / off) of {args.workers} sync workers, "
              f"{args.concurrency} client threads")
        print("matches per query: " + ", ".join(f"{q!r}={n}" for q, n in
                                                 seeded["matches"].items()))
        ports = {}
        for name, lifetime in (("cached", None), ("uncached", "0")):
            env = {**os.environ, **db["env"]}
            if lifetime is not None:
                env["MARKET_SEARCH_CACHE_SECONDS"] = lifetime
            ports[name] = free_port()
            servers.append(subprocess.Popen(
                [str(ROOT / ".venv/bin/gunicorn"), "tinhso.wsgi:application",
                 "--bind", f"127.0.0.1:{ports[name]}", "--workers", str(args.workers),
                 "--worker-class", "sync", "--log-level", "warning", "--chdir", str(ROOT)],
                env=env, start_new_session=True))
            wait_ready(ports[name], servers[-1])
        result.update(products=seeded["products"], index_s=seeded["index_s"])
        for section in SECTIONS:
            result.update(section(ports, args, seeded))
    finally:
        for server in servers:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait()
        shutil.rmtree(workdir, ignore_errors=True)
    # The targets hold without the answer cache (the "search_*" figures are uncached).
    result["meets_search_target"] = (result.get("search_p99_ms", 1e9) < 50
                                     and result.get("search_vs_hello", 0) >= 0.5)
    result["filtered_meets_target"] = (result.get("filtered_p99_ms", 1e9) < 50
                                       and result.get("filtered_vs_hello", 0) >= 0.5)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
