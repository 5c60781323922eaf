"""Official documents (Decree 30/2020/NĐ-CP): agencies and their registers, outgoing
documents from draft to issue, incoming documents with arrival numbers, handling, exchange
between agencies and the validation of every received signature."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.models import OutboxEntry
from tinhso.documents import reference as ref

TYPE_CHOICES = [(t.code, t.name) for t in ref.DOCUMENT_TYPES]


class Urgency(models.TextChoices):
    NORMAL = ref.Urgency.NORMAL.value, _("Normal")
    URGENT = ref.Urgency.URGENT.value, _("Urgent")
    VERY_URGENT = ref.Urgency.VERY_URGENT.value, _("Very urgent")
    FLASH = ref.Urgency.FLASH.value, _("Flash")


class Confidentiality(models.TextChoices):
    NORMAL = ref.Confidentiality.NORMAL.value, _("Not classified")
    SECRET = ref.Confidentiality.SECRET.value, _("Secret")
    TOP_SECRET = ref.Confidentiality.TOP_SECRET.value, _("Top secret")
    ULTRA_SECRET = ref.Confidentiality.ULTRA_SECRET.value, _("Ultra secret")


SECRET_VALUES = [c.value for c in ref.SECRET_LEVELS]


class Agency(models.Model):
    """An issuing / receiving body: on the platform (an organisation) or outside it,
    reached through the national document exchange axis by its exchange code."""

    organization = models.OneToOneField("accounts.Organization", on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="document_agency")
    name = models.CharField(_("name"), max_length=255)
    abbreviation = models.CharField(_("abbreviation"), max_length=15)
    exchange_code = models.CharField(_("exchange code"), max_length=40, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("document agency")
        verbose_name_plural = _("document agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def on_platform(self) -> bool:
        return self.organization_id is not None


class Unit(models.Model):
    """A unit inside an agency (drafts, keeps file copies, handles): its abbreviation
    follows the agency's in a công văn's symbol (``37/UBND-KT``)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("name"), max_length=255)
    abbreviation = models.CharField(_("abbreviation"), max_length=15)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["agency", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "abbreviation"],
                                               name="documents_unit_abbreviation")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.abbreviation})"


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing")
    INCOMING = "incoming", _("Incoming")


