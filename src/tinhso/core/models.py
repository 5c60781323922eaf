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


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Waiting to be delivered")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class OutboxEntry(models.Model):
    """Something to deliver to the outside world, written when the change that causes it
    commits and delivered by a background task (`core.outbox`): retried with backoff, at
    most a bounded number of times, and visible in the admin when it fails.

    A pending entry is due at `next_attempt_at`; while an attempt runs, that moment is
    pushed one lease ahead, so a worker that dies mid-attempt is retried after the lease."""

    state = models.CharField(_("state"), max_length=10, choices=OutboxState.choices,
                             default=OutboxState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def retrying(self) -> bool:
        return self.state == OutboxState.PENDING and self.attempts > 0


class OutgoingNotification(OutboxEntry):
    """One message to a driver or an enterprise (`core.notifications.send`), with its
    delivery state."""

    recipient = models.CharField(_("recipient"), max_length=64)
    kind = models.CharField(_("kind"), max_length=40)
    message_vi = models.TextField(_("message (Vietnamese)"))
    message_en = models.TextField(_("message (English)"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    # core.notifications.Attachment as JSON (an invitation's .ics): small files only.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)

    class Meta:
        verbose_name = _("outgoing notification")
        verbose_name_plural = _("outgoing notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"],
                                name="notification_due_idx")]

    def __str__(self) -> str:
        return f"{self.recipient} [{self.kind}]"


class PeriodicRun(models.Model):
    """The last period for which `tinhso scheduler` enqueued a periodic task. Moving
    `period_start` forward is one conditional UPDATE, so when two schedulers run at once
    exactly one of them enqueues each period."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    period_start = models.DateTimeField(_("period start"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("enqueued at"), null=True, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("periodic task")
        verbose_name_plural = _("periodic tasks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SequenceCounter(models.Model):
    """The last number handed out in one numbering series (`core.sequences`): a scope
    (``dossier:H20.01``, ``receipt:bql-cua-khau``) and a period (``2026``, ``261130``).

    The counter moves inside the caller's transaction under a row lock, so a rolled-back
    write gives its number back and two concurrent writers never get the same one."""

    scope = models.CharField(_("scope"), max_length=100)
    period = models.CharField(_("period"), max_length=20)
    last = models.PositiveBigIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("numbering series")
        verbose_name_plural = _("numbering series")
        constraints = [
            models.UniqueConstraint(fields=["scope", "period"], name="sequence_scope_period"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.period}: {self.last}"


class TrustedRoot(models.Model):
    """A root certificate whose chain an administrator trusts for validating received
    signatures (`core.signing.validate_pdf`): the national root CA in production, the
    local demo CA in the demo. Only active roots count."""

    name = models.CharField(_("name"), max_length=200)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("trusted root certificate")
        verbose_name_plural = _("trusted root certificates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SigningCredential(models.Model):
    """A signing key and certificate held by the platform for a person or an organisation
    (remote signing), the key encrypted at rest with a key derived from SECRET_KEY
    (`core.credentials`). ``is_authority`` marks the local demo CA itself."""

    label = models.CharField(_("label"), max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                             blank=True, related_name="signing_credentials")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="signing_credentials")
    is_authority = models.BooleanField(_("certificate authority"), default=False)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    chain_pem = models.TextField(_("chain (PEM)"), blank=True)
    encrypted_key = models.TextField(_("encrypted private key"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    not_after = models.DateTimeField(_("valid until"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("signing credential")
        verbose_name_plural = _("signing credentials")
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(is_active=True),
                                    name="signing_credential_one_active_per_user"),
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(is_active=True, user__isnull=True, is_authority=False),
                name="signing_credential_one_active_per_org"),
        ]

    def __str__(self) -> str:
        return self.label
