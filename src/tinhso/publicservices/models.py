"""One-stop public services: agencies, the procedure catalogue, dossiers and their clock.

The legal clock lives in three moments of a dossier: `appointment_at` (what the receipt
promised), `due_at` (that appointment moved by the supplement pauses: what on time / late
is judged against) and `extended_due_at` (the new date of the one apology letter, BM.04;
it never makes a late dossier on time). Every change of state goes through
`services.transition` (table in `workflow.py`) and leaves a `DossierStateChange` row and an
audit entry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhso.core.constraints import moment_in_window


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")


class Agency(models.Model):
    """An agency that receives or handles dossiers (a commune's People's Committee, a
    province department, the provincial Public Administration Service Centre), with its
    e-ID code (mã định danh điện tử, e.g. ``H20.01``) that starts every dossier code."""

    code = models.CharField(_("e-ID code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=255)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    organization = models.OneToOneField(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT,
        related_name="public_service_agency", verbose_name=_("organisation"),
    )
    administrative_unit = models.ForeignKey(
        "core.AdministrativeUnit", null=True, blank=True, on_delete=models.PROTECT,
        verbose_name=_("administrative unit"),
    )
    address = models.CharField(_("where to collect results"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=15, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("public-service agency")
        verbose_name_plural = _("public-service agencies")
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Fully online")
    PARTIAL = "partial", _("Partly online")
    NONE = "none", _("Not online")


class Procedure(models.Model):
    """One administrative procedure of the catalogue (thủ tục hành chính), as the national
    portal publishes it. `code` is the national procedure code (e.g. ``1.001193``): a
    re-import updates the row with that code."""

    code = models.CharField(_("procedure code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=500)
    field = models.CharField(_("field"), max_length=200, db_index=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    receiving_agency = models.CharField(_("receiving agency"), max_length=500, blank=True)
    deciding_agency = models.CharField(_("deciding agency"), max_length=500, blank=True)
    #: Legal processing time in working days; halves allowed (0.5 = one session).
    processing_days = models.DecimalField(_("processing time (working days)"), max_digits=5,
                                          decimal_places=1)
    fee_vnd = models.PositiveBigIntegerField(_("fees and charges (VND)"), default=0)
    fee_note = models.TextField(_("fees and charges"), blank=True)
    result = models.TextField(_("result"), blank=True)
    online_level = models.CharField(_("online level"), max_length=10,
                                    choices=OnlineLevel.choices, default=OnlineLevel.PARTIAL)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["level", "field", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(processing_days__gte=0.5) & Q(processing_days__lte=3650),
                name="procedure_processing_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def half_days(self) -> int:
        """The legal time in half working days (sessions)."""
        return int(self.processing_days * 2)


class PaperForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    CERTIFIED_COPY = "certified_copy", _("Certified copy")
    ORIGINAL_OR_COPY = "original_or_copy", _("Original or certified copy")


class ProcedurePaper(models.Model):
    """One required paper (thành phần hồ sơ) of a procedure."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="papers")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=500)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    form = models.CharField(_("original or copy"), max_length=20, choices=PaperForm.choices,
                            default=PaperForm.ORIGINAL)
    template_name = models.CharField(_("template file"), max_length=255, blank=True)
    is_required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("required paper")
        verbose_name_plural = _("required papers")
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "order"], name="paper_order"),
        ]

    def __str__(self) -> str:
        return self.name


class StepKind(models.TextChoices):
    RECEPTION = "reception", _("Reception")
    ASSIGNMENT = "assignment", _("Assignment")
    APPRAISAL = "appraisal", _("Appraisal")
    REVIEW = "review", _("Review by the head of unit")
    APPROVAL = "approval", _("Approval by the leader")
    OTHER = "other", _("Other step")


class ProcedureStep(models.Model):
    """One step of a procedure's internal process, with its share of the legal time in half
    working days (the province's decision on the internal process sets them: reception
    0.5, assignment 0.5, appraisal 4.5 …). Returning the result is not a step: it is not
    counted in the legal time."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=12, choices=StepKind.choices)
    name = models.CharField(_("name"), max_length=255)
    half_days = models.PositiveSmallIntegerField(_("time (half working days)"))

    class Meta:
        verbose_name = _("processing step")
        verbose_name_plural = _("processing steps")
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "order"], name="step_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name} ({self.half_days / 2:g})"


class Channel(models.TextChoices):
    PORTAL = "portal", _("National public service portal")
    DESK = "desk", _("One-stop desk")
    ONLINE = "online", _("Online (this system)")


class DossierState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for reception")
    INCOMPLETE = "incomplete", _("To be completed before reception")
    PROCESSING = "processing", _("Being processed")
    SUPPLEMENT = "supplement", _("Waiting for a supplement")
    RESOLVED = "resolved", _("Result ready")
    RETURNED = "returned", _("Result returned")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANIZATION = "organization", _("Organisation")


class Timeliness(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one row-level rule (`access.dossier_filter_for`)."""
        from tinhso.publicservices.access import dossier_filter_for

        return self.filter(dossier_filter_for(user))


