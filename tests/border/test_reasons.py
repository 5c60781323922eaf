"""Reject, hold and cancel ask first and keep a reason (part 2 of "Irreversible actions ask
first and keep a reason").

A hold or a reject in the clearance console and cancelling a declaration open a
confirmation page first; nothing changes until its form is sent. The reason (a code of the
action's table, "other" with a note) is required by the service, so the API refuses a
missing or unknown one with a 422 naming the field; it is stored, audited and shown to the
enterprise on its declaration page and in its notification. A pass needs no reason.
"""

from __future__ import annotations

import pytest

from tests.border.conftest import user
from tests.border.test_end_to_end import logged_in, post
from tests.factories import DeclarationFactory
from tinhso.border import services
from tinhso.border.models import ClearanceDecision, Declaration, Slot
from tinhso.core.errors import DomainError
from tinhso.core.models import AuditEntry, OutgoingNotification

API = "/api/v1/border"


def snapshot() -> tuple:
    return (list(Declaration.objects.values_list("pk", "state", "slot_id", "cancel_reason")),
            ClearanceDecision.objects.count(), AuditEntry.objects.count(),
            list(Slot.objects.values_list("booked", flat=True)))


# ---------------------------------------------------------------- the service and the API


@pytest.mark.parametrize(("verdict", "payload", "field", "code"), [
    ("reject", {}, "reason", "reason.required"),
    ("reject", {"reason": "bad_mood"}, "reason", "reason.unknown"),
    ("reject", {"reason": "sample"}, "reason", "reason.unknown"),  # a hold reason
    ("reject", {"reason": "other"}, "note", "reason.note_required"),
    ("hold", {}, "reason", "reason.required"),
    ("hold", {"reason": "prohibited"}, "reason", "reason.unknown"),  # a reject reason
    ("hold", {"reason": "other", "note": "   "}, "note", "reason.note_required"),
])
def test_the_api_refuses_a_hold_or_reject_without_a_valid_reason(border, verdict, payload,
                                                                 field, code):
    truck = DeclarationFactory(at_gate=True, with_slot=True)
    before = snapshot()
    response = post(logged_in("haiquan"), f"{API}/declarations/{truck.pk}/clearance",
                    {"agency": "customs", "verdict": verdict, **payload})
    assert response.status_code == 422, response.content
    [error] = response.json()["detail"]
    assert (error["field"], error["code"]) == (field, code)
    assert error["message_vi"] and error["message_en"] and error["message_vi"] != error[
        "message_en"]
    assert snapshot() == before


def test_a_pass_needs_no_reason(border):
    truck = DeclarationFactory(at_gate=True)
    response = post(logged_in("haiquan"), f"{API}/declarations/{truck.pk}/clearance",
                    {"agency": "customs", "verdict": "pass"})
    assert response.status_code == 200, response.content
    assert ClearanceDecision.objects.get().reason == ""


