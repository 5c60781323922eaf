"""Login throttling (django-axes, tinhso.accounts.lockout): repeated failures lock the
account, whichever spelling of it is typed, and the address they come from; the cool-off or
an admin unlocks; sessions and API keys already issued go on working."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client

from tests.factories import OrganizationFactory, UserFactory
from tinhso.accounts.services import create_api_key
from tinhso.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Lạng-Sơn-1"
HOA_SPELLINGS = ["0912345678", "+84 912 345 678", "84912345678", "0912.345.678",
                 "HOA@example.vn"]
LOCKED_VI = "Đăng nhập sai quá nhiều lần"
LOCKED_EN = "Too many failed log-in attempts"


@pytest.fixture
def hoa():
    return UserFactory(email="hoa@example.vn", phone="0912345678")


def attempt(client, username, password, path="/accounts/login/"):
    return client.post(path, {"username": username, "password": password})


def logged_in_as(client):
    return client.session.get("_auth_user_id")


def lock_hoa(client):
    """Five wrong passwords, each with another spelling of Hoa's account."""
    for spelling in HOA_SPELLINGS[:-1]:
        response = attempt(client, spelling, "wrong")
        assert response.status_code == 200 and "Sai email/số điện thoại" in response.text
    return attempt(client, HOA_SPELLINGS[-1], "wrong")


def test_failures_in_any_spelling_lock_the_account_with_a_bilingual_message(client, hoa):
    response = lock_hoa(client)
    assert response.status_code == 429
    page = response.text
    assert LOCKED_VI in page and "thử lại sau 15 phút" in page
    assert LOCKED_EN in page and "Try again in 15 minutes" in page
    assert "quản trị hệ thống" in page and "system administrator" in page
    assert 'name="password"' in page  # the login page, not a bare error page

    # The right password is refused now, whichever spelling carries it.
    for spelling in ["hoa@example.vn", "0912 345 678"]:
        response = attempt(client, spelling, PASSWORD)
        assert response.status_code == 429 and LOCKED_VI in response.text
        assert not logged_in_as(client)

    # In English, the message is in English only.
    client.cookies["django_language"] = "en"
    response = attempt(client, "hoa@example.vn", PASSWORD)
    assert response.status_code == 429 and LOCKED_EN in response.text
    assert LOCKED_VI not in response.text


def test_another_account_from_another_address_is_not_affected(client, hoa):
    lock_hoa(client)
    other = UserFactory(email="lan@example.vn")
    elsewhere = Client(REMOTE_ADDR="10.20.0.7")
    response = attempt(elsewhere, "lan@example.vn", PASSWORD)
    assert response.status_code == 302 and logged_in_as(elsewhere) == str(other.pk)
    # Hoa's account stays locked from that address too: the account is what is locked.
    assert attempt(Client(REMOTE_ADDR="10.20.0.8"), "hoa@example.vn", PASSWORD).status_code == 429


def test_the_cool_off_unlocks_counted_from_the_last_attempt(client, hoa, clock):
    lock_hoa(client)
    clock.shift(timedelta(minutes=14))
    assert attempt(client, "hoa@example.vn", PASSWORD).status_code == 429  # restarts the wait
    clock.shift(timedelta(minutes=14))
    assert attempt(client, "hoa@example.vn", PASSWORD).status_code == 429
    clock.shift(timedelta(minutes=16))
    response = attempt(client, "0912345678", PASSWORD)
    assert response.status_code == 302 and logged_in_as(client) == str(hoa.pk)


def test_an_admin_unlocks_with_the_command(client, hoa):
    lock_hoa(client)
    call_command("axes_reset_username", "hoa@example.vn", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert attempt(client, "+84912345678", PASSWORD).status_code == 302


def test_an_admin_sees_and_unlocks_in_the_admin(client, hoa):
    lock_hoa(client)
    admin = UserFactory(email="quantri@example.vn", is_staff=True, is_superuser=True)
    desk = Client(REMOTE_ADDR="10.20.0.9")
    desk.force_login(admin)
    listing = desk.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "hoa@example.vn" in listing.text
    [row] = AccessAttempt.objects.filter(username="hoa@example.vn")
    assert row.failures_since_start == 5
    response = desk.post("/admin/axes/accessattempt/", {
        "action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    assert attempt(client, "hoa@example.vn", PASSWORD).status_code == 302
    # Every failure stays listed for the record.
    assert desk.get("/admin/axes/accessfailurelog/").text.count("hoa@example.vn") >= 5


def test_the_lockout_is_audited_once(client, hoa):
    lock_hoa(client)
    attempt(client, "hoa@example.vn", PASSWORD)
    attempt(client, "0912345678", "wrong")
    [entry] = AuditEntry.objects.filter(action="accounts.login_locked_out")
    assert entry.object_type == "accounts.user" and entry.object_id == str(hoa.pk)
    assert entry.ip == "127.0.0.1"
    assert entry.after["username"] == "hoa@example.vn" and entry.after["minutes"] == 15


def test_a_successful_login_forgets_the_accounts_failures(client, hoa):
    for spelling in HOA_SPELLINGS[:4]:
        attempt(client, spelling, "wrong")
    assert attempt(client, "hoa@example.vn", PASSWORD).status_code == 302
    client.logout()
    for spelling in HOA_SPELLINGS[:4]:
        assert attempt(client, spelling, "wrong").status_code == 200
    assert attempt(client, "hoa@example.vn", PASSWORD).status_code == 302


def test_an_address_trying_many_accounts_is_locked(settings, hoa):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    sprayer = Client(REMOTE_ADDR="203.0.113.5")
    statuses = [attempt(sprayer, f"09120000{n:02d}", "wrong").status_code for n in range(8)]
    assert statuses == [200] * 7 + [429]
    # Locked by address: even an account with no failures, with its right password.
    assert attempt(sprayer, "hoa@example.vn", PASSWORD).status_code == 429
    assert attempt(Client(REMOTE_ADDR="203.0.113.6"), "hoa@example.vn", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(client, hoa):
    for spelling in HOA_SPELLINGS[:4]:
        attempt(client, spelling, "wrong", path="/admin/login/")
    response = attempt(client, "hoa@example.vn", "wrong", path="/admin/login/")
    assert response.status_code == 429 and LOCKED_VI in response.text


def test_sessions_and_api_keys_already_issued_are_not_locked_out(settings, hoa):
    """Locking a login stops password guessing; it does not log out the person, nor stop
    the yard's camera that shares the locked address."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    office = "198.51.100.20"
    browser = Client(REMOTE_ADDR=office)
    browser.force_login(hoa)
    assert lock_hoa(Client(REMOTE_ADDR=office)).status_code == 429

    me = browser.get("/api/v1/accounts/me")
    assert me.status_code == 200 and me.json()["email"] == "hoa@example.vn"
    assert browser.get("/accounts/profile/").status_code == 200

    _, key = create_api_key(actor=None, organization=OrganizationFactory(), name="cam",
                            scopes=["camera"])
    camera = Client(REMOTE_ADDR=office)
    body = {"event_id": "e-1", "camera_id": "no-such-camera", "plate": "12C-123.45",
            "confidence": 0.9, "captured_at": "2026-12-02T09:30:00+07:00"}
    response = camera.post("/api/v1/border/plate-events", json.dumps(body),
                           content_type="application/json", HTTP_X_API_KEY=key)
    assert response.status_code not in (401, 403, 429), response.content
    refused = camera.post("/api/v1/border/plate-events", json.dumps(body),
                          content_type="application/json", HTTP_X_API_KEY=key + "x")
    assert refused.status_code == 401