class Dossier(models.Model):
    """One application (hồ sơ) for one procedure, from any of the three channels."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="dossiers",
                                  verbose_name=_("procedure"))
    #: The agency handling it now (changes on a transfer); the clock does not.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="dossiers",
                               verbose_name=_("handling agency"))
    #: The agency whose desk received it (and returns the result).
    receiving_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("receiving agency"))
    code = models.CharField(_("dossier code"), max_length=40, unique=True, null=True,
                            blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=12, choices=DossierState.choices,
                             default=DossierState.DRAFT)
    #: The state a supplement request paused (processing), restored on resume.
    state_before_pause = models.CharField(max_length=12, blank=True)
    external_id = models.CharField(_("national portal id"), max_length=64, blank=True)

    applicant_kind = models.CharField(_("applicant kind"), max_length=12,
                                      choices=ApplicantKind.choices, default=ApplicantKind.PERSON)
    applicant_name = models.CharField(_("applicant name"), max_length=200)
    applicant_id_number = models.CharField(_("citizen ID"), max_length=12, blank=True)
    applicant_tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=10, blank=True)
    applicant_email = models.EmailField(_("email"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=255, blank=True)
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="public_service_dossiers", verbose_name=_("applicant account"),
    )
    form_data = models.JSONField(_("form data"), default=dict, blank=True)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    #: The legal time given to this dossier, in half working days (from the procedure).
    legal_half_days = models.PositiveIntegerField(_("legal time (half working days)"),
                                                  default=0)
    appointment_at = models.DateTimeField(_("appointment on the receipt"), null=True,
                                          blank=True)
    due_at = models.DateTimeField(_("due (after pauses)"), null=True, blank=True)
    extended_due_at = models.DateTimeField(_("new date (apology letter)"), null=True,
                                           blank=True)
    extension_used = models.BooleanField(_("extension used"), default=False)
    paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)
    pause_count = models.PositiveSmallIntegerField(_("supplement pauses"), default=0)

    current_step = models.ForeignKey("DossierStep", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="assigned_dossiers",
                                 verbose_name=_("assignee"))

    resolved_at = models.DateTimeField(_("result ready at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)
    outcome = models.CharField(_("timeliness"), max_length=8, choices=Timeliness.choices,
                               blank=True)
    result_summary = models.TextField(_("result"), blank=True)
    #: Storage key of the result document (filled by the result upload, core.files).
    result_file = models.CharField(_("result document"), max_length=255, blank=True)
    refusal_reason = models.CharField(_("refusal reason"), max_length=30, blank=True)
    refusal_note = models.TextField(_("refusal note"), blank=True)
    withdrawal_note = models.TextField(_("withdrawal note"), blank=True)
    fee_vnd = models.PositiveBigIntegerField(_("fee (VND)"), default=0)
    fee_paid_at = models.DateTimeField(_("fee paid at"), null=True, blank=True)
    due_soon_warned_at = models.DateTimeField(null=True, blank=True)
    overdue_warned_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "state"]),
            models.Index(fields=["receiving_agency", "received_at"]),
            models.Index(fields=["assignee", "state"]),
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["procedure", "received_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"],
                                    condition=~Q(external_id=""),
                                    name="dossier_external_id_once"),
            moment_in_window("received_at", "dossier_received_at_window", nullable=True),
            moment_in_window("due_at", "dossier_due_at_window", nullable=True),
            models.CheckConstraint(
                condition=Q(extended_due_at__isnull=True) | Q(extension_used=True),
                name="dossier_extension_flag",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"

    @property
    def effective_due_at(self):
        """The date the citizen is now promised: the apology letter's, else the legal one."""
        return self.extended_due_at or self.due_at


class DossierPaper(models.Model):
    """One paper of a dossier (uploaded online, scanned at the desk, or received on paper).
    `storage_key` and the checks on the content are filled by the upload (core.files)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="papers")
    procedure_paper = models.ForeignKey(ProcedurePaper, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    supplement_request = models.ForeignKey("SupplementRequest", null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="papers")
    name = models.CharField(_("name"), max_length=500)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    form = models.CharField(_("original or copy"), max_length=20, choices=PaperForm.choices,
                            default=PaperForm.ORIGINAL)
    storage_key = models.CharField(_("file"), max_length=255, blank=True)
    original_filename = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dossier paper")
        verbose_name_plural = _("dossier papers")
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name


class DossierStep(models.Model):
    """One line of the process control sheet (phiếu kiểm soát quá trình, BM.05): who handed
    the dossier to whom, when, the step's due moment and whether it finished early, on
    time or late. A transfer to another agency is a line too."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    procedure_step = models.ForeignKey(ProcedureStep, null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=StepKind.choices)
    name = models.CharField(_("name"), max_length=255)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    half_days = models.PositiveSmallIntegerField(_("time (half working days)"), default=0)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("assignee"))
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due"))
    finished_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    outcome = models.CharField(_("timeliness"), max_length=8, choices=Timeliness.choices,
                               blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("process control line")
        verbose_name_plural = _("process control sheet")
        ordering = ["dossier", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "order"], name="dossier_step_order"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.order}. {self.name}"


