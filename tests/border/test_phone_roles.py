"""Every role can do its job on a phone: the driver's own trucks, what a declaration page
offers in each state, the saved vehicles and drivers of the declaration form, and a closed
gate that says when it opens again."""

from __future__ import annotations

import re
from datetime import datetime, time

import pytest
from django.test import Client

from tests.border.conftest import user
from tests.conftest import VIETNAM
from tests.factories import DeclarationFactory, OrganizationFactory, user_with_role
from tinhso.accounts.models import Organization, Role
from tinhso.border.drivers import trucks_of_driver
from tinhso.border.models import Gate, SavedDriver, SavedVehicle
from tinhso.payments.services import issue_crossing_invoice

LAIXE_PHONE = "0912000002"  # the demo driver's mobile number


def logged_in(who) -> Client:
    client = Client()
    client.force_login(user(who) if isinstance(who, str) else who)
    return client


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def orgs(border):
    return {"mine": Organization.objects.get(code="dn-nong-san-xu-lang"),
            "theirs": Organization.objects.get(code="dn-logistics-huu-nghi")}


# ---------------------------------------------------------------- 3. the driver's trucks


@pytest.fixture
def trips(orgs, border):
    return {
        "booked": DeclarationFactory(enterprise=orgs["mine"], gate=border, booked=True,
                                     driver_phone=LAIXE_PHONE),
        # Another enterprise hired the same driver: still the driver's truck.
        "hired": DeclarationFactory(enterprise=orgs["theirs"], gate=border, in_yard=True,
                                    driver_phone=LAIXE_PHONE),
        "crossed": DeclarationFactory(enterprise=orgs["mine"], gate=border, crossed=True,
                                      driver_phone=LAIXE_PHONE),
        "draft": DeclarationFactory(enterprise=orgs["mine"], gate=border, draft=True,
                                    driver_phone=LAIXE_PHONE),
        "someone_else": DeclarationFactory(enterprise=orgs["mine"], gate=border, booked=True,
                                           driver_phone="0987654321"),
    }


def test_the_driver_sees_their_own_trucks_with_their_e_tickets(trips):
    body = page(logged_in("laixe"), "/border/driver/")
    for key in ("booked", "hired", "crossed"):
        truck = trips[key]
        assert f'data-declaration="{truck.pk}"' in body
        assert f'href="/border/ticket/{truck.ticket_token}/"' in body
    for key in ("draft", "someone_else"):
        assert f'data-declaration="{trips[key].pk}"' not in body
        assert trips[key].ticket_token not in body


def test_a_driver_never_sees_another_drivers_trucks(trips, orgs):
    other = user_with_role(Role.DRIVER, orgs["theirs"], phone="0987654321")
    body = page(logged_in(other), "/border/driver/")
    assert f'data-declaration="{trips["someone_else"].pk}"' in body
    assert trips["booked"].ticket_token not in body and trips["hired"].ticket_token not in body
    assert set(trucks_of_driver(other)) == {trips["someone_else"]}


