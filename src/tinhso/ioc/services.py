"""Use cases of the operations dashboard: refreshing the figures from the systems (the
scheduled task), the manual values' entry and review, targets, alerts and kiosk tokens.
Each writes its audit entry in its own transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from tinhso.accounts.models import Role
from tinhso.accounts.permissions import organizations_with_role, require
from tinhso.core import audit, files, notifications
from tinhso.core.errors import FieldCollector
from tinhso.core.models import AdministrativeUnit
from tinhso.core.notifications import Notification
from tinhso.core.reasons import clean_reason
from tinhso.core.validators import check_text
from tinhso.ioc import rules, sources
from tinhso.ioc.errors import IocError, ioc_error, ioc_invalid
from tinhso.ioc.models import (
    Alert,
    Indicator,
    KioskToken,
    ManualState,
    ManualValue,
    ReturnReason,
    Snapshot,
    SnapshotState,
    Target,
    Unit,
)

logger = logging.getLogger("tinhso.ioc")

#: A computed figure whose source has not answered for this long is stale.
COMPUTED_MAX_AGE = timedelta(days=1)
NOTE_MAX = 500


def targets_of(indicator: Indicator) -> dict[int, Decimal]:
    return {t.year: t.value for t in indicator.targets.all()}


# ---------------------------------------------------------------- refresh (the task)


@dataclass
class RefreshResult:
    figures: int = 0
    unavailable: list[str] | None = None
    no_data: list[str] | None = None
    alerts: int = 0


def _communes() -> dict[int, int]:
    return dict(AdministrativeUnit.objects.exclude(kind=AdministrativeUnit.Kind.PROVINCE)
                .values_list("code", "pk"))


def _write(indicator: Indicator, period: rules.Period, rows: dict[int | None, dict],
           *, now: datetime) -> int:
    """Upsert this period's snapshots of ``indicator`` (key: commune id, None = province).
    Each row: ``value`` and ``state``; a failed source keeps the value and time of the
    last good figure."""
    existing = {s.commune_id: s for s in Snapshot.objects.filter(indicator=indicator,
                                                                  period=period.key)}
    target = rules.target_for(period.year, targets_of(indicator))
    missing = [c for c, row in rows.items() if row["state"] != SnapshotState.OK
               and c not in existing]
    last_good = {}
    if missing:
        for commune_id, at in (Snapshot.objects.filter(
                indicator=indicator, last_good_at__isnull=False, commune_id__in=[
                    c for c in missing if c is not None]).values_list(
                "commune_id", "last_good_at").order_by("period_start")):
            last_good[commune_id] = at
        if None in missing:
            province = (Snapshot.objects.filter(indicator=indicator, commune__isnull=True,
                                                last_good_at__isnull=False)
                        .order_by("-period_start").values_list("last_good_at", flat=True)
                        .first())
            if province:
                last_good[None] = province
    create, update = [], []
    for commune_id, row in rows.items():
        snap = existing.get(commune_id)
        if snap is None:
            snap = Snapshot(indicator=indicator, period=period.key, period_start=period.start,
                            period_end=period.end, commune_id=commune_id)
            create.append(snap)
            if row["state"] != SnapshotState.OK and commune_id in last_good:
                snap.last_good_at = last_good[commune_id]
        else:
            update.append(snap)
        snap.state, snap.computed_at, snap.target = row["state"], now, target
        snap.error = row.get("error", "")[:255]
        if row["state"] == SnapshotState.OK:
            snap.value, snap.last_good_at = row["value"], now
        elif row["state"] == SnapshotState.NO_DATA:
            snap.value = None
        # unavailable: value and last_good_at stay as they were (never a zero)
        snap.status = rules.status(snap.value, target, indicator.direction)
    Snapshot.objects.bulk_create(create, batch_size=500)
    Snapshot.objects.bulk_update(update, ["state", "computed_at", "target", "error", "value",
                                          "last_good_at", "status"], batch_size=500)
    return len(rows)


def refresh_indicator(indicator: Indicator, *, now: datetime,
                      period: rules.Period | None = None,
                      communes: dict[int, int] | None = None) -> str:
    """Compute one indicator's figures for ``period`` (default: the one in progress) and
    store them; returns the state (ok, no_data, unavailable)."""
    period = period or rules.period_of(timezone.localtime(now).date(), indicator.frequency)
    communes = _communes() if communes is None else communes
    source = sources.load().get(indicator.source)
    rows: dict[int | None, dict]
    try:
        if source is None:
            raise sources.NoDataYet(indicator.source)
        figures = source(period, now)
    except sources.NoDataYet:
        state = SnapshotState.NO_DATA
        rows = {None: {"state": state}}
    except Exception as error:  # a failing system must not stop the others
        logger.exception("IOC source %s failed", indicator.source)
        state = SnapshotState.UNAVAILABLE
        existing = set(Snapshot.objects.filter(indicator=indicator, period=period.key)
                       .values_list("commune_id", flat=True))
        rows = {c: {"state": state, "error": f"{type(error).__name__}: {error}"}
                for c in existing | {None}}
    else:
        state = SnapshotState.OK
        rows = {None: {"state": state, "value": figures.province}}
        if indicator.per_commune:
            for code, value in figures.communes.items():
                if code in communes:
                    rows[communes[code]] = {"state": state, "value": value}
    with transaction.atomic():
        _write(indicator, period, rows, now=now)
    return state


def refresh(*, now: datetime | None = None, codes: list[str] | None = None) -> RefreshResult:
    """Every computed indicator's figures for the period in progress, then the alerts."""
    now = now or timezone.now()
    communes = _communes()
    result = RefreshResult(unavailable=[], no_data=[])
    indicators = Indicator.objects.exclude(source="manual").prefetch_related("targets")
    if codes is not None:
        indicators = indicators.filter(code__in=codes)
    for indicator in indicators:
        state = refresh_indicator(indicator, now=now, communes=communes)
        result.figures += 1
        if state == SnapshotState.UNAVAILABLE:
            result.unavailable.append(indicator.code)
        elif state == SnapshotState.NO_DATA:
            result.no_data.append(indicator.code)
    result.alerts = raise_alerts(now=now)
    return result