class SupplementRequest(models.Model):
    """A request for missing papers (BM.02). Before reception it sends the dossier back
    without a clock; during processing it pauses the clock until `supplied_at`."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE,
                                related_name="supplement_requests")
    step = models.ForeignKey(DossierStep, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    before_reception = models.BooleanField(_("before reception"), default=False)
    missing = models.JSONField(_("what is missing"), default=list)
    reason = models.TextField(_("reason"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    supplied_at = models.DateTimeField(_("supplied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        ordering = ["dossier", "requested_at"]
        constraints = [
            # At most one open request per dossier.
            models.UniqueConstraint(fields=["dossier"], condition=Q(supplied_at__isnull=True),
                                    name="one_open_supplement_request"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.requested_at:%d/%m/%Y}"


class ExtensionLetter(models.Model):
    """The apology and new-date letter (phiếu xin lỗi và hẹn lại ngày trả kết quả, BM.04).
    One per dossier (the unique dossier is the "only once" rule in the database)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE,
                                   related_name="extension_letter")
    original_due_at = models.DateTimeField(_("original appointment"))
    new_due_at = models.DateTimeField(_("new date"))
    reason = models.TextField(_("reason"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("signed by"))
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("apology and extension letter")
        verbose_name_plural = _("apology and extension letters")
        constraints = [
            models.CheckConstraint(condition=Q(new_due_at__gt=models.F("original_due_at")),
                                   name="extension_later_date"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.new_due_at:%d/%m/%Y}"


class DossierStateChange(models.Model):
    """The dossier's timeline (what tracking shows): one row per transition."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="history")
    from_state = models.CharField(max_length=12, choices=DossierState.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=DossierState.choices)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(_("actor"), max_length=200)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["dossier", "at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.from_state} → {self.to_state}"


class RefusalReason(models.TextChoices):
    """Why a dossier is refused (BM.03): stored in `Dossier.refusal_reason`."""

    NOT_ELIGIBLE = "not_eligible", _("The applicant does not meet the conditions")
    WRONG_AGENCY = "wrong_agency", _("Not within this agency's competence")
    INVALID_PAPERS = "invalid_papers", _("Papers invalid or forged")
    NOT_SUPPLEMENTED = "not_supplemented", _("The requested supplement was not provided")
    OTHER = "other", _("Other reason")


class FinishedDay(models.Model):
    """Decision 766 counts of the *finished* dossiers (returned, refused, withdrawn: no
    transition leaves those states, so their counted fields never change again), per
    cohort day and handling agency. Written by `statistics_days.record_finished` in the
    transaction of the dossier's last transition; the statistics add the dossiers still
    open, counted live. `statistics_days.rebuild` recomputes it from the dossiers (bulk
    loads, repairs)."""

    day = models.DateField()
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    received = models.PositiveIntegerField(default=0)
    received_online = models.PositiveIntegerField(default=0)
    received_desk = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolved_on_time = models.PositiveIntegerField(default=0)
    resolved_late = models.PositiveIntegerField(default=0)
    supplemented = models.PositiveIntegerField(default=0)
    supplement_requests = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    fee_dossiers = models.PositiveIntegerField(default=0)
    fee_paid_online = models.PositiveIntegerField(default=0)
    results_digitised = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "agency"],
                                               name="finished_day_once")]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id}"


class CitizenIdentity(models.Model):
    """The link between an account and a person proven by VNeID: the 12-digit personal
    identification number (CCCD, checked by `core.validators.normalize_citizen_id`) is
    the key of identity; the mobile number on the account is secondary and follows the
    one VNeID holds (`services.identity.link_vneid`)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="citizen_identity", verbose_name=_("account"))
    id_number = models.CharField(_("personal identification number"), max_length=12,
                                 unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    linked_at = models.DateTimeField(_("linked at"))
    last_login_at = models.DateTimeField(_("last VNeID login"))

    class Meta:
        verbose_name = _("VNeID identity")
        verbose_name_plural = _("VNeID identities")

    def __str__(self) -> str:
        return f"{self.id_number} {self.full_name}"


# Tables of part B (national-portal sync, satisfaction), kept in their own modules.
from tinhso.publicservices.portal.models import PortalCursor, PortalUpdate  # noqa: E402,F401
from tinhso.publicservices.ratings import SatisfactionRating  # noqa: E402,F401