class Register(models.Model):
    """A register (sổ đăng ký) of an agency. Outgoing: the ordinary series, the secret
    series, and one per legal-normative type; incoming: ordinary and secret. Numbers run
    from 01 each calendar year (the year is the period of the numbering series)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="registers")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    name = models.CharField(_("name"), max_length=200)
    is_secret = models.BooleanField(_("secret documents"), default=False)
    legal_type = models.CharField(_("legal-normative type"), max_length=30, blank=True,
                                  choices=TYPE_CHOICES)

    class Meta:
        verbose_name = _("register")
        verbose_name_plural = _("registers")
        ordering = ["agency", "direction", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "direction", "is_secret", "legal_type"],
                                    name="documents_register_series"),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.agency.abbreviation}"

    @property
    def series(self) -> str:
        """The `core.sequences` scope this register counts in (the period is the year)."""
        code = self.agency.exchange_code
        if self.direction == Direction.OUTGOING:
            return ref.series_key(agency=code, secret=self.is_secret,
                                  legal_type=self.legal_type)
        return f"documents:{code}:in" + (":mat" if self.is_secret else "")


class OutgoingState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Issued")
    CANCELLED = "cancelled", _("Cancelled")


class OutgoingQuerySet(models.QuerySet):
    def visible_to(self, user):
        from tinhso.documents.access import outgoing_visible_to

        return outgoing_visible_to(self, user)


class OutgoingDocument(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="outgoing")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="drafted")
    doc_type = models.CharField(_("document type"), max_length=30, choices=TYPE_CHOICES)
    is_legal = models.BooleanField(_("legal-normative document"), default=False)
    excerpt = models.CharField(_("excerpt"), max_length=500)
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    confidentiality = models.CharField(_("confidentiality"), max_length=12,
                                       choices=Confidentiality.choices,
                                       default=Confidentiality.NORMAL)
    state = models.CharField(_("state"), max_length=12, choices=OutgoingState.choices,
                             default=OutgoingState.DRAFT)
    drafter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="drafted_documents")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="documents_to_sign")
    signer_title = models.CharField(_("signer's title"), max_length=120)
    authority = models.CharField(_("authority prefix"), max_length=5, blank=True,
                                 choices=[(k, v or "—") for k, v in
                                          ref.AUTHORITY_PREFIXES.items()])
    authority_of = models.CharField(_("on behalf of"), max_length=120, blank=True)
    body_file = models.CharField(_("body file"), max_length=200, blank=True)
    body_content_type = models.CharField(max_length=80, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    # Set at issue
    register = models.ForeignKey(Register, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="outgoing")
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    number_symbol = models.CharField(_("number-symbol"), max_length=60, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    signed_file = models.CharField(_("signed file"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)
    in_reply_to = models.ForeignKey("IncomingDocument", on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="replies")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = OutgoingQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing document")
        verbose_name_plural = _("outgoing documents")
        ordering = ["-issued_at", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["register", "year", "number"],
                                    condition=models.Q(number__isnull=False),
                                    name="documents_outgoing_number_once"),
            models.CheckConstraint(
                condition=models.Q(state="issued", number__isnull=False, year__isnull=False)
                | (~models.Q(state="issued") & models.Q(number__isnull=True)),
                name="documents_outgoing_number_iff_issued"),
        ]
        indexes = [models.Index(fields=["agency", "state"], name="documents_out_state_idx"),
                   models.Index(fields=["agency", "-created_at"],
                                name="documents_out_recent_idx")]

    def __str__(self) -> str:
        return self.number_symbol or f"{self.get_doc_type_display()} (dự thảo #{self.pk})"

    @property
    def is_secret(self) -> bool:
        return self.confidentiality in SECRET_VALUES


class Version(models.Model):
    """One uploaded version of a draft's body."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE,
                                 related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.CharField(max_length=200)
    content_type = models.CharField(max_length=80)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"],
                                               name="documents_version_once")]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class Comment(models.Model):
    """A reviewer's or signer's comment on a draft (with the transition it went with)."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE,
                                 related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    action = models.CharField(max_length=20, blank=True)
    text = models.TextField(_("comment"))
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    RECEIVED = "received", _("Received")
    RETURNED = "returned", _("Returned by the recipient")
    FAILED = "failed", _("Failed")


class ReturnReason(models.TextChoices):
    """Why a receiving agency sends a document back instead of registering it."""

    WRONG_RECIPIENT = "wrong_recipient", _("Not addressed to this agency")
    NOT_VALID = "not_valid", _("Signature or form not valid")
    UNREADABLE = "unreadable", _("The file cannot be read")
    OTHER = "other", _("Other reason")


class Recipient(models.Model):
    """Where an outgoing document goes ("Nơi nhận"), and how far it got."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE,
                                 related_name="recipients")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("delivery"), max_length=10, choices=DeliveryState.choices,
                             default=DeliveryState.PENDING)
    delivered_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    # The receiving agency's acknowledgement: received (registered) or returned, why.
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.CharField(max_length=20, blank=True, choices=ReturnReason.choices)
    return_note = models.CharField(max_length=500, blank=True)
    incoming = models.ForeignKey("IncomingDocument", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")

    class Meta:
        ordering = ["document", "id"]
        constraints = [models.UniqueConstraint(fields=["document", "agency"],
                                               name="documents_recipient_once")]

    def __str__(self) -> str:
        return f"{self.document} → {self.agency}"


class ExchangeMessage(OutboxEntry):
    """One issued document to deliver to one recipient outside the platform, through the
    national exchange axis (`documents.exchange`). The message id is the idempotency key
    the axis deduplicates on."""

    recipient = models.OneToOneField(Recipient, on_delete=models.CASCADE,
                                     related_name="message")
    message_id = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("exchange message")
        verbose_name_plural = _("exchange messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"],
                                name="documents_exchange_due_idx")]

    def __str__(self) -> str:
        return self.message_id


