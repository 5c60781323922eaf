"""Tables of the national-portal sync (registered in the publicservices app)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.core.models import OutboxEntry


class PortalUpdate(OutboxEntry):
    """One state change of a dossier to push to the national portal, written in the same
    transaction as the change (`portal.sync.record_change`). (dossier, sequence) is unique
    here and is the identity the portal deduplicates on (MaHoSo, SoThuTu): a resend after
    a lost answer is applied once; entries of one dossier are delivered in order."""

    dossier = models.ForeignKey("publicservices.Dossier", on_delete=models.CASCADE,
                                related_name="portal_updates")
    sequence = models.PositiveIntegerField(_("sequence"))
    payload = models.JSONField(_("payload"))

    class Meta:
        verbose_name = _("national portal update")
        verbose_name_plural = _("national portal updates")
        ordering = ["dossier", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "sequence"],
                                    name="portal_update_once"),
            models.CheckConstraint(condition=models.Q(sequence__gte=1),
                                   name="portal_update_sequence_positive"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"],
                                name="portal_update_due_idx")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.sequence}"


class PortalCursor(models.Model):
    """How far the periodic pull has read the portal's list of new dossiers."""

    name = models.CharField(max_length=40, unique=True)
    cursor = models.CharField(max_length=100, blank=True)
    pulled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("national portal cursor")
        verbose_name_plural = _("national portal cursors")

    def __str__(self) -> str:
        return f"{self.name}: {self.cursor}"
