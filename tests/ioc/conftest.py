import pytest

from tests.market import hub_factories as f
from tinhso.ioc.catalogue import seed_catalogue
from tinhso.ioc.models import Indicator


@pytest.fixture(autouse=True)
def _private_files_and_notifications(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.NOTIFY_BACKEND = "file"
    settings.NOTIFY_FILE = tmp_path / "notifications.jsonl"


@pytest.fixture
def catalogue(db):
    seed_catalogue()
    return {i.code: i for i in Indicator.objects.all()}


@pytest.fixture
def communes(db):
    return f.commune(20001), f.commune(20002), f.commune(20003)