class Source(models.TextChoices):
    PLATFORM = "platform", _("From an agency on the platform")
    AXIS = "axis", _("National exchange axis")
    SCANNED = "scanned", _("Paper, scanned at the desk")


class IncomingState(models.TextChoices):
    RECEIVED = "received", _("Waiting to be registered")
    REGISTERED = "registered", _("Registered")
    ASSIGNED = "assigned", _("Assigned")
    CLOSED = "closed", _("Closed")
    RETURNED = "returned", _("Returned to the sender")


#: States of an incoming document that has no arrival number.
UNREGISTERED = ("received", "returned")


class SignatureVerdict(models.TextChoices):
    VALID = "valid", _("Valid signature")
    UNTRUSTED = "untrusted", _("Signature not trusted")
    TAMPERED = "tampered", _("Changed after signing")
    UNSIGNED = "unsigned", _("Not signed")
    CORRUPT = "corrupt", _("Unreadable PDF")


class IncomingQuerySet(models.QuerySet):
    def visible_to(self, user):
        from tinhso.documents.access import incoming_visible_to

        return incoming_visible_to(self, user)


class IncomingDocument(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="incoming")
    register = models.ForeignKey(Register, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="incoming")
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    arrival_number = models.PositiveIntegerField(_("arrival number"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"))
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    message_id = models.CharField(max_length=64, blank=True)
    sender = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    sender_name = models.CharField(_("issuing agency"), max_length=255)
    number_symbol = models.CharField(_("number-symbol"), max_length=60)
    number_symbol_key = models.CharField(max_length=60, db_index=True)
    doc_date = models.DateField(_("document date"))
    doc_type = models.CharField(_("document type"), max_length=30, choices=TYPE_CHOICES)
    excerpt = models.CharField(_("excerpt"), max_length=500)
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    confidentiality = models.CharField(_("confidentiality"), max_length=12,
                                       choices=Confidentiality.choices,
                                       default=Confidentiality.NORMAL)
    file = models.CharField(max_length=200)
    text = models.TextField(_("text"), blank=True)
    from_outgoing = models.ForeignKey(OutgoingDocument, on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="deliveries")
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    signature_verdict = models.CharField(_("signature"), max_length=10,
                                         choices=SignatureVerdict.choices)
    state = models.CharField(_("state"), max_length=12, choices=IncomingState.choices,
                             default=IncomingState.REGISTERED)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reply = models.ForeignKey(OutgoingDocument, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="answers")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+")
    return_reason = models.CharField(_("reason returned"), max_length=20, blank=True,
                                     choices=ReturnReason.choices)
    return_note = models.CharField(_("note"), max_length=500, blank=True)
    # An axis document's answer (received / returned) was taken by the axis at.
    ack_sent_at = models.DateTimeField(null=True, blank=True)

    objects = IncomingQuerySet.as_manager()

    class Meta:
        verbose_name = _("incoming document")
        verbose_name_plural = _("incoming documents")
        ordering = ["-arrived_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["register", "year", "arrival_number"],
                                    condition=models.Q(arrival_number__isnull=False),
                                    name="documents_arrival_number_once"),
            models.CheckConstraint(
                condition=(models.Q(state__in=UNREGISTERED)
                           & models.Q(arrival_number__isnull=True))
                | (~models.Q(state__in=UNREGISTERED) & models.Q(arrival_number__isnull=False,
                                                              year__isnull=False)),
                name="documents_arrival_number_iff_registered"),
            models.UniqueConstraint(fields=["agency", "message_id"],
                                    condition=~models.Q(message_id=""),
                                    name="documents_incoming_message_once"),
        ]
        indexes = [models.Index(fields=["agency", "state", "due_date"],
                                name="documents_in_due_idx"),
                   models.Index(fields=["agency", "-arrived_at"],
                                name="documents_in_recent_idx")]

    def __str__(self) -> str:
        if self.arrival_number is None:
            return self.number_symbol
        return f"{self.arrival_number:02d} — {self.number_symbol}"

    @property
    def is_secret(self) -> bool:
        return self.confidentiality in SECRET_VALUES


class SignatureCheck(models.Model):
    """The stored result of validating a received PDF's signatures (`core.signing`)."""

    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE,
                                 related_name="signature_checks")
    verdict = models.CharField(max_length=10, choices=SignatureVerdict.choices)
    signer = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    details = models.JSONField(default=dict)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.verdict} {self.signer}"


