"""Online meetings benchmark: conflict checks and free-window search for a meeting of all
213 conference points over a year of bookings, and concurrent schedulers.

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/tinhso_bench_meetings
.venv/bin/python bench/meetings.py`` (the database named there is dropped and re-created,
so give it a bench database); without ``DATABASE_URL``, a SQLite file in a temporary
directory. ``var/`` is never touched.

1. migrate; the 213 sample points and their rooms (meetings/demo.py, without contact phones
   so no invitation is sent); a year of meetings (``--year``, default 2027): each working
   day a province meeting of a random ~100 points in the morning and five meetings of 20
   points in the afternoon, ≈ 50,000 meeting-point bookings (bulk insert).
2. Section "check": ``--checks`` times, a random working-day window of the year for all 213
   points and a host room: the conflict check (``selectors.busy_of`` + the pure
   ``find_conflicts``, as `services._check_free` does) and, separately, the nearest free
   windows (``selectors.free_windows``); latency p50/p99 of each.
3. Section "concurrent": ``--schedulers`` threads (16), each with its own connection,
   calling ``services.schedule_meeting`` for ``--per-scheduler`` meetings of 5–30 random
   points in random windows of the first two weeks of the next year (so they contend);
   bookings/s (meetings booked) and point-bookings/s, refusals, then a self-join of every
   active point booking counts overlaps: ``double_booked`` must be 0.
4. A table, then the last line: one JSON object with ``conflict_check_p50_ms``,
   ``conflict_check_p99_ms``, ``nearest_window_p50_ms``, ``nearest_window_p99_ms``,
   ``bookings_per_s``, ``double_booked``… Target: conflict check p99 < 50 ms on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


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
        "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tinhso.settings",
        "TINHSO_VAR_DIR": str(workdir / "var"), "SECRET_KEY": "bench-meetings-not-a-secret",
        "DEBUG": "0", "NOTIFY_BACKEND": "console", "LOG_LEVEL": "WARNING",
        "TASKS_BACKEND": "immediate", "DB_CONN_MAX_AGE": "0"})
    return vendor


def working_days(year: int) -> list[date]:
    from tinhso.core.selectors import working_calendar

    calendar = working_calendar()
    day, days = date(year, 1, 1), []
    while day.year == year:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def seed(year: int, rng: random.Random) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from tinhso.accounts.models import Organization, User
    from tinhso.core.demo import seed_accounts
    from tinhso.meetings.demo import seed_points, seed_secretary
    from tinhso.meetings.models import ConferencePoint, Meeting, PointBooking, Room, RoomBooking
    from tinhso.meetings.selectors import tz

    call_command("migrate", verbosity=0)
    seed_accounts()
    seed_points()
    seed_secretary()
    ConferencePoint.objects.update(contact_phone="")
    secretary = User.objects.get(email="hoinghi@demo.tinhso.vn")
    province = Organization.objects.get(code="ubnd-lang-son")
    points = list(ConferencePoint.objects.values_list("pk", flat=True))
    rooms = list(Room.objects.values_list("pk", "point_id"))
    zone = tz()
    started = time.perf_counter()
    n_meetings = n_bookings = 0
    for day in working_days(year):
        slots = [(8, 10, [rng.sample(points, rng.randint(80, 120))])]
        afternoon = rng.sample(points, 100)
        slots.append((14, 16, [afternoon[i:i + 20] for i in range(0, 100, 20)]))
        with transaction.atomic():
            for start_h, end_h, groups in slots:
                starts = datetime.combine(day, datetime.min.time(), zone) + timedelta(hours=start_h)
                ends = starts + timedelta(hours=end_h - start_h)
                held = (starts - timedelta(minutes=15), ends + timedelta(minutes=15))
                used_rooms = rng.sample(rooms, len(groups))
                meetings = Meeting.objects.bulk_create([
                    Meeting(title=f"Họp {day:%d/%m} {start_h}h nhóm {g}", level="province",
                            organizer=province, chair=secretary, chair_name=secretary.full_name,
                            host_room_id=used_rooms[g][0], starts_at=starts, ends_at=ends,
                            room_name=f"bench-{day:%Y%m%d}-{start_h}-{g}",
                            uid=f"bench-{day:%Y%m%d}-{start_h}-{g}@bench")
                    for g in range(len(groups))])
                RoomBooking.objects.bulk_create([
                    RoomBooking(meeting=m, room_id=used_rooms[g][0], held_from=held[0],
                                held_until=held[1]) for g, m in enumerate(meetings)])
                rows = []
                for g, m in enumerate(meetings):
                    # The host room's point takes part, unless it is in another group.
                    members = set(groups[g])
                    host = used_rooms[g][1]
                    if not any(host in other for k, other in enumerate(groups) if k != g):
                        members.add(host)
                    rows += [PointBooking(meeting=m, point_id=p, held_from=held[0],
                                          held_until=held[1], is_host=p == host,
                                          token=f"b{m.pk}-{p}") for p in members]
                PointBooking.objects.bulk_create(rows, batch_size=2000)
                n_meetings += len(meetings)
                n_bookings += len(rows)
    return {"meetings": n_meetings, "point_bookings": n_bookings,
            "seed_s": round(time.perf_counter() - started, 1), "points": len(points),
            "rooms": rooms}


def section_check(year: int, n: int, rng: random.Random, rooms) -> dict:
    from datetime import time as clock

    from tinhso.meetings.engine.scheduling import find_conflicts, held_interval
    from tinhso.meetings.models import ConferencePoint
    from tinhso.meetings.selectors import busy_of, free_windows, tz

    zone = tz()
    days = working_days(year)
    point_ids = list(ConferencePoint.objects.values_list("pk", flat=True))
    now = datetime(year, 1, 1, tzinfo=zone)
    check_ms, window_ms, conflicted, found = [], [], 0, 0
    for _ in range(n):
        day = rng.choice(days)
        start = datetime.combine(day, clock(rng.choice([8, 9, 10, 13, 14, 15])), zone)
        end = start + timedelta(hours=2)
        room = rng.choice(rooms)[0]
        t0 = time.perf_counter()
        held_from, held_until = held_interval(start, end, timedelta(minutes=15))
        busy = busy_of(point_ids=point_ids, room_id=room, held_from=held_from,
                       held_until=held_until)
        conflicts = find_conflicts(held_from, held_until, [*point_ids, -room], busy)
        check_ms.append((time.perf_counter() - t0) * 1000)
        conflicted += bool(conflicts)
        t0 = time.perf_counter()
        windows = free_windows(point_ids=point_ids, room_id=room, starts_at=start, ends_at=end,
                               buffer=timedelta(minutes=15), now=now)
        window_ms.append((time.perf_counter() - t0) * 1000)
        found += bool(windows)
    return {"checks": n, "checks_conflicting": conflicted, "windows_found": found,
            "conflict_check_p50_ms": round(percentile(check_ms, 0.5), 2),
            "conflict_check_p99_ms": round(percentile(check_ms, 0.99), 2),
            "nearest_window_p50_ms": round(percentile(window_ms, 0.5), 2),
            "nearest_window_p99_ms": round(percentile(window_ms, 0.99), 2)}


def section_concurrent(year: int, schedulers: int, per: int, seed_value: int) -> dict:
    from datetime import time as clock

    from django.db import connection

    from tinhso.accounts.models import Organization, User
    from tinhso.meetings import services
    from tinhso.meetings.models import ConferencePoint, Room
    from tinhso.meetings.selectors import tz

    zone = tz()
    codes = list(ConferencePoint.objects.values_list("code", flat=True))
    room_ids = list(Room.objects.values_list("pk", flat=True))
    secretary = User.objects.get(email="hoinghi@demo.tinhso.vn")
    province = Organization.objects.get(code="ubnd-lang-son")
    days = working_days(year + 1)[:10]
    now = datetime(year, 12, 31, tzinfo=zone)
    counts = {"booked": 0, "refused": 0, "points": 0}
    lock = threading.Lock()
    barrier = threading.Barrier(schedulers)

    def run(k: int) -> None:
        rng = random.Random(seed_value * 100 + k)
        barrier.wait()
        try:
            for _ in range(per):
                day = rng.choice(days)
                start = datetime.combine(day, clock(rng.randint(7, 15), rng.choice([0, 30])),
                                         zone)
                chosen = rng.sample(codes, rng.randint(5, 30))
                request = services.MeetingRequest(
                    title="Họp đồng thời", level="commune", host_room_id=rng.choice(room_ids),
                    starts_at=start, ends_at=start + timedelta(minutes=rng.choice([60, 90])),
                    point_codes=chosen)
                try:
                    meeting = services.schedule_meeting(actor=secretary, organizer=province,
                                                        request=request, now=now)
                    with lock:
                        counts["booked"] += 1
                        counts["points"] += meeting.point_bookings.count()
                except services.BookingConflict:
                    with lock:
                        counts["refused"] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(schedulers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM meetings_pointbooking a JOIN meetings_pointbooking b "
            "ON a.point_id = b.point_id AND a.id < b.id AND a.active AND b.active "
            "AND a.held_from < b.held_until AND b.held_from < a.held_until")
        double_points = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM meetings_roombooking a JOIN meetings_roombooking b "
            "ON a.room_id = b.room_id AND a.id < b.id AND a.active AND b.active "
            "AND a.held_from < b.held_until AND b.held_from < a.held_until")
        double_rooms = cursor.fetchone()[0]
    attempts = counts["booked"] + counts["refused"]
    return {"schedulers": schedulers, "attempts": attempts, "booked": counts["booked"],
            "refused": counts["refused"], "concurrent_s": round(elapsed, 2),
            "bookings_per_s": round(counts["booked"] / elapsed, 1),
            "attempts_per_s": round(attempts / elapsed, 1),
            "point_bookings_per_s": round(counts["points"] / elapsed, 1),
            "double_booked": double_points + double_rooms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", type=int, default=2027)
    parser.add_argument("--checks", type=int, default=300)
    parser.add_argument("--schedulers", type=int, default=16)
    parser.add_argument("--per-scheduler", type=int, default=25)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-meetings-") as workdir:
        vendor = configure(Path(workdir))
        seeded = seed(args.year, rng)
        rooms = seeded.pop("rooms")
        result = {"database": vendor, **seeded}
        result.update(section_check(args.year, args.checks, rng, rooms))
        result.update(section_concurrent(args.year, args.schedulers, args.per_scheduler,
                                         args.seed))
        from django.db import connection

        connection.close()
    result["load_avg_1m"] = round(os.getloadavg()[0], 2)
    result["cpus"] = os.cpu_count()
    result["target_met"] = result["conflict_check_p99_ms"] < 50 and result["double_booked"] == 0
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
