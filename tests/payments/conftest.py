import pytest

from tests.border.conftest import border, declare, user  # noqa: F401
from tinhso.payments.demo import seed_payments
from tinhso.payments.services import issue_crossing_invoice

WEBHOOK_SECRET = "test-only-webhook-secret"  # noqa: S105


@pytest.fixture
def payments(border, settings):  # noqa: F811
    """Border demo data plus the fee schedule, the payee account and a webhook secret for
    the demo bank (the secret exists only under tests)."""
    settings.PAYMENTS_WEBHOOK_SECRETS = {"demo": WEBHOOK_SECRET}
    seed_payments()
    return border


@pytest.fixture
def enterprise_user(payments):
    return user("doanhnghiep")


@pytest.fixture
def other_enterprise_user(payments):
    return user("doanhnghiep2")


@pytest.fixture
def cashier(payments):
    return user("thungan")


@pytest.fixture
def invoice(enterprise_user):
    """An unpaid crossing invoice: a 28 t 40-ft container of fresh fruit, exported."""
    return issue_crossing_invoice(declaration=declare(enterprise_user))
