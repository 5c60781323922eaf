"""Revoking an API key takes effect at once in every process, as `make run` serves with
several gunicorn workers and no Redis.

Two worker processes of the embedded default (the working directory `make run` prepared:
SQLite, secret key and cache in `var/`, DEBUG=1 as the Makefile sets) each answer requests
through Django's own handler. Worker A serves the plate camera, worker B the system
administrator; which of them serves a request is exactly what gunicorn leaves to chance.
"""

from __future__ import annotations

import json
import select
import subprocess
import uuid

import pytest

from tests.commandline import VENV_BIN, clean_env

EVENTS = "/api/v1/border/plate-events"
CAMERA = "cam-yard-huu-nghi-1-in"  # the Hữu Nghị yard operator's camera in the demo data
OPERATOR = "bai-xe-huu-nghi"

WORKER = r"""
import json, sys

import django

django.setup()
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tinhso.accounts.auth import api_key_cache_key
from tinhso.accounts.models import ApiKey, Organization

client = Client(SERVER_NAME="127.0.0.1")
print(json.dumps({"cache": settings.CACHES["default"]["BACKEND"]}), flush=True)
for line in sys.stdin:
    order = json.loads(line)
    op = order.pop("op")
    if op == "login":
        answer = {"ok": client.login(**order)}
    elif op == "request":
        body = order.get("body")
        if body is not None and "event_id" in body:
            body["captured_at"] = timezone.now().isoformat()
        response = client.generic(
            order["method"], order["path"], json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers={"X-API-Key": order["key"]} if order.get("key") else {})
        answer = {"status": response.status_code, "body": json.loads(response.content or "null")}
    elif op == "cached":  # what this process's cache holds for the key
        answer = {"cached": cache.get(api_key_cache_key(order["prefix"])) is not None}
    elif op == "admin_edit":  # a save in the Django admin: not through the revoke service
        if order["what"] == "revoke_key":
            ApiKey.objects.filter(prefix=order["prefix"]).update(revoked_at=timezone.now())
        else:
            Organization.objects.filter(code=order["code"]).update(is_active=order["active"])
        answer = {"ok": True}
    print(json.dumps(answer, default=str), flush=True)
"""


class Worker:
    """One long-lived process of the platform, answering one JSON order per line."""

    def __init__(self, site, name: str):
        self.log = site / f"worker-{name}.log"
        self.process = subprocess.Popen(
            [str(VENV_BIN / "python"), "-c", WORKER], cwd=site,
            env=clean_env(DEBUG="1", DJANGO_SETTINGS_MODULE="tinhso.settings"),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log.open("w"),
            text=True)
        self.cache_backend = self.receive()["cache"]

    def ask(self, op: str, **order) -> dict:
        self.process.stdin.write(json.dumps({"op": op, **order}) + "\n")
        self.process.stdin.flush()
        return self.receive()

    def receive(self) -> dict:
        ready, _, _ = select.select([self.process.stdout], [], [], 120)
        line = self.process.stdout.readline() if ready else ""
        assert line, f"worker gave no answer:\n{self.log.read_text()[-3000:]}"
        return json.loads(line)

    def camera_read(self, key: str) -> int:
        body = {"event_id": f"ev-{uuid.uuid4().hex[:12]}", "camera_id": CAMERA,
                "plate": "43H-123.45", "confidence": 0.95}
        return self.ask("request", method="POST", path=EVENTS, body=body, key=key)["status"]

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def workers(after_make_run):
    camera, admin = Worker(after_make_run, "a"), Worker(after_make_run, "b")
    try:
        assert admin.ask("login", username="admin@demo.tinhso.vn",
                         password="demo-LangSon-2026")["ok"]
        yield camera, admin
    finally:
        camera.close()
        admin.close()


def new_camera_key(admin: Worker) -> dict:
    created = admin.ask("request", method="POST", path="/api/v1/accounts/api-keys",
                        body={"organization_code": OPERATOR, "name": "yard camera",
                              "scopes": ["camera"]})
    assert created["status"] == 201, created
    return created["body"]


def test_the_embedded_default_shares_one_cache_between_processes(workers):
    camera, admin = workers
    assert camera.cache_backend == admin.cache_backend == (
        "django.core.cache.backends.filebased.FileBasedCache")
    key = new_camera_key(admin)
    assert camera.camera_read(key["key"]) == 201
    assert admin.ask("cached", prefix=key["prefix"])["cached"]  # A's entry, seen by B


def test_a_key_revoked_in_one_worker_is_refused_at_once_by_another(workers):
    camera, admin = workers
    key = new_camera_key(admin)
    assert camera.camera_read(key["key"]) == 201
    assert camera.ask("cached", prefix=key["prefix"])["cached"]

    revoked = admin.ask("request", method="POST",
                        path=f"/api/v1/accounts/api-keys/{key['id']}/revoke")
    assert revoked["status"] == 200
    assert revoked["body"]["revoked_at"]

    assert not camera.ask("cached", prefix=key["prefix"])["cached"]  # dropped for all
    assert camera.camera_read(key["key"]) == 401


@pytest.mark.parametrize("edit", ["revoke_key", "deactivate_organization"])
def test_a_cached_key_never_outlives_its_revocation(workers, edit):
    """Saved in the admin, the change drops no cache entry: the cached key row is still
    there in every process, and still the next read is refused."""
    camera, admin = workers
    key = new_camera_key(admin)
    assert camera.camera_read(key["key"]) == 201
    try:
        if edit == "revoke_key":
            admin.ask("admin_edit", what="revoke_key", prefix=key["prefix"])
        else:
            admin.ask("admin_edit", what="organization", code=OPERATOR, active=False)
        assert camera.ask("cached", prefix=key["prefix"])["cached"]
        assert camera.camera_read(key["key"]) == 401
    finally:
        admin.ask("admin_edit", what="organization", code=OPERATOR, active=True)
