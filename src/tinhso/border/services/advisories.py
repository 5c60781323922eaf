"""Congestion advisories: when a gate's level changes, publish an advisory (with its audit
entry) and notify the subscribed enterprises after the commit."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tinhso.border.congestion import compute_snapshots, forget_snapshots, level_for
from tinhso.border.models import Advisory, AdvisorySubscription, Gate
from tinhso.border.models import CongestionLevel as L
from tinhso.core import audit
from tinhso.core.notifications import Notification, send


def _fmt_hours(hours: float | None, lang: str) -> str:
    if hours is None:
        return "chưa xác định" if lang == "vi" else "unknown"
    text = f"{hours:.1f}"
    return text.replace(".", ",") if lang == "vi" else text


def advisory_text(gate: Gate, level: str, wait_hours: float | None, backlog: int
                  ) -> tuple[str, str]:
    """(Vietnamese, English) advisory for a level. At `congested` the board asks enterprises
    to stop sending perishable loads, as Lạng Sơn had to by official letter in January 2022."""
    vi_wait, en_wait = _fmt_hours(wait_hours, "vi"), _fmt_hours(wait_hours, "en")
    if level == L.CONGESTED:
        return (
            f"{gate.name} đang ùn tắc: {backlog} xe đang chờ, thời gian chờ ước tính "
            f"{vi_wait} giờ. Đề nghị doanh nghiệp tạm dừng đưa xe chở nông sản tươi "
            "(hoa quả, rau củ) lên cửa khẩu cho đến khi có thông báo mới; xe đã khai báo "
            "nên chờ tại nơi xuất phát hoặc chuyển sang cửa khẩu khác.",
            f"{gate.name} is congested: {backlog} trucks waiting, estimated wait {en_wait} h. "
            "Enterprises are asked to stop sending trucks with fresh produce (fruit, "
            "vegetables) to the gate until further notice; declared trucks should wait at "
            "their origin or use another gate.",
        )
    if level == L.BUSY:
        return (
            f"{gate.name} đông xe: {backlog} xe đang chờ, thời gian chờ ước tính {vi_wait} "
            "giờ. Hãy đặt lượt (khung giờ) trước khi cho xe xuất phát và dự tính chậm trễ.",
            f"{gate.name} is busy: {backlog} trucks waiting, estimated wait {en_wait} h. "
            "Book a slot before the truck sets off and expect delays.",
        )
    return (
        f"{gate.name} đã thông thoáng trở lại: {backlog} xe đang chờ, thời gian chờ ước "
        f"tính {vi_wait} giờ. Xe lên cửa khẩu theo lượt đã đặt.",
        f"{gate.name} is back to normal: {backlog} trucks waiting, estimated wait "
        f"{en_wait} h. Trucks come to the gate at their booked slot.",
    )


def _notify_subscribers(advisory_id: int) -> None:
    """After the commit: one notification per subscribed enterprise (of this gate or of
    all gates). Given an id, so it can run again (or in a worker) without stale objects."""
    advisory = Advisory.objects.select_related("gate").get(pk=advisory_id)
    orgs = (AdvisorySubscription.objects
            .filter(Q(gate=advisory.gate_id) | Q(gate__isnull=True))
            .values_list("organization_id", flat=True).distinct().order_by("organization_id"))
    for org_id in orgs:
        send(Notification(recipient=f"org:{org_id}", kind="advisory",
                          message_vi=advisory.text_vi, message_en=advisory.text_en,
                          link="/border/"))


def refresh_advisories(*, now: datetime | None = None, actor=None) -> list[Advisory]:
    """Recompute every active gate's level; publish an advisory where it changed.

    A gate that never had an advisory is at `normal`: nothing is published for it until
    it gets busy. Unchanged level: nothing new, nobody notified. A closed gate with an
    empty queue says nothing: being closed is not news. Each publication is one
    transaction holding the gate's row lock (two runs at once cannot both publish)."""
    now = now or timezone.now()
    snapshot = compute_snapshots(now)
    published = []
    gates = {g.code: g for g in Gate.objects.filter(is_active=True)}
    for snap in snapshot.gates:
        if snap.computed_level == snap.congestion_level and (
                snap.advisory_published_at or snap.computed_level == L.NORMAL):
            continue
        if not snap.is_open and snap.queue_ahead == 0 and snap.trucks_waiting == 0:
            continue
        with transaction.atomic():
            gate = Gate.objects.select_for_update().get(pk=gates[snap.code].pk)
            current = Advisory.objects.filter(gate=gate).order_by(
                "-published_at", "-id").first()
            level = level_for(gate, snap.queue_wait_hours, snap.trucks_waiting,
                              current.level if current else L.NORMAL)
            if level == (current.level if current else L.NORMAL):
                continue
            text_vi, text_en = advisory_text(gate, level, snap.estimated_wait_hours,
                                             snap.trucks_waiting)
            advisory = Advisory.objects.create(
                gate=gate, level=level, estimated_wait_hours=snap.estimated_wait_hours,
                backlog=snap.trucks_waiting, text_vi=text_vi, text_en=text_en)
            audit.record(
                actor=actor, action="advisory.publish", obj=advisory,
                before={"level": current.level if current else None},
                after={"level": level, "estimated_wait_hours": snap.estimated_wait_hours,
                       "backlog": snap.trucks_waiting},
                note="congestion level changed",
            )
            transaction.on_commit(partial(_notify_subscribers, advisory.pk))
            transaction.on_commit(forget_snapshots)
            published.append(advisory)
    return published