class AssignmentState(models.TextChoices):
    ACTIVE = "active", _("Being handled")
    FORWARDED = "forwarded", _("Forwarded")
    DONE = "done", _("Done")


class Assignment(models.Model):
    """The head's instruction: who handles an incoming document, by when (a date counted
    in working days), and what to do."""

    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE,
                                 related_name="assignments")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="document_assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    instructions = models.TextField(_("instructions"), blank=True)
    working_days = models.PositiveSmallIntegerField(_("working days"))
    deadline = models.DateField(_("deadline"))
    state = models.CharField(max_length=10, choices=AssignmentState.choices,
                             default=AssignmentState.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["state", "deadline"], name="documents_assign_due_idx")]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.assignee_id} ({self.deadline})"


class Opinion(models.Model):
    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE,
                                 related_name="opinions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    text = models.TextField(_("opinion"))
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class DocumentLink(models.Model):
    """A document (incoming or outgoing) joined to a public-service dossier or a meeting
    (issue 13 §5). The document's page lists its links; the dossier's and the meeting's
    pages list the linked documents, each only to those who may see it (`access.py`):
    seeing a dossier or a meeting never opens a document."""

    incoming = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, null=True,
                                 blank=True, related_name="links")
    outgoing = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, null=True,
                                 blank=True, related_name="links")
    dossier = models.ForeignKey("publicservices.Dossier", on_delete=models.CASCADE,
                                null=True, blank=True, related_name="document_links",
                                verbose_name=_("public-service dossier"))
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, null=True,
                                blank=True, related_name="document_links",
                                verbose_name=_("meeting"))
    # Null only for links carried over from the old free-text fields (migration 0005).
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("linked at"), default=timezone.now)

    class Meta:
        verbose_name = _("document link")
        verbose_name_plural = _("document links")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(incoming__isnull=False, outgoing__isnull=True)
                           | models.Q(incoming__isnull=True, outgoing__isnull=False)),
                name="documents_link_one_document"),
            models.CheckConstraint(
                condition=(models.Q(dossier__isnull=False, meeting__isnull=True)
                           | models.Q(dossier__isnull=True, meeting__isnull=False)),
                name="documents_link_one_target"),
            # The idempotency of `services.link_document`: one row per pair, whoever
            # links it twice or at the same moment.
            models.UniqueConstraint(fields=["incoming", "dossier"],
                                    condition=models.Q(incoming__isnull=False,
                                                       dossier__isnull=False),
                                    name="documents_link_incoming_dossier_once"),
            models.UniqueConstraint(fields=["incoming", "meeting"],
                                    condition=models.Q(incoming__isnull=False,
                                                       meeting__isnull=False),
                                    name="documents_link_incoming_meeting_once"),
            models.UniqueConstraint(fields=["outgoing", "dossier"],
                                    condition=models.Q(outgoing__isnull=False,
                                                       dossier__isnull=False),
                                    name="documents_link_outgoing_dossier_once"),
            models.UniqueConstraint(fields=["outgoing", "meeting"],
                                    condition=models.Q(outgoing__isnull=False,
                                                       meeting__isnull=False),
                                    name="documents_link_outgoing_meeting_once"),
        ]

    def __str__(self) -> str:
        return f"{self.document} ↔ {self.target}"

    @property
    def document(self):
        return self.incoming if self.incoming_id else self.outgoing

    @property
    def kind(self) -> str:
        return Direction.INCOMING if self.incoming_id else Direction.OUTGOING

    @property
    def target(self):
        return self.dossier if self.dossier_id else self.meeting
