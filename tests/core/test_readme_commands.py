"""The README's `tinhso` commands work as written, on a fresh clone right after `make run`,
with no environment variable set (no SECRET_KEY, no DEBUG, no DATABASE_URL).

The commands are read from the README itself, so the test follows it when it changes; a
command with no check here fails until one is written. Each runs in a subprocess of the
checkout's own virtualenv, in the working directory `make run` prepared (`after_make_run`).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.commandline import crc16_ccitt_false, readme_commands, tinhso

FTS5_SHADOWS = ("_data", "_idx", "_docsize", "_config", "_content")


def table_counts(site: Path) -> dict[str, int]:
    """Rows per table. A full-text index's shadow tables are left out: FTS5 stores its
    b-tree segments there, and rewriting an unchanged row may merge or split them; the
    index's own row count (the virtual table) is what must not change."""
    with sqlite3.connect(site / "var" / "tinhso.sqlite3") as db:
        master = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                            "AND name NOT LIKE 'sqlite_%'").fetchall()
        virtual = [name for name, sql in master if "VIRTUAL TABLE" in (sql or "").upper()]
        shadows = {v + suffix for v in virtual for suffix in FTS5_SHADOWS}
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                for t, _sql in master if t not in shadows}


def check_create_api_key(done, site: Path, args: list[str], before: dict) -> None:
    key = done.stdout.strip()
    assert re.fullmatch(r"ts_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", key), done.stdout
    assert "chỉ hiển thị một lần" in done.stderr
    with sqlite3.connect(site / "var" / "tinhso.sqlite3") as db:
        key_hash, scopes, revoked_at = db.execute(
            "SELECT key_hash, scopes, revoked_at FROM accounts_apikey WHERE prefix = ?",
            [key[3:11]]).fetchone()
    assert key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert (scopes, revoked_at) == ('["camera"]', None)


def check_simulate(done, site: Path, args: list[str], before: dict) -> None:
    png = site / args[args.index("--plot") + 1]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "mean border wait" in done.stdout
    assert f"chart written to {png.name}" in done.stdout


def check_vietqr(done, site: Path, args: list[str], before: dict) -> None:
    payload = done.stdout.strip()
    assert payload.startswith("000201")
    assert payload[-8:-4] == "6304"
    assert payload[-4:] == f"{crc16_ccitt_false(payload[:-4].encode()):04X}"
    option = dict(zip(args[1::2], args[2::2], strict=True))
    assert option["--bin"] in payload
    assert option["--account"] in payload
    amount = option["--amount"]
    assert f"54{len(amount):02d}{amount}" in payload
    assert option["--purpose"] in payload


def check_refresh_advisories(done, site: Path, args: list[str], before: dict) -> None:
    assert re.fullmatch(r"\d+ advisory\(ies\) published\.", done.stdout.strip().splitlines()[-1])


def check_seed_demo(done, site: Path, args: list[str], before: dict) -> None:
    assert "demo-LangSon-2026" in done.stdout
    assert "admin@demo.tinhso.vn" in done.stdout
    # `make run` seeded already: "running it twice changes nothing".
    assert table_counts(site) == before


CHECKS = {
    "create_api_key": check_create_api_key,
    "simulate": check_simulate,
    "vietqr": check_vietqr,
    "refresh_advisories": check_refresh_advisories,
    "seed_demo": check_seed_demo,
}


@pytest.mark.parametrize("command", readme_commands(), ids=lambda c: c[1])
def test_readme_command_runs_as_written(after_make_run, command):
    name, args = command[1], command[1:]
    assert name in CHECKS, f"the README shows `tinhso {name}`: add its check to this test"
    before = table_counts(after_make_run)
    # The README's exact command (`simulate` included: its full winter-2021 run takes a few
    # seconds), with nothing in the environment but PATH and HOME.
    done = tinhso(args, cwd=after_make_run)
    assert done.returncode == 0, done.stderr[-3000:]
    CHECKS[name](done, after_make_run, args, before)


def test_the_laptop_secret_key_is_generated_once_private_and_shared(after_make_run):
    """`make run` (DEBUG=1) generated it; commands without DEBUG sign with the same key."""
    path = after_make_run / "var" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = path.read_text().strip()
    assert len(key) >= 50
    done = tinhso(["shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
                  cwd=after_make_run)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == key
    assert path.read_text().strip() == key
