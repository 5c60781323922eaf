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
