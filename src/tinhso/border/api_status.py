"""Public JSON feed of the border gates' status, for other provinces and logistics firms.

No authentication. It serves the same cached snapshot as the public page; the JSON is
built once per snapshot and served with Cache-Control, ETag and Last-Modified, so polling
clients get a 304 when nothing changed.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date
from ninja import Field, Router, Schema

from tinhso.border import congestion

router = Router(tags=["border"])


class GateStatusOut(Schema):
    code: str = Field(description="Gate code, e.g. `huu-nghi`.")
    name: str = Field(description="Gate name (Vietnamese).")
    trucks_waiting: int = Field(description="Trucks in the gate's yards, waiting or held by "
                                "an agency.")
    trucks_expected: int = Field(description="Trucks declared or booked for the gate that "
                                 "have not arrived yet.")
    crossed_last_hour: int = Field(description="Trucks that crossed in the last 60 minutes.")
    clearance_rate_per_hour: float | None = Field(
        description="Crossings per hour over the last 3 hours; null when the gate had no "
        "crossing in the last 24 hours.")
    estimated_wait_hours: float | None = Field(
        description="Estimated hours from arrival to crossing for a truck arriving now "
        "(queue ahead ÷ recent clearance rate, in opening hours); null if unknown.")
    is_open: bool = Field(description="Whether the gate is working now (its opening hours).")
    reopens_at: datetime | None = Field(
        description="When a closed gate opens again (local time); null while it is open. "
        "`estimated_wait_hours` includes the hours until then.")
    congestion_level: str = Field(description="`normal`, `busy` or `congested`: the level "
                                  "of the advisory in force, judged on the queue's own wait "
                                  "(a closed gate is not congested for being closed).")
    advisory_vi: str = Field(description="Advisory in force, Vietnamese (empty if none).")
    advisory_en: str = Field(description="Advisory in force, English (empty if none).")
    updated_at: datetime = Field(description="Last change seen at this gate (a truck's "
                                 "state, a crossing or an advisory).")


class StatusOut(Schema):
    generated_at: datetime = Field(description="When these figures were computed (they are "
                                   "at most 15 seconds old when served).")
    gates: list[GateStatusOut] = Field(description="Active gates, by name.")


def _feed() -> tuple[bytes, str, datetime]:
    cached = cache.get(congestion.FEED_KEY)
    if cached is None:
        snapshot = congestion.gate_snapshots()
        local = timezone.localtime
        body = StatusOut(
            generated_at=local(snapshot.generated_at),
            gates=[GateStatusOut(
                code=g.code, name=g.name, trucks_waiting=g.trucks_waiting,
                trucks_expected=g.trucks_expected, crossed_last_hour=g.crossed_last_hour,
                clearance_rate_per_hour=g.clearance_rate_per_hour,
                estimated_wait_hours=g.estimated_wait_hours,
                is_open=g.is_open,
                reopens_at=local(g.reopens_at) if g.reopens_at else None,
                congestion_level=g.congestion_level, advisory_vi=g.advisory_vi,
                advisory_en=g.advisory_en, updated_at=local(g.updated_at),
            ) for g in snapshot.gates],
        ).model_dump_json().encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
        cached = (body, etag, snapshot.generated_at)
        cache.set(congestion.FEED_KEY, cached, congestion.SNAPSHOT_SECONDS)
    return cached


@router.get("/status", response=StatusOut, auth=None, url_name="border_status",
            summary="Status of every border gate (public)")
def status(request):
    """Trucks waiting, estimated wait and congestion advisory per gate. Public, no key.
    Poll at most every 15 seconds; send `If-None-Match` with the last `ETag` to get a 304
    when nothing changed."""
    body, etag, generated_at = _feed()
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(generated_at.timestamp())
    response["Cache-Control"] = f"public, max-age={congestion.SNAPSHOT_SECONDS}"
    # Public figures without credentials: any site may read them (no cookies are used).
    response["Access-Control-Allow-Origin"] = "*"
    return response
