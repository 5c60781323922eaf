"""VNeID links a citizen by the personal identification number (CCCD), phone second."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tinhso.accounts.models import User
from tinhso.core.models import AuditEntry
from tinhso.publicservices.models import CitizenIdentity
from tinhso.publicservices.services.identity import IdentityRefused, link_vneid

pytestmark = pytest.mark.django_db
MAI = "020190001234"
BINH = "020085004321"


def test_first_login_makes_an_account_linked_to_the_number():
    user = link_vneid(id_number=MAI, full_name="Hoàng Thị Mai", phone="0912 000 099")
    assert user.phone == "0912000099"
    assert CitizenIdentity.objects.get(id_number=MAI).user == user
    assert AuditEntry.objects.filter(action="citizen_identity.linked").count() == 1
    # Again: the same account, nothing new.
    assert link_vneid(id_number=MAI, full_name="Hoàng Thị Mai", phone="0912000099") == user
    assert User.objects.count() == 1 and CitizenIdentity.objects.count() == 1


def test_a_changed_phone_keeps_the_account_and_follows_vneid():
    user = link_vneid(id_number=MAI, full_name="Hoàng Thị Mai", phone="0912000099")
    again = link_vneid(id_number=MAI, full_name="Hoàng Thị Mai", phone="0987654321")
    assert again == user
    user.refresh_from_db()
    assert user.phone == "0987654321"
    assert AuditEntry.objects.filter(action="citizen_identity.phone_changed").count() == 1
    # No phone at all this time: still the same person.
    assert link_vneid(id_number=MAI, full_name="Hoàng Thị Mai") == user


def test_a_phone_passed_on_to_someone_else_does_not_open_the_first_account():
    mai = link_vneid(id_number=MAI, full_name="Hoàng Thị Mai", phone="0912000099")
    binh = link_vneid(id_number=BINH, full_name="Lê Văn Bình", phone="0912000099")
    assert binh != mai and binh.phone is None  # the phone stays with Mai's account
    assert CitizenIdentity.objects.get(id_number=BINH).user == binh
    # Mai's new phone later: her account follows; Bình's account is untouched.
    link_vneid(id_number=MAI, full_name="Hoàng Thị Mai", phone="0977000111")
    binh.refresh_from_db()
    assert binh.phone is None


def test_an_existing_account_with_the_phone_is_linked_once():
    existing = UserFactory(phone="0912000099")
    assert link_vneid(id_number=MAI, full_name="Hoàng Thị Mai", phone="0912000099") == existing
    assert existing.citizen_identity.id_number == MAI


@pytest.mark.parametrize("number", ["12345", "020990001234", "abcdefghijkl", ""])
def test_a_number_that_is_not_a_cccd_is_refused(number):
    with pytest.raises(IdentityRefused):
        link_vneid(id_number=number, full_name="A", phone="0912000099")
    assert not User.objects.exists()


def test_login_through_the_simulator_with_a_new_phone(client):
    def login(phone):
        authorize = client.get(reverse("publicservices:vneid_login"))["Location"]
        callback = client.post(authorize, {"so_dinh_danh": MAI, "ho_ten": "Hoàng Thị Mai",
                                           "so_dien_thoai": phone})["Location"]
        answer = client.get(callback)
        assert urlparse(answer["Location"]).path == reverse("publicservices:procedures")
        return int(client.session["_auth_user_id"])

    first = login("0912000099")
    client.logout()
    assert login("0987654321") == first
    assert User.objects.get(pk=first).phone == "0987654321"