# ---------------------------------------------------------------- backfill (past periods)


@dataclass
class BackfillResult:
    periods: dict[str, list[str]]  # indicator code -> period keys written
    skipped: dict[str, str]  # indicator code -> why it was left as it was
    unavailable: list[str]

    @property
    def figures(self) -> int:
        return sum(len(v) for v in self.periods.values())


def _month(text, field: str, today) -> rules.Period:
    parsed = rules.parse_period(str(text or ""), rules.MONTHLY)
    if parsed is None:
        raise ioc_invalid(IocError.MONTH, field=field,
                          example=rules.previous(rules.period_of(today, rules.MONTHLY),
                                                 rules.MONTHLY).key)
    return parsed


def backfill(*, start, end=None, codes: list[str] | None = None,
             now: datetime | None = None) -> BackfillResult:
    """Recompute the figures of finished past periods, from the month ``start`` to the
    month ``end`` (default: the last finished month): for each indicator, every period of
    its frequency inside that span, the province and each commune, as the scheduled
    refresh computes the period in progress. Run it again and the same rows hold the same
    figures. Left alone: figures that are a state at the moment of the computation (the
    yards' backlog: today's state is not last year's), and manual indicators' periods
    without an approved value. Alerts are not raised for past periods."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    current = rules.period_of(today, rules.MONTHLY)
    check = FieldCollector()
    first = check.field("start", _month, start, "start", today)
    last = (check.field("end", _month, end, "end", today) if end not in (None, "")
            else rules.previous(current, rules.MONTHLY))
    if first is not None and last is not None:
        if last.end >= current.start:
            check.fail(ioc_invalid(IocError.BACKFILL_NOT_OVER, field="end", period=last.key))
        elif first.start > last.start:
            check.fail(ioc_invalid(IocError.BACKFILL_RANGE, field="start", start=first.key,
                                   end=last.key))
    indicators = Indicator.objects.prefetch_related("targets").order_by("position", "code")
    if codes:
        known = set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
        for code in codes:
            if code not in known:
                check.fail(ioc_invalid(IocError.UNKNOWN_INDICATOR, field="indicator",
                                       code=code[:40]))
        indicators = indicators.filter(code__in=codes)
    check.raise_if_invalid()
    registry = sources.load()
    communes = _communes()
    result = BackfillResult(periods={}, skipped={}, unavailable=[])
    for indicator in indicators:
        if indicator.source in sources.AS_OF_NOW:
            result.skipped[indicator.code] = "as_of_now"
            continue
        if indicator.source not in registry and not indicator.is_manual:
            result.skipped[indicator.code] = "no_source"
            continue
        done = []
        for period in _periods_between(first.start, last.end, indicator.frequency):
            if indicator.is_manual:
                approved = (ManualValue.objects.filter(indicator=indicator, period=period.key,
                                                       state=ManualState.APPROVED)
                            .values_list("value", flat=True).first())
                if approved is None:
                    continue
                with transaction.atomic():
                    _write(indicator, period, {None: {"state": SnapshotState.OK,
                                                      "value": approved}}, now=now)
                state = SnapshotState.OK
            else:
                state = refresh_indicator(indicator, now=now, period=period,
                                          communes=communes)
            if state == SnapshotState.UNAVAILABLE:
                result.unavailable.append(f"{indicator.code}:{period.key}")
            done.append(period.key)
        if done:
            result.periods[indicator.code] = done
            with transaction.atomic():
                audit.record(actor=None, action="ioc.backfilled", obj=indicator,
                             after={"from": done[0], "to": done[-1], "periods": len(done)})
    return result


def _periods_between(first_day, last_day, frequency: str) -> list[rules.Period]:
    """The periods of ``frequency`` lying wholly between the two days (inclusive)."""
    out = []
    period = rules.period_of(last_day, frequency)
    while period.start >= first_day:
        if period.end <= last_day:
            out.append(period)
        period = rules.previous(period, frequency)
    return out[::-1]


# ---------------------------------------------------------------- alerts


def _latest_two(indicator: Indicator) -> list[Snapshot]:
    return list(Snapshot.objects.filter(indicator=indicator, commune__isnull=True)
                .exclude(state=SnapshotState.NO_DATA).order_by("-period_start")[:2])


def _is_stale(indicator: Indicator, latest: Snapshot | None, now: datetime) -> bool:
    today = timezone.localtime(now).date()
    if indicator.is_manual:
        return rules.is_stale(last_good_period_end=latest.period_end if latest else None,
                              today=today, frequency=indicator.frequency)
    if latest is None:
        return False  # never computed: nothing to be late with yet
    return rules.is_outdated(last_good_at=latest.last_good_at, now=now,
                             max_age=COMPUTED_MAX_AGE)


ALERT_TEXT = {
    Alert.Rule.OFF_TRACK: gettext_noop("“{name}” is off track: {value} against a target of "
                                       "{target} ({period})."),
    Alert.Rule.STALE: gettext_noop("“{name}” has not been updated on time ({period})."),
    Alert.Rule.SUDDEN_CHANGE: gettext_noop("“{name}” changed suddenly: from {previous} to "
                                           "{value} ({period})."),
}


def _alert_message(alert: Alert, language: str) -> str:
    with override(language):
        indicator = alert.indicator
        return _(ALERT_TEXT[alert.rule]).format(
            name=indicator.name, value=_plain(alert.value), target=_plain(alert.target),
            previous=_plain(alert.previous_value), period=alert.period)


def _plain(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}"


def raise_alerts(*, now: datetime) -> int:
    """Check each indicator's latest province figure against the rules; raise (once per
    indicator, rule and period) and notify the owner agency. Returns the alerts raised."""
    raised = 0
    for indicator in Indicator.objects.select_related("owner"):
        latest, *earlier = _latest_two(indicator) + [None]
        previous = earlier[0] if earlier else None
        status_now = latest.status if latest else rules.UNKNOWN
        value = latest.value if latest else None
        broken = rules.alerts(status_now=status_now,
                              previous_value=previous.value if previous else None,
                              value=value, stale=_is_stale(indicator, latest, now))
        period = latest.period if latest else rules.period_of(
            timezone.localtime(now).date(), indicator.frequency).key
        for rule in broken:
            key = f"{indicator.code}:{rule}:{period}"
            with transaction.atomic():
                alert, created = Alert.objects.get_or_create(key=key, defaults={
                    "indicator": indicator, "rule": rule, "period": period, "value": value,
                    "previous_value": previous.value if previous else None,
                    "target": latest.target if latest else None, "raised_at": now})
                if not created:
                    continue
                audit.record(actor=None, action="ioc.alert_raised", obj=alert,
                             after={"rule": rule, "period": period,
                                    "value": _plain(value)})
                notifications.send(Notification(
                    recipient=indicator.owner.code, kind="ioc.alert",
                    message_vi=_alert_message(alert, "vi"),
                    message_en=_alert_message(alert, "en"), link="/ioc/canh-bao/"))
            raised += 1
    return raised


def acknowledge_alert(*, actor, alert_id: int, note: str, now: datetime) -> Alert:
    require(actor, "ioc.acknowledge_alerts")
    note = (note or "").strip()
    if not note:
        raise ioc_error(IocError.NOTE_REQUIRED, field="note")
    if len(note) > NOTE_MAX:
        raise ioc_error(IocError.TEXT_TOO_LONG, field="note", max=NOTE_MAX)
    check_text(note, "note")
    with transaction.atomic():
        alert = Alert.objects.select_for_update().select_related("indicator").get(pk=alert_id)
        if not _may_handle_alert(actor, alert):
            raise Alert.DoesNotExist
        if alert.acknowledged_at is not None:
            raise ioc_error(IocError.ALREADY_ACKNOWLEDGED)
        alert.acknowledged_at, alert.acknowledged_by, alert.note = now, actor, note
        alert.save(update_fields=["acknowledged_at", "acknowledged_by", "note"])
        audit.record(actor=actor, action="ioc.alert_acknowledged", obj=alert,
                     after={"note": note})
    return alert


def _may_handle_alert(actor, alert: Alert) -> bool:
    from tinhso.accounts.permissions import has_perm

    if has_perm(actor, "ioc.review_values"):
        return True
    return alert.indicator.owner_id in organizations_with_role(actor, {Role.DATA_OFFICER})


# ---------------------------------------------------------------- manual values


def _indicator(code: str, field: str = "indicator") -> Indicator:
    indicator = Indicator.objects.filter(code=(code or "").strip()[:40]).first()
    if indicator is None:
        raise ioc_error(IocError.UNKNOWN_INDICATOR, field=field, code=(code or "")[:40])
    return indicator


def _decimal(text, field: str) -> Decimal:
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ioc_invalid(IocError.VALUE, field=field) from None
    if not value.is_finite() or abs(value) >= Decimal("1e14"):
        raise ioc_invalid(IocError.VALUE, field=field)
    return value.quantize(Decimal("0.0001"))


def submit_manual_value(*, actor, indicator_code: str, period: str, value, unit: str,
                        document: IO[bytes] | None, note: str = "",
                        now: datetime) -> ManualValue:
    """A data officer of the indicator's owner agency enters a quarter's figure with its
    source document; it waits for the operations centre's review."""
    require(actor, "ioc.enter_values")
    indicator = _indicator(indicator_code)
    if not indicator.is_manual:
        raise ioc_error(IocError.NOT_MANUAL, field="indicator", code=indicator.code)
    if indicator.owner_id not in organizations_with_role(actor, {Role.DATA_OFFICER}):
        raise PermissionDenied("ioc.enter_values")
    today = timezone.localtime(now).date()
    check = FieldCollector()
    if (unit or "").strip() != indicator.unit:
        check.fail(ioc_invalid(IocError.WRONG_UNIT, field="unit",
                               unit=Unit(indicator.unit).label, given=(unit or "")[:20]))
    parsed = rules.parse_period(period or "", indicator.frequency)
    if parsed is None:
        check.fail(ioc_invalid(IocError.WRONG_PERIOD, field="period",
                               example=rules.period_of(today, indicator.frequency).key))
    elif parsed.start > today:
        check.fail(ioc_invalid(IocError.FUTURE_PERIOD, field="period", period=parsed.key))
    amount = check.field("value", _decimal, value, "value")
    if amount is not None and indicator.unit == Unit.PERCENT and not 0 <= amount <= 100:
        check.fail(ioc_invalid(IocError.PERCENT_RANGE, field="value"))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        check.fail(ioc_invalid(IocError.TEXT_TOO_LONG, field="note", max=NOTE_MAX))
    else:
        check.field("note", check_text, note, "note")
    if document is None:
        check.fail(ioc_invalid(IocError.DOCUMENT_REQUIRED, field="document"))
    check.raise_if_invalid()
    stored = None
    if document is not None:
        stored = check.field("document", files.store_document, document, folder="ioc",
                             field="document", label=_("Source document"))
        check.raise_if_invalid()
    name, content_type = stored
    try:
        with transaction.atomic():
            row = ManualValue.objects.create(
                indicator=indicator, period=parsed.key, period_start=parsed.start,
                period_end=parsed.end, value=amount, document=name,
                document_type=content_type, note=note, entered_by=actor, entered_at=now)
            audit.record(actor=actor, action="ioc.value_entered", obj=row,
                         organization=indicator.owner,
                         after={"period": parsed.key, "value": _plain(amount), "note": note})
    except Exception:
        files.delete(name)
        raise
    return row


