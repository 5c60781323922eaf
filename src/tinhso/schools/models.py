"""Schools and the e-gradebook (system 7).

A `School` is an `accounts.Organization` of kind school, in a commune. Its `SchoolYear`
has two `Term`s; its `SchoolClass`es belong to a grade (khối 1–12) and have a homeroom
`Teacher`; `Subject`s are per school and grade with their annual periods. A `Score` is one
cell of the gradebook (a regular assessment, the mid-term, the end-of-term, a comment
subject's Đạt / Chưa đạt, a primary subject's level or test score). Every change of a
cell appends a `GradeChange` — append-only: no save of an existing row, no delete, no
queryset update (and on PostgreSQL a trigger refuses UPDATE and DELETE, migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Cast, Round
from django.utils.translation import gettext_lazy as _

from tinhso.schools import gradebook


class Level(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    LOWER = "lower", _("Lower secondary school")
    UPPER = "upper", _("Upper secondary school")


GRADES = {Level.PRIMARY: range(1, 6), Level.LOWER: range(6, 10), Level.UPPER: range(10, 13)}


class SchoolQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The province's education officers see every school; staff their own school."""
        from tinhso.accounts.permissions import has_perm, roles_of

        if has_perm(user, "schools.province"):
            return self
        orgs = {org for _role, org in roles_of(user)}
        return self.filter(organization_id__in=orgs)


class School(models.Model):
    organization = models.OneToOneField("accounts.Organization", on_delete=models.PROTECT,
                                        related_name="school")
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    commune = models.ForeignKey("core.AdministrativeUnit", on_delete=models.PROTECT,
                                verbose_name=_("commune or ward"))
    is_sample = models.BooleanField(_("sample data"), default=False)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_primary(self) -> bool:
        return self.level == Level.PRIMARY


class SchoolYear(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="years")
    name = models.CharField(_("school year"), max_length=9)  # "2026-2027"
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"))

    class Meta:
        ordering = ["school", "-starts"]
        constraints = [models.UniqueConstraint(fields=["school", "name"],
                                               name="schools_year_unique")]

    def __str__(self) -> str:
        return f"{self.school} {self.name}"


class Term(models.Model):
    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveSmallIntegerField(_("term"), choices=[(1, _("Term I")),
                                                                  (2, _("Term II"))])
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"))
    entry_deadline = models.DateField(_("grade entry deadline"))
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["year", "number"]
        constraints = [models.UniqueConstraint(fields=["year", "number"],
                                               name="schools_term_unique")]

    def __str__(self) -> str:
        return f"{self.year} HK{self.number}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Teacher(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="teachers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="teaching")
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("mobile number"), max_length=10, blank=True)

    class Meta:
        ordering = ["school", "full_name"]
        constraints = [models.UniqueConstraint(fields=["school", "user"],
                                               name="schools_teacher_unique")]

    def __str__(self) -> str:
        return self.full_name


class Subject(models.Model):
    """A subject taught in one grade of one school, with its periods a year (which decide
    how many regular assessments it needs, Circular 22 Art. 7)."""

    class Kind(models.TextChoices):
        SCORED = "scored", _("Assessed by score and comment")
        COMMENT = "comment", _("Assessed by comment")
        PRIMARY = "primary", _("Primary subject (level)")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="subjects")
    grade = models.PositiveSmallIntegerField(_("grade"))
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("assessment"), max_length=8, choices=Kind.choices)
    periods_per_year = models.PositiveSmallIntegerField(_("periods a year"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["school", "grade", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "grade", "code"],
                                               name="schools_subject_unique")]

    def __str__(self) -> str:
        return self.name


class SchoolClass(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="classes")
    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="classes")
    grade = models.PositiveSmallIntegerField(_("grade"))
    name = models.CharField(_("class"), max_length=20)
    homeroom = models.ForeignKey(Teacher, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="homerooms", verbose_name=_("homeroom teacher"))

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["school", "grade", "name"]
        constraints = [models.UniqueConstraint(fields=["year", "name"],
                                               name="schools_class_unique")]

    def __str__(self) -> str:
        return f"{self.name} — {self.school}"


