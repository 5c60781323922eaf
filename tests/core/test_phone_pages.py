"""Every role can do its job on a phone: each demo role logs in and opens every page of its
work on a 390-px screen, with demo data on them; no page may be wider than the phone.

Screenshots of every page go to $TINHSO_SCREENSHOTS/phone/ (default /tmp/phone/)."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.border.conftest import border  # noqa: F401
from tests.border.test_browser import CHROMIUM, SHOTS, browser  # noqa: F401
from tests.factories import DeclarationFactory
from tinhso.accounts.models import Organization
from tinhso.border import whatif
from tinhso.border.models import (
    Camera,
    Gate,
    GateNotice,
    PlateEvent,
    SavedDriver,
    SavedVehicle,
    WhatIfRun,
)
from tinhso.core.demo import DEMO_PASSWORD
from tinhso.payments.services import issue_crossing_invoice

PHONE = 390
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
assert CHROMIUM  # the launcher of tests/border/test_browser.py


@pytest.fixture
def demo_day(border, settings):  # noqa: F811
    """A working morning: trucks of both demo enterprises in every kind of state, a read
    waiting at the exception desk, a gate notice, a finished what-if run and invoices."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    mine = Organization.objects.get(code="dn-nong-san-xu-lang")
    theirs = Organization.objects.get(code="dn-logistics-huu-nghi")
    trucks = {state: DeclarationFactory(enterprise=mine, gate=border, **{state: True})
              for state in ("submitted", "booked", "in_yard", "held", "called", "cleared",
                            "crossed", "rejected", "cancelled")}
    trucks["perishable"] = DeclarationFactory(enterprise=mine, gate=border, booked=True,
                                              perishable=True)
    trucks["theirs"] = DeclarationFactory(enterprise=theirs, gate=border, in_yard=True,
                                          driver_name="Lục Văn Sơn", driver_phone="0987654321")
    trucks["theirs_crossed"] = DeclarationFactory(enterprise=theirs, gate=border, crossed=True,
                                                  driver_phone="0987654321")
    invoices = {key: issue_crossing_invoice(declaration=trucks[key])
                for key in ("crossed", "theirs_crossed")}
    PlateEvent.objects.create(
        camera=Camera.objects.get(code="cam-yard-huu-nghi-1-in"), event_id="demo-1",
        plate_read="12C-7OO.O1", confidence=0.62, captured_at=timezone.now(), barrier="hold",
        status=PlateEvent.Status.EXCEPTION, reason="low_confidence")
    now = timezone.now()
    GateNotice.objects.create(
        gate=Gate.objects.get(code="tan-thanh"), kind=GateNotice.Kind.REDUCED,
        starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=1, hours=6),
        capacity_pct=50, reason_vi="Phía bạn tăng cường kiểm tra hàng hóa nông sản",
        reason_en="Stricter produce inspection on the other side")
    public = _public_service_dossiers()
    run = WhatIfRun.objects.create(scenario="normal-day", capacity_change=-20, policy="all",
                                   seed=1, steps_total=len(whatif._policies("all")) + 1)
    whatif.run(run.pk)
    return {"trucks": trucks, "invoices": invoices, "run": WhatIfRun.objects.get(pk=run.pk),
            "public": public, "market": _market(),
            "meetings": meetings_demo(), "schools": schools_demo(),
            "innovation": innovation_demo(),
            "documents": _documents_desk(), "ioc": _ioc()}


def schools_demo() -> dict:
    """The schools' demo: class 8A1 of the THCS Chi Lăng with term I grades, the four
    logins (teacher, leader, guardian, Department officer)."""
    from tinhso.schools.demo import seed_schools
    from tinhso.schools.models import SchoolClass, Student

    seed_schools()
    klass = SchoolClass.objects.get(name="8A1", school__code="thcs-chi-lang")
    return {"class_8a1": klass.pk, "school_cl": klass.school_id,
            "maths_8": klass.school.subjects.get(grade=8, code="toan").pk,
            "child": Student.objects.get(code="CL8A101").pk}


def _market() -> dict:
    """The digital stores' demo (shops, hub, products with drawn photos): the addresses of
    a shop, an OCOP product of it, and a product of the demo seller's."""
    from tinhso.core.demo import seed_administrative_units
    from tinhso.market.demo import SELLER_EMAIL, seed_market
    from tinhso.market.models import Product

    seed_administrative_units()
    seed_market(DEMO_PASSWORD)
    ocop = Product.objects.filter(ocop_stars__isnull=False, ocop_expires_on__gt=timezone.now(),
                                  photos__isnull=False).select_related("shop").first()
    mine = Product.objects.filter(shop__organization__memberships__user__email=SELLER_EMAIL)
    return {"shop": ocop.shop.slug, "product": f"{ocop.shop.slug}/{ocop.slug}",
            "my_product": mine.order_by("id").first().pk}