def _reviewable(actor, value_id: int) -> ManualValue:
    require(actor, "ioc.review_values")
    row = (ManualValue.objects.select_for_update().select_related("indicator")
           .get(pk=value_id))
    if row.state != ManualState.SUBMITTED:
        raise ioc_error(IocError.NOT_WAITING)
    if row.entered_by_id == actor.pk:
        raise ioc_error(IocError.OWN_VALUE)
    return row


def approve_manual_value(*, actor, value_id: int, now: datetime) -> ManualValue:
    """The operations centre approves: the value becomes the period's figure (a value
    approved earlier for the period is superseded, and kept)."""
    with transaction.atomic():
        row = _reviewable(actor, value_id)
        superseded = list(ManualValue.objects.select_for_update().filter(
            indicator=row.indicator, period=row.period, state=ManualState.APPROVED))
        for old in superseded:
            old.state = ManualState.SUPERSEDED
            old.save(update_fields=["state"])
            audit.record(actor=actor, action="ioc.value_superseded", obj=old,
                         before={"state": "approved"}, after={"state": "superseded"})
        row.state, row.reviewed_by, row.reviewed_at = ManualState.APPROVED, actor, now
        row.save(update_fields=["state", "reviewed_by", "reviewed_at"])
        audit.record(actor=actor, action="ioc.value_approved", obj=row,
                     before={"state": "submitted",
                             "value": _plain(superseded[0].value) if superseded else None},
                     after={"state": "approved", "value": _plain(row.value)})
        period = rules.parse_period(row.period, row.indicator.frequency)
        _write(row.indicator, period, {None: {"state": SnapshotState.OK, "value": row.value}},
               now=now)
    return row


