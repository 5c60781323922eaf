"""The operations dashboard's tables: the indicator catalogue with its yearly targets, the
time series of figures (one snapshot per indicator, period and commune), manual values
with their review, alerts, kiosk tokens for the wall screens and the generated reports."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext_lazy as _

from tinhso.ioc import rules

MANUAL = "manual"


class Unit(models.TextChoices):
    PERCENT = "percent", _("percent")
    COUNT = "count", _("count")
    VND = "vnd", _("VND")
    TRUCKS_PER_DAY = "trucks_per_day", _("trucks per day")
    HOURS = "hours", _("hours")


class Frequency(models.TextChoices):
    MONTHLY = rules.MONTHLY, _("monthly")
    QUARTERLY = rules.QUARTERLY, _("quarterly")


class Direction(models.TextChoices):
    HIGHER = rules.HIGHER, _("higher is better")
    LOWER = rules.LOWER, _("lower is better")


class Status(models.TextChoices):
    ON_TRACK = rules.ON_TRACK, _("on track")
    AT_RISK = rules.AT_RISK, _("at risk")
    OFF_TRACK = rules.OFF_TRACK, _("off track")
    UNKNOWN = rules.UNKNOWN, _("no target or no figure")


class IndicatorQuerySet(models.QuerySet):
    def visible_to(self, user):
        from tinhso.ioc.access import indicators_visible_to

        return indicators_visible_to(self, user)


class Indicator(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    definition_vi = models.TextField(_("definition (Vietnamese)"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    owner = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                              related_name="ioc_indicators", verbose_name=_("owner agency"))
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    #: A key of `tinhso.ioc.sources.SOURCES`, or "manual" (entered and approved).
    source = models.CharField(_("source"), max_length=40)
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    is_public = models.BooleanField(_("open data"), default=False)
    per_commune = models.BooleanField(_("figures per commune"), default=False)
    #: The system's own page (a URL path) the dashboard links to.
    system_url = models.CharField(_("system page"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi

    @property
    def definition(self) -> str:
        return (self.definition_en if (get_language() or "vi").startswith("en")
                else self.definition_vi)

    @property
    def is_manual(self) -> bool:
        return self.source == MANUAL

    @property
    def communes_note(self) -> str:
        """Why this indicator has no figure for some communes (or none for any), in the
        current language; empty when every commune has one."""
        from django.utils.translation import gettext

        from tinhso.ioc import sources

        sources.load()
        if not self.per_commune:
            return gettext(sources.PROVINCE_ONLY.get(
                self.source, gettext_noop("This figure is counted for the province as a "
                                          "whole, not per commune.")))
        note = sources.SOME_COMMUNES.get(self.source)
        return gettext(note) if note else ""


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), max_digits=18, decimal_places=4)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="ioc_target_per_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2099),
                                   name="ioc_target_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value}"


class SnapshotState(models.TextChoices):
    OK = "ok", _("figure")
    NO_DATA = "no_data", _("no data yet")
    UNAVAILABLE = "unavailable", _("source unavailable")


class Snapshot(models.Model):
    """One figure of the time series: an indicator in a period, for the province (commune
    empty) or one commune. The current period's row is refreshed; past ones stay as they
    were computed, so the history survives changes in the source systems."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="snapshots")
    period = models.CharField(_("period"), max_length=7)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    commune = models.ForeignKey("core.AdministrativeUnit", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("commune"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True,
                                blank=True)
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=4, null=True,
                                 blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.UNKNOWN)
    state = models.CharField(_("state"), max_length=12, choices=SnapshotState.choices,
                             default=SnapshotState.OK)
    computed_at = models.DateTimeField(_("computed at"))
    #: When the value shown was last computed successfully (kept when the source fails).
    last_good_at = models.DateTimeField(_("last good figure at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "commune"],
                                    condition=Q(commune__isnull=False),
                                    name="ioc_snapshot_commune_period"),
            models.UniqueConstraint(fields=["indicator", "period"],
                                    condition=Q(commune__isnull=True),
                                    name="ioc_snapshot_province_period"),
        ]
        indexes = [models.Index(fields=["indicator", "commune", "period_start"],
                                name="ioc_snapshot_series")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.commune_id or '-'}: {self.value}"


class ManualState(models.TextChoices):
    SUBMITTED = "submitted", _("waiting for review")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")
    SUPERSEDED = "superseded", _("superseded by a later approved value")


class ReturnReason(models.TextChoices):
    """Why the operations centre sends a value back to the agency (core.reasons)."""

    WRONG_VALUE = "wrong_value", _("the value does not match the source document")
    DOCUMENT = "document", _("the source document is missing or unreadable")
    WRONG_PERIOD = "wrong_period", _("the value belongs to another period")
    OTHER = "other", _("other (explain in the note)")


class ManualValue(models.Model):
    """A figure only an agency has (GRDP, the digital economy's value added), entered per
    quarter by the owner agency's data officer with its source document; it counts once
    the operations centre approves it."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT,
                                  related_name="manual_values")
    period = models.CharField(_("period"), max_length=7)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    document = models.CharField(_("source document"), max_length=200)
    document_type = models.CharField(max_length=80)
    note = models.CharField(_("note"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=ManualState.choices,
                             default=ManualState.SUBMITTED)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered at"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = models.CharField(_("reason for return"), max_length=20, blank=True,
                                     choices=ReturnReason.choices)
    return_note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("manual value")
        verbose_name_plural = _("manual values")
        ordering = ["-entered_at", "-id"]
        constraints = [
            # One approved figure per indicator and period (a correction is a new value,
            # approved after the old one is superseded).
            models.UniqueConstraint(fields=["indicator", "period"],
                                    condition=Q(state="approved"),
                                    name="ioc_manual_one_approved"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"


class AlertQuerySet(models.QuerySet):
    def open(self):
        return self.filter(acknowledged_at__isnull=True)


class Alert(models.Model):
    class Rule(models.TextChoices):
        OFF_TRACK = rules.OFF_TRACK_ALERT, _("off track")
        STALE = rules.STALE, _("not updated on time")
        SUDDEN_CHANGE = rules.SUDDEN_CHANGE_ALERT, _("sudden change")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="alerts")
    rule = models.CharField(_("rule"), max_length=15, choices=Rule.choices)
    period = models.CharField(_("period"), max_length=7)
    #: One alert per indicator, rule and period: raising again changes nothing.
    key = models.CharField(max_length=80, unique=True)
    value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    previous_value = models.DecimalField(max_digits=18, decimal_places=4, null=True,
                                         blank=True)
    target = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    raised_at = models.DateTimeField(_("raised at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return self.key


class KioskToken(models.Model):
    """Opens the wall mode of the operations room without a login. Only the token's
    SHA-256 is kept; the token is shown once."""

    name = models.CharField(_("screen"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("kiosk token")
        verbose_name_plural = _("kiosk tokens")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(24)


class Report(models.Model):
    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("weekly")
        MONTHLY = "monthly", _("monthly")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    generated_at = models.DateTimeField(_("generated at"))
    pdf = models.CharField(max_length=200)
    xlsx = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_start", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "period_start"],
                                               name="ioc_report_per_period")]

    def __str__(self) -> str:
        return f"{self.kind} {self.period_start}"