def meetings_demo() -> dict:
    """The 213 conference points and a meeting of this morning with the Đồng Đăng commune's
    point (checked ready, with attendance), minutes and a task for the commune."""
    from tinhso.accounts.models import User
    from tinhso.meetings import services
    from tinhso.meetings.demo import seed_points, seed_secretary
    from tinhso.meetings.models import ConferencePoint, Room

    seed_points()
    seed_secretary()
    secretary = User.objects.get(email="hoinghi@demo.tinhso.vn")
    dong_dang = ConferencePoint.objects.get(organization__code="xa-dong-dang")
    now = timezone.now()
    meeting = services.schedule_meeting(
        actor=secretary, organizer=Organization.objects.get(code="ubnd-lang-son"),
        now=now - timedelta(hours=1), request=services.MeetingRequest(
            title="Hội nghị trực tuyến sơ kết chuyển đổi số", level="province",
            host_room_id=Room.objects.get(point__code="ubnd-tinh",
                                          name="Phòng họp trực tuyến").pk,
            starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(hours=2),
            point_codes=[dong_dang.code, "so-y-te"], groups=["former:Văn Lãng"],
            agenda=[("Báo cáo kết quả", "12/BC-UBND")]))
    booking = meeting.point_bookings.get(point=dong_dang)
    services.confirm_readiness(actor=None, booking=booking, status="ok")
    services.record_attendance(actor=None, booking=booking, count=4,
                               people=[("Chu Văn Long", "Cán bộ văn phòng")])
    services.record_minutes(actor=secretary, meeting=meeting, text="Hội nghị thống nhất.",
                            conclusions=[services.ConclusionIn("Rà soát thiết bị điểm cầu",
                                                               "xa-dong-dang", 5)])
    return {"meeting": meeting.pk, "point": booking.token, "checkin": meeting.checkin_token,
            "point_code": dong_dang.code}


def innovation_demo() -> dict:
    """The innovation demo: profiles, a finished contest, an open call, news, an event."""
    from tinhso.innovation.demo import OPEN_CALL, PAST_CALL, seed_innovation
    from tinhso.innovation.models import Application, Assignment, Call, News, Profile

    seed_innovation()
    past = Call.objects.get(title=PAST_CALL)
    open_call = Call.objects.get(title=OPEN_CALL)
    return {"inno_call": open_call.pk, "inno_results": past.pk,
            "inno_profile": Profile.objects.get(name="Hợp tác xã Na Chi Lăng").pk,
            "inno_draft": Profile.objects.get(state="draft").pk,
            "inno_application": Application.objects.get(
                call=past, profile__name="Hợp tác xã Na Chi Lăng").pk,
            "inno_open_application": Application.objects.get(call=open_call).pk,
            "inno_assignment": Assignment.objects.filter(
                judge__email="giamkhao@demo.tinhso.vn").order_by("pk").first().pk,
            "inno_news": News.objects.first().pk}


def _documents_desk() -> dict:
    """The documents' agencies and registers, and the province office's clerk login."""
    from tinhso.documents.demo import seed_clerk, seed_reference

    seed_reference(password=DEMO_PASSWORD)
    seed_clerk(password=DEMO_PASSWORD)
    return {}


def _ioc() -> dict:
    """The operations dashboard's demo: catalogue, figures computed from the data above,
    an approved GRDP figure, the data officer and the operations centre's officer."""
    from tinhso.ioc.demo import seed_ioc
    from tinhso.market.models import CommuneOffice

    seed_ioc(DEMO_PASSWORD)
    return {"ioc_commune": CommuneOffice.objects.get(
        organization__code="xa-dong-dang").commune.code}


def _public_service_dossiers() -> dict:
    """The sample catalogue and officers, a dossier at each desk of the commune: one
    waiting for reception (from the national portal), one being appraised."""
    from tinhso.accounts.models import User
    from tinhso.publicservices import services
    from tinhso.publicservices.demo import seed_public_services
    from tinhso.publicservices.models import Agency, Channel, Procedure

    seed_public_services()
    commune = Agency.objects.get(code="H20.51")
    birth = Procedure.objects.filter(level="commune", name="Đăng ký khai sinh").first()
    desk = User.objects.get(email="motcua@demo.tinhso.vn")
    queued = services.submit_dossier(
        actor=None, procedure=birth, agency=commune, channel=Channel.PORTAL,
        applicant={"name": "Hoàng Thị Lan", "phone": "0987000111"},
        code="H20.51-261202-990001", external_id="QG-DEMO-1")
    working = services.receive_at_desk(actor=desk, procedure=birth, agency=commune,
                                       applicant={"name": "Lục Văn Phúc",
                                                  "phone": "0987000222"})
    services.hand_over(actor=desk, dossier=working,
                       assignee=User.objects.get(email="chuyenvien@demo.tinhso.vn"))
    return {"queued": queued.pk, "working": working.pk, "procedure": birth.code}


