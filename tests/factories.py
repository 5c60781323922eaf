"""Factories with traits named after domain states."""

from __future__ import annotations

import math
from datetime import time, timedelta

import factory
from django.db.models import F
from django.utils import timezone

from tinhso.accounts.models import Membership, Organization, OrganizationKind, Role, User
from tinhso.border import services
from tinhso.border.models import (
    Agency,
    ClearanceDecision,
    Declaration,
    DeclarationState,
    Direction,
    Gate,
    GateKind,
    GoodsCategory,
    Slot,
    Verdict,
    Yard,
)
from tinhso.border.platematch import plate_key
from tinhso.border.selectors import hour_of

S = DeclarationState


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Công ty TNHH Thử nghiệm {n}")
    kind = OrganizationKind.ENTERPRISE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-Lạng-Sơn-1")

    @factory.post_generation
    def save_after(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(role: Role, organization: Organization | None = None, **kwargs) -> User:
    user = UserFactory(**kwargs)
    organization = organization or OrganizationFactory()
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


# ---------------------------------------------------------------- border
#
# Reference data is looked up by code (get-or-create): inside the `border` fixture the
# factories reuse the Lạng Sơn demo rows seeded by `seed_border` / `seed_accounts`; in a
# test without it they create rows with the same codes and demo values.


class GateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gate
        django_get_or_create = ("code",)

    code = "huu-nghi"
    name = "Cửa khẩu quốc tế Hữu Nghị"
    kind = GateKind.INTERNATIONAL
    opens_at = time(7)
    closes_at = time(22)
    export_per_hour = 18
    import_per_hour = 41
    transit_per_hour = 4


class YardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Yard
        django_get_or_create = ("code",)

    gate = factory.SubFactory(GateFactory)
    code = factory.LazyAttribute(lambda o: f"yard-{o.gate.code}-1")
    name = factory.LazyAttribute(lambda o: f"Bãi xe {o.gate.name}")
    capacity = 600
    operator = factory.SubFactory(OrganizationFactory, code="bai-xe-huu-nghi",
                                  name="Công ty CP Kho bãi Hữu Nghị",
                                  kind=OrganizationKind.YARD_OPERATOR)


class GoodsCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoodsCategory
        django_get_or_create = ("code",)

    code = "manufactured"
    name = "Hàng công nghiệp, linh kiện điện tử"
    perishable = False
    needs_quarantine = False

    class Params:
        fresh_fruit = factory.Trait(
            code="fresh-fruit", name="Hoa quả tươi (thanh long, sầu riêng, mít, chuối…)",
            perishable=True, shelf_life_hours=96, needs_quarantine=True)


def yard_of(gate: Gate) -> Yard:
    """The first yard of a gate (Hữu Nghị: `yard-huu-nghi-1`, the one with demo cameras)."""
    return Yard.objects.filter(gate=gate).order_by("code").first() or YardFactory(gate=gate)


AGENCY_OFFICERS = {
    Agency.CUSTOMS: (Role.CUSTOMS_OFFICER, "hai-quan"),
    Agency.QUARANTINE: (Role.QUARANTINE_OFFICER, "kiem-dich"),
    Agency.BORDER_GUARD: (Role.BORDER_GUARD_OFFICER, "bien-phong"),
}


def officer_of(agency: str) -> User:
    """An officer of the agency: the demo one when seeded, else a new one."""
    role, org_code = AGENCY_OFFICERS[Agency(agency)]
    found = User.objects.filter(memberships__role=role, is_active=True).order_by("pk").first()
    return found or user_with_role(role, OrganizationFactory(
        code=org_code, kind=OrganizationKind.STATE_AGENCY))


# The road a truck travels, in order; `held` stands where `state_before_hold` was.
_ROAD = [S.SUBMITTED, S.BOOKED, S.IN_YARD, S.CALLED, S.AT_GATE, S.CLEARED, S.CROSSED]
# When each step of the road was taken, counted back from now (minutes).
_STAMPS = {"submitted_at": (S.SUBMITTED, 360), "checked_in_at": (S.IN_YARD, 180),
           "called_at": (S.CALLED, 60), "at_gate_at": (S.AT_GATE, 40),
           "cleared_at": (S.CLEARED, 20), "crossed_at": (S.CROSSED, 10)}
# Ends of the road that had been submitted (a cancelled or rejected truck was, a draft not).
_SUBMITTED_ENDS = {S.CANCELLED, S.REJECTED, S.NO_SHOW}


def _place(o) -> str:
    """Where on the road the declaration is: a held truck is where it was stopped."""
    return o.state_before_hold if o.state == S.HELD else o.state


def reached(o, step: str) -> bool:
    place = _place(o)
    if place in _ROAD:
        return _ROAD.index(place) >= _ROAD.index(step)
    return step == S.SUBMITTED and place in _SUBMITTED_ENDS


def _stamp(field: str):
    step, minutes_ago = _STAMPS[field]
    # A walk-in truck never booked: every truck past the yard was checked in.
    return factory.LazyAttribute(
        lambda o: timezone.now() - timedelta(minutes=minutes_ago) if reached(o, step) else None)


def _plate(n: int, series: str) -> str:
    number = (70000 + n) % 100000
    return f"12{series}-{number // 100:03d}.{number % 100:02d}"


def _slot_for(o) -> Slot:
    """The slot of the hour of the truck's expected arrival, created as the booking
    service would (gate capacity, perishable share); its counters are taken in
    `DeclarationFactory.count_in_slot`, once the declaration exists."""
    hour = hour_of(o.expected_arrival)
    capacity = o.gate.capacity_per_hour(o.direction)
    slot, _ = Slot.objects.get_or_create(
        gate=o.gate, direction=o.direction, starts_at=hour,
        defaults={"capacity": capacity,
                  "perishable_reserved": math.ceil(capacity * o.gate.perishable_share_pct / 100)})
    return slot


class DeclarationFactory(factory.django.DjangoModelFactory):
    """A declaration of the demo enterprise (Nông sản Xứ Lạng) at Hữu Nghị, export of
    manufactured goods, submitted unless a state trait says otherwise:

        DeclarationFactory(booked=True, perishable=True)
        DeclarationFactory(held=True, state_before_hold="at_gate", held_by="quarantine")

    Every row is what the services would have left behind in that state: the timestamps
    of the steps taken, a yard of its gate once checked in, a booked slot whose counters
    count it (`with_slot=True` keeps one in other states too), pass verdicts of every
    required agency once cleared, the open hold or the reject that put it where it is.
    Audit entries are not written: the factory is not the app."""

    class Meta:
        model = Declaration
        skip_postgeneration_save = True

    class Params:
        with_slot = False

        draft = factory.Trait(state=S.DRAFT)
        submitted = factory.Trait(state=S.SUBMITTED)
        booked = factory.Trait(state=S.BOOKED)
        in_yard = factory.Trait(state=S.IN_YARD)
        called = factory.Trait(state=S.CALLED)
        at_gate = factory.Trait(state=S.AT_GATE)
        cleared = factory.Trait(state=S.CLEARED)
        crossed = factory.Trait(state=S.CROSSED)
        held = factory.Trait(state=S.HELD, state_before_hold=S.IN_YARD)
        no_show = factory.Trait(state=S.NO_SHOW)
        cancelled = factory.Trait(state=S.CANCELLED)
        rejected = factory.Trait(state=S.REJECTED)
        perishable = factory.Trait(goods=factory.SubFactory(GoodsCategoryFactory,
                                                            fresh_fruit=True))

    enterprise = factory.SubFactory(OrganizationFactory, code="dn-nong-san-xu-lang",
                                    name="Công ty TNHH Nông sản Xứ Lạng")
    state = S.SUBMITTED
    state_before_hold = ""
    plate = factory.Sequence(lambda n: _plate(n, "C"))
    plate_key = factory.LazyAttribute(lambda o: plate_key(o.plate))
    trailer_plate = factory.Sequence(lambda n: _plate(n, "R"))
    driver_name = "Hoàng Văn Tài"
    driver_id_number = "020090001234"
    driver_phone = "0912000002"
    goods = factory.SubFactory(GoodsCategoryFactory)
    goods_description = factory.LazyAttribute(
        lambda o: "Thanh long ruột đỏ" if o.goods.perishable else "Linh kiện điện tử")
    weight_kg = 28000
    containers = 1
    direction = Direction.EXPORT
    gate = factory.SubFactory(GateFactory)
    # Arrived trucks (and no-shows) were expected three hours ago, the others are on the way.
    expected_arrival = factory.LazyAttribute(
        lambda o: timezone.now() + timedelta(
            hours=-3 if reached(o, S.IN_YARD) or o.state == S.NO_SHOW else 3))
    # A booked truck holds a place (a held one too, if it was booked when stopped); past
    # the yard, the booking stays on the row only when asked for.
    slot = factory.Maybe(factory.LazyAttribute(lambda o: o.with_slot or _place(o) == S.BOOKED),
                         yes_declaration=factory.LazyAttribute(_slot_for), no_declaration=None)
    yard = factory.LazyAttribute(lambda o: yard_of(o.gate) if reached(o, S.IN_YARD) else None)
    submitted_at = _stamp("submitted_at")
    checked_in_at = _stamp("checked_in_at")
    called_at = _stamp("called_at")
    at_gate_at = _stamp("at_gate_at")
    cleared_at = _stamp("cleared_at")
    crossed_at = _stamp("crossed_at")
    # Which agency holds a `held` truck (not a column: kept on the instance for `verdicts`).
    held_by = Agency.CUSTOMS

    @classmethod
    def _create(cls, model_class, *args, held_by=Agency.CUSTOMS, **kwargs):
        declaration = super()._create(model_class, *args, **kwargs)
        declaration._held_by = held_by
        return declaration

    @factory.post_generation
    def count_in_slot(obj, create, extracted, **kwargs):
        """The slot's counters count every declaration holding a place in it."""
        if create and obj.slot_id is not None:
            changes = {"booked": F("booked") + 1}
            if obj.goods.perishable:
                changes["booked_perishable"] = F("booked_perishable") + 1
            Slot.objects.filter(pk=obj.slot_id).update(**changes)
            obj.slot.refresh_from_db()

    @factory.post_generation
    def verdicts(obj, create, extracted, **kwargs):
        """The clearance decisions that brought the declaration to its state."""
        if not create:
            return
        if reached(obj, S.CLEARED) and obj.state != S.HELD:
            for agency in sorted(services.required_agencies(obj)):
                ClearanceDecision.objects.create(declaration=obj, agency=agency,
                                                 verdict=Verdict.PASS, officer=officer_of(agency))
        elif obj.state == S.HELD:
            ClearanceDecision.objects.create(
                declaration=obj, agency=obj._held_by, verdict=Verdict.HOLD,
                note="Kiểm tra thực tế lô hàng", officer=officer_of(obj._held_by))
        elif obj.state == S.REJECTED:
            ClearanceDecision.objects.create(
                declaration=obj, agency=Agency.CUSTOMS, verdict=Verdict.REJECT,
                note="Sai mã HS", officer=officer_of(Agency.CUSTOMS))
