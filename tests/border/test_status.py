"""Public status page, JSON feed, congestion advisories and the operations dashboard."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from itertools import count

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.border.conftest import user
from tinhso.accounts.models import Organization
from tinhso.border import congestion, services, views_public
from tinhso.border.models import (
    Advisory,
    AdvisorySubscription,
    Declaration,
    Gate,
    GoodsCategory,
    Slot,
    Yard,
)
from tinhso.core.models import AuditEntry

_plates = count(1)


def trucks(gate: Gate, n: int, state: str, *, goods: str = "manufactured",
           direction: str = "export", **fields) -> list[Declaration]:
    """`n` trucks of the demo enterprise at `gate` in `state` (rows written directly: these
    tests are about reading them). In-yard states get the gate's first yard."""
    now = timezone.now()
    enterprise = Organization.objects.get(code="dn-nong-san-xu-lang")
    category = GoodsCategory.objects.get(code=goods)
    if state in ("in_yard", "called", "held", "at_gate", "cleared", "crossed"):
        fields.setdefault("checked_in_at", now - timedelta(hours=2))
    if state in ("in_yard", "called", "held"):
        fields.setdefault("yard", Yard.objects.filter(gate=gate).order_by("code").first())
    rows = []
    for _ in range(n):
        number = next(_plates)
        plate = f"12C-{number // 100:03d}.{number % 100:02d}"
        rows.append(Declaration(
            enterprise=enterprise, state=state, plate=plate, plate_key=plate.replace(
                "-", "").replace(".", ""), driver_name="Hoàng Văn Tài",
            driver_id_number="020090001234", driver_phone="0912000002", goods=category,
            weight_kg=20000, direction=direction, gate=gate, expected_arrival=now,
            submitted_at=now, **fields))
    return Declaration.objects.bulk_create(rows)


def crossings(gate: Gate, minutes_ago: list[int], now, **fields) -> list[Declaration]:
    made = []
    for m in minutes_ago:
        made += trucks(gate, 1, "crossed", crossed_at=now - timedelta(minutes=m), **fields)
    return made


def notified(settings) -> list[dict]:
    if not settings.NOTIFY_FILE.exists():
        return []
    return [json.loads(line) for line in settings.NOTIFY_FILE.read_text("utf-8").splitlines()]


# ---------------------------------------------------------------- snapshot


def test_snapshot_counts_waiting_expected_crossed_and_estimates_the_wait(border):
    now = timezone.now()
    trucks(border, 5, "in_yard")
    trucks(border, 2, "held")
    trucks(border, 1, "called")
    trucks(border, 3, "booked")
    trucks(border, 4, "crossed", crossed_at=now - timedelta(hours=30))  # too old to count
    crossings(border, [5, 15, 25, 35, 45, 55], now)  # one every 10 minutes: 6 an hour
    tan_thanh = Gate.objects.get(code="tan-thanh")
    trucks(tan_thanh, 2, "in_yard")

    snap = {g.code: g for g in congestion.compute_snapshots(now).gates}
    huu_nghi = snap["huu-nghi"]
    assert huu_nghi.trucks_waiting == 7  # in yard + held
    assert huu_nghi.trucks_expected == 3
    assert huu_nghi.queue_ahead == 6  # in yard + called: held trucks wait for an agency
    assert huu_nghi.crossed_last_hour == 6
    assert huu_nghi.clearance_rate_per_hour == 2.0  # 6 crossings over the 3-hour window
    # Busy gate, last crossing 5 min ago, 6 an hour: the 7th crossing from now is the new
    # truck's, 7/6 h after the last one: 70 min − 5 min = 65 min.
    assert huu_nghi.estimated_wait_hours == pytest.approx(65 / 60, abs=0.01)
    assert huu_nghi.congestion_level == "normal" and huu_nghi.advisory_vi == ""
    assert snap["tan-thanh"].trucks_waiting == 2
    # No crossing measured, no queue: the planned capacity (25 + 14 an hour) gives the wait.
    assert snap["tan-thanh"].clearance_rate_per_hour is None
    assert snap["chi-ma"].trucks_waiting == 0


def test_snapshot_is_a_few_aggregate_queries_whatever_the_number_of_trucks(
        border, django_assert_max_num_queries):
    now = timezone.now()
    for gate in Gate.objects.all():
        trucks(gate, 30, "in_yard")
        crossings(gate, [10, 20, 30], now)
    with django_assert_max_num_queries(5):
        congestion.compute_snapshots(now)


def test_unknown_wait_is_none_not_infinity(border):
    gate = Gate.objects.get(code="dong-dang-ga")  # railway: no road capacity
    trucks(gate, 3, "in_yard")
    snap = {g.code: g for g in congestion.compute_snapshots().gates}
    assert snap["dong-dang-ga"].estimated_wait_hours is None