# Every page of each role's work (`{truck}` is a declaration of theirs, `{ticket}` its
# e-ticket, `{invoice}` an invoice they may see, `{run}` the what-if run).
EVERYONE = ["/", "/border/", "/accounts/profile/", "/public-services/tracking/",
            "/public-services/procedures/", "/cho/", "/cho/?q=na+chi+lang",
            "/cho/?category=trai-cay&ocop=3&sort=price_asc", "/cho/{shop}/",
            "/cho/{product}/", "/cho/mo-cua-hang/", "/khoi-nghiep/"]
PUBLIC_OFFICE = ["/public-services/console/", "/public-services/register/",
                 "/public-services/dossiers/{ps_working}/"]
ENTERPRISE = ["/border/enterprise/", "/border/declarations/{submitted}/",
              "/border/declarations/{booked}/", "/border/declarations/{in_yard}/",
              "/border/declarations/{crossed}/", "/border/declarations/{rejected}/",
              "/border/declarations/{submitted}/edit/", "/border/declarations/{in_yard}/edit/",
              "/border/ticket/{ticket}/", "/payments/invoices/", "/payments/invoices/{invoice}/"]
OFFICER = ["/border/declarations/{in_yard}/", "/border/declarations/{held}/"]
MEETINGS = ["/meetings/", "/meetings/points/", "/meetings/tasks/", "/meetings/{meeting}/"]
ORGANISER = [*MEETINGS, "/meetings/new/", "/meetings/{meeting}/console/",
             "/meetings/{meeting}/minutes/", "/meetings/{meeting}/cancel/"]
POINT = ["/meetings/p/{point}/", "/meetings/checkin/{checkin}/{point_code}/"]
BOARD = ["/border/dashboard/", "/border/notices/", "/border/reports/", "/border/what-if/",
         "/border/what-if/{run}/", "/border/gate/", "/border/gate/?gate=tan-thanh",
         "/border/gates/", "/border/gates/huu-nghi/", "/border/gates/huu-nghi/yards/new/",
         "/border/gates/huu-nghi/cameras/new/", "/border/yards/yard-huu-nghi-1/",
         "/border/cameras/cam-yard-huu-nghi-1-in/",
         "/payments/invoices/", "/payments/invoices/{invoice}/"]
# Innovation and startups: the founder's work and the public pages, the office's, a judge's.
FOUNDER = ["/khoi-nghiep/cua-toi/", "/khoi-nghiep/doanh-nghiep/",
           "/khoi-nghiep/doanh-nghiep/?q=na+chi+lang&field=agriculture",
           "/khoi-nghiep/doanh-nghiep/moi/", "/khoi-nghiep/doanh-nghiep/{inno_profile}/",
           "/khoi-nghiep/doanh-nghiep/{inno_profile}/sua/", "/khoi-nghiep/cuoc-thi/",
           "/khoi-nghiep/cuoc-thi/{inno_call}/", "/khoi-nghiep/cuoc-thi/{inno_call}/nop/",
           "/khoi-nghiep/ho-so/{inno_application}/",
           "/khoi-nghiep/cuoc-thi/{inno_results}/ket-qua/", "/khoi-nghiep/su-kien/",
           "/khoi-nghiep/san-pham/", "/khoi-nghiep/tin-tuc/{inno_news}/"]
INNOVATION_OFFICE = ["/khoi-nghiep/duyet/", "/khoi-nghiep/doanh-nghiep/{inno_draft}/",
                     "/khoi-nghiep/cuoc-thi/moi/", "/khoi-nghiep/cuoc-thi/{inno_call}/cham-diem/",
                     "/khoi-nghiep/cuoc-thi/{inno_results}/cham-diem/", "/khoi-nghiep/so-lieu/"]
# The operations dashboard (a commune officer's /ioc/ opens their commune's page).
IOC = ["/ioc/", "/ioc/canh-bao/", "/ioc/chi-tieu/households_with_shop/",
       "/ioc/chi-tieu/digital_economy_share/", "/ioc/du-lieu-mo/"]