def return_manual_value(*, actor, value_id: int, reason: str, note: str = "",
                        now: datetime) -> ManualValue:
    reason, note = clean_reason(ReturnReason, reason, note)
    with transaction.atomic():
        row = _reviewable(actor, value_id)
        row.state, row.reviewed_by, row.reviewed_at = ManualState.RETURNED, actor, now
        row.return_reason, row.return_note = reason, note
        row.save(update_fields=["state", "reviewed_by", "reviewed_at", "return_reason",
                                "return_note"])
        audit.record(actor=actor, action="ioc.value_returned", obj=row,
                     before={"state": "submitted"}, after={"state": "returned"},
                     note=f"{reason}: {note}".strip(": "))
    return row


# ---------------------------------------------------------------- targets


def may_set_targets(actor, indicator: Indicator) -> bool:
    """The operations centre sets any indicator's targets; an agency's data officer those
    of the indicators the agency owns (it answers for them)."""
    from tinhso.accounts.permissions import has_perm

    if not has_perm(actor, "ioc.set_targets"):
        return False
    if has_perm(actor, "ioc.review_values"):  # the operations centre
        return True
    return indicator.owner_id in organizations_with_role(actor, {Role.DATA_OFFICER})


def set_target(*, actor, indicator_code: str, year, value, now: datetime) -> Target:
    require(actor, "ioc.set_targets")
    indicator = _indicator(indicator_code)
    if not may_set_targets(actor, indicator):
        raise PermissionDenied("ioc.set_targets")
    check = FieldCollector()
    this_year = timezone.localtime(now).year
    if isinstance(year, str) and year.strip().isdigit() and len(year.strip()) == 4:
        year = int(year.strip())  # from a form
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2099:
        check.fail(ioc_invalid(IocError.YEAR, field="year", example=this_year))
    elif year < this_year:
        check.fail(ioc_invalid(IocError.PAST_YEAR, field="year", year=year))
    amount = check.field("value", _decimal, value, "value")
    if amount is not None and indicator.unit == Unit.PERCENT and not 0 <= amount <= 100:
        check.fail(ioc_invalid(IocError.PERCENT_RANGE, field="value"))
    check.raise_if_invalid()
    with transaction.atomic():
        old = Target.objects.select_for_update().filter(indicator=indicator, year=year).first()
        before = {"value": _plain(old.value)} if old else None
        target, _created = Target.objects.update_or_create(
            indicator=indicator, year=year, defaults={"value": amount})
        audit.record(actor=actor, action="ioc.target_set", obj=target, before=before,
                     after={"year": year, "value": _plain(amount)})
    return target


# ---------------------------------------------------------------- kiosk tokens


def issue_kiosk_token(*, actor, name: str, now: datetime) -> tuple[KioskToken, str]:
    """A token for a wall screen of the operations room; shown once."""
    require(actor, "ioc.kiosk_tokens")
    name = check_text((name or "").strip()[:100], "name") or "Màn hình"
    token = KioskToken.new_token()
    with transaction.atomic():
        row = KioskToken.objects.create(name=name, token_hash=KioskToken.digest(token),
                                        created_at=now)
        audit.record(actor=actor, action="ioc.kiosk_token_issued", obj=row)
    return row, token


def kiosk_token_valid(token: str) -> bool:
    if not token or len(token) > 100:
        return False
    return KioskToken.objects.filter(token_hash=KioskToken.digest(token),
                                     revoked_at__isnull=True).exists()

