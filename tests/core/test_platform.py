import json

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import UserFactory, user_with_role
from tinhso.accounts.models import Membership, Role, User
from tinhso.core.models import AdministrativeUnit, AuditEntry

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "vendor": connection.vendor}


def test_home_page_is_vietnamese_first_with_an_english_switch(client):
    body = client.get("/").content.decode()
    assert '<html lang="vi">' in body
    assert "Nền tảng cửa khẩu số" in body
    assert "Chưa xây dựng" in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "Not built yet" in body


def test_openapi_schema_is_openapi_3_and_lists_the_routers(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert any(path.startswith("/api/v1/accounts/") for path in schema["paths"])
    assert client.get("/api/v1/docs").status_code == 200


def test_api_routes_grouped_by_segment_resolve_and_reverse_as_ninja_lists_them():
    """tinhso.api.grouped_urls: the same routes, names and views, one pattern per first
    segment (resolving a market route no longer tries every other router's routes)."""
    from django.urls import URLResolver, resolve, reverse

    from tinhso.api import api, grouped_urls

    flat, _app, _namespace = api.urls
    grouped, _app, _namespace = grouped_urls(api.urls)

    def names(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from names(pattern.url_patterns)
            else:
                yield pattern.name

    assert sorted(names(grouped)) == sorted(pattern.name for pattern in flat)
    assert len(grouped) < len(flat) / 5
    url = reverse("api:list_products")
    assert url == "/api/v1/market/products"
    found = resolve(url)
    assert (found.namespace, found.url_name) == ("api", "list_products")
    assert resolve("/api/v1/market/shops/ho-1/products/p-1").kwargs == {
        "shop_slug": "ho-1", "slug": "p-1"}


def test_api_refuses_anonymous_with_a_bilingual_401(client):
    response = client.get("/api/v1/accounts/me")
    assert response.status_code == 401
    detail = response.json()["detail"][0]
    assert detail["message_vi"]
    assert detail["message_en"]


def test_api_validation_errors_are_field_named_in_the_request_language(client):
    admin = user_with_role(Role.SYSTEM_ADMIN)
    client.force_login(admin)
    body = {"organization_code": "", "name": "cam"}
    for lang, expected in (("vi", "Phải có ít nhất 1 ký tự."), ("en", "at least 1 character")):
        response = client.post("/api/v1/accounts/api-keys", json.dumps(body),
                               content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 422
        errors = {e["field"]: e for e in response.json()["detail"]}
        assert set(errors) == {"organization_code", "scopes"}
        assert expected in errors["organization_code"]["message"]


def test_api_keys_endpoint_is_for_system_admins_only(client):
    client.force_login(user_with_role(Role.GATE_BOARD))
    response = client.get("/api/v1/accounts/api-keys")
    assert response.status_code == 403


def test_session_api_writes_need_csrf():
    from django.test import Client

    admin = user_with_role(Role.SYSTEM_ADMIN)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(admin)
    response = csrf_client.post("/api/v1/accounts/api-keys", "{}", content_type="application/json")
    assert response.status_code in (401, 403)


def test_audit_log_is_append_only():
    user = UserFactory()
    from tinhso.core import audit

    entry = audit.record(actor=user, action="test.write", obj=user, after={"x": 1})
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.write"


@pytest.mark.postgres
def test_audit_log_refuses_raw_sql_updates_on_postgres():
    from django.db import DatabaseError, transaction

    user = UserFactory()
    from tinhso.core import audit

    entry = audit.record(actor=user, action="test.write", obj=user)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action='forged' WHERE id=%s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.write"


def test_audit_page_only_for_system_admins(client):
    client.force_login(user_with_role(Role.ENTERPRISE_STAFF))
    assert client.get("/audit/").status_code == 403
    admin = user_with_role(Role.SYSTEM_ADMIN)
    from tinhso.core import audit

    audit.record(actor=admin, action="demo.action", obj=admin)
    client.force_login(admin)
    response = client.get("/audit/", {"action": "demo"})
    assert response.status_code == 200
    assert "demo.action" in response.content.decode()
    assert "ngày không hợp lệ" in client.get("/audit/", {"date_from": "31/02"}).content.decode()


def test_seed_demo_loads_lang_son_and_is_idempotent(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = (User.objects.count(), Membership.objects.count(), AdministrativeUnit.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Membership.objects.count(),
            AdministrativeUnit.objects.count()) == counts
    communes = AdministrativeUnit.objects.exclude(kind="province")
    assert communes.count() == 65
    assert communes.get(name="Xã Đồng Đăng").former_district == "Cao Lộc"
    assert communes.get(name="Xã Thất Khê").former_district == "Tràng Định"
    assert "bienphong@demo.tinhso.vn" in first
    assert set(Membership.objects.values_list("role", flat=True)) >= {r.value for r in Role}


def test_pages_stay_vietnamese_for_an_english_browser_until_english_is_chosen(client):
    assert '<html lang="vi">' in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()


def test_a_users_profile_language_is_used_after_login(client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)
    assert '<html lang="en">' in client.get("/").content.decode()


def test_working_calendar_honours_the_admins_overrides():
    from datetime import date

    from tinhso.core.models import CalendarOverride
    from tinhso.core.selectors import working_calendar

    saturday = date(2026, 12, 5)
    assert not working_calendar().is_working_day(saturday)
    CalendarOverride.objects.create(date=saturday, is_working_day=True,
                                    reason="Làm bù cho ngày nghỉ Tết Dương lịch")
    calendar = working_calendar()
    assert calendar.is_working_day(saturday)
    assert calendar.add_working_days(date(2026, 12, 4), 1) == saturday