def test_a_reject_keeps_its_reason_in_the_audit_and_tells_the_enterprise(
        border, django_capture_on_commit_callbacks):
    truck = DeclarationFactory(at_gate=True, with_slot=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(logged_in("haiquan"), f"{API}/declarations/{truck.pk}/clearance",
                        {"agency": "customs", "verdict": "reject",
                         "reason": "goods_mismatch", "note": "Sai mã HS 0810"})
    assert response.status_code == 200 and response.json()["state"] == "rejected"
    decision = ClearanceDecision.objects.get()
    assert (decision.reason, decision.note) == ("goods_mismatch", "Sai mã HS 0810")
    verdict = AuditEntry.objects.get(action="clearance.customs.reject")
    assert verdict.after["reason"] == "goods_mismatch" and verdict.note == "Sai mã HS 0810"
    moved = AuditEntry.objects.get(action="declaration.rejected")
    assert moved.after == {"state": "rejected", "agency": "customs", "reason": "goods_mismatch"}
    assert "Goods do not match the declaration" in moved.note
    note = OutgoingNotification.objects.get(kind="rejected")
    assert note.recipient == f"org:{truck.enterprise_id}"
    assert "Hàng hóa không khớp với tờ khai — Sai mã HS 0810" in note.message_vi
    assert "Hải quan" in note.message_vi
    assert "Goods do not match the declaration — Sai mã HS 0810" in note.message_en

    page = logged_in("doanhnghiep").get(f"/border/declarations/{truck.pk}/")
    assert "Hàng hóa không khớp với tờ khai" in page.content.decode()
    assert "Sai mã HS 0810" in page.content.decode()


def test_a_hold_with_other_keeps_the_note(border, django_capture_on_commit_callbacks):
    truck = DeclarationFactory(at_gate=True, perishable=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_clearance(actor=user("kiemdich"), declaration=truck,
                                  agency="quarantine", verdict="hold", reason="other",
                                  note="Chờ kết quả phòng thí nghiệm")
    assert Declaration.objects.get(pk=truck.pk).state == "held"
    assert ClearanceDecision.objects.get().reason_label == "Lý do khác"
    note = OutgoingNotification.objects.get(kind="held")
    assert "Lý do khác — Chờ kết quả phòng thí nghiệm" in note.message_vi


def test_the_api_refuses_a_cancel_without_a_reason(border):
    truck = DeclarationFactory(booked=True)
    before = snapshot()
    client = logged_in("doanhnghiep")
    for body, field in (({}, "reason"), ({"reason": "whim"}, "reason"),
                        ({"reason": "other"}, "note")):
        response = post(client, f"{API}/declarations/{truck.pk}/cancel", body)
        assert response.status_code == 422, response.content
        assert response.json()["detail"][0]["field"] == field
    assert snapshot() == before


def test_a_cancel_keeps_its_reason_and_the_enterprise_sees_it(border):
    truck = DeclarationFactory(booked=True)
    response = post(logged_in("doanhnghiep"), f"{API}/declarations/{truck.pk}/cancel",
                    {"reason": "wrong_gate_vehicle", "note": "Đổi xe 12C-999.99"})
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    assert (response.json()["cancel_reason"], response.json()["cancel_note"]) == (
        "wrong_gate_vehicle", "Đổi xe 12C-999.99")
    truck.refresh_from_db()
    assert (truck.cancel_reason, truck.cancel_note) == ("wrong_gate_vehicle",
                                                        "Đổi xe 12C-999.99")
    entry = AuditEntry.objects.get(action="declaration.cancelled")
    assert entry.after == {"state": "cancelled", "reason": "wrong_gate_vehicle"}
    assert entry.note == "Wrong gate or vehicle — Đổi xe 12C-999.99"
    body = logged_in("doanhnghiep").get(f"/border/declarations/{truck.pk}/").content.decode()
    assert "Sai cửa khẩu hoặc phương tiện" in body and "Đổi xe 12C-999.99" in body


def test_the_service_refuses_a_cancel_without_a_reason(border, enterprise_user):
    truck = DeclarationFactory(booked=True)
    with pytest.raises(DomainError) as refused:
        services.cancel_declaration(actor=enterprise_user, declaration=truck)
    assert (refused.value.field, refused.value.code) == ("reason", "reason.required")
    assert Declaration.objects.get(pk=truck.pk).state == "booked"


# ---------------------------------------------------------------- the pages: two steps


def test_the_console_offers_hold_and_reject_only_through_a_confirmation_page(border):
    truck = DeclarationFactory(at_gate=True, with_slot=True)
    console = logged_in("haiquan").get("/border/clearance/?agency=customs").content.decode()
    assert (f'/border/clearance/confirm/?agency=customs&amp;declaration={truck.pk}'
            f'&amp;verdict=reject') in console
    assert 'name="verdict" value="reject"' not in console  # no one-tap reject button


def test_the_confirmation_page_names_the_truck_and_changes_nothing(border):
    truck = DeclarationFactory(at_gate=True, with_slot=True)
    before = snapshot()
    page = logged_in("haiquan").get(
        f"/border/clearance/confirm/?agency=customs&declaration={truck.pk}&verdict=reject")
    assert page.status_code == 200
    body = page.content.decode()
    assert truck.plate in body and "Không thể hoàn tác" in body
    assert 'name="confirm" value="yes"' in body and 'value="phytosanitary"' in body
    assert snapshot() == before


@pytest.mark.parametrize("verdict", ["reject", "hold"])
def test_a_single_post_without_the_confirmation_step_does_not_act(border, verdict):
    truck = DeclarationFactory(at_gate=True, with_slot=True)
    before = snapshot()
    response = logged_in("haiquan").post("/border/clearance/", {
        "agency": "customs", "declaration": truck.pk, "verdict": verdict,
        "reason": "documents_invalid" if verdict == "reject" else "inspection"})
    assert response.status_code == 302
    assert response["Location"] == (f"/border/clearance/confirm/?agency=customs"
                                    f"&declaration={truck.pk}&verdict={verdict}")
    assert snapshot() == before


def test_the_confirmed_reject_acts_and_a_missing_reason_is_shown_on_the_page(border):
    truck = DeclarationFactory(at_gate=True, with_slot=True)
    client = logged_in("haiquan")
    form = {"agency": "customs", "declaration": truck.pk, "verdict": "reject",
            "confirm": "yes"}
    before = snapshot()
    missing = client.post("/border/clearance/", {**form, "reason": "other", "note": ""})
    assert missing.status_code == 422
    assert "ghi rõ lý do" in missing.content.decode()
    assert snapshot() == before
    done = client.post("/border/clearance/", {**form, "reason": "prohibited"})
    assert done.status_code == 302
    assert Declaration.objects.get(pk=truck.pk).state == "rejected"
    assert ClearanceDecision.objects.get().reason == "prohibited"


def test_the_pass_button_still_acts_in_one_tap(border):
    truck = DeclarationFactory(at_gate=True)
    response = logged_in("haiquan").post("/border/clearance/", {
        "agency": "customs", "declaration": truck.pk, "verdict": "pass"})
    assert response.status_code == 302
    assert ClearanceDecision.objects.get().verdict == "pass"


def test_cancelling_on_the_page_takes_two_steps(border):
    truck = DeclarationFactory(booked=True)
    client = logged_in("doanhnghiep")
    url = f"/border/declarations/{truck.pk}/cancel/"
    before = snapshot()
    page = client.get(url)
    assert page.status_code == 200
    assert truck.plate in page.content.decode() and 'value="goods_not_ready"' in page.content.decode()
    bare = client.post(url, {"reason": "goods_not_ready"})
    assert bare.status_code == 302 and bare["Location"] == url
    assert snapshot() == before
    done = client.post(url, {"confirm": "yes", "reason": "goods_not_ready"})
    assert done.status_code == 302
    truck.refresh_from_db()
    assert (truck.state, truck.cancel_reason) == ("cancelled", "goods_not_ready")


def test_other_enterprises_and_officers_cannot_open_the_cancel_page(border):
    truck = DeclarationFactory(booked=True)
    assert logged_in("doanhnghiep2").get(f"/border/declarations/{truck.pk}/cancel/"
                                         ).status_code == 404
    assert logged_in("bql").get(f"/border/declarations/{truck.pk}/cancel/").status_code == 403
