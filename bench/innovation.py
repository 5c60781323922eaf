"""Innovation benchmark: the public directory's accent-insensitive search over thousands of
published profiles, and the ranking of a large contest.

Run: ``.venv/bin/python bench/innovation.py`` (a SQLite file in a temporary directory), or
with ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/<bench db>`` (that database is
dropped and re-created: give it a bench database). ``var/`` is never touched.

1. migrate; 3 communes; ``--profiles`` published profiles (bulk insert, then
   ``core.search.reindex``).
2. "directory": ``--queries`` searches (one or two folded words, half with a field filter)
   through ``selectors.directory``, first page of 60: p50/p99 in ms.
3. "ranking": a call with ``--applications`` applications, 5 judges each, 5 criteria:
   ``selectors.ranking_of`` (read the scores, then the pure ``ranking.rank``), p50 in ms.
4. A table, then the last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
WORDS = ["na", "hồi", "thạch đen", "trà hoa vàng", "quýt", "hồng", "khâu nhục", "vịt quay",
         "miến", "mật ong", "đào", "rượu", "măng", "du lịch", "homestay", "phần mềm"]


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
    os.environ.update({
        "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tinhso.settings",
        "TINHSO_VAR_DIR": str(workdir / "var"), "SECRET_KEY": "bench-innovation-not-a-secret",
        "DEBUG": "0", "LOG_LEVEL": "WARNING", "TASKS_BACKEND": "immediate"})
    return vendor


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profiles", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--applications", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        vendor = configure(Path(tmp))
        import django

        django.setup()
        from django.core.management import call_command
        from django.utils import timezone

        call_command("migrate", verbosity=0)
        from tests.factories import user_with_role
        from tinhso.accounts.models import Role
        from tinhso.core import search
        from tinhso.core.models import AdministrativeUnit
        from tinhso.innovation import selectors
        from tinhso.innovation.models import (
            Application,
            Assignment,
            Call,
            Conflict,
            Criterion,
            Field,
            Profile,
            Score,
            Stage,
        )

        rng = random.Random(8)
        province = AdministrativeUnit.objects.create(code=20, name="Lạng Sơn", kind="province")
        communes = [AdministrativeUnit.objects.create(code=c, name=n, kind="commune",
                                                      parent=province)
                    for c, n in ((6133, "Xã Đồng Đăng"), (6619, "Xã Đình Lập"),
                                 (6469, "Xã Chi Lăng"))]
        founder = user_with_role(Role.FOUNDER)
        now = timezone.now()
        fields, stages = list(Field.values), list(Stage.values)
        Profile.objects.bulk_create(
            Profile(kind="startup", name=f"{rng.choice(WORDS).title()} Xứ Lạng {i}",
                    field=rng.choice(fields), stage=rng.choice(stages),
                    commune=rng.choice(communes), summary=" ".join(rng.sample(WORDS, 4)),
                    products=rng.choice(WORDS), owner=founder, state="published",
                    created_at=now, updated_at=now) for i in range(args.profiles))
        started = time.perf_counter()
        search.reindex(Profile)
        reindex_s = time.perf_counter() - started
        latencies = []
        for n in range(args.queries):
            words = rng.choice(WORDS)
            words = words.replace("ồ", "o").replace("ạ", "a").replace("đ", "d") if n % 2 else words
            filters = selectors.DirectoryFilter(q=words, field=rng.choice(fields) if n % 2 else "")
            started = time.perf_counter()
            list(selectors.directory(filters)[:60])
            latencies.append((time.perf_counter() - started) * 1000)

        officer = user_with_role(Role.INNOVATION_OFFICER)
        judges = [user_with_role(Role.JUDGE) for _ in range(5)]
        call = Call.objects.create(title="Bench", description="d", eligibility="e",
                                   deadline=now, created_by=officer, created_at=now)
        criteria = Criterion.objects.bulk_create(
            Criterion(call=call, name=f"C{i}", weight=10 + i * 5, max_score=10, position=i)
            for i in range(5))
        profiles = list(Profile.objects.all()[:args.applications])
        apps = Application.objects.bulk_create(
            Application(call=call, profile=p, applicant=founder, number=f"KN-B-{i:05d}",
                        project_title="P", summary="S", submitted_at=now, updated_at=now)
            for i, p in enumerate(profiles))
        assignments = Assignment.objects.bulk_create(
            Assignment(application=a, judge=j, conflict=Conflict.NONE, assigned_at=now)
            for a in apps for j in judges)
        Score.objects.bulk_create(
            Score(assignment=s, criterion=c, value=rng.randint(0, 10), updated_at=now)
            for s in assignments for c in criteria)
        ranking_ms = []
        for _ in range(5):
            started = time.perf_counter()
            ranked = selectors.ranking_of(call)
            ranking_ms.append((time.perf_counter() - started) * 1000)

    result = {"vendor": vendor, "profiles": args.profiles, "reindex_s": round(reindex_s, 2),
              "directory_p50_ms": round(percentile(latencies, .5), 2),
              "directory_p99_ms": round(percentile(latencies, .99), 2),
              "applications": len(apps), "scores": len(assignments) * len(criteria),
              "ranked": len(ranked), "ranking_p50_ms": round(percentile(ranking_ms, .5), 1)}
    print(f"{'figure':<22}{'value':>12}")
    for key, value in result.items():
        print(f"{key:<22}{value!s:>12}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
