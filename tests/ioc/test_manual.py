"""Manual figures: the owner agency's data officer enters a quarter's value with its source
document, the operations centre approves it (or returns it with a reason); only approved
values count; every change is audited; bad input names its field in both languages and
saves nothing."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import user_with_role
from tinhso.accounts.models import Role
from tinhso.core import pdf
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.models import AuditEntry
from tinhso.ioc import services
from tinhso.ioc.models import ManualState, ManualValue, Snapshot, Status, Target

pytestmark = pytest.mark.django_db


def paper() -> io.BytesIO:
    return io.BytesIO(pdf.simple_document("Báo cáo GRDP quý 3/2026", ["Kinh tế số: 12,4 %"]))


@pytest.fixture
def people(catalogue):
    owner = catalogue["digital_economy_share"].owner
    return {"officer": user_with_role(Role.DATA_OFFICER, owner),
            "other_agency": user_with_role(Role.DATA_OFFICER),
            "operator": user_with_role(Role.IOC_OPERATOR),
            "leader": user_with_role(Role.PROVINCE_LEADER)}


def enter(people, who="officer", **kw):
    values = {"indicator_code": "digital_economy_share", "period": "2026-Q3",
              "value": "12.4", "unit": "percent", "document": paper(), "note": ""}
    values.update(kw)
    return services.submit_manual_value(actor=people[who], now=timezone.now(), **values)


def province(period="2026-Q3"):
    return Snapshot.objects.filter(indicator__code="digital_economy_share", period=period,
                                   commune__isnull=True).first()


def test_entered_then_approved_counts(people, clock):
    row = enter(people)
    assert row.state == ManualState.SUBMITTED and row.document.startswith("ioc/")
    assert province() is None  # not counted before approval
    services.approve_manual_value(actor=people["operator"], value_id=row.pk,
                                  now=timezone.now())
    figure = province()
    assert (figure.value, figure.target, figure.status) == (D("12.4"), D(15), Status.OFF_TRACK)
    actions = list(AuditEntry.objects.filter(object_id=str(row.pk),
                                             action__startswith="ioc.value")
                   .values_list("action", flat=True).order_by("id"))
    assert actions == ["ioc.value_entered", "ioc.value_approved"]


def test_a_correction_supersedes_the_approved_value_and_both_are_kept(people, clock):
    first = enter(people)
    services.approve_manual_value(actor=people["operator"], value_id=first.pk,
                                  now=timezone.now())
    second = enter(people, value="13.9")
    assert province().value == D("12.4")  # the correction counts only once approved
    services.approve_manual_value(actor=people["operator"], value_id=second.pk,
                                  now=timezone.now())
    first.refresh_from_db()
    assert first.state == ManualState.SUPERSEDED
    assert province().value == D("13.9") and province().status == Status.AT_RISK
    audit = AuditEntry.objects.get(action="ioc.value_approved", object_id=str(second.pk))
    assert audit.before["value"] == "12.4" and audit.after["value"] == "13.9"


def test_returned_with_a_reason_does_not_count(people, clock):
    row = enter(people)
    with pytest.raises(DomainError) as error:
        services.return_manual_value(actor=people["operator"], value_id=row.pk, reason="other",
                                     note="", now=timezone.now())
    assert error.value.field == "note"
    services.return_manual_value(actor=people["operator"], value_id=row.pk,
                                 reason="wrong_value", now=timezone.now())
    row.refresh_from_db()
    assert (row.state, row.return_reason) == (ManualState.RETURNED, "wrong_value")
    assert province() is None
    with pytest.raises(DomainError) as again:
        services.approve_manual_value(actor=people["operator"], value_id=row.pk,
                                      now=timezone.now())
    assert again.value.code == "ioc.not_waiting"


@pytest.mark.parametrize(("who", "action"), [
    ("other_agency", "enter"), ("operator", "enter"), ("leader", "enter"),
    ("officer", "approve"), ("leader", "approve"),
])
def test_only_the_owner_agency_enters_and_only_the_centre_approves(people, clock, who, action):
    if action == "enter":
        with pytest.raises(PermissionDenied):
            enter(people, who)
        assert not ManualValue.objects.exists()
    else:
        row = enter(people)
        with pytest.raises(PermissionDenied):
            services.approve_manual_value(actor=people[who], value_id=row.pk,
                                          now=timezone.now())
        row.refresh_from_db()
        assert row.state == ManualState.SUBMITTED


def test_the_operator_cannot_approve_a_value_they_entered(people, catalogue, clock):
    operator = people["operator"]
    from tinhso.accounts.models import Membership

    Membership.objects.create(user=operator, organization=catalogue["grdp"].owner,
                              role=Role.DATA_OFFICER)
    operator.__dict__.pop("_tinhso_roles", None)  # the roles cached for the request
    row = enter(people, "operator", indicator_code="grdp", unit="vnd", value="25000000000000")
    with pytest.raises(DomainError) as error:
        services.approve_manual_value(actor=operator, value_id=row.pk, now=timezone.now())
    assert error.value.code == "ioc.own_value"


@pytest.mark.parametrize(("changes", "fields"), [
    ({"unit": "vnd"}, {"unit"}),
    ({"period": "2026-09"}, {"period"}),
    ({"period": "2027-Q2"}, {"period"}),          # not started yet
    ({"value": "mười hai"}, {"value"}),
    ({"value": "140"}, {"value"}),                # a share above 100 %
    ({"document": None}, {"document"}),
    ({"unit": "count", "period": "Q3", "value": "x", "document": None},
     {"unit", "period", "value", "document"}),
])
def test_bad_input_names_every_field_and_saves_nothing(people, clock, changes, fields):
    with pytest.raises(InvalidInput) as error:
        enter(people, **changes)
    listed = error.value.as_list()
    assert {e["field"] for e in listed} == fields
    assert all(e["message_vi"] and e["message_en"] and e["message_vi"] != e["message_en"]
               for e in listed)
    assert not ManualValue.objects.exists()


def test_a_document_that_is_not_a_pdf_or_picture_is_refused(people, clock):
    with pytest.raises(InvalidInput) as error:
        enter(people, document=io.BytesIO(b"MZ\x90\x00 not a document"))
    assert [e["field"] for e in error.value.as_list()] == ["document"]
    assert not ManualValue.objects.exists()


def test_unknown_or_computed_indicators_are_refused(people, clock):
    with pytest.raises(DomainError) as unknown:
        enter(people, indicator_code="ty-le-bia-hoi")
    assert (unknown.value.field, unknown.value.code) == ("indicator", "ioc.unknown_indicator")
    assert "không tồn tại" in unknown.value.message_vi
    assert "does not exist" in unknown.value.message_en
    with pytest.raises(DomainError) as computed:
        enter(people, indicator_code="households_with_shop")
    assert computed.value.code == "ioc.not_manual"


def test_targets_for_this_year_or_later_only(people, clock):
    operator = people["operator"]
    with pytest.raises(InvalidInput) as error:
        services.set_target(actor=operator, indicator_code="digital_economy_share", year=2025,
                            value="11", now=timezone.now())
    [item] = error.value.as_list()
    assert item["field"] == "year" and "2025" in item["message_vi"]
    with pytest.raises(DomainError) as unknown:
        services.set_target(actor=operator, indicator_code="nope", year=2027, value="1",
                            now=timezone.now())
    assert unknown.value.field == "indicator"
    target = services.set_target(actor=operator, indicator_code="digital_economy_share",
                                 year=2026, value="16", now=timezone.now())
    assert Target.objects.get(pk=target.pk).value == D(16)
    audit = AuditEntry.objects.get(action="ioc.target_set")
    assert (audit.before, audit.after["value"]) == ({"value": "15"}, "16")
    # The owner agency's data officer sets its indicator's targets; another agency's may not.
    services.set_target(actor=people["officer"], indicator_code="digital_economy_share",
                        year=2027, value="18", now=timezone.now())
    with pytest.raises(PermissionDenied):
        services.set_target(actor=people["other_agency"],
                            indicator_code="digital_economy_share", year=2027, value="19",
                            now=timezone.now())
    with pytest.raises(PermissionDenied):
        services.set_target(actor=people["leader"], indicator_code="digital_economy_share",
                            year=2027, value="19", now=timezone.now())
    assert Target.objects.get(indicator__code="digital_economy_share", year=2027).value == 18


def test_the_page_offers_quarters_by_name_and_sends_the_one_picked(people, clock, client):
    """A data officer picks "Quý 3/2026" from a list (the last complete quarter is offered
    first), never types a code like "2026-Q3"."""
    import re

    client.force_login(people["officer"])
    page = client.get("/ioc/so-lieu/").content.decode()
    select = re.search(r'<select id="period" name="period">(.*?)</select>', page, re.S)[1]
    options = re.findall(r'<option value="([^"]+)" ?(selected)?>([^<]+)</option>', select)
    assert [key for key, _, _ in options[:3]] == ["2026-Q4", "2026-Q3", "2026-Q2"]
    assert len(options) == 8 and options[-1][0] == "2025-Q1"
    assert [(key, label) for key, chosen, label in options if chosen] == [
        ("2026-Q3", "Quý 3/2026")]
    assert "2026-Q3" not in re.sub(r'value="[^"]*"', "", select)

    sent = client.post("/ioc/so-lieu/", {
        "indicator": "digital_economy_share", "period": "2026-Q2", "value": "11,8",
        "unit": "percent", "document": paper(), "note": ""})
    assert sent.status_code == 302
    assert ManualValue.objects.get().period == "2026-Q2"
