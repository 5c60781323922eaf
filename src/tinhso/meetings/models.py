"""Online meetings across the province's conference points (system 6).

A `ConferencePoint` is a fixed video-conference site (the province hall, a department, a
commune's hall); a `Room` is a physical room at a host point. A `Meeting` books its host
room (`RoomBooking`) and each participating point (`PointBooking`) for its window plus
the set-up buffer: the held interval ``[held_from, held_until)``. Two active bookings of
one point (or room) never overlap: the services lock the rows of the requested points and
rooms (`select_for_update`) before checking, and on PostgreSQL an exclusion constraint
on the held time range backs it (migration 0002; SQLite has no such constraint, and the
row locks there are the database's single writer).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhso.core.constraints import moment_in_window


def new_token() -> str:
    return secrets.token_urlsafe(18)


class ConferencePoint(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province body")
        DEPARTMENT = "department", _("Department")
        COMMUNE = "commune", _("Commune or ward")
        SECONDARY = "secondary", _("Secondary commune point")

    class Connection(models.TextChoices):
        FIBRE = "fibre", _("Dedicated fibre (government network)")
        INTERNET = "internet", _("Internet broadband")
        MOBILE = "mobile", _("4G/5G mobile")

    class State(models.TextChoices):
        READY = "ready", _("Ready")
        FAULTY = "faulty", _("Faulty")
        MAINTENANCE = "maintenance", _("Under maintenance")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    unit = models.ForeignKey("core.AdministrativeUnit", null=True, blank=True,
                             on_delete=models.PROTECT, verbose_name=_("commune or ward"))
    organization = models.ForeignKey("accounts.Organization", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="conference_points",
                                     verbose_name=_("operating agency"))
    location = models.CharField(_("location"), max_length=255, blank=True)
    equipment = models.CharField(_("equipment"), max_length=255, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=10, blank=True)
    connection = models.CharField(_("connection type"), max_length=10,
                                  choices=Connection.choices, default=Connection.FIBRE)
    state = models.CharField(_("state"), max_length=12, choices=State.choices,
                             default=State.READY)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        verbose_name = _("conference point")
        verbose_name_plural = _("conference points")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def former_district(self) -> str:
        return self.unit.former_district if self.unit_id else ""


class PointStateChange(models.Model):
    """The history of a point's state (ready / faulty / maintenance), for the fault rate."""

    point = models.ForeignKey(ConferencePoint, on_delete=models.CASCADE,
                              related_name="state_changes")
    state = models.CharField(max_length=12, choices=ConferencePoint.State.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL)

    class Meta:
        ordering = ["point", "at"]
        constraints = [moment_in_window("at", "meetings_state_change_at_window")]

    def __str__(self) -> str:
        return f"{self.point}: {self.state}"


class Room(models.Model):
    point = models.ForeignKey(ConferencePoint, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=150)
    capacity = models.PositiveIntegerField(_("capacity"))

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["point", "name"]
        constraints = [models.UniqueConstraint(fields=["point", "name"], name="meetings_room_name")]

    def __str__(self) -> str:
        return f"{self.name} — {self.point.name}"