class Assignment(models.Model):
    """A teacher teaches a subject in a class."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="assignments")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE,
                                     related_name="assignments")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="assignments")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school_class", "subject"],
                                               name="schools_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.teacher} — {self.subject} {self.school_class.name}"


class Student(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "f", _("Female")
        MALE = "m", _("Male")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="students")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT,
                                     related_name="students")
    code = models.CharField(_("student code"), max_length=20, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    number = models.PositiveSmallIntegerField(_("number in class"), default=0)

    class Meta:
        ordering = ["school_class", "number", "full_name"]

    def __str__(self) -> str:
        return self.full_name


class Guardian(models.Model):
    """A parent or guardian; logs in with this phone number and a one-time code."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="guardian")
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("mobile number"), max_length=10, unique=True)
    students = models.ManyToManyField(Student, related_name="guardians")

    def __str__(self) -> str:
        return self.full_name


class Slot(models.TextChoices):
    """A cell of the gradebook for one student, subject and term."""

    TX1 = "tx1", _("Regular assessment 1")
    TX2 = "tx2", _("Regular assessment 2")
    TX3 = "tx3", _("Regular assessment 3")
    TX4 = "tx4", _("Regular assessment 4")
    GK = "gk", _("Mid-term")
    CK = "ck", _("End-of-term")
    COMMENT = "nx", _("Comment result")
    LEVEL = "lv", _("Subject level")
    TEST = "kt", _("End-of-term test")


REGULAR_SLOTS = (Slot.TX1, Slot.TX2, Slot.TX3, Slot.TX4)


def _packed_cell() -> Case:
    """A cell as its bits of the packed subject-term (`gradebook` "packed cells"): the
    score in whole tenths, plus one (0 is "no score"), the marks as their codes. ROUND:
    SQLite keeps a decimal as a float."""
    tenths = Cast(Round(F("value") * 10), models.BigIntegerField())
    mark = Case(*(When(mark=code, then=Value(i + 1)) for i, code in enumerate(gradebook.MARKS)),
                output_field=models.BigIntegerField())
    return Case(
        When(slot__in=[s.value for s in REGULAR_SLOTS],
             then=tenths + Value(1 << gradebook.TX_N_SHIFT)),
        *(When(slot=slot, then=(tenths + Value(1)) * Value(1 << shift))
          for slot, shift in gradebook.PACK_SHIFT.items() if slot != "tx"),
        When(slot=Slot.COMMENT.value, then=mark * Value(1 << gradebook.NX_SHIFT)),
        When(slot=Slot.LEVEL.value, then=mark * Value(1 << gradebook.LV_SHIFT)),
        output_field=models.BigIntegerField())


