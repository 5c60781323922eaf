"""Reads of the operations dashboard: the tiles (latest figure, target, status, trend,
owner, last update) for a province or commune view, one indicator across the communes,
the open data, alerts and manual values to review. A fixed handful of queries each."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from tinhso.core.models import AdministrativeUnit
from tinhso.ioc import access, charts, rules, sources
from tinhso.ioc.models import (
    Alert,
    Indicator,
    ManualState,
    ManualValue,
    Snapshot,
    SnapshotState,
    Unit,
)

TREND_PERIODS = 12
LICENCE = {
    "name": "Giấy phép dữ liệu mở Creative Commons Ghi công 4.0 (CC BY 4.0)",
    "name_en": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "attribution": "UBND tỉnh Lạng Sơn — Nền tảng Tỉnh Số",
}


@dataclass
class Tile:
    indicator: Indicator
    latest: Snapshot | None
    series: list[Snapshot] = field(default_factory=list)

    @property
    def trend(self) -> str:
        return charts.sparkline([s.value for s in self.series])

    @property
    def value(self) -> Decimal | None:
        return self.latest.value if self.latest else None

    @property
    def status(self) -> str:
        return self.latest.status if self.latest else "unknown"

    @property
    def state(self) -> str:
        return self.latest.state if self.latest else SnapshotState.NO_DATA


def _series(indicators: list[Indicator], commune_id: int | None, since: date) -> dict:
    rows = (Snapshot.objects.filter(indicator__in=indicators, period_start__gte=since)
            .order_by("period_start"))
    rows = rows.filter(commune_id=commune_id) if commune_id else rows.filter(
        commune__isnull=True)
    out: dict[int, list[Snapshot]] = {}
    for snap in rows:
        out.setdefault(snap.indicator_id, []).append(snap)
    return out


def tiles(indicators: QuerySet[Indicator], *, commune_id: int | None = None,
          today: date | None = None) -> list[Tile]:
    today = today or timezone.localdate()
    listed = list(indicators.select_related("owner"))
    if commune_id:
        listed = [i for i in listed if i.per_commune]
    series = _series(listed, commune_id, today - timedelta(days=31 * TREND_PERIODS))
    out = []
    for indicator in listed:
        snaps = series.get(indicator.pk, [])
        if commune_id and not snaps and indicator.source in sources.SOME_COMMUNES:
            continue  # a commune without a border gate: no tile (the page says why)
        shown = [s for s in snaps if s.state != SnapshotState.NO_DATA or s.value is not None]
        out.append(Tile(indicator, snaps[-1] if snaps else None, shown))
    return out


def dashboard(user, *, commune: AdministrativeUnit | None = None) -> list[Tile]:
    return tiles(Indicator.objects.visible_to(user),
                 commune_id=commune.pk if commune else None)


def without_commune_figures(user, shown: list[Tile]) -> list[Indicator]:
    """The indicators ``user`` sees that have no tile on a commune's page: province-only
    ones and those only some communes have (each one's ``communes_note`` says why)."""
    listed = {t.indicator.pk for t in shown}
    return [i for i in Indicator.objects.visible_to(user) if i.pk not in listed]


def commune_for(user, code: int) -> AdministrativeUnit | None:
    """The commune ``code`` if ``user`` may see its figures, else None (a 404)."""
    unit = AdministrativeUnit.objects.exclude(kind=AdministrativeUnit.Kind.PROVINCE).filter(
        code=code).first()
    if unit is None:
        return None
    allowed = access.communes_visible_to(user)
    return unit if allowed is None or unit.pk in allowed else None


def home_commune(user) -> AdministrativeUnit | None:
    """A commune officer's commune (their dashboard opens on it)."""
    if access.communes_visible_to(user) is None:
        return None
    ids = access.commune_ids(user)
    return AdministrativeUnit.objects.filter(pk__in=ids).order_by("code").first()


def by_commune(indicator: Indicator, user) -> list[Snapshot]:
    """Each commune's latest figure of one indicator (those the user may see)."""
    latest = Snapshot.objects.filter(indicator=indicator, commune__isnull=False)
    allowed = access.communes_visible_to(user)
    if allowed is not None:
        latest = latest.filter(commune_id__in=allowed)
    newest = latest.order_by("-period_start").values_list("period", flat=True).first()
    if newest is None:
        return []
    return list(latest.filter(period=newest).select_related("commune")
                .order_by("value", "commune__name"))


def open_alerts(user) -> QuerySet[Alert]:
    return (Alert.objects.open().filter(indicator__in=Indicator.objects.visible_to(user))
            .select_related("indicator").order_by("-raised_at"))


def values_to_review() -> QuerySet[ManualValue]:
    return (ManualValue.objects.filter(state=ManualState.SUBMITTED)
            .select_related("indicator", "entered_by").order_by("entered_at"))


def values_of_agency(user) -> QuerySet[ManualValue]:
    from tinhso.accounts.models import Role
    from tinhso.accounts.permissions import organizations_with_role

    orgs = organizations_with_role(user, {Role.DATA_OFFICER})
    return (ManualValue.objects.filter(indicator__owner_id__in=orgs)
            .select_related("indicator").order_by("-entered_at")[:50])


#: How far back a manual figure may be entered from the page (the API takes any past key).
ENTRY_QUARTERS = 8
ENTRY_MONTHS = 12


def entry_periods(indicators, today: date) -> tuple[list[str], str]:
    """The periods a data officer picks from for a manual figure, newest first (the last
    ``ENTRY_QUARTERS`` quarters, and the last ``ENTRY_MONTHS`` months when one of
    ``indicators`` is monthly), and the one offered first: the last complete quarter,
    the figure an agency usually reports."""
    periods = [p.key for p in reversed(rules.last_periods(today, rules.QUARTERLY,
                                                          ENTRY_QUARTERS))]
    if any(indicator.frequency == rules.MONTHLY for indicator in indicators):
        periods += [p.key for p in reversed(rules.last_periods(today, rules.MONTHLY,
                                                               ENTRY_MONTHS))]
    return periods, periods[1]


def targets_editable_by(user) -> list[Indicator]:
    """The indicators whose targets ``user`` may set (`services.may_set_targets`: the
    operations centre every one, a data officer its agency's), targets prefetched."""
    from tinhso.accounts.models import Role
    from tinhso.accounts.permissions import has_perm, organizations_with_role

    rows = Indicator.objects.select_related("owner").prefetch_related("targets")
    if not has_perm(user, "ioc.set_targets"):
        return []
    if not has_perm(user, "ioc.review_values"):
        rows = rows.filter(owner_id__in=organizations_with_role(user, {Role.DATA_OFFICER}))
    return list(rows)


# ---------------------------------------------------------------- open data


def open_data() -> list[dict]:
    """The public indicators with their definition, unit, target and every province
    figure computed so far (the time series), for the open-data page, JSON and CSV."""
    indicators = list(Indicator.objects.filter(is_public=True).select_related("owner")
                      .prefetch_related("targets"))
    series: dict[int, list[Snapshot]] = {}
    for snap in (Snapshot.objects.filter(indicator__in=indicators, commune__isnull=True)
                 .exclude(state=SnapshotState.NO_DATA).order_by("period_start")):
        series.setdefault(snap.indicator_id, []).append(snap)
    out = []
    for i in indicators:
        out.append({
            "code": i.code, "name_vi": i.name_vi, "name_en": i.name_en,
            "definition_vi": i.definition_vi, "definition_en": i.definition_en,
            "unit": i.unit, "unit_label": str(Unit(i.unit).label),
            "frequency": i.frequency, "direction": i.direction, "owner": i.owner.name,
            "targets": [{"year": t.year, "value": t.value} for t in i.targets.all()],
            "figures": [{"period": s.period, "value": s.value, "target": s.target,
                         "status": s.status, "computed_at": s.last_good_at or s.computed_at}
                        for s in series.get(i.pk, []) if s.value is not None],
        })
    return out


def open_data_csv() -> str:
    out = io.StringIO()
    out.write(f"# {LICENCE['name_en']} — {LICENCE['url']} — {LICENCE['attribution']}\n")
    writer = csv.writer(out)
    writer.writerow(["code", "name_vi", "name_en", "unit", "period", "value", "target",
                     "status", "definition_vi", "definition_en"])
    for row in open_data():
        for fig in row["figures"]:
            writer.writerow([row["code"], row["name_vi"], row["name_en"], row["unit"],
                             fig["period"], fig["value"], fig["target"] or "", fig["status"],
                             row["definition_vi"], row["definition_en"]])
    return out.getvalue()