# Official documents: the desk and both lists for everyone whose role works with documents.
DOCS = ["/documents/", "/documents/incoming/", "/documents/outgoing/"]
SCHOOL_GRID = "/schools/class/{class_8a1}/subject/{maths_8}/term/1/"
PAGES = {
    "giaovien": ["/schools/", SCHOOL_GRID, "/schools/class/{class_8a1}/attendance/",
                 "/schools/class/{class_8a1}/conduct/1/", "/schools/notices/"],
    "hieutruong": ["/schools/", "/schools/leader/", "/schools/school/{school_cl}/import/",
                   "/schools/school/{school_cl}/teachers/import/", "/schools/notices/",
                   SCHOOL_GRID],
    "phuhuynh": ["/schools/family/", "/schools/student/{child}/", "/schools/notices/"],
    "sogd": ["/schools/province/"],
    "doanhnghiep": ENTERPRISE,
    "doanhnghiep2": ["/border/enterprise/", "/border/declarations/{theirs}/",
                     "/border/declarations/{theirs}/edit/", "/payments/invoices/",
                     "/payments/invoices/{their_invoice}/"],
    "laixe": ["/border/driver/", "/border/ticket/{ticket}/", "/border/ticket/{in_yard_ticket}/"],
    "baixe": ["/border/yard/", *OFFICER],
    "cuakhau": ["/border/gate/", "/border/gate/?gate=tan-thanh", "/border/gate/manual/",
                "/border/gate/manual/{cleared}/", *OFFICER],
    "haiquan": ["/border/clearance/", *OFFICER],
    "kiemdich": ["/border/clearance/", *OFFICER],
    "bienphong": ["/border/clearance/", *OFFICER],
    "bql": [*BOARD, *OFFICER],
    "thungan": ["/payments/cashier/", "/payments/reconciliation/", "/payments/invoices/",
                "/payments/invoices/{invoice}/", "/border/reports/", *OFFICER],
    "xa": [*DOCS, "/documents/outgoing/new/", "/cho/mo-ho/", *MEETINGS, *POINT, "/ioc/",
           "/ioc/chi-tieu/households_with_shop/"],
    "dulieu": [*IOC, "/ioc/so-lieu/"],
    "dieuhanh": [*IOC, "/ioc/so-lieu/", "/ioc/bao-cao/", "/ioc/xa/{ioc_commune}/"],
    "cuahang": ["/cho/ban-hang/", "/cho/ban-hang/san-pham/moi/",
                "/cho/ban-hang/san-pham/{my_product}/"],
    "htx": [],
    "ketoan.htx": [],
    "hoinghi": [*ORGANISER, "/meetings/p/{point}/", *DOCS],
    "motcua": [*PUBLIC_OFFICE, "/public-services/dossiers/{ps_queued}/"],
    "vanthu": [*DOCS, "/documents/incoming/new/"],
    "chuyenvien": [*PUBLIC_OFFICE, *MEETINGS, "/meetings/new/", *DOCS],
    "truongphong": [*PUBLIC_OFFICE, "/public-services/statistics/", *DOCS, *MEETINGS,
                    "/meetings/new/", "/meetings/statistics/"],
    "chutichxa": [*PUBLIC_OFFICE, "/public-services/statistics/",
                  "/public-services/statistics/?by=month", *DOCS, *MEETINGS, "/meetings/new/",
                  "/meetings/statistics/"],
    "sanglap": FOUNDER,
    "sanglap2": ["/khoi-nghiep/cua-toi/", "/khoi-nghiep/ho-so/{inno_open_application}/",
                 "/khoi-nghiep/ho-so/{inno_open_application}/sua/"],
    "dmst": INNOVATION_OFFICE,
    "giamkhao": ["/khoi-nghiep/giam-khao/", "/khoi-nghiep/giam-khao/{inno_assignment}/"],
    "congdan": ["/public-services/my/", "/public-services/procedures/{ps_procedure}/apply/",
                "/public-services/procedures/{ps_procedure}/",
                "/public-services/procedures/?q=khai+sinh&level=commune"],
    "lanhdao": [*ORGANISER, "/meetings/statistics/", "/khoi-nghiep/so-lieu/",
                "/public-services/statistics/", "/public-services/statistics/?by=field",
                "/border/dashboard/", "/border/reports/", "/border/what-if/",
                "/border/what-if/{run}/", "/payments/invoices/", "/payments/invoices/{invoice}/",
                *OFFICER, *DOCS, *IOC, "/ioc/bao-cao/"],
    "admin": [*ENTERPRISE, *BOARD, "/border/yard/", "/border/clearance/?agency=customs",
              "/border/clearance/?agency=quarantine", "/border/clearance/?agency=border_guard",
              "/payments/cashier/", "/payments/reconciliation/", "/audit/", "/border/driver/",
              "/public-services/console/", "/public-services/statistics/",
              "/public-services/register/", "/cho/ban-hang/", "/cho/mo-ho/",
              *DOCS, "/documents/outgoing/new/", "/documents/incoming/new/",
              *ORGANISER, "/meetings/statistics/", *POINT, "/schools/", "/schools/family/",
              "/schools/province/", *IOC],
}