def test_a_mobile_number_alone_is_not_a_drivers_key(trips):
    """Only the driver role opens the page: an enterprise officer whose own number was
    typed as a driver's sees nothing through it."""
    staff = user_with_role(Role.ENTERPRISE_STAFF, OrganizationFactory(), phone="0987654321")
    assert not trucks_of_driver(staff).exists()
    page(logged_in(staff), "/border/driver/", status=403)
    page(logged_in("doanhnghiep"), "/border/driver/", status=403)
    response = Client().get("/border/driver/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_driver_without_trucks_is_told_how_they_appear(border):
    driver = user_with_role(Role.DRIVER, phone="0977000111")
    body = page(logged_in(driver), "/border/driver/")
    assert "Chưa có xe nào ghi bạn là lái xe" in body


def test_the_driver_finds_their_trips_in_the_menu_and_on_the_home_page(border):
    driver = logged_in("laixe")
    home = page(driver, "/")
    assert home.count('href="/border/driver/"') == 2  # the menu and the home page's card
    assert "Chuyến xe của tôi" in home
    for other in ("doanhnghiep", "cuakhau", "xa"):
        assert 'href="/border/driver/"' not in page(logged_in(other), "/")


def test_the_driver_sees_that_the_gate_of_a_waiting_truck_is_closed(trips, clock):
    Gate.objects.filter(pk=trips["booked"].gate_id).update(opens_at=time(7),
                                                           closes_at=time(22))
    clock.move_to(datetime(2026, 12, 2, 23, 15, tzinfo=VIETNAM))
    body = page(logged_in("laixe"), "/border/driver/")
    assert "Đóng cửa — mở lại lúc 07:00 ngày 03/12" in body
    assert "Giờ mở cửa: 07:00–22:00" in body


# ---------------------------------------------------------------- 4. the declaration page


def _actions(body: str, truck) -> dict[str, bool]:
    return {"edit": f'href="/border/declarations/{truck.pk}/edit/"' in body,
            "cancel": f'action="/border/declarations/{truck.pk}/cancel/"' in body,
            "book": f'action="/border/declarations/{truck.pk}/book/"' in body}


@pytest.mark.parametrize("state", ["crossed", "rejected", "cancelled"])
def test_a_finished_declaration_offers_no_edit_cancel_or_booking(orgs, border, state):
    truck = DeclarationFactory(enterprise=orgs["mine"], gate=border, **{state: True})
    body = page(logged_in("doanhnghiep"), f"/border/declarations/{truck.pk}/")
    assert _actions(body, truck) == {"edit": False, "cancel": False, "book": False}


def test_a_booked_declaration_can_change_its_booking_edit_and_cancel(orgs, border):
    truck = DeclarationFactory(enterprise=orgs["mine"], gate=border, booked=True)
    body = page(logged_in("doanhnghiep"), f"/border/declarations/{truck.pk}/")
    assert _actions(body, truck) == {"edit": True, "cancel": True, "book": True}
    assert "Đổi khung giờ" in body  # "Change the booking"
    assert "khung giờ đang đặt" in body  # its own slot is not offered again
    # The booking list says when the gate works.
    assert 'data-field="opening-hours"' in body and "Giờ mở cửa: 00:00–23:59" in body


def test_a_declaration_in_the_yard_can_be_corrected_but_not_booked(orgs, border):
    truck = DeclarationFactory(enterprise=orgs["mine"], gate=border, in_yard=True)
    body = page(logged_in("doanhnghiep"), f"/border/declarations/{truck.pk}/")
    assert _actions(body, truck) == {"edit": True, "cancel": True, "book": False}


def test_officers_never_get_the_enterprises_buttons(orgs, border):
    truck = DeclarationFactory(enterprise=orgs["mine"], gate=border, booked=True)
    body = page(logged_in("cuakhau"), f"/border/declarations/{truck.pk}/")
    assert _actions(body, truck) == {"edit": False, "cancel": False, "book": False}


def test_a_declaration_links_to_its_fee_invoice_for_those_who_may_see_it(orgs, border):
    truck = DeclarationFactory(enterprise=orgs["mine"], gate=border, crossed=True)
    plain = DeclarationFactory(enterprise=orgs["mine"], gate=border, crossed=True)
    invoice = issue_crossing_invoice(declaration=truck)
    link = f'href="/payments/invoices/{invoice.reference}/"'
    for who in ("doanhnghiep", "thungan", "bql"):
        body = page(logged_in(who), f"/border/declarations/{truck.pk}/")
        assert link in body and "Chưa nộp" in body, who
    assert link not in page(logged_in("haiquan"), f"/border/declarations/{truck.pk}/")
    assert 'data-field="invoice"' not in page(logged_in("doanhnghiep"),
                                              f"/border/declarations/{plain.pk}/")
    page(logged_in("doanhnghiep2"), f"/border/declarations/{truck.pk}/", status=404)


def test_the_booking_list_says_a_closed_gate_reopens(orgs, border, clock):
    gate = Gate.objects.get(code="tan-thanh")
    truck = DeclarationFactory(enterprise=orgs["mine"], gate=gate, submitted=True)
    clock.move_to(datetime(2026, 12, 2, 6, 10, tzinfo=VIETNAM))
    body = page(logged_in("doanhnghiep"), f"/border/declarations/{truck.pk}/")
    assert "Đóng cửa — mở lại lúc 07:00" in body and "Giờ mở cửa: 07:00–22:00" in body


# ---------------------------------------------------------------- 5. saved vehicles, drivers


def test_saved_vehicles_and_drivers_carry_what_the_form_fills_in(orgs):
    SavedVehicle.objects.create(enterprise=orgs["mine"], plate="12C-555.66",
                                trailer_plate="12R-044.55")
    SavedDriver.objects.create(enterprise=orgs["mine"], full_name="Lăng Văn Khải",
                               id_number="020090009999", phone="0912345678")
    SavedVehicle.objects.create(enterprise=orgs["theirs"], plate="29H-111.22",
                                trailer_plate="29R-999.88")
    body = page(logged_in("doanhnghiep"), "/border/enterprise/")
    assert '<option value="12C-555.66" data-trailer="12R-044.55">' in body
    assert ('<option value="Lăng Văn Khải" data-id-number="020090009999" '
            'data-phone="0912345678">') in body
    assert "29H-111.22" not in body  # another enterprise's vehicle
    assert '<script src="/static/border/forms.js" defer></script>' in body
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)  # no inline script
    assert not re.search(r"\son[a-z]+=", body)  # no inline event handler


# ---------------------------------------------------------------- 6. a closed gate


def test_a_closed_gate_console_says_when_it_reopens(border, clock):
    clock.move_to(datetime(2026, 12, 2, 23, 0, tzinfo=VIETNAM))
    body = page(logged_in("cuakhau"), "/border/gate/?gate=tan-thanh")
    assert "Đóng cửa — mở lại lúc 07:00 ngày 03/12" in body
    assert "Giờ mở cửa: 07:00–22:00" in body
    assert "Cửa khẩu có thể nhận thêm" not in body and 'name="count"' not in body
    response = logged_in("cuakhau").post("/border/gate/", {"gate": "tan-thanh", "count": 3},
                                         follow=True)
    assert "cửa khẩu đang đóng cửa đến 07:00 03/12" in response.content.decode()


def test_an_open_gate_console_shows_its_room_and_hours(border, clock):
    clock.move_to(datetime(2026, 12, 2, 6, 30, tzinfo=VIETNAM))
    closed = page(logged_in("cuakhau"), "/border/gate/?gate=tan-thanh")
    assert "Đóng cửa — mở lại lúc 07:00" in closed and "ngày 03/12" not in closed
    clock.move_to(datetime(2026, 12, 2, 9, 30, tzinfo=VIETNAM))
    body = page(logged_in("cuakhau"), "/border/gate/?gate=tan-thanh")
    assert "Cửa khẩu có thể nhận thêm" in body and 'name="count"' in body
    assert "Giờ mở cửa: 07:00–22:00" in body and "Đóng cửa" not in body
    assert "onchange=" not in body and "data-autosubmit" in body
