"""Every write of the innovation system: one function per use case, in one transaction,
with its audit entry; pages and the API call these.

* Profiles are written by founders and published by the innovation office through the
  edges of `workflow.TRANSITIONS`.
* An application is taken and changed strictly before its call's deadline, an instant
  compared with ``now`` (an input: the server's clock in production, never the client's);
  the deadline is written and shown in Vietnam time (Asia/Ho_Chi_Minh).
* Attachments are checked by content (`core.files.store_document`: PDF, JPEG or PNG, at
  most 5 MB); files stored for a call that then fails are deleted again.
* Judging: a judge declares a conflict of interest (or none) before seeing an application;
  a conflicted judge never sees or scores it. Every score change is audited with the old
  and new values; results are published only when every non-conflicted assigned judge has
  scored every criterion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from tinhso.accounts.models import User
from tinhso.accounts.permissions import has_perm, require
from tinhso.core import audit, sequences
from tinhso.core import files as core_files
from tinhso.core.errors import FieldCollector
from tinhso.core.models import AdministrativeUnit
from tinhso.core.validators import ErrorCode as CoreCode
from tinhso.core.validators import InvalidValue, check_text, invalid_value, normalize_tax_code
from tinhso.innovation import ranking, selectors, workflow
from tinhso.innovation.errors import InnovationError as E
from tinhso.innovation.errors import innovation_error, innovation_invalid
from tinhso.innovation.models import (
    Application,
    Assignment,
    Attachment,
    Call,
    CallState,
    Conflict,
    Criterion,
    Field,
    Profile,
    ProfileKind,
    ProfileState,
    Score,
    Stage,
)

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
ATTACHMENT_MAX_BYTES = 5 * core_files.MB
ATTACHMENT_FOLDER = "innovation/applications"
MAX_AMOUNT = 100_000_000_000


def local_text(moment: datetime) -> str:
    """A moment as people read it here: 17:00 10/12/2026 (Vietnam time)."""
    return moment.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


# ---------------------------------------------------------------------------
# Validation shared by the pages and the API
# ---------------------------------------------------------------------------

def _text(collector: FieldCollector, name: str, value: str | None, max_length: int,
          *, required: bool = True) -> str:
    def clean():
        text = (value or "").strip()
        if required and not text:
            raise invalid_value(name, CoreCode.REQUIRED)
        if len(text) > max_length:
            raise innovation_invalid(E.TEXT_TOO_LONG, field=name, max=max_length)
        return check_text(text, name)
    return collector.field(name, clean) or ""


def _choice(collector: FieldCollector, name: str, value: str | None, choices) -> str:
    def clean():
        if not value:
            raise invalid_value(name, CoreCode.REQUIRED)
        if value not in choices.values:
            raise innovation_invalid(E.CHOICE, field=name)
        return value
    return collector.field(name, clean) or ""


def _link(collector: FieldCollector, name: str, value: str | None) -> str:
    def clean():
        text = (value or "").strip()
        if text and (not text.startswith(("https://", "http://")) or len(text) > 300
                     or " " in text):
            raise innovation_invalid(E.BAD_LINK, field=name)
        return check_text(text, name)
    return collector.field(name, clean) or ""


def _int(collector: FieldCollector, name: str, value, low: int, high: int, code: E) -> int:
    def clean():
        try:
            number = int(str(value).replace(".", "").strip()) if value not in (None, "") else 0
        except ValueError:
            raise innovation_invalid(code, field=name) from None
        if not low <= number <= high:
            raise innovation_invalid(code, field=name)
        return number
    return collector.field(name, clean) or 0


@dataclass
class ProfileInput:
    kind: str
    name: str
    field: str
    stage: str
    commune_code: int | None
    summary: str
    team: str = ""
    products: str = ""
    website: str = ""
    facebook: str = ""
    tax_code: str = ""


def clean_profile(data: ProfileInput) -> dict:
    check = FieldCollector()
    cleaned = {
        "kind": _choice(check, "kind", data.kind, ProfileKind),
        "name": _text(check, "name", data.name, 200),
        "field": _choice(check, "field", data.field, Field),
        "stage": _choice(check, "stage", data.stage, Stage),
        "summary": _text(check, "summary", data.summary, 2000),
        "team": _text(check, "team", data.team, 2000, required=False),
        "products": _text(check, "products", data.products, 2000, required=False),
        "website": _link(check, "website", data.website),
        "facebook": _link(check, "facebook", data.facebook),
    }
    tax = (data.tax_code or "").strip()
    cleaned["tax_code"] = check.field("tax_code", normalize_tax_code, tax) if tax else ""
    commune = AdministrativeUnit.objects.filter(
        code=data.commune_code or 0).exclude(kind=AdministrativeUnit.Kind.PROVINCE).first()
    if commune is None:
        check.fail(innovation_invalid(E.UNKNOWN_COMMUNE, field="commune"))
    cleaned["commune"] = commune
    check.raise_if_invalid()
    return cleaned


def _snapshot(obj, fields: Sequence[str]) -> dict:
    out = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = value.code if isinstance(value, AdministrativeUnit) else value
    return out


PROFILE_FIELDS = ("kind", "name", "field", "stage", "commune", "summary", "team", "products",
                  "website", "facebook", "tax_code")


# ---------------------------------------------------------------------------
# Profiles
# ---------------------------------------------------------------------------

def create_profile(*, actor: User, data: ProfileInput, now: datetime | None = None) -> Profile:
    """A founder writes a profile; it stays a draft until they ask for publication."""
    require(actor, "innovation.found")
    now = now or timezone.now()
    cleaned = clean_profile(data)
    with transaction.atomic():
        profile = Profile.objects.create(owner=actor, created_at=now, updated_at=now,
                                         **cleaned)
        audit.record(actor=actor, action="innovation.profile.create", obj=profile,
                     after=_snapshot(profile, PROFILE_FIELDS))
    return profile


def update_profile(*, actor: User, profile: Profile, data: ProfileInput,
                   now: datetime | None = None) -> Profile:
    """The founder changes their profile (a published one stays published: the review is
    light, and every change is in the audit log for the office)."""
    now = now or timezone.now()
    cleaned = clean_profile(data)
    with transaction.atomic():
        profile = Profile.objects.select_for_update().get(pk=profile.pk)
        if profile.owner_id != actor.pk:
            raise innovation_error(E.NOT_OWNER)
        before = _snapshot(profile, PROFILE_FIELDS)
        for name, value in cleaned.items():
            setattr(profile, name, value)
        profile.updated_at = now
        profile.save()
        audit.record(actor=actor, action="innovation.profile.update", obj=profile,
                     before=before, after=_snapshot(profile, PROFILE_FIELDS))
    return profile


def move_profile(*, actor: User, profile: Profile, action: str, note: str = "",
                 now: datetime | None = None) -> Profile:
    """Take one edge of the profile's workflow: the founder submits; the office publishes
    or returns it (with a note saying what to change)."""
    now = now or timezone.now()
    office = has_perm(actor, "innovation.review")
    with transaction.atomic():
        profile = Profile.objects.select_for_update().get(pk=profile.pk)
        by = "founder" if profile.owner_id == actor.pk and action == "submit" else "office"
        if by == "office" and not office:
            raise innovation_error(E.NOT_OWNER)
        try:
            new_state = workflow.next_state(profile.state, action, by=by)
        except workflow.NotAllowed:
            raise innovation_error(E.NOT_ALLOWED, field="action", action=action,
                                   state=ProfileState(profile.state).label) from None
        if action == "return":
            check = FieldCollector()
            note = _text(check, "note", note, 1000)
            check.raise_if_invalid()
        before = profile.state
        profile.state = new_state
        profile.review_note = note if action == "return" else ""
        if new_state == ProfileState.PUBLISHED and profile.published_at is None:
            profile.published_at = now
        profile.updated_at = now
        profile.save()
        audit.record(actor=actor, action=f"innovation.profile.{action}", obj=profile,
                     before={"state": before}, after={"state": new_state}, note=note)
    return profile


# ---------------------------------------------------------------------------
# Calls
# ---------------------------------------------------------------------------

@dataclass
class CriterionInput:
    name: str
    weight: int
    max_score: int = 10


@dataclass
class CallInput:
    title: str
    description: str
    eligibility: str
    deadline: datetime | None
    required_attachments: list[str] = field(default_factory=list)
    criteria: list[CriterionInput] = field(default_factory=list)
    funded_places: int = 0


def create_call(*, actor: User, data: CallInput, now: datetime | None = None) -> Call:
    """The office publishes a call: open at once, until its deadline."""
    require(actor, "innovation.review")
    now = now or timezone.now()
    check = FieldCollector()
    title = _text(check, "title", data.title, 200)
    description = _text(check, "description", data.description, 5000)
    eligibility = _text(check, "eligibility", data.eligibility, 3000)
    if data.deadline is None:
        check.fail(invalid_value("deadline", CoreCode.REQUIRED))
    elif data.deadline <= now:
        check.fail(innovation_invalid(E.DEADLINE_IN_PAST, field="deadline"))
    labels = [_text(check, f"required_attachments.{i}", label, 120)
              for i, label in enumerate(data.required_attachments) if (label or "").strip()]
    criteria = []
    for i, c in enumerate(data.criteria):
        if not (c.name or "").strip():
            continue
        name = _text(check, f"criteria.{i}.name", c.name, 200)
        weight = _int(check, f"criteria.{i}.weight", c.weight, 1, 100, E.WEIGHT_RANGE)
        top = _int(check, f"criteria.{i}.max_score", c.max_score, 1, 100, E.MAX_SCORE_RANGE)
        criteria.append((name, weight, top))
    if not criteria:
        check.fail(innovation_invalid(E.NO_CRITERIA, field="criteria"))
    places = _int(check, "funded_places", data.funded_places, 0, 100, E.PLACES_RANGE)
    check.raise_if_invalid()
    with transaction.atomic():
        call = Call.objects.create(title=title, description=description,
                                   eligibility=eligibility, deadline=data.deadline,
                                   required_attachments=labels, funded_places=places,
                                   created_by=actor, created_at=now)
        Criterion.objects.bulk_create(
            Criterion(call=call, name=name, weight=weight, max_score=top, position=i)
            for i, (name, weight, top) in enumerate(criteria))
        audit.record(actor=actor, action="innovation.call.create", obj=call,
                     after={"title": title, "deadline": data.deadline.isoformat(),
                            "criteria": [list(c) for c in criteria],
                            "required_attachments": labels, "funded_places": places})
    return call


# ---------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------

@dataclass
class ApplicationInput:
    project_title: str
    summary: str
    budget_vnd: int | str = 0


def _clean_application(data: ApplicationInput) -> dict:
    check = FieldCollector()
    cleaned = {"project_title": _text(check, "project_title", data.project_title, 200),
               "summary": _text(check, "summary", data.summary, 4000),
               "budget_vnd": _int(check, "budget_vnd", data.budget_vnd, 0, MAX_AMOUNT,
                                  E.AMOUNT_RANGE)}
    check.raise_if_invalid()
    return cleaned


def _check_open(call: Call, now: datetime) -> None:
    if call.state != CallState.OPEN:
        raise innovation_error(E.CALL_CLOSED)
    if not call.is_open(now):
        raise innovation_error(E.DEADLINE_PASSED, field="deadline",
                               deadline=local_text(call.deadline))


def _store_attachments(call: Call, uploads: Mapping[int, object]) -> dict[int, dict]:
    """Store each uploaded attachment (slot = index of the call's required attachment); on
    any bad file, delete those already stored and raise InvalidInput naming every one."""
    stored: dict[int, dict] = {}
    check = FieldCollector()
    for slot, label in enumerate(call.required_attachments):
        upload = uploads.get(slot)
        if not upload:
            continue
        try:
            name, content_type = core_files.store_document(
                upload, folder=ATTACHMENT_FOLDER, field=f"attachment-{slot}", label=label,
                max_bytes=ATTACHMENT_MAX_BYTES)
        except InvalidValue as error:
            check.fail(error)
            continue
        stored[slot] = {"stored_name": name, "content_type": content_type,
                        "original_name": str(getattr(upload, "name", "") or "")[:200],
                        "size": int(getattr(upload, "size", 0) or 0)}
    try:
        check.raise_if_invalid()
    except Exception:
        core_files.delete(*(s["stored_name"] for s in stored.values()))
        raise
    return stored


def _save_attachments(application: Application, stored: dict[int, dict],
                      now: datetime) -> list[str]:
    """Write the stored files' rows; return the storage names they replace."""
    replaced = []
    have = {a.slot: a for a in application.attachments.all()}
    for slot, info in stored.items():
        old = have.get(slot)
        if old is not None:
            replaced.append(old.stored_name)
            old.delete()
        Attachment.objects.create(application=application, slot=slot, uploaded_at=now, **info)
    return replaced


def _check_complete(call: Call, application: Application) -> None:
    have = set(application.attachments.values_list("slot", flat=True))
    check = FieldCollector()
    for slot, label in enumerate(call.required_attachments):
        if slot not in have:
            check.fail(innovation_invalid(E.ATTACHMENT_MISSING, field=f"attachment-{slot}",
                                          label=label))
    check.raise_if_invalid()


def submit_application(*, actor: User, call: Call, profile: Profile, data: ApplicationInput,
                       uploads: Mapping[int, object], now: datetime | None = None
                       ) -> Application:
    """A founder applies to an open call with one of their published profiles and every
    required attachment; the receipt number (KN-<year>-<nnnn>) is handed out last."""
    require(actor, "innovation.found")
    now = now or timezone.now()
    _check_open(call, now)
    if profile.owner_id != actor.pk or profile.state != ProfileState.PUBLISHED:
        raise innovation_error(E.PROFILE_NOT_PUBLISHED, field="profile")
    cleaned = _clean_application(data)
    stored = _store_attachments(call, uploads)
    try:
        with transaction.atomic():
            call = Call.objects.select_for_update().get(pk=call.pk)
            _check_open(call, now)
            if Application.objects.filter(call=call, profile=profile).exists():
                raise innovation_error(E.ALREADY_APPLIED, field="profile")
            application = Application.objects.create(
                call=call, profile=profile, applicant=actor, submitted_at=now, updated_at=now,
                number="", **cleaned)
            _save_attachments(application, stored, now)
            _check_complete(call, application)
            year = now.astimezone(VIETNAM).year
            number = sequences.next_number("innovation:application", str(year))
            application.number = f"KN-{year}-{number:04d}"
            application.save(update_fields=["number"])
            audit.record(actor=actor, action="innovation.application.submit", obj=application,
                         after={**cleaned, "call": call.pk, "profile": profile.pk,
                                "attachments": sorted(stored)})
    except Exception:
        core_files.delete(*(s["stored_name"] for s in stored.values()))
        raise
    return application


def update_application(*, actor: User, application: Application, data: ApplicationInput,
                       uploads: Mapping[int, object], now: datetime | None = None
                       ) -> Application:
    """The founder changes their application (text, or replaces attachments) until the
    deadline; the receipt number stays."""
    now = now or timezone.now()
    if application.applicant_id != actor.pk:
        raise innovation_error(E.NOT_OWNER)
    _check_open(application.call, now)
    cleaned = _clean_application(data)
    stored = _store_attachments(application.call, uploads)
    replaced: list[str] = []
    try:
        with transaction.atomic():
            call = Call.objects.select_for_update().get(pk=application.call_id)
            _check_open(call, now)
            application = Application.objects.select_for_update().get(pk=application.pk)
            before = {name: getattr(application, name) for name in cleaned}
            for name, value in cleaned.items():
                setattr(application, name, value)
            application.updated_at = now
            application.save()
            replaced = _save_attachments(application, stored, now)
            audit.record(actor=actor, action="innovation.application.update", obj=application,
                         before=before, after={**cleaned, "attachments": sorted(stored)})
    except Exception:
        core_files.delete(*(s["stored_name"] for s in stored.values()))
        raise
    transaction.on_commit(lambda: core_files.delete(*replaced))
    return application


# ---------------------------------------------------------------------------
# Judging
# ---------------------------------------------------------------------------

def _judging_open(call: Call, now: datetime) -> None:
    if call.state == CallState.RESULTS:
        raise innovation_error(E.RESULTS_PUBLISHED)
    if now < call.deadline:
        raise innovation_error(E.JUDGING_NOT_STARTED)


def assign_judges(*, actor: User, application: Application, judges: Sequence[User],
                  now: datetime | None = None) -> list[Assignment]:
    """The office assigns judges (holders of the judge role) to an application."""
    require(actor, "innovation.review")
    now = now or timezone.now()
    if application.call.state == CallState.RESULTS:
        raise innovation_error(E.RESULTS_PUBLISHED)
    allowed = set(selectors.judges().values_list("pk", flat=True))
    for judge in judges:
        if judge.pk not in allowed:
            raise innovation_error(E.NOT_A_JUDGE, field="judges")
    made = []
    with transaction.atomic():
        for judge in judges:
            assignment, created = Assignment.objects.get_or_create(
                application=application, judge=judge, defaults={"assigned_at": now})
            if created:
                audit.record(actor=actor, action="innovation.judge.assign", obj=assignment,
                             after={"application": application.number, "judge": judge.pk})
            made.append(assignment)
    return made


def declare_interest(*, actor: User, assignment: Assignment, conflict: bool, note: str = "",
                     now: datetime | None = None) -> Assignment:
    """The judge declares whether they have a conflict of interest with the applicant (a
    relative, a business partner, a former employer ...). Once made, the declaration
    stays; a conflicted judge's assignment is out of the judging."""
    now = now or timezone.now()
    check = FieldCollector()
    note = _text(check, "note", note, 500, required=conflict)
    check.raise_if_invalid()
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk,
                                                                 judge=actor)
        if assignment.conflict != Conflict.PENDING:
            raise innovation_error(E.DECLARED_ALREADY)
        assignment.conflict = Conflict.DECLARED if conflict else Conflict.NONE
        assignment.conflict_note = note
        assignment.declared_at = now
        assignment.save()
        audit.record(actor=actor, action="innovation.judge.declare", obj=assignment,
                     after={"conflict": assignment.conflict}, note=note)
    return assignment