def _urls(login: str, demo: dict) -> list[tuple[str, str]]:
    trucks, invoices = demo["trucks"], demo["invoices"]
    values = {state: d.pk for state, d in trucks.items()}
    values.update(ticket=trucks["booked"].ticket_token,
                  in_yard_ticket=trucks["in_yard"].ticket_token,
                  invoice=invoices["crossed"].reference,
                  their_invoice=invoices["theirs_crossed"].reference, run=demo["run"].pk,
                  ps_working=demo["public"]["working"], ps_queued=demo["public"]["queued"],
                  ps_procedure=demo["public"]["procedure"],
                  **demo["market"], **demo["meetings"], **demo["schools"],
                  **demo["innovation"], **demo["ioc"])
    return [(url, url.format(**values)) for url in [*EVERYONE, *PAGES[login]]]


def _log_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", f"{login}@demo.tinhso.vn")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{base}/")


def _nav_links(page) -> set[str]:
    hrefs = page.eval_on_selector_all("header.site nav a[href]",
                                      "links => links.map(a => a.getAttribute('href'))")
    return {h for h in hrefs if h.startswith("/")}


def test_every_page_of_every_role_fits_a_390_px_phone(live_server, demo_day, browser):  # noqa: F811
    shots = Path(os.environ.get("TINHSO_SCREENSHOTS", SHOTS)) / "phone"
    shots.mkdir(parents=True, exist_ok=True)
    too_wide, not_ok, unvisited = [], [], {}
    for login in PAGES:
        context = browser.new_context(viewport={"width": PHONE, "height": 844},
                                      device_scale_factor=1, locale="vi-VN")
        page = context.new_page()
        _log_in(page, live_server.url, login)
        visited, menu = set(), set()
        for template, url in _urls(login, demo_day):
            response = page.goto(f"{live_server.url}{url}")
            page.wait_for_load_state("load")
            visited.add(url.split("?")[0])
            if response.status != 200:
                not_ok.append(f"{login} {url}: HTTP {response.status}")
                continue
            menu |= _nav_links(page)
            width = page.evaluate("document.documentElement.scrollWidth")
            name = re.sub(r"[^a-z0-9=-]+", "_", f"{login}{template}").strip("_")
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
            if width > PHONE:
                too_wide.append(f"{login} {url}: {width} px")
        # The list above is complete: every page the role's menu links to was opened.
        missing = {m for m in menu if m.split("?")[0] not in visited
                   and not m.startswith(("/accounts/logout", "/i18n/"))}
        if missing:
            unvisited[login] = sorted(missing)
        context.close()
    problems = [*not_ok, *(f"wider than a {PHONE}-px phone: {w}" for w in too_wide),
                *(f"{login}'s menu links to pages this test does not open: {urls}"
                  for login, urls in unvisited.items())]
    assert not problems, "\n".join(problems)


@pytest.fixture
def saved(border, settings):  # noqa: F811
    """A vehicle and a driver the demo enterprise declared before (set up before the
    browser starts: Django refuses queries inside Playwright's event loop)."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    mine = Organization.objects.get(code="dn-nong-san-xu-lang")
    SavedVehicle.objects.create(enterprise=mine, plate="12C-555.66", trailer_plate="12R-044.55")
    SavedDriver.objects.create(enterprise=mine, full_name="Lăng Văn Khải",
                               id_number="020090009999", phone="0912345678")


def test_picking_a_saved_vehicle_and_driver_fills_the_rest(live_server, saved, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": PHONE, "height": 844})
    _log_in(page, live_server.url, "doanhnghiep")
    page.goto(f"{live_server.url}/border/enterprise/")
    page.fill("#f-plate", "12C-555.66")
    assert page.input_value("#f-trailer") == "12R-044.55"
    page.fill("#f-driver", "Lăng Văn Khải")
    assert page.input_value("#f-idn") == "020090009999"
    assert page.input_value("#f-phone") == "0912345678"
    # A name nobody saved fills nothing.
    page.fill("#f-idn", "")
    page.fill("#f-driver", "Lăng Văn")
    assert page.input_value("#f-idn") == ""
