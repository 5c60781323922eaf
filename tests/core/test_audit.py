"""audit.record(): who, from where, what, for each kind of actor."""

import pytest

from tests.factories import UserFactory
from tinhso.accounts.models import ApiKey, Organization
from tinhso.core import audit
from tinhso.core.models import AuditEntry
from tinhso.core.request_context import _client_ip

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization():
    return Organization.objects.create(code="bai-xe-thu", name="Bãi xe thử", kind="yard")


def stored(entry: AuditEntry) -> tuple:
    fresh = AuditEntry.objects.get(pk=entry.pk)
    return (fresh.actor_id, fresh.actor_label, fresh.organization_id, fresh.ip, fresh.action,
            fresh.object_type, fresh.object_id, fresh.before, fresh.after, fresh.note)


def test_a_person_an_api_key_and_the_system_are_each_recorded_as_themselves(organization):
    person = UserFactory()
    key = ApiKey.objects.create(organization=organization, name="cameras", prefix="cam00042",
                                key_hash="x", scopes=["camera"])
    token = _client_ip.set("203.113.1.7")
    try:
        by_person = audit.record(actor=person, action="test.edit", obj=person,
                                 before={"a": 1}, after={"a": 2}, note="sửa")
        by_key = audit.record(actor=key, action="test.read", obj=key)
        by_system = audit.record(actor=None, action="test.tick", obj=organization,
                                 organization=organization)
    finally:
        _client_ip.reset(token)
    assert stored(by_person) == (person.pk, str(person), None, "203.113.1.7", "test.edit",
                                 "accounts.user", str(person.pk), {"a": 1}, {"a": 2}, "sửa")
    assert stored(by_key) == (None, "api-key:cam00042 (cameras)", organization.pk,
                              "203.113.1.7", "test.read", "accounts.apikey", str(key.pk),
                              None, None, "")
    assert stored(by_system)[:3] == (None, "system", organization.pk)
    assert by_person.at is not None and not by_person._state.adding



def test_behind_the_proxy_the_audited_address_is_the_hop_our_proxy_added(client, settings, rf):
    """A client may send any X-Forwarded-For it likes; only the last hop, appended by the
    province's proxy, is its real address — for the audit log as for login throttling."""
    from axes.models import AccessFailureLog

    from tinhso.core.request_context import RequestContextMiddleware, client_ip

    settings.USE_X_FORWARDED_FOR = True
    forged = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.23", "REMOTE_ADDR": "10.0.0.2"}
    seen = []
    RequestContextMiddleware(lambda request: seen.append(client_ip()))(rf.get("/", **forged))
    client.post("/accounts/login/", {"username": UserFactory().email, "password": "sai"},
                **forged)
    assert seen == ["198.51.100.23"]
    assert list(AccessFailureLog.objects.values_list("ip_address", flat=True)) == \
        ["198.51.100.23"]

    settings.USE_X_FORWARDED_FOR = False
    RequestContextMiddleware(lambda request: seen.append(client_ip()))(rf.get("/", **forged))
    assert seen[-1] == "10.0.0.2"