class Series(models.Model):
    """A weekly recurring meeting; its occurrences are `Meeting` rows."""

    title = models.CharField(_("title"), max_length=200)
    weekday = models.PositiveSmallIntegerField()
    interval_weeks = models.PositiveSmallIntegerField(default=1)
    exceptions = models.JSONField(default=list)  # ISO dates skipped
    until = models.DateField(_("last day"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Meetings a user may see: the province leaders and administrators all; the
        organising agency's staff its own; a point's agency those its points take part in."""
        from tinhso.accounts.permissions import has_perm, roles_of

        if has_perm(user, "meetings.view_all"):
            return self
        orgs = {org for _role, org in roles_of(user)}
        if not orgs:
            return self.none()
        return self.filter(Q(organizer_id__in=orgs)
                           | Q(point_bookings__point__organization_id__in=orgs,
                               point_bookings__active=True)).distinct()


class Meeting(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        DEPARTMENT = "department", _("Department")
        COMMUNE = "commune", _("Commune")

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    class Provider(models.TextChoices):
        SIMULATOR = "simulator", _("Local simulator")
        JITSI = "jitsi", _("Jitsi Meet")
        BIGBLUEBUTTON = "bigbluebutton", _("BigBlueButton")

    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    organizer = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                  related_name="organized_meetings",
                                  verbose_name=_("organising agency"))
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="chaired_meetings", verbose_name=_("chair"))
    chair_name = models.CharField(_("chair"), max_length=150)
    host_room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="meetings",
                                  verbose_name=_("host room"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    buffer_minutes = models.PositiveSmallIntegerField(_("set-up buffer (minutes)"), default=15)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.SCHEDULED)
    series = models.ForeignKey(Series, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="meetings")
    provider = models.CharField(max_length=16, choices=Provider.choices,
                                default=Provider.SIMULATOR)
    room_name = models.CharField(max_length=80, unique=True)  # the engine's room id
    uid = models.CharField(max_length=80, unique=True)  # the iCalendar UID, kept for ever
    ics_sequence = models.PositiveIntegerField(default=0)
    checkin_token = models.CharField(max_length=40, unique=True, default=new_token)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="meetings_meeting_ends_after_start"),
            moment_in_window("starts_at", "meetings_meeting_starts_window"),
            moment_in_window("ends_at", "meetings_meeting_ends_window"),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("agenda item"), max_length=300)
    # A paper from outside the platform is named in free text; one held by the documents
    # system is linked, so the meeting page can link it for those allowed to read it.
    document_ref = models.CharField(_("document"), max_length=120, blank=True)
    outgoing_document = models.ForeignKey("documents.OutgoingDocument", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+",
                                          verbose_name=_("outgoing document"))
    incoming_document = models.ForeignKey("documents.IncomingDocument", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+",
                                          verbose_name=_("incoming document"))

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(outgoing_document__isnull=True)
                                   | Q(incoming_document__isnull=True),
                                   name="meetings_agenda_one_document"),
        ]

    def __str__(self) -> str:
        return self.title


class BookingBase(models.Model):
    held_from = models.DateTimeField()
    held_until = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        abstract = True


class RoomBooking(BookingBase):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="room_bookings")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="bookings")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(held_until__gt=models.F("held_from")),
                                   name="meetings_roombooking_positive"),
            models.UniqueConstraint(fields=["meeting", "room"], name="meetings_roombooking_once"),
        ]
        indexes = [models.Index(fields=["room", "held_from"])]

    def __str__(self) -> str:
        return f"{self.room} @ {self.meeting}"


class PointBooking(BookingBase):
    """A point's part in a meeting: its booking, invitation, readiness and attendance."""

    class Readiness(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Not confirmed")
        OK = "ok", _("Connection tested, ready")
        PROBLEM = "problem", _("Problem")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="point_bookings")
    point = models.ForeignKey(ConferencePoint, on_delete=models.PROTECT, related_name="bookings")
    token = models.CharField(max_length=40, unique=True, default=new_token)
    is_host = models.BooleanField(default=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    readiness = models.CharField(max_length=12, choices=Readiness.choices,
                                 default=Readiness.UNCONFIRMED)
    readiness_note = models.CharField(max_length=500, blank=True)
    readiness_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    attendee_count = models.PositiveIntegerField(null=True, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(held_until__gt=models.F("held_from")),
                                   name="meetings_pointbooking_positive"),
            models.UniqueConstraint(fields=["meeting", "point"],
                                    name="meetings_pointbooking_once"),
            models.CheckConstraint(condition=Q(attendee_count__lte=10000),
                                   name="meetings_pointbooking_count_bound"),
        ]
        indexes = [models.Index(fields=["point", "held_from"])]

    def __str__(self) -> str:
        return f"{self.point} @ {self.meeting}"


class Attendee(models.Model):
    booking = models.ForeignKey(PointBooking, on_delete=models.CASCADE, related_name="attendees")
    full_name = models.CharField(_("full name"), max_length=150)
    role_title = models.CharField(_("position"), max_length=150, blank=True)
    via_qr = models.BooleanField(default=False)
    checked_in_at = models.DateTimeField()
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["booking", "checked_in_at"]

    def __str__(self) -> str:
        return self.full_name


class Minutes(models.Model):
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("minutes"), max_length=20000)
    secretary = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.meeting}"


class Conclusion(models.Model):
    """A conclusion (kết luận) of a meeting, possibly a task for an agency with a deadline
    in working days from the meeting's day."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="conclusions")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("conclusion"), max_length=2000)
    assignee = models.ForeignKey("accounts.Organization", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="meeting_tasks",
                                 verbose_name=_("assigned agency"))
    working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    done_on = models.DateField(null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100),
                                   name="meetings_conclusion_progress_pct"),
            models.UniqueConstraint(fields=["meeting", "position"],
                                    name="meetings_conclusion_position"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def is_overdue(self, today) -> bool:
        return bool(self.due_on and self.done_on is None and self.due_on < today)


class ProgressReport(models.Model):
    conclusion = models.ForeignKey(Conclusion, on_delete=models.CASCADE, related_name="reports")
    percent = models.PositiveSmallIntegerField()
    note = models.CharField(_("note"), max_length=1000)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["conclusion", "at"]

    def __str__(self) -> str:
        return f"{self.conclusion}: {self.percent}%"
