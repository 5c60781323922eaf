import threading
from datetime import time, timedelta

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from tinhso.accounts.models import ApiKey, Organization, Role, User
from tinhso.accounts.services import create_api_key
from tinhso.border import services
from tinhso.border.demo import seed_border
from tinhso.border.models import Gate
from tinhso.core.demo import seed_accounts
from tinhso.payments.demo import seed_payments


@pytest.fixture
def border(db, settings, tmp_path):
    """Lạng Sơn demo reference data, with Hữu Nghị open around the clock so that tests do
    not depend on the hour they run at."""
    settings.NOTIFY_BACKEND = "file"
    settings.NOTIFY_FILE = tmp_path / "notifications.jsonl"
    seed_accounts()
    seed_border()
    seed_payments()
    Gate.objects.filter(code="huu-nghi").update(opens_at=time(0), closes_at=time(23, 59, 59))
    return Gate.objects.get(code="huu-nghi")


def user(email_prefix: str) -> User:
    return User.objects.get(email=f"{email_prefix}@demo.tinhso.vn")


@pytest.fixture
def enterprise_user(border):
    return user("doanhnghiep")


@pytest.fixture
def other_enterprise_user(border):
    return user("doanhnghiep2")


@pytest.fixture
def camera_key(border):
    _, key = create_api_key(actor=None, organization=Organization.objects.get(
        code="bai-xe-huu-nghi"), name="cameras", scopes=["camera"])
    return key


@pytest.fixture
def yard_key(border) -> ApiKey:
    """The Hữu Nghị yard operator's camera key, for calling the services directly."""
    return ApiKey.objects.create(organization=Organization.objects.get(code="bai-xe-huu-nghi"),
                                 name="cameras", prefix="cam00001", key_hash="x",
                                 scopes=["camera"])


@pytest.fixture
def gate_camera_key(border):
    _, key = create_api_key(actor=None, organization=Organization.objects.get(
        code="bql-cua-khau"), name="gate cameras", scopes=["camera"])
    return key


def declare(actor, **overrides):
    """A submitted declaration of the actor's enterprise (demo data unless overridden)."""
    org_id = actor.memberships.get(role=Role.ENTERPRISE_STAFF).organization_id
    return services.create_declaration(actor=actor, enterprise_id=org_id,
                                       data=declaration_data(**overrides))


def declaration_data(**overrides):
    data = {
        "plate": "12C-123.45",
        "trailer_plate": "12R-012.34",
        "driver_name": "Hoàng Văn Tài",
        "driver_id_number": "020090001234",
        "driver_phone": "0912 000 002",
        "goods": "fresh-fruit",
        "goods_description": "Thanh long ruột đỏ",
        "weight_kg": 28000,
        "containers": 1,
        "direction": "export",
        "gate": "huu-nghi",
        "expected_arrival": (timezone.now() + timedelta(hours=3)).isoformat(),
    }
    data.update(overrides)
    return data


ROLE_USERS = {
    Role.CUSTOMS_OFFICER: "haiquan",
    Role.QUARANTINE_OFFICER: "kiemdich",
    Role.BORDER_GUARD_OFFICER: "bienphong",
    Role.GATE_OPERATOR: "cuakhau",
    Role.YARD_OPERATOR: "baixe",
}


def all_at_once(work, items) -> list:
    """``work(item)`` for every item, each in its own thread with its own database
    connection, all released together: what PostgreSQL's row locks must serialise.
    Returns the results, in the order the threads finished."""
    barrier = threading.Barrier(len(items))
    results = []

    def run(item):
        close_old_connections()
        try:
            barrier.wait()
            results.append(work(item))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
