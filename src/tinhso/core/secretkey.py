"""The installation's own SECRET_KEY for the embedded default, kept in ``var/``.

``settings.py`` uses it only where no ``SECRET_KEY`` is given and the platform runs on its
embedded SQLite database (or with DEBUG on): a fresh clone then works right after
``make run``, every process of the machine (gunicorn workers, ``tinhso`` commands) signs
with the same key, and no key is ever shared between installations. A deployment with a
``DATABASE_URL`` and DEBUG off must still set ``SECRET_KEY`` itself.

It runs while the settings are being read: nothing here may touch ``django.conf``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

#: Django's deployment check wants at least 50 characters; token_urlsafe(50) gives 67.
MIN_LENGTH = 50


def local_secret_key(path: Path) -> str:
    """The key stored at ``path``, generated there first if there is none.

    A new key is written to a private temporary file (mode 0600) in the same directory and
    published under ``path`` with ``os.link``, which fails if the name already exists. So
    processes starting at the same moment all end up with the key of whichever linked
    first, and none ever reads a half-written file."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(50) + "\n")
            file.flush()
            os.fsync(file.fileno())
        # If another process published its key first, that one is everybody's key.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    return _read(path)


def _read(path: Path) -> str:
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_LENGTH:
        raise ImproperlyConfigured(
            f"{path}: khóa bí mật quá ngắn, hãy xóa tệp để tạo lại / the secret key is too "
            f"short ({len(key)} characters): delete the file to generate a new one."
        )
    return key
