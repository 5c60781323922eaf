from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AdministrativeUnit(models.Model):
    """Province, commune or ward after the 1 July 2025 two-level reform.

    Districts no longer exist; `former_district` keeps the old name only as a label that
    people still use ("Văn Lãng", "Cao Lộc").
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        WARD = "ward", _("Ward")
        COMMUNE = "commune", _("Commune")

    code = models.PositiveIntegerField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)
    former_district = models.CharField(_("former district"), max_length=100, blank=True)
    is_border = models.BooleanField(_("border commune"), default=False)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CalendarOverride(models.Model):
    """A day the `holidays` package gets wrong for us: a swapped Saturday that is worked, or
    an extra day off the government announces late."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    reason = models.CharField(_("reason"), max_length=255)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}: {self.reason}"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit log is append-only.")

    def delete(self):
        raise TypeError("The audit log is append-only.")


class AuditEntry(models.Model):
    """Who did what, when, from where, to which object, with the before/after values.

    Append-only: the model refuses updates and deletes, and on PostgreSQL a trigger refuses
    them too (migration 0002), so not even a raw SQL slip can rewrite history.
    """

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    actor_label = models.CharField(_("actor"), max_length=200)
    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit log is append-only.")
