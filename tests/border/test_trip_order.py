"""The trips of one truck keep their order: a later trip is never booked or moved before,
or over, an earlier one, nor an earlier trip past a later one (one rule, applied when a
trip is declared, corrected and booked), and two first declarations of one truck sent at
the same moment cannot both be first trips."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import close_old_connections

from tests.border.conftest import all_at_once, declaration_data, declare, user
from tests.border.test_end_to_end import logged_in, post
from tinhso.accounts.models import Role
from tinhso.border import services
from tinhso.border.models import Declaration, VehicleLock
from tinhso.core.errors import InvalidInput

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=VN)


def two_trips(enterprise_user):
    """Today's trip booked 12:00-13:00, tomorrow's declared for 10:30."""
    first = declare(enterprise_user, expected_arrival=at(12, 30).isoformat())
    services.book_slot(actor=enterprise_user, declaration=first, starts_at=at(12))
    later = declare(enterprise_user, expected_arrival=at(10, 30, day=3).isoformat())
    return first, later


def book_api(client, trip, starts_at):
    return post(client, f"/api/v1/border/declarations/{trip.pk}/booking",
                {"starts_at": starts_at.isoformat()})


@pytest.mark.parametrize("slot", [at(11), at(12)])  # before the first trip, and over it
def test_a_later_trip_is_not_booked_before_or_over_the_first(border, enterprise_user, slot):
    first, later = two_trips(enterprise_user)
    response = book_api(logged_in("doanhnghiep"), later, slot)
    assert response.status_code == 422, response.content
    [error] = response.json()["detail"]
    assert (error["field"], error["code"]) == ("starts_at", "slot.earlier_trip")
    assert first.reference in error["message_vi"] and "13:00 02/12/2026" in error["message_vi"]
    assert "chuyến" in error["message_vi"]
    later.refresh_from_db()
    assert (later.state, later.slot_id) == ("submitted", None)
    # Right after the first trip's slot, it is booked.
    assert book_api(logged_in("doanhnghiep"), later, at(13)).json()["state"] == "booked"


def test_the_booking_page_says_why_in_vietnamese(border, enterprise_user):
    _first, later = two_trips(enterprise_user)
    page = logged_in("doanhnghiep").post(f"/border/declarations/{later.pk}/book/",
                                         {"starts_at": "2026-12-02T11:00"}, follow=True)
    html = page.content.decode()
    assert "Chuyến trước" in html and "13:00 02/12/2026" in html
    assert Declaration.objects.get(pk=later.pk).slot_id is None


def test_a_correction_keeps_the_trips_in_order(border, enterprise_user):
    first, later = two_trips(enterprise_user)
    client = logged_in("doanhnghiep")

    def correct(trip, arrival):
        data = declaration_data(expected_arrival=arrival.isoformat())
        return client.put(f"/api/v1/border/declarations/{trip.pk}", data,
                          content_type="application/json")

    # The later trip may not move before the first one, nor onto it.
    for arrival in (at(10, 30), at(12, 45)):
        response = correct(later, arrival)
        assert response.status_code == 422, response.content
        [error] = response.json()["detail"]
        assert (error["field"], error["code"]) == ("expected_arrival", "plate.active_trip")
    # The first trip may not move past the later one: the next trip would come first.
    response = correct(first, at(11, day=3))
    assert response.status_code == 422, response.content
    [error] = response.json()["detail"]
    assert (error["field"], error["code"]) == ("expected_arrival", "plate.later_trip")
    assert later.reference in error["message_vi"]
    first.refresh_from_db()
    later.refresh_from_db()
    assert (first.state, first.slot.starts_at, later.expected_arrival) \
        == ("booked", at(12), at(10, 30, day=3))
    # Moves that keep the order are fine, and so is any other correction.
    assert correct(later, at(15, day=3)).status_code == 200
    assert correct(first, at(12, 10)).status_code == 200
    assert Declaration.objects.get(pk=first.pk).slot.starts_at == at(12)
    # A corrected plate makes it another truck's trip: the rule follows the plate.
    other = declare(enterprise_user, plate="12C-555.55", expected_arrival=at(12, 30).isoformat())
    moved = client.put(f"/api/v1/border/declarations/{other.pk}",
                       declaration_data(expected_arrival=at(12, 30).isoformat()),
                       content_type="application/json")
    assert moved.status_code == 422
    assert moved.json()["detail"][0]["code"] == "plate.active_trip"


def test_the_first_trip_is_not_booked_after_the_later_one(border, enterprise_user):
    first = declare(enterprise_user, expected_arrival=at(12, 30).isoformat())
    later = declare(enterprise_user, expected_arrival=at(10, 30, day=3).isoformat())
    services.book_slot(actor=enterprise_user, declaration=later, starts_at=at(10, day=3))
    with pytest.raises(InvalidInput) as refused:
        services.book_slot(actor=enterprise_user, declaration=first, starts_at=at(10, day=3))
    assert [(e["field"], e["code"]) for e in refused.value.as_list("vi")] \
        == [("starts_at", "plate.later_trip")]
    services.book_slot(actor=enterprise_user, declaration=first, starts_at=at(13))


def test_another_truck_is_not_held_back(border, enterprise_user):
    two_trips(enterprise_user)
    other = declare(enterprise_user, plate="12C-678.90", expected_arrival=at(12, 30).isoformat())
    services.book_slot(actor=enterprise_user, declaration=other, starts_at=at(12))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_declarations_of_one_truck_sent_at_once_make_one_first_trip(border):
    """Both threads check the rule before either has inserted: without the vehicle's lock
    row both would pass and the truck would have two trips at one time."""
    staff = [user("doanhnghiep"), user("doanhnghiep2")]  # two enterprises, one hired truck
    def declare_for(item):
        actor, data = item
        close_old_connections()
        org = actor.memberships.get(role=Role.ENTERPRISE_STAFF).organization_id
        try:
            return services.create_declaration(actor=actor, enterprise_id=org, data=data).pk
        except InvalidInput as error:
            return [e["code"] for e in error.as_list("en")]

    for n in range(3):
        plate = f"12C-123.4{n}"
        data = declaration_data(plate=plate, expected_arrival=at(12, 30).isoformat())
        results = all_at_once(declare_for, [(actor, data) for actor in staff])
        created = [r for r in results if isinstance(r, int)]
        refused = [r for r in results if not isinstance(r, int)]
        assert len(created) == 1 and refused == [["plate.active_trip"]], results
        assert Declaration.objects.filter(plate=plate).count() == 1
        assert VehicleLock.objects.filter(vehicle=f"12C1234{n}").count() == 1


def test_the_booking_list_offers_only_hours_after_the_earlier_trip(border, enterprise_user):
    first = declare(enterprise_user, expected_arrival=at(12, 30).isoformat())
    services.book_slot(actor=enterprise_user, declaration=first, starts_at=at(12))
    later = declare(enterprise_user, expected_arrival=at(13, 30).isoformat())
    html = logged_in("doanhnghiep").get(f"/border/declarations/{later.pk}/").content.decode()
    offered = [datetime.fromisoformat(v) for v in
               re.findall(r'name="starts_at" value="([^"]+)"', html)]
    assert offered and min(offered) == at(13) and len(offered) == 6
    # The first trip, in turn, is offered nothing over the later one's hour.
    services.book_slot(actor=enterprise_user, declaration=later, starts_at=at(14))
    html = logged_in("doanhnghiep").get(f"/border/declarations/{first.pk}/").content.decode()
    offered = [datetime.fromisoformat(v) for v in
               re.findall(r'name="starts_at" value="([^"]+)"', html)]
    assert offered and max(offered) <= at(13)
