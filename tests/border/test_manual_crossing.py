"""The gate camera is down or cannot read a plate: the gate operator of that gate's place
records a cleared truck's crossing by hand, after a confirmation page, with a reason from
a small table (and a note for "other"); it goes through the camera's own path, so the fee
invoice is issued in the same transaction, and it is recorded as manual with the operator
and the reason."""

from unittest import mock

import pytest
from django.db import DatabaseError

from tests.border.conftest import declare, user
from tests.border.test_end_to_end import logged_in
from tinhso.accounts.models import Membership, Organization, Role
from tinhso.border import services
from tinhso.border.models import Camera, Declaration, Gate, Yard
from tinhso.core.errors import DomainError
from tinhso.core.models import AuditEntry
from tinhso.payments.models import Invoice


def cleared_truck(enterprise_user, border) -> Declaration:
    truck = declare(enterprise_user)
    yard = Yard.objects.get(code="yard-huu-nghi-1")
    operator = user("baixe")
    services.manual_yard_step(actor=operator, declaration=truck, yard=yard, step="check_in",
                              reason="camera hỏng")
    services.call_next(actor=user("cuakhau"), gate=border, count=1)
    services.manual_yard_step(actor=operator, declaration=truck, yard=yard, step="check_out",
                              reason="camera hỏng")
    for officer, agency in (("haiquan", "customs"), ("kiemdich", "quarantine"),
                            ("bienphong", "border_guard")):
        services.record_clearance(actor=user(officer), declaration=truck, agency=agency,
                                  verdict="pass")
    truck.refresh_from_db()
    assert truck.state == "cleared"
    return truck


def test_the_gate_operator_records_a_crossing_by_hand_after_confirming_with_a_reason(
        border, enterprise_user):
    truck = cleared_truck(enterprise_user, border)
    operator = logged_in("cuakhau")
    console = operator.get("/border/gate/?gate=huu-nghi").content.decode()
    assert f"/border/gate/manual/{truck.pk}/" in console

    # Without a gate chosen, the page opens on the gate where a cleared truck waits.
    listing = operator.get("/border/gate/manual/").content.decode()
    assert truck.plate in listing and truck.reference in listing
    url = f"/border/gate/manual/{truck.pk}/"
    page = operator.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Camera cửa khẩu hỏng" in html and "hóa đơn phí" in html
    assert Declaration.objects.get(pk=truck.pk).state == "cleared"  # asking changes nothing

    # A POST without the confirmation step only leads back to the confirmation page.
    assert operator.post(url, {"reason": "camera_down"}).status_code == 302
    missing = operator.post(url, {"confirm": "yes", "reason": "other", "note": " "})
    assert missing.status_code == 422 and 'data-field="note"' in missing.content.decode()
    no_reason = operator.post(url, {"confirm": "yes"})
    assert no_reason.status_code == 422 and 'data-field="reason"' in no_reason.content.decode()
    assert Declaration.objects.get(pk=truck.pk).state == "cleared"
    assert not Invoice.objects.filter(declaration=truck).exists()

    done = operator.post(url, {"confirm": "yes", "reason": "camera_down",
                               "note": "Camera mất nguồn"})
    assert done.status_code == 302
    truck.refresh_from_db()
    assert truck.state == "crossed" and truck.crossed_at is not None
    entry = AuditEntry.objects.get(action="declaration.crossed", object_id=str(truck.pk))
    assert entry.actor == user("cuakhau")
    assert entry.after == {"state": "crossed", "manual": True, "reason": "camera_down",
                           "note": "Camera mất nguồn"}
    assert "manual crossing" in entry.note and "Camera mất nguồn" in entry.note
    # The fee invoice, as for a camera crossing.
    assert Invoice.objects.filter(declaration=truck).count() == 1
    # Twice is refused: the truck has crossed.
    again = operator.post(url, {"confirm": "yes", "reason": "camera_down"}, follow=True)
    assert "Đã qua cửa khẩu" in again.content.decode()
    assert Invoice.objects.filter(declaration=truck).count() == 1


def test_the_crossing_and_its_invoice_are_one_transaction(border, enterprise_user):
    truck = cleared_truck(enterprise_user, border)
    with mock.patch("tinhso.payments.services.issue_invoice",
                    side_effect=DatabaseError("disk full")), pytest.raises(DatabaseError):
        services.manual_crossing(actor=user("cuakhau"), declaration=truck, gate=border,
                                 reason="camera_down")
    truck.refresh_from_db()
    assert truck.state == "cleared"
    assert not AuditEntry.objects.filter(action="declaration.crossed").exists()


def test_only_a_cleared_truck_of_that_gate_crosses_by_hand(border, enterprise_user):
    waiting = declare(enterprise_user, plate="12C-999.99")
    with pytest.raises(DomainError) as not_cleared:
        services.manual_crossing(actor=user("cuakhau"), declaration=waiting, gate=border,
                                 reason="plate_unreadable")
    assert not_cleared.value.status == 409
    cleared = cleared_truck(enterprise_user, border)
    with pytest.raises(DomainError):
        services.manual_crossing(actor=user("cuakhau"), declaration=cleared,
                                 gate=Gate.objects.get(code="tan-thanh"),
                                 reason="plate_unreadable")
    assert Declaration.objects.get(pk=waiting.pk).state == "submitted"
    assert Declaration.objects.get(pk=cleared.pk).state == "cleared"


@pytest.mark.parametrize("who", ["bql", "baixe", "haiquan", "thungan", "doanhnghiep", "laixe"])
def test_nobody_but_the_gate_operator_records_a_crossing_by_hand(border, enterprise_user, who):
    truck = cleared_truck(enterprise_user, border)
    client = logged_in(who)
    url = f"/border/gate/manual/{truck.pk}/"
    assert client.get("/border/gate/manual/").status_code == 403
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": "yes", "reason": "camera_down"}).status_code == 403
    with pytest.raises(DomainError) as refused:
        services.manual_crossing(actor=user(who), declaration=truck, gate=border,
                                 reason="camera_down")
    assert refused.value.status == 403
    assert Declaration.objects.get(pk=truck.pk).state == "cleared"
    assert f"/border/gate/manual/{truck.pk}/" not in logged_in(who).get(
        "/border/gate/?gate=huu-nghi").content.decode()


def test_a_gate_operator_of_another_place_gets_a_404(border, enterprise_user):
    """A gate operator whose organisation does not operate this gate's camera."""
    truck = cleared_truck(enterprise_user, border)
    elsewhere = Organization.objects.create(code="bql-khac", name="Ban quản lý khác",
                                            kind=Organization.objects.get(
                                                code="bql-cua-khau").kind)
    stranger = user("xa")
    Membership.objects.create(user=stranger, organization=elsewhere, role=Role.GATE_OPERATOR)
    Camera.objects.filter(code="cam-tan-thanh-gate").update(operator=elsewhere)
    client = logged_in("xa")
    assert client.get(f"/border/gate/manual/{truck.pk}/").status_code == 404
    assert client.get("/border/gate/manual/?gate=huu-nghi").status_code == 404
    assert client.post(f"/border/gate/manual/{truck.pk}/",
                       {"confirm": "yes", "reason": "camera_down"}).status_code == 404
    with pytest.raises(DomainError) as refused:
        services.manual_crossing(actor=stranger, declaration=truck, gate=border,
                                 reason="camera_down")
    assert refused.value.status == 403
    assert Declaration.objects.get(pk=truck.pk).state == "cleared"
    # Its own gate's page works, and lists nothing of Hữu Nghị.
    own = client.get("/border/gate/manual/")
    assert own.status_code == 200 and truck.plate not in own.content.decode()
