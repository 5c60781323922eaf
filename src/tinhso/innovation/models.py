"""Innovation and startups (system 8): startup and cooperative profiles, calls for
applications with fair judging, news and events.

A `Profile` is written by its founder and published after a light review by the innovation
office (its states and edges are data, in `workflow.py`). The office opens a `Call` with
weighted `Criterion` rows and a deadline (an instant; shown in Asia/Ho_Chi_Minh). A founder's
`Application` to a call is editable until the deadline and has a receipt number. Judges are
assigned applications (`Assignment`), declare conflicts of interest, and give a `Score` per
criterion; the ranking (`ranking.py`) is published when every expected score is in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Field(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture and forestry")
    FOOD = "food", _("Food processing")
    TOURISM = "tourism", _("Tourism and services")
    HANDICRAFT = "handicraft", _("Handicrafts")
    DIGITAL = "digital", _("Digital technology")
    LOGISTICS = "logistics", _("Trade and logistics")
    HEALTH = "health", _("Health and medicinal plants")
    ENVIRONMENT = "environment", _("Environment and energy")
    OTHER = "other", _("Other field")


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    PROTOTYPE = "prototype", _("Prototype")
    FIRST_SALES = "first_sales", _("First sales")
    GROWTH = "growth", _("Growth")
    MATURE = "mature", _("Established")


class ProfileKind(models.TextChoices):
    STARTUP = "startup", _("Startup")
    COOPERATIVE = "cooperative", _("Cooperative")


class ProfileState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned for changes")


class ProfileQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=ProfileState.PUBLISHED)

    def visible_to(self, user):
        """Published profiles for everyone; a founder's own in any state; every profile
        for the innovation office."""
        from tinhso.accounts.permissions import has_perm

        if has_perm(user, "innovation.review"):
            return self.all()
        if user is not None and user.is_authenticated:
            return self.filter(Q(state=ProfileState.PUBLISHED) | Q(owner=user))
        return self.published()


class Profile(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=ProfileKind.choices)
    name = models.CharField(_("name"), max_length=200)
    field = models.CharField(_("field"), max_length=16, choices=Field.choices)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    commune = models.ForeignKey("core.AdministrativeUnit", on_delete=models.PROTECT,
                                related_name="innovation_profiles",
                                verbose_name=_("commune or ward"))
    summary = models.TextField(_("summary"), max_length=2000)
    team = models.TextField(_("team"), max_length=2000, blank=True)
    products = models.TextField(_("products and services"), max_length=2000, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    facebook = models.URLField(_("Facebook or Zalo page"), max_length=300, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="innovation_profiles", verbose_name=_("founder"))
    state = models.CharField(_("state"), max_length=12, choices=ProfileState.choices,
                             default=ProfileState.DRAFT)
    review_note = models.CharField(_("review note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("startup or cooperative profile")
        verbose_name_plural = _("startup and cooperative profiles")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["state", "field"]),
                   models.Index(fields=["state", "commune"])]

    def __str__(self) -> str:
        return self.name


class CallState(models.TextChoices):
    OPEN = "open", _("Open")
    RESULTS = "results", _("Results published")


class Call(models.Model):
    """A call for applications or a contest. Open for applications until ``deadline``
    (an instant; the pages show it in Vietnam time); judged after it."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    eligibility = models.TextField(_("eligibility"), max_length=3000)
    deadline = models.DateTimeField(_("deadline"))
    #: Labels of the attachments every application must carry, in order.
    required_attachments = models.JSONField(_("required attachments"), default=list)
    funded_places = models.PositiveSmallIntegerField(_("projects funded"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=CallState.choices,
                             default=CallState.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"))
    results_published_at = models.DateTimeField(_("results published at"), null=True,
                                                blank=True)

    class Meta:
        verbose_name = _("call for applications")
        verbose_name_plural = _("calls for applications")
        ordering = ["-deadline", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now) -> bool:
        """Applications are taken and edited strictly before the deadline."""
        return self.state == CallState.OPEN and now < self.deadline


class Criterion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("weight"))
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=10)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["call", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=100),
                                   name="innovation_criterion_weight"),
            models.CheckConstraint(condition=Q(max_score__gte=1, max_score__lte=100),
                                   name="innovation_criterion_max"),
        ]

    def __str__(self) -> str:
        return self.name


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The office sees every application; a founder their own; a judge those assigned
        to them, except any they declared a conflict of interest for (and, before the
        declaration, only the cover: `selectors.assignment_for`)."""
        from tinhso.accounts.permissions import has_perm

        if user is None or not user.is_authenticated:
            return self.none()
        if has_perm(user, "innovation.review"):
            return self.all()
        return self.filter(
            Q(applicant=user)
            | Q(assignments__judge=user, assignments__conflict=Conflict.NONE)).distinct()


class Application(models.Model):
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="innovation_applications")
    number = models.CharField(_("receipt number"), max_length=20, unique=True)
    project_title = models.CharField(_("project title"), max_length=200)
    summary = models.TextField(_("project summary"), max_length=4000)
    budget_vnd = models.PositiveBigIntegerField(_("support requested (VND)"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"))
    updated_at = models.DateTimeField(_("last changed at"))
    funded = models.BooleanField(_("funded"), default=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["call", "number"]
        constraints = [models.UniqueConstraint(fields=["call", "profile"],
                                               name="innovation_one_application_per_call")]

    def __str__(self) -> str:
        return f"{self.number} — {self.project_title}"


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                     related_name="attachments")
    #: Index in the call's ``required_attachments``.
    slot = models.PositiveSmallIntegerField()
    stored_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    original_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["application", "slot"]
        constraints = [models.UniqueConstraint(fields=["application", "slot"],
                                               name="innovation_attachment_slot")]

    def __str__(self) -> str:
        return self.original_name or self.stored_name


class Conflict(models.TextChoices):
    PENDING = "pending", _("Not declared yet")
    NONE = "none", _("No conflict of interest")
    DECLARED = "declared", _("Conflict of interest declared")


class Assignment(models.Model):
    """A judge assigned to an application; the judge declares a conflict of interest (or
    none) before seeing the application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="assignments")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="innovation_assignments")
    conflict = models.CharField(_("conflict of interest"), max_length=10,
                                choices=Conflict.choices, default=Conflict.PENDING)
    conflict_note = models.CharField(_("note"), max_length=500, blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField()

    class Meta:
        ordering = ["application", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "judge"],
                                               name="innovation_one_assignment")]

    def __str__(self) -> str:
        return f"{self.application.number}: {self.judge}"


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["assignment", "criterion__position"]
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"],
                                               name="innovation_one_score")]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class News(models.Model):
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_vi = models.TextField(_("text (Vietnamese)"), max_length=10000)
    body_en = models.TextField(_("text (English)"), max_length=10000, blank=True)
    image = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(_("published at"))
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title_vi


class Event(models.Model):
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_vi = models.TextField(_("text (Vietnamese)"), max_length=10000)
    body_en = models.TextField(_("text (English)"), max_length=10000, blank=True)
    image = models.CharField(max_length=200, blank=True)
    location = models.CharField(_("place"), max_length=255)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="innovation_event_ends_after_start")]

    def __str__(self) -> str:
        return self.title_vi