def _score_value(value, criterion: Criterion, name: str) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        number = -1
    if not 0 <= number <= criterion.max_score:
        raise innovation_invalid(E.SCORE_RANGE, field=name, criterion=criterion.name,
                                 max=criterion.max_score)
    return number


@dataclass
class ScoreInput:
    criterion_id: int
    value: int | str | None
    comment: str = ""


def score_application(*, actor: User, assignment: Assignment, scores: Sequence[ScoreInput],
                      now: datetime | None = None) -> list[Score]:
    """A judge with no conflict scores every criterion (0..its highest score) with an
    optional comment; scores may change until the results are published, each change
    audited with the old and new value."""
    now = now or timezone.now()
    with transaction.atomic():
        assignment = (Assignment.objects.select_for_update()
                      .select_related("application__call").get(pk=assignment.pk, judge=actor))
        if assignment.conflict == Conflict.DECLARED:
            raise innovation_error(E.CONFLICTED)
        if assignment.conflict == Conflict.PENDING:
            raise innovation_error(E.NOT_DECLARED)
        call = assignment.application.call
        _judging_open(call, now)
        given = {s.criterion_id: s for s in scores}
        check = FieldCollector()
        rows = []
        for criterion in call.criteria.all():
            entry = given.get(criterion.pk)
            name = f"score-{criterion.pk}"
            if entry is None or entry.value in (None, ""):
                check.fail(innovation_invalid(E.SCORE_MISSING, field=name,
                                              criterion=criterion.name))
                continue
            value = check.field(name, _score_value, entry.value, criterion, name)
            if value is None:
                continue
            comment = _text(check, f"comment-{criterion.pk}", entry.comment, 1000,
                            required=False)
            rows.append((criterion, value, comment))
        check.raise_if_invalid()
        have = {s.criterion_id: s for s in assignment.scores.select_for_update()}
        saved = []
        for criterion, value, comment in rows:
            old = have.get(criterion.pk)
            if old is None:
                score = Score.objects.create(assignment=assignment, criterion=criterion,
                                             value=value, comment=comment, updated_at=now)
                audit.record(actor=actor, action="innovation.score.create", obj=score,
                             after={"criterion": criterion.pk, "value": value,
                                    "comment": comment})
            elif (old.value, old.comment) != (value, comment):
                before = {"criterion": criterion.pk, "value": old.value,
                          "comment": old.comment}
                old.value, old.comment, old.updated_at = value, comment, now
                old.save()
                score = old
                audit.record(actor=actor, action="innovation.score.change", obj=score,
                             before=before, after={"criterion": criterion.pk, "value": value,
                                                   "comment": comment})
            else:
                score = old
            saved.append(score)
    return saved


def publish_results(*, actor: User, call: Call, now: datetime | None = None
                    ) -> list[ranking.Ranked]:
    """Publish the ranking once every non-conflicted assigned judge has scored every
    criterion; the first ``funded_places`` applications are marked funded."""
    require(actor, "innovation.review")
    now = now or timezone.now()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        _judging_open(call, now)
        missing = selectors.missing_scores(call)
        if missing:
            raise innovation_error(E.SCORES_MISSING, count=missing)
        ranked = selectors.ranking_of(call)
        funded = [r.key for r in ranked[:call.funded_places]]
        Application.objects.filter(call=call).update(funded=False)
        Application.objects.filter(pk__in=funded).update(funded=True)
        call.state = CallState.RESULTS
        call.results_published_at = now
        call.save(update_fields=["state", "results_published_at"])
        audit.record(actor=actor, action="innovation.call.publish_results", obj=call,
                     after={"ranking": [[r.label, str(r.score), r.rank] for r in ranked],
                            "funded": funded})
    return ranked

