"""The laptop's generated SECRET_KEY, and production's refusal to start without one."""

from __future__ import annotations

import stat
import subprocess
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.commandline import VENV_BIN, clean_env
from tinhso.core.secretkey import local_secret_key


def test_generated_once_private_and_reused(tmp_path):
    path = tmp_path / "var" / "secret_key"
    key = local_secret_key(path)
    assert len(key) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert local_secret_key(path) == key
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary left


def test_processes_starting_together_end_up_with_one_key(tmp_path):
    path = tmp_path / "secret_key"
    start = threading.Barrier(12)
    keys = []

    def first_run():
        start.wait()
        keys.append(local_secret_key(path))

    threads = [threading.Thread(target=first_run) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 12
    assert set(keys) == {path.read_text().strip()}
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_a_damaged_key_file_is_a_clear_error(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("short\n")
    with pytest.raises(ImproperlyConfigured, match="too short"):
        local_secret_key(path)


def run_settings(tmp_path, **env):
    return subprocess.run(
        [str(VENV_BIN / "python"), "-c",
         "from django.conf import settings; print(settings.SECRET_KEY)"],
        cwd=tmp_path, env=clean_env(DJANGO_SETTINGS_MODULE="tinhso.settings", **env),
        capture_output=True, text=True, timeout=60, check=False)


def test_production_without_secret_key_refuses_to_start(tmp_path):
    """DEBUG off with a DATABASE_URL: no key is generated, the settings say what is missing
    (nothing connects to the database: reading the settings fails first)."""
    done = run_settings(tmp_path, DATABASE_URL="postgres://tinhso@db.invalid:5432/tinhso")
    assert done.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off and DATABASE_URL is set" in done.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_a_given_secret_key_is_used_as_is(tmp_path):
    given = "k" * 60
    done = run_settings(tmp_path, SECRET_KEY=given,
                        DATABASE_URL="postgres://tinhso@db.invalid:5432/tinhso")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == given
    assert not (tmp_path / "var" / "secret_key").exists()