# ---------------------------------------------------------------- advisories


@pytest.fixture
def subscribers(border):
    org = {code: Organization.objects.get(code=code)
           for code in ("dn-nong-san-xu-lang", "dn-logistics-huu-nghi", "bai-xe-tan-thanh")}
    AdvisorySubscription.objects.create(organization=org["dn-nong-san-xu-lang"], gate=border)
    AdvisorySubscription.objects.create(organization=org["dn-logistics-huu-nghi"], gate=None)
    AdvisorySubscription.objects.create(organization=org["bai-xe-tan-thanh"],
                                        gate=Gate.objects.get(code="tan-thanh"))
    return org


def test_thresholds_raise_and_lower_the_level_and_only_changes_publish(
        border, subscribers, settings, django_capture_on_commit_callbacks):
    Gate.objects.filter(pk=border.pk).update(busy_backlog=3, congested_backlog=6)

    # Below every threshold: nothing to publish.
    trucks(border, 2, "in_yard")
    assert services.refresh_advisories() == []

    waiting = trucks(border, 2, "in_yard")  # 4 > 3: busy
    with django_capture_on_commit_callbacks(execute=True):
        [busy] = services.refresh_advisories()
    assert (busy.gate, busy.level, busy.backlog) == (border, "busy", 4)
    assert "đặt lượt" in busy.text_vi and "Book a slot" in busy.text_en
    audit = AuditEntry.objects.get(action="advisory.publish", object_id=str(busy.pk))
    assert audit.before == {"level": None} and audit.after["level"] == "busy"

    # Same level again: nothing new, nobody notified again.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.refresh_advisories() == []
    assert callbacks == []
    assert Advisory.objects.count() == 1

    trucks(border, 3, "held", goods="fresh-fruit")  # 7 > 6: congested
    with django_capture_on_commit_callbacks(execute=True):
        [congested] = services.refresh_advisories()
    assert congested.level == "congested" and congested.backlog == 7
    assert "tạm dừng" in congested.text_vi and "nông sản tươi" in congested.text_vi
    assert "stop sending trucks with fresh produce" in congested.text_en

    # Down to 6 (not above 6, but above 90 % of it): stays congested, no flapping.
    Declaration.objects.filter(pk=waiting[0].pk).update(state="crossed",
                                                        crossed_at=timezone.now())
    assert services.refresh_advisories() == []

    # The queue clears: back to normal in one step.
    Declaration.objects.filter(state__in=["in_yard", "held"]).update(
        state="crossed", crossed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        [normal] = services.refresh_advisories()
    assert normal.level == "normal" and normal.backlog == 0
    assert "thông thoáng" in normal.text_vi
    assert list(Advisory.objects.filter(gate=border).order_by("published_at", "id")
                .values_list("level", flat=True)) == ["busy", "congested", "normal"]
    assert AuditEntry.objects.filter(action="advisory.publish").count() == 3

    # Subscribers of the gate and of all gates, and only they, heard each change.
    sent = notified(settings)
    recipients = [n["recipient"] for n in sent]
    expected = {f"org:{subscribers['dn-nong-san-xu-lang'].pk}",
                f"org:{subscribers['dn-logistics-huu-nghi'].pk}"}
    assert len(sent) == 6 and set(recipients) == expected
    assert all(n["kind"] == "advisory" and n["link"] == "/border/" for n in sent)
    assert [n["message_vi"] for n in sent[::2]] == [busy.text_vi, congested.text_vi,
                                                    normal.text_vi]


def test_the_wait_alone_raises_the_level(border):
    Gate.objects.filter(pk=border.pk).update(busy_wait_hours=1, busy_backlog=1000,
                                             congested_backlog=5000)
    now = timezone.now()
    trucks(border, 20, "in_yard")
    crossings(border, [20, 80, 140], now)  # one an hour: 20 trucks ahead ≈ 20 h
    [advisory] = services.refresh_advisories(now=now)
    assert advisory.level == "busy" and advisory.estimated_wait_hours > 19


def test_nothing_is_notified_when_the_transaction_rolls_back(
        border, subscribers, settings, django_capture_on_commit_callbacks):
    Gate.objects.filter(pk=border.pk).update(busy_backlog=1)
    trucks(border, 2, "in_yard")
    # Callbacks captured but not executed: the notification waits for the commit.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.refresh_advisories()
    assert len(callbacks) == 2 and notified(settings) == []


def test_command_publishes_and_reports(border):
    Gate.objects.filter(pk=border.pk).update(busy_backlog=1)
    trucks(border, 2, "in_yard")
    out = io.StringIO()
    call_command("refresh_advisories", stdout=out)
    assert "huu-nghi: busy" in out.getvalue() and "1 advisory" in out.getvalue()
    out = io.StringIO()
    call_command("refresh_advisories", stdout=out)
    assert "0 advisory" in out.getvalue()


# ---------------------------------------------------------------- page and feed


@pytest.fixture
def congested_huu_nghi(border, django_capture_on_commit_callbacks):
    Gate.objects.filter(pk=border.pk).update(busy_backlog=2, congested_backlog=4)
    trucks(border, 5, "in_yard", goods="fresh-fruit")
    trucks(border, 2, "booked")
    with django_capture_on_commit_callbacks(execute=True):
        [advisory] = services.refresh_advisories()
    return advisory


def test_public_page_shows_figures_level_and_advisory_without_login(congested_huu_nghi):
    response = Client().get("/border/")
    assert response.status_code == 200
    html = response.content.decode()
    assert congested_huu_nghi.text_vi in html and congested_huu_nghi.text_en in html
    assert 'data-gate="huu-nghi"' in html and 'data-level="congested"' in html
    assert "Ùn tắc" in html and 'lang="en"' in html
    cc = response["Cache-Control"]
    assert "public" in cc and f"max-age={congestion.SNAPSHOT_SECONDS}" in cc
    assert "Accept-Language" in response["Vary"]


def test_public_page_in_english(congested_huu_nghi):
    client = Client()
    client.cookies["django_language"] = "en"
    html = client.get("/border/").content.decode()
    assert "Border gate status" in html and "Congested" in html
    assert congested_huu_nghi.text_en in html and congested_huu_nghi.text_vi not in html


def test_public_page_is_served_from_the_cache(border, django_assert_num_queries):
    trucks(border, 3, "in_yard")
    client = Client()
    assert client.get("/border/").status_code == 200
    trucks(border, 2, "in_yard")
    with django_assert_num_queries(0):
        html = client.get("/border/").content.decode()
    # Cached figures until the snapshot expires (or an advisory is published).
    assert '<dd class="big" data-field="trucks_waiting">3</dd>' in html
    congestion.forget_snapshots()
    html = client.get("/border/").content.decode()
    assert '<dd class="big" data-field="trucks_waiting">5</dd>' in html


def test_cached_page_carries_each_visitors_own_csrf_token(border):
    """The anonymous page is cached whole, with the visitor's CSRF token put in per request:
    the language switch (a POST) works from it."""
    tokens = []
    for _ in range(2):
        client = Client(enforce_csrf_checks=True)
        html = client.get("/border/").content.decode()
        [token] = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert views_public.CSRF_PLACEHOLDER not in html and token in html
        tokens.append(token)
        switched = client.post("/i18n/setlang/", {"language": "en", "next": "/border/",
                                                  "csrfmiddlewaretoken": token})
        assert switched.status_code == 302
        assert "Border gate status" in client.get("/border/").content.decode()
    assert tokens[0] != tokens[1]


def test_logged_in_visitor_never_gets_the_anonymous_frame(border):
    Client().get("/border/")  # fills the anonymous frame cache
    client = Client()
    client.force_login(user("bql"))
    html = client.get("/border/").content.decode()
    assert "Hà Thị Lan" in html


def test_htmx_refresh_gets_the_gates_fragment_only(border):
    response = Client().get("/border/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'data-gate="huu-nghi"' in html
    assert "HX-Request" in response["Vary"]


def test_logged_in_page_is_private(border):
    client = Client()
    client.force_login(user("doanhnghiep"))
    assert "private" in client.get("/border/")["Cache-Control"]


def test_feed_has_the_documented_fields_and_cache_headers(congested_huu_nghi, border):
    now = timezone.now()
    crossings(border, [10, 30], now)
    congestion.forget_snapshots()
    response = Client().get("/api/v1/border/status")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"generated_at", "gates"}
    gates = {g["code"]: g for g in body["gates"]}
    g = gates["huu-nghi"]
    assert set(g) == {"code", "name", "trucks_waiting", "trucks_expected", "crossed_last_hour",
                      "clearance_rate_per_hour", "estimated_wait_hours", "is_open",
                      "reopens_at", "congestion_level", "advisory_vi", "advisory_en",
                      "updated_at"}
    assert (g["is_open"], g["reopens_at"]) == (True, None)
    assert (g["trucks_waiting"], g["trucks_expected"], g["crossed_last_hour"]) == (5, 2, 2)
    assert g["congestion_level"] == "congested"
    assert g["advisory_vi"] == congested_huu_nghi.text_vi
    assert g["advisory_en"] == congested_huu_nghi.text_en
    assert isinstance(g["estimated_wait_hours"], float)
    assert gates["dong-dang-ga"]["estimated_wait_hours"] is None
    assert response["Cache-Control"] == f"public, max-age={congestion.SNAPSHOT_SECONDS}"
    assert response["ETag"] and response["Last-Modified"]

    again = Client().get("/api/v1/border/status", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_page_and_feed_share_one_snapshot(border):
    trucks(border, 3, "in_yard")
    feed = Client().get("/api/v1/border/status").json()
    trucks(border, 4, "in_yard")  # not seen until the snapshot expires
    html = Client().get("/border/").content.decode()
    waiting = {g["code"]: g["trucks_waiting"] for g in feed["gates"]}["huu-nghi"]
    assert waiting == 3 and '<dd class="big" data-field="trucks_waiting">3</dd>' in html


def test_feed_is_in_the_openapi_schema_with_descriptions(border):
    from tinhso.api import api

    schema = api.get_openapi_schema()
    [path] = [p for p in schema["paths"] if p.endswith("/border/status")]
    assert not schema["paths"][path]["get"].get("security")  # public: no key
    fields = schema["components"]["schemas"]["GateStatusOut"]["properties"]
    assert all(f.get("description") for f in fields.values())
    assert schema["components"]["schemas"]["StatusOut"]["properties"]["generated_at"]


# ---------------------------------------------------------------- dashboard


@pytest.mark.parametrize(("who", "status"), [(None, 302), ("doanhnghiep", 403),
                                              ("cuakhau", 403), ("lanhdao", 200),
                                              ("bql", 200)])
def test_dashboard_needs_the_dashboard_permission(border, who, status):
    client = Client()
    if who:
        client.force_login(user(who))
    assert client.get("/border/dashboard/").status_code == status


def test_dashboard_shows_the_databases_numbers(border):
    now = timezone.now()
    Gate.objects.filter(pk=border.pk).update(busy_backlog=5)
    trucks(border, 4, "in_yard", goods="fresh-fruit")
    trucks(border, 2, "in_yard", direction="import")
    trucks(border, 1, "held")
    trucks(border, 1, "called")
    # Three crossings after 1 h, 2 h and 6 h in the yard.
    for dwell in (1, 2, 6):
        trucks(border, 1, "crossed", crossed_at=now - timedelta(minutes=30),
               checked_in_at=now - timedelta(minutes=30) - timedelta(hours=dwell))
    slot = Slot.objects.create(gate=border, direction="export",
                               starts_at=congestion.timezone.localtime(now).replace(
                                   minute=0, second=0, microsecond=0) - timedelta(hours=3),
                               capacity=10, booked=1)
    [late] = trucks(border, 1, "booked", slot=slot)
    [absent] = trucks(border, 1, "no_show")

    client = Client()
    client.force_login(user("bql"))
    response = client.get("/border/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    data = response.context
    yard = {y["code"]: y for y in data["yards"]}["yard-huu-nghi-1"]
    assert (yard["occupancy"], yard["capacity"]) == (8, 600)  # in yard + held + called
    assert '<span data-field="occupancy">8</span>/<span data-field="capacity">600</span>' in html
    queues = {(q["gate_code"], q["direction"]): q for q in data["queues"]}
    assert queues[("huu-nghi", "export")]["waiting"] == 5  # 4 in yard + 1 held
    assert queues[("huu-nghi", "import")]["waiting"] == 2
    assert queues[("huu-nghi", "export")]["pipeline"] == 1
    states = {s["state"]: s["count"] for s in data["states"]}
    assert (states["in_yard"], states["held"], states["called"], states["crossed"],
            states["booked"]) == (6, 1, 1, 3, 1)
    assert data["throughput_total"] == 3 and sum(
        b["value"] for b in data["throughput_chart"]["bars"]) == 3
    assert data["dwell"]["n"] == 3 and data["dwell"]["mean_hours"] == 3.0
    assert data["dwell"]["p95_hours"] == 6.0
    assert [b["count"] for b in data["dwell"]["histogram"]][:5] == [0, 1, 1, 1, 0]
    assert data["perishable"]["waiting_pct"] == 57  # 4 of 7
    assert data["overdue"]["overdue"] == [late] and data["overdue"]["no_show"] == [absent]
    assert late.plate in html and absent.plate in html
    # 7 waiting > busy threshold 5: the banner.
    assert 'role="alert" data-gate="huu-nghi"' in html
    assert "<svg" in html and "<script" not in html.split("<main")[1]
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_dashboard_htmx_refresh_returns_the_body(border):
    client = Client()
    client.force_login(user("bql"))
    html = client.get("/border/dashboard/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and 'id="dashboard-gates"' in html
