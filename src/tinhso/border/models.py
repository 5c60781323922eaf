"""Digital border gate: reference data, declarations, slots, camera events, clearance."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.constraints import moment_in_window
from tinhso.core.reasons import reason_label


class Direction(models.TextChoices):
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")
    TRANSIT = "transit", _("Temporary import / re-export")


class GateKind(models.TextChoices):
    INTERNATIONAL = "international", _("International gate")
    MAIN = "main", _("Main (bilateral) gate")
    SECONDARY = "secondary", _("Secondary gate")
    CROSSING_POINT = "crossing_point", _("Crossing point")


class Gate(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=GateKind.choices)
    commune = models.ForeignKey(
        "core.AdministrativeUnit", null=True, blank=True, on_delete=models.PROTECT
    )
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    export_per_hour = models.PositiveIntegerField(_("export capacity per hour"), default=0)
    import_per_hour = models.PositiveIntegerField(_("import capacity per hour"), default=0)
    transit_per_hour = models.PositiveIntegerField(_("transit capacity per hour"), default=0)
    perishable_share_pct = models.PositiveSmallIntegerField(
        _("capacity share reserved for perishables (%)"), default=30
    )
    perishable_interleave = models.PositiveSmallIntegerField(
        _("call 1 perishable for every N other trucks"), default=2
    )
    late_grace_minutes = models.PositiveIntegerField(_("late arrival grace (minutes)"), default=60)
    no_show_after_minutes = models.PositiveIntegerField(_("no-show after (minutes)"), default=180)
    # Congestion advisory thresholds: the level rises when either the estimated wait for a
    # truck arriving now or the backlog (trucks waiting) passes them.
    busy_wait_hours = models.FloatField(_("busy when the estimated wait exceeds (h)"), default=4)
    congested_wait_hours = models.FloatField(
        _("congested when the estimated wait exceeds (h)"), default=24)
    busy_backlog = models.PositiveIntegerField(_("busy when trucks waiting exceed"), default=300)
    congested_backlog = models.PositiveIntegerField(
        _("congested when trucks waiting exceed"), default=1000)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("border gate")
        verbose_name_plural = _("border gates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def capacity_per_hour(self, direction: str) -> int:
        return getattr(self, f"{direction}_per_hour")

    def serves(self, direction: str) -> bool:
        return self.capacity_per_hour(direction) > 0

    @property
    def open_around_the_clock(self) -> bool:
        return self.closes_at <= self.opens_at

    def works_at(self, local_time: time) -> bool:
        """Whether the gate works at this local time of day."""
        return self.open_around_the_clock or self.opens_at <= local_time < self.closes_at

    def is_open_at(self, moment: datetime) -> bool:
        return self.works_at(timezone.localtime(moment).time())

    def reopens_at(self, moment: datetime) -> datetime | None:
        """When a gate closed at `moment` opens again (local time); None if it is open."""
        if self.is_open_at(moment):
            return None
        local = timezone.localtime(moment)
        day = local.date() if local.time() < self.opens_at else local.date() + timedelta(days=1)
        return timezone.make_aware(datetime.combine(day, self.opens_at))


class Yard(models.Model):
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="yards")
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    capacity = models.PositiveIntegerField(_("capacity (trucks)"))
    operator = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="yards"
    )

    class Meta:
        verbose_name = _("yard")
        verbose_name_plural = _("yards")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CameraPosition(models.TextChoices):
    YARD_ENTRY = "yard_entry", _("Yard entry")
    YARD_EXIT = "yard_exit", _("Yard exit")
    GATE = "gate", _("Border gate")


class Camera(models.Model):
    code = models.CharField(_("camera id"), max_length=40, unique=True)
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="cameras")
    yard = models.ForeignKey(
        Yard, null=True, blank=True, on_delete=models.PROTECT, related_name="cameras"
    )
    position = models.CharField(_("position"), max_length=12, choices=CameraPosition.choices)
    operator = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="cameras",
        help_text=_("Only this organisation's API keys may send events for this camera."),
    )
    min_confidence = models.FloatField(_("minimum confidence to act"), default=0.8)

    class Meta:
        verbose_name = _("plate camera")
        verbose_name_plural = _("plate cameras")
        constraints = [
            models.CheckConstraint(
                condition=Q(position="gate") | Q(yard__isnull=False), name="yard_camera_has_yard"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.get_position_display()})"


class GoodsCategory(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    perishable = models.BooleanField(_("perishable"), default=False)
    shelf_life_hours = models.PositiveIntegerField(_("shelf life (hours)"), null=True, blank=True)
    needs_quarantine = models.BooleanField(_("needs quarantine"), default=False)

    class Meta:
        verbose_name = _("goods category")
        verbose_name_plural = _("goods categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VehicleLock(models.Model):
    """One row per vehicle (``platematch.vehicle_id`` of its plate), locked while a trip of
    the vehicle is declared, moved or booked: two first declarations of one truck sent at
    the same moment are checked one after the other, so only one is its first trip."""

    vehicle = models.CharField(max_length=40, unique=True)

    def __str__(self) -> str:
        return self.vehicle


class SavedVehicle(models.Model):
    enterprise = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="saved_vehicles"
    )
    plate = models.CharField(_("plate"), max_length=20)
    trailer_plate = models.CharField(_("trailer plate"), max_length=20, blank=True)
    last_used_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "plate"], name="saved_vehicle_unique")
        ]

    def __str__(self) -> str:
        return self.plate


class SavedDriver(models.Model):
    enterprise = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="saved_drivers"
    )
    full_name = models.CharField(_("driver name"), max_length=120)
    id_number = models.CharField(_("citizen ID or passport"), max_length=20)
    phone = models.CharField(_("driver phone"), max_length=15)
    last_used_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "id_number"], name="saved_driver_unique")
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.phone})"


class Slot(models.Model):
    """One hour at one gate for one direction. `booked` can never pass `capacity`: the
    database refuses it (check constraint) and bookings increment it with a conditional
    UPDATE, so concurrent bookings cannot overbook."""

    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="slots")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    starts_at = models.DateTimeField()
    capacity = models.PositiveIntegerField()
    perishable_reserved = models.PositiveIntegerField(default=0)
    booked = models.PositiveIntegerField(default=0)
    booked_perishable = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["gate", "direction", "starts_at"], name="slot_unique"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="slot_not_overbooked"),
            models.CheckConstraint(
                condition=Q(booked_perishable__lte=F("booked")), name="slot_perishable_le_booked"
            ),
            moment_in_window("starts_at", "slot_starts_at_in_window"),
        ]

    def __str__(self) -> str:
        return f"{self.gate.code} {self.direction} {self.starts_at:%d/%m/%Y %H:%M}"

    @property
    def free(self) -> int:
        return self.capacity - self.booked


class DeclarationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    BOOKED = "booked", _("Slot booked")
    IN_YARD = "in_yard", _("In yard")
    CALLED = "called", _("Called to the gate")
    AT_GATE = "at_gate", _("At the gate")
    CLEARED = "cleared", _("Cleared")
    CROSSED = "crossed", _("Crossed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")
    HELD = "held", _("Held")
    REJECTED = "rejected", _("Rejected")


def new_ticket_token() -> str:
    return secrets.token_urlsafe(18)


class DeclarationQuerySet(models.QuerySet):
    def active(self):
        from tinhso.border.workflow import ACTIVE_STATES

        return self.filter(state__in=ACTIVE_STATES)

    def visible_to(self, user):
        """The one row-level rule: enterprise staff see their enterprise's declarations;
        officers of the gate, yards and agencies see those at their work; others nothing."""
        from tinhso.border.access import declaration_filter_for

        return self.filter(declaration_filter_for(user))


class Declaration(models.Model):
    # No single-column index on enterprise, gate or yard: the (enterprise, state),
    # (gate, state) and (yard, state) indexes below lead with them, and every check-in
    # would otherwise write one more index entry.
    enterprise = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="declarations",
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=DeclarationState.choices, default="draft"
    )
    state_before_hold = models.CharField(max_length=12, blank=True)
    # Why the enterprise cancelled (a CancelReason code and its note), shown on its page.
    cancel_reason = models.CharField(max_length=30, blank=True)
    cancel_note = models.TextField(blank=True)
    plate = models.CharField(_("vehicle plate"), max_length=20)
    plate_key = models.CharField(max_length=20)
    trailer_plate = models.CharField(_("trailer plate"), max_length=20, blank=True)
    driver_name = models.CharField(_("driver name"), max_length=120)
    driver_id_number = models.CharField(_("driver citizen ID or passport"), max_length=20)
    driver_phone = models.CharField(_("driver phone"), max_length=15)
    goods = models.ForeignKey(GoodsCategory, on_delete=models.PROTECT, verbose_name=_("goods"))
    goods_description = models.CharField(_("goods description"), max_length=255, blank=True)
    weight_kg = models.PositiveIntegerField(_("gross weight (kg)"))
    containers = models.PositiveSmallIntegerField(_("containers"), default=0)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="declarations",
                             db_index=False)
    expected_arrival = models.DateTimeField(_("expected arrival"))
    loaded_at = models.DateTimeField(_("loaded at"), null=True, blank=True)
    slot = models.ForeignKey(
        Slot, null=True, blank=True, on_delete=models.PROTECT, related_name="declarations"
    )
    yard = models.ForeignKey(Yard, null=True, blank=True, on_delete=models.PROTECT,
                             db_index=False)
    ticket_token = models.CharField(max_length=32, unique=True, default=new_ticket_token)
    submitted_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    called_at = models.DateTimeField(null=True, blank=True)
    at_gate_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    crossed_at = models.DateTimeField(null=True, blank=True)
    lost_booking_priority = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["gate", "state"]),
            models.Index(fields=["enterprise", "state"]),
            models.Index(fields=["yard", "state"]),
            models.Index(fields=["gate", "crossed_at"]),
            # Camera reads look trucks up by (plate key, gate, active state): one index
            # with all three, so no planner picks the (gate, state) scan instead.
            models.Index(fields=["plate_key", "gate", "state"]),
        ]
        constraints = [
            moment_in_window("expected_arrival", "declaration_arrival_in_window"),
            moment_in_window("loaded_at", "declaration_loaded_at_in_window", nullable=True),
        ]

    def __str__(self) -> str:
        return f"TK-{self.pk} {self.plate}"

    @property
    def cancel_reason_label(self) -> str:
        return reason_label(CancelReason, self.cancel_reason)

    @property
    def reference(self) -> str:
        return f"TK{self.pk:07d}"

    @property
    def perishable(self) -> bool:
        return self.goods.perishable


class PlateEvent(models.Model):
    """One read from a plate camera, kept whatever happened to it."""

    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched")
        EXCEPTION = "exception", _("Waiting at the exception desk")
        RESOLVED = "resolved", _("Resolved by an operator")
        DISMISSED = "dismissed", _("Dismissed by an operator")

    # Indexed by the (camera, event_id) constraint, which leads with it.
    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="events",
                               db_index=False)
    event_id = models.CharField(max_length=64)
    plate_read = models.CharField(max_length=32)
    confidence = models.FloatField()
    captured_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    declaration = models.ForeignKey(
        Declaration, null=True, blank=True, on_delete=models.PROTECT, related_name="plate_events"
    )
    match_score = models.FloatField(null=True, blank=True)
    barrier = models.CharField(max_length=5)  # open / hold
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.CharField(max_length=40, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["camera", "event_id"], name="plate_event_idempotent"),
            moment_in_window("captured_at", "plate_event_captured_in_window"),
        ]
        indexes = [models.Index(fields=["status", "camera"])]

    def __str__(self) -> str:
        return f"{self.camera.code}#{self.event_id} {self.plate_read}"


class Agency(models.TextChoices):
    CUSTOMS = "customs", _("Customs")
    QUARANTINE = "quarantine", _("Quarantine")
    BORDER_GUARD = "border_guard", _("Border guard")


class Verdict(models.TextChoices):
    PASS = "pass", _("Pass")
    HOLD = "hold", _("Hold")
    REJECT = "reject", _("Reject")


# Reasons an agency or the enterprise gives for an irreversible action (core.reasons):
# "other" needs a note. Shown to the enterprise on its declaration and in the notification.
class RejectReason(models.TextChoices):
    DOCUMENTS_INVALID = "documents_invalid", _("Documents invalid")
    GOODS_MISMATCH = "goods_mismatch", _("Goods do not match the declaration")
    PHYTOSANITARY = "phytosanitary", _("Phytosanitary failure")
    PROHIBITED = "prohibited", _("Prohibited goods")
    OTHER = "other", _("Other reason")


class HoldReason(models.TextChoices):
    INSPECTION = "inspection", _("Inspection needed")
    DOCUMENTS_MISSING = "documents_missing", _("Documents missing")
    SAMPLE = "sample", _("Sample taken for testing")
    OTHER = "other", _("Other reason")


class ManualCrossingReason(models.TextChoices):
    """Why a gate operator records a crossing by hand instead of the gate camera."""

    CAMERA_DOWN = "camera_down", _("Gate camera out of order")
    PLATE_UNREADABLE = "plate_unreadable", _("Plate dirty or unreadable")
    OTHER = "other", _("Other reason")


class CancelReason(models.TextChoices):
    TRIP_CANCELLED = "trip_cancelled", _("Trip cancelled")
    WRONG_GATE_OR_VEHICLE = "wrong_gate_vehicle", _("Wrong gate or vehicle")
    GOODS_NOT_READY = "goods_not_ready", _("Goods not ready")
    OTHER = "other", _("Other reason")


VERDICT_REASONS: dict[str, type[models.TextChoices]] = {
    Verdict.REJECT: RejectReason, Verdict.HOLD: HoldReason}


class ClearanceDecision(models.Model):
    declaration = models.ForeignKey(
        Declaration, on_delete=models.PROTECT, related_name="clearances"
    )
    agency = models.CharField(max_length=15, choices=Agency.choices)
    verdict = models.CharField(max_length=6, choices=Verdict.choices)
    reason = models.CharField(max_length=30, blank=True)  # a code of VERDICT_REASONS[verdict]
    note = models.TextField(blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.agency} {self.verdict} {self.declaration_id}"

    @property
    def reason_label(self) -> str:
        choices = VERDICT_REASONS.get(self.verdict)
        return reason_label(choices, self.reason) if choices else ""


class GateNotice(models.Model):
    """The management board announces a suspension or reduced capacity for a period (e.g.
    the other side closed for a holiday). Affected bookings are moved, never dropped."""

    class Kind(models.TextChoices):
        SUSPENSION = "suspension", _("Suspension")
        REDUCED = "reduced", _("Reduced capacity")

    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    capacity_pct = models.PositiveSmallIntegerField(
        _("remaining capacity (%)"), default=0,
        help_text=_("0 for a suspension; e.g. 50 when only half the trucks can cross."))
    directions = models.JSONField(_("directions (empty: all)"), default=list, blank=True)
    reason_vi = models.CharField(_("reason (Vietnamese)"), max_length=255)
    reason_en = models.CharField(_("reason (English)"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gate notice")
        verbose_name_plural = _("gate notices")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="notice_period"),
            models.CheckConstraint(condition=Q(capacity_pct__lte=100), name="notice_pct_le_100"),
            moment_in_window("starts_at", "notice_starts_in_window"),
            moment_in_window("ends_at", "notice_ends_in_window"),
        ]

    def __str__(self) -> str:
        return f"{self.gate}: {self.get_kind_display()} {self.starts_at:%d/%m/%Y %H:%M}"


class CongestionLevel(models.TextChoices):
    NORMAL = "normal", _("Normal")
    BUSY = "busy", _("Busy")
    CONGESTED = "congested", _("Congested")


class Advisory(models.Model):
    """A published congestion level for a gate, with its advisory text; the newest one of a
    gate is in force. Kept as history: what was said, and when."""

    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="advisories")
    level = models.CharField(_("level"), max_length=10, choices=CongestionLevel.choices)
    estimated_wait_hours = models.FloatField(_("estimated wait (h)"), null=True, blank=True)
    backlog = models.PositiveIntegerField(_("trucks waiting"), default=0)
    text_vi = models.TextField(_("advisory (Vietnamese)"), blank=True)
    text_en = models.TextField(_("advisory (English)"), blank=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("congestion advisory")
        verbose_name_plural = _("congestion advisories")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["gate", "-published_at"])]

    def __str__(self) -> str:
        return f"{self.gate}: {self.level}"


class AdvisorySubscription(models.Model):
    """An enterprise that wants congestion advisories (all gates when `gate` is empty)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="advisory_subscriptions")
    gate = models.ForeignKey(Gate, null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "gate"], name="subscription_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.gate or '*'}"


class WhatIfRun(models.Model):
    """One what-if simulation asked for by the gate board: its parameters, its progress
    (written by the background task, read by any web worker) and its result."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for its turn")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    scenario = models.CharField(_("scenario"), max_length=40)
    capacity_change = models.SmallIntegerField(_("capacity change (%)"), default=0)
    policy = models.CharField(_("policy"), max_length=40)
    seed = models.PositiveIntegerField(_("seed"), default=1)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.QUEUED)
    steps_done = models.PositiveSmallIntegerField(default=0)
    steps_total = models.PositiveSmallIntegerField(default=1)
    result = models.JSONField(_("result"), null=True, blank=True)
    chart_svg = models.TextField(blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("what-if run")
        verbose_name_plural = _("what-if runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.scenario} {self.policy} {self.capacity_change:+d}% #{self.seed}"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0
