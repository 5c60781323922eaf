"""Run the platform as a person does on a fresh clone: the installed `tinhso` script of the
checkout under test, in a subprocess, with a clean environment (PATH and HOME only).

The subprocesses never see the test run's settings: no DATABASE_URL, so they use the
embedded default (SQLite, secret key and cache in `<cwd>/var/`), whatever database the
suite itself runs on.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The virtualenv running the tests (not resolved: .venv/bin/python is a symlink).
VENV_BIN = Path(sys.executable).parent
TINHSO = VENV_BIN / "tinhso"


def clean_env(**extra: str) -> dict[str, str]:
    return {
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', os.defpath)}",
        "HOME": os.environ.get("HOME", str(Path.home())),
        **extra,
    }


def tinhso(args: list[str], *, cwd: Path, timeout: float = 120,
           **env: str) -> subprocess.CompletedProcess:
    """`tinhso <args>` in `cwd`, with a clean environment plus `env`."""
    return subprocess.run([str(TINHSO), *args], cwd=cwd, env=clean_env(**env),
                          capture_output=True, text=True, timeout=timeout, check=False)


#: Commands that run until they are stopped (the server and the background processes
#: `make run` starts through `tinhso serve`): not one-shot steps to run and check here.
LONG_RUNNING = {"serve", "db_worker", "scheduler", "runserver"}


def make_run_commands() -> list[list[str]]:
    """The one-shot `tinhso` steps of the Makefile's `run` target (all but `serve`)."""
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("run:"))
    recipe: list[str] = []
    for line in lines[start + 1:]:
        if not line.startswith("\t"):
            break
        if recipe and recipe[-1].endswith("\\"):
            recipe[-1] = recipe[-1][:-1] + line.strip()
        else:
            recipe.append(line.strip())
    commands = [shlex.split(m.group(1)) for line in recipe
                if (m := re.search(r"\$\(BIN\)/tinhso\s+(.*)$", line))]
    commands = [c for c in commands if c[0] not in LONG_RUNNING]
    assert commands, "the Makefile's run target calls no one-shot `tinhso` command"
    return commands


def readme_commands() -> list[list[str]]:
    """Every `tinhso` command the README shows: the code block of its "Command line"
    section, in order, then the one-shot ones it names inline (such as `tinhso seed_demo`;
    not the long-running processes of "Background work")."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Command line", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "the README's Command line section has no sh code block"
    commands = [shlex.split(line, comments=True) for line in block.group(1).splitlines()
                if line.strip()]
    assert all(c[0] == "tinhso" for c in commands), commands
    shown = {c[1] for c in commands}
    for name in re.findall(r"`tinhso ([a-z_]+)`", text):
        if name not in shown and name not in LONG_RUNNING:
            commands.append(["tinhso", name])
            shown.add(name)
    return commands


def crc16_ccitt_false(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc
