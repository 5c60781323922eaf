import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import OrganizationFactory, UserFactory, user_with_role
from tinhso.accounts.auth import ApiKeyAuth, api_key_cache_key
from tinhso.accounts.models import ApiKey, Organization, Role
from tinhso.accounts.permissions import has_perm, require
from tinhso.accounts.services import create_api_key, revoke_api_key
from tinhso.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def login(client, username: str, password: str) -> bool:
    """Log in through the login page, as a person does: the lockout counts per request, so
    `client.login()` (no request) is refused by the axes backend."""
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302


def test_login_by_email_or_any_spelling_of_the_mobile_number(client):
    UserFactory(email="hoa@example.vn", phone="0912345678")
    for spelling in ["hoa@example.vn", "HOA@example.vn", "0912345678", "+84 912 345 678",
                     "84912345678"]:
        assert login(client, spelling, "pw-Lạng-Sơn-1"), spelling
        client.logout()
    assert not login(client, "0912345678", "wrong")
    assert not login(client, "0999999999", "pw-Lạng-Sơn-1")


def test_login_page_in_vietnamese_rejects_a_wrong_password(client):
    UserFactory(email="hoa@example.vn")
    response = client.post("/accounts/login/", {"username": "hoa@example.vn", "password": "x"})
    assert response.status_code == 200
    assert "Sai email/số điện thoại hoặc mật khẩu" in response.content.decode()
    response = client.post(
        "/accounts/login/", {"username": "hoa@example.vn", "password": "pw-Lạng-Sơn-1"}
    )
    assert response.status_code == 302


def test_inactive_user_cannot_log_in(client):
    UserFactory(email="old@example.vn", is_active=False)
    assert not login(client, "old@example.vn", "pw-Lạng-Sơn-1")


@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [
        (Role.ENTERPRISE_STAFF, "border.declare", True),
        (Role.DRIVER, "border.declare", False),
        (Role.CUSTOMS_OFFICER, "border.clear_customs", True),
        (Role.CUSTOMS_OFFICER, "border.clear_quarantine", False),
        (Role.QUARANTINE_OFFICER, "border.clear_customs", False),
        (Role.BORDER_GUARD_OFFICER, "border.clear_border_guard", True),
        (Role.GATE_BOARD, "audit.view", False),
        (Role.SYSTEM_ADMIN, "audit.view", True),
        (Role.YARD_OPERATOR, "border.gate_console", False),
    ],
)
def test_permissions_follow_roles(role, permission, allowed):
    assert has_perm(user_with_role(role), permission) is allowed


def test_permission_narrowed_to_the_organisation_of_the_role():
    own, other = OrganizationFactory(), OrganizationFactory()
    staff = user_with_role(Role.ENTERPRISE_STAFF, own)
    assert has_perm(staff, "border.declare", own.id)
    assert not has_perm(staff, "border.declare", other.id)
    with pytest.raises(PermissionDenied):
        require(staff, "border.declare", other.id)


def test_anonymous_and_unknown_permission():
    from django.contrib.auth.models import AnonymousUser

    assert not has_perm(AnonymousUser(), "border.declare")
    with pytest.raises(KeyError):
        has_perm(AnonymousUser(), "border.delcare")


def test_api_key_shown_once_stored_hashed_scoped_and_revocable():
    org = OrganizationFactory(code="bai-xe")
    api_key, full_key = create_api_key(actor=None, organization=org, name="cam", scopes=["camera"])
    stored = ApiKey.objects.get(pk=api_key.pk)
    assert full_key not in stored.key_hash
    assert stored.key_hash == ApiKey.digest(full_key)
    assert full_key.startswith(f"ts_{stored.prefix}_")
    assert stored.matches(full_key)
    assert not stored.matches(full_key + "x")
    revoke_api_key(actor=None, api_key=stored)
    assert not ApiKey.objects.active().filter(pk=stored.pk).exists()
    assert list(AuditEntry.objects.filter(object_id=str(stored.pk)).values_list("action", flat=True)
                .order_by("id")) == ["api_key.create", "api_key.revoke"]


def test_api_key_with_unknown_scope_is_refused_and_nothing_stored():
    from tinhso.core.errors import DomainError

    with pytest.raises(DomainError) as error:
        create_api_key(actor=None, organization=OrganizationFactory(), name="x", scopes=["root"])
    assert error.value.field == "scopes"
    assert ApiKey.objects.count() == 0


def test_create_api_key_command_prints_the_key_once(capsys):
    from django.core.management import call_command

    OrganizationFactory(code="cam-org")
    call_command("create_api_key", "--org", "cam-org", "--scope", "camera")
    out = capsys.readouterr()
    key = out.out.strip()
    assert key.startswith("ts_")
    assert ApiKey.objects.get().matches(key)


def test_a_revoked_api_key_stops_working_at_once(client, django_capture_on_commit_callbacks):
    from tinhso.accounts.auth import cached_api_key

    org = OrganizationFactory(code="bai-xe-x")
    api_key, full_key = create_api_key(actor=None, organization=org, name="c", scopes=["camera"])
    assert cached_api_key(api_key.prefix) == api_key  # now in the cache
    with django_capture_on_commit_callbacks(execute=True):
        revoke_api_key(actor=None, api_key=api_key)
    assert cached_api_key(api_key.prefix) is None


@pytest.mark.parametrize("change", ["revoked", "deleted", "organization_deactivated"])
def test_a_cached_key_row_is_not_trusted_once_the_key_is_gone(rf, change):
    """Changed in the admin (not through the revoke service), the key's row stays in the
    cache: authentication asks the database anyway, and drops the stale row."""
    org = OrganizationFactory(code="bai-xe-y")
    api_key, full_key = create_api_key(actor=None, organization=org, name="c", scopes=["camera"])
    auth = ApiKeyAuth(scope="camera")
    assert auth.authenticate(rf.post("/"), full_key) == api_key
    if change == "revoked":
        ApiKey.objects.filter(pk=api_key.pk).update(revoked_at=timezone.now())
    elif change == "deleted":
        ApiKey.objects.filter(pk=api_key.pk).delete()
    else:
        Organization.objects.filter(pk=org.pk).update(is_active=False)
    assert cache.get(api_key_cache_key(api_key.prefix)) == api_key  # still cached
    assert auth.authenticate(rf.post("/"), full_key) is None
    assert cache.get(api_key_cache_key(api_key.prefix)) is None


def test_a_cached_key_costs_one_small_query(rf, django_assert_num_queries):
    _, full_key = create_api_key(actor=None, organization=OrganizationFactory(code="bai-xe-z"),
                                 name="c", scopes=["camera"])
    auth = ApiKeyAuth(scope="camera")
    auth.authenticate(rf.post("/"), full_key)  # fills the cache
    with django_assert_num_queries(1) as queries:
        assert auth.authenticate(rf.post("/"), full_key) is not None
    assert queries.captured_queries[0]["sql"].startswith("SELECT 1 FROM")


def test_an_admin_revokes_keys_through_the_audited_service_and_cannot_edit_them(
        client, django_capture_on_commit_callbacks):
    from tinhso.accounts.auth import cached_api_key

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    org = OrganizationFactory(code="bai-xe-z")
    api_key, _full = create_api_key(actor=None, organization=org, name="c", scopes=["camera"])
    assert cached_api_key(api_key.prefix) == api_key
    client.force_login(admin_user)
    change_page = client.get(f"/admin/accounts/apikey/{api_key.pk}/change/")
    assert b'name="revoked_at' not in change_page.content  # only the action revokes
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/accounts/apikey/", {"action": "revoke",
                                                "_selected_action": [api_key.pk]})
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert cached_api_key(api_key.prefix) is None
    revocation = AuditEntry.objects.get(action="api_key.revoke", object_id=str(api_key.pk))
    assert revocation.actor_id == admin_user.pk