class Score(models.Model):
    """One cell. `value` for scores (0–10, one decimal; the primary test 1–10), `mark`
    for Đạt / Chưa đạt and the primary levels. `version` counts the writes. `packed`,
    kept by the database, is the cell as the province recompute adds it up: reading the
    stored bits halves the recompute's cell query against working them out from `slot`,
    `value` and `mark` there (a numeric product and two CASEs for each of 15 million
    cells)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="scores")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="scores")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="scores")
    slot = models.CharField(max_length=3, choices=Slot.choices)
    value = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    mark = models.CharField(max_length=12, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    packed = models.GeneratedField(expression=_packed_cell(),
                                   output_field=models.BigIntegerField(), db_persist=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "subject", "term", "slot"],
                                    name="schools_score_cell"),
            models.CheckConstraint(condition=Q(value__isnull=True)
                                   | Q(value__gte=0, value__lte=10),
                                   name="schools_score_range"),
        ]
        indexes = [models.Index(fields=["term", "subject"]),
                   models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return f"{self.student} {self.subject} {self.slot}"

    def display(self) -> str:
        return str(self.value) if self.value is not None else self.mark


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("grade history is append-only")

    def delete(self):
        raise PermissionError("grade history is append-only")

    def bulk_update(self, *args, **kwargs):
        raise PermissionError("grade history is append-only")


class GradeChange(models.Model):
    """The append-only history of the gradebook: before, after, who, when, why, approver."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="grade_changes")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    slot = models.CharField(max_length=3, choices=Slot.choices)
    before = models.CharField(max_length=12, blank=True)
    after = models.CharField(max_length=12, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField()
    reason = models.CharField(max_length=500, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        # Newest first in the order written: ids are taken under the cell's row lock, while
        # `at` is when each request started (two devices' saves may carry crossed times).
        ordering = ["-id"]
        indexes = [models.Index(fields=["student", "term"])]

    def __str__(self) -> str:
        return f"{self.student} {self.subject} {self.slot}: {self.before} → {self.after}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("grade history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("grade history is append-only")


class ChangeReason(models.TextChoices):
    ENTRY_MISTAKE = "entry_mistake", _("Entry mistake")
    RE_MARKED = "re_marked", _("Paper re-marked")
    MAKE_UP = "make_up", _("Make-up assessment")
    OTHER = "other", _("Other")


class ChangeRequest(models.Model):
    """A teacher's request to change a cell of a locked term; the leader decides."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="change_requests")
    slot = models.CharField(max_length=3, choices=Slot.choices)
    before = models.CharField(max_length=12, blank=True)
    after = models.CharField(max_length=12)
    reason = models.CharField(max_length=20, choices=ChangeReason.choices)
    note = models.CharField(max_length=1000, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.student} {self.subject} {self.slot}: {self.before} → {self.after}"


class Attendance(models.Model):
    """One absence of one session (buổi); Circular 22 Art. 12 counts them for promotion."""

    class Session(models.TextChoices):
        MORNING = "am", _("Morning")
        AFTERNOON = "pm", _("Afternoon")

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="absences")
    day = models.DateField(_("day"))
    session = models.CharField(_("session"), max_length=2, choices=Session.choices)
    permitted = models.BooleanField(_("with permission"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-day", "session"]
        constraints = [models.UniqueConstraint(fields=["student", "day", "session"],
                                               name="schools_absence_unique")]

    def __str__(self) -> str:
        return f"{self.student} {self.day} {self.session}"


class Result(models.Model):
    """A student's computed result for a term (1, 2) or the year (0): learning level,
    conduct (set by the homeroom teacher), absences, and for the year the outcome and
    title. Recomputed from the scores by `services.recompute_class`.

    The unique (student, year, period) index serves the lookups by student, so the
    foreign key has no index of its own; on PostgreSQL the table's pages keep 30 % free
    (migration 0006) so that a recompute rewrites a row in its page (a HOT update, no
    index touched)."""

    # The unique constraint below leads with the student: a second index would only cost.
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="results",
                                db_index=False)
    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="+")
    period = models.PositiveSmallIntegerField()  # 1, 2 or 0 for the whole year
    learning = models.CharField(max_length=24, blank=True)
    conduct = models.CharField(max_length=12, blank=True)
    absences = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=12, blank=True)
    remark = models.CharField(_("homeroom teacher's comment"), max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["student", "year", "period"],
                                               name="schools_result_unique")]

    def __str__(self) -> str:
        return f"{self.student} {self.period}: {self.learning}"


class Notice(models.Model):
    """A notice from the school: to the whole school (``school_class`` empty) or one class."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="notices")
    school_class = models.ForeignKey(SchoolClass, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="notices",
                                     verbose_name=_("class"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title


class NoticeRead(models.Model):
    """A read receipt: the first time a guardian opened a notice."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "user"],
                                               name="schools_notice_read_once")]

    def __str__(self) -> str:
        return f"{self.notice} · {self.user}"


class TraitAssessment(models.Model):
    """A primary pupil's level in one quality or competence for a term (Circular 27/2020
    Art. 6 cl. 2(b)): Tốt / Đạt / Cần cố gắng. ``trait`` is a code of `schools.traits`."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="traits")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+")
    trait = models.CharField(max_length=24)
    level = models.CharField(max_length=12)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["student", "term", "trait"],
                                               name="schools_trait_once")]

    def __str__(self) -> str:
        return f"{self.student} {self.trait}: {self.level}"
