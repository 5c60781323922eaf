"""The border paths people use at every hour: advisories, the public status page and feed,
booking and the driver's e-ticket, run at night, at noon, just before closing and on the
first day of Tết. Gates keep their real opening hours (07:00–22:00) here."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.border.conftest import declare, user
from tests.border.test_status import trucks
from tests.conftest import VIETNAM
from tinhso.border import congestion, services
from tinhso.border.models import Advisory, Gate

MOMENTS = {
    "night": datetime(2026, 12, 2, 3, 0, tzinfo=VIETNAM),
    "noon": datetime(2026, 12, 2, 12, 0, tzinfo=VIETNAM),
    "before_closing": datetime(2026, 12, 2, 21, 50, tzinfo=VIETNAM),
    "tet": datetime(2027, 2, 6, 10, 0, tzinfo=VIETNAM),  # Mùng 1 Tết Đinh Mùi, a holiday
}
OPEN_AT = {"night": False, "noon": True, "before_closing": True, "tet": True}


@pytest.fixture(params=list(MOMENTS))
def moment(request, border, clock):
    """Every gate at its demo opening hours (07:00–22:00), the clock at the moment."""
    Gate.objects.update(opens_at=time(7), closes_at=time(22))
    clock.move_to(MOMENTS[request.param])
    return request.param


def test_no_advisory_is_published_for_an_empty_or_short_queue(moment):
    tan_thanh = Gate.objects.get(code="tan-thanh")
    trucks(tan_thanh, 10, "in_yard")  # well under an hour of the gate's planned capacity

    assert services.refresh_advisories() == []
    assert not Advisory.objects.exists()

    snap = {g.code: g for g in congestion.compute_snapshots().gates}
    assert {g.is_open for g in snap.values()} == {OPEN_AT[moment]}
    queue = snap["tan-thanh"]
    assert queue.computed_level == "normal"
    assert queue.queue_wait_hours < 1
    if not OPEN_AT[moment]:
        # The driver still waits for the opening: the closure is in the estimate.
        assert queue.reopens_at == datetime(2026, 12, 2, 7, 0, tzinfo=VIETNAM)
        assert queue.estimated_wait_hours >= 4
    else:
        assert queue.reopens_at is None


def test_a_real_queue_is_judged_on_its_own_wait_at_any_hour(moment):
    """A queue past the busy threshold is busy whether or not the gate is closed."""
    tan_thanh = Gate.objects.get(code="tan-thanh")
    Gate.objects.filter(pk=tan_thanh.pk).update(busy_backlog=5)
    trucks(tan_thanh, 8, "in_yard")

    published = services.refresh_advisories()

    assert [(a.gate.code, a.level) for a in published] == [("tan-thanh", "busy")]


def test_status_page_and_feed_say_when_a_closed_gate_reopens(moment):
    congestion.forget_snapshots()
    page = Client().get("/border/").content.decode()
    feed = Client().get("/api/v1/border/status").json()

    gates = {g["code"]: g for g in feed["gates"]}
    if OPEN_AT[moment]:
        assert "Đóng cửa" not in page
        assert gates["huu-nghi"]["is_open"] and gates["huu-nghi"]["reopens_at"] is None
    else:
        assert "Đóng cửa — mở lại lúc 07:00" in page
        assert not gates["huu-nghi"]["is_open"]
        assert gates["huu-nghi"]["reopens_at"].startswith("2026-12-02T07:00:00")
    assert {g["congestion_level"] for g in gates.values()} == {"normal"}


def test_booking_offers_and_takes_the_next_open_hour(moment):
    owner = user("doanhnghiep")
    truck = declare(owner, gate="tan-thanh",
                    expected_arrival=timezone.now().isoformat())
    gate = truck.gate

    offered = services.nearest_free_slots(gate, truck.direction, timezone.now(),
                                          perishable=True)
    assert offered, "an open hour must be offered"
    first = offered[0].starts_at
    assert gate.is_open_at(first)
    assert first + timedelta(hours=1) > timezone.now()

    booked = services.book_slot(actor=owner, declaration=truck, starts_at=first)
    assert booked.state == "booked" and booked.slot.starts_at == first

    ticket = Client().get(f"/border/ticket/{booked.ticket_token}/")
    assert ticket.status_code == 200
    assert booked.plate in ticket.content.decode()
