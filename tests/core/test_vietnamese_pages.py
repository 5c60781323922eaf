"""Vietnamese everywhere, no raw codes: every page of every demo role, rendered in
Vietnamese with the Django test client, shows words, not the codes the program keeps
(reasons of camera reads, states, directions, policies…), and amounts of money grouped
by thousands (``5.500.000 ₫``).

Text inside ``<code>``, in attributes, and in the English-second spans (``lang="en"``, or
the payments pages' ``class="en"``) is not checked: codes may be shown there on purpose,
and English is expected there."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from tests.border.conftest import border  # noqa: F401
from tests.core.test_phone_pages import PAGES, _urls, demo_day  # noqa: F401
from tests.factories import DeclarationFactory
from tinhso.accounts.models import User
from tinhso.border.models import Camera, PlateEvent
from tinhso.payments.services import issue_crossing_invoice

# Codes the program keeps that a person must never read as such on a Vietnamese page.
CODE_WORDS = [
    "ambiguous", "unmatched", "low_confidence", "near_match", "clock_ahead", "stale",
    "yard_full", "state_in_yard", "state_crossed", "in_yard", "at_gate", "no_show",
    "booked", "submitted", "called", "held", "crossed", "rejected", "cancelled", "cleared",
    "export", "import", "transit", "walk-in", "booking+priority", "fifo", "booking",
    "priority", "matched", "exception", "Forbidden", "Not Found", "Server Error", "None",
    "True", "False", "normal-day", "winter-2021",
]
WORDS = re.compile(r"(?<![\w+-])(" + "|".join(re.escape(w) for w in CODE_WORDS) + r")(?![\w+-])")
# A run of four or more digits before the currency, without the thousands dots.
RAW_AMOUNT = re.compile(r"(?<![\d.])\d{4,}\s*(₫|VND|VNĐ|đồng)")

SKIPPED = {"script", "style", "code", "pre", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class VisibleText(HTMLParser):
    """The text nodes a Vietnamese reader sees (outside code, scripts and English spans)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # one entry per open element: is its content skipped?
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attributes = dict(attrs)
        skipped = (tag in SKIPPED or (attributes.get("lang") or "").startswith("en")
                   or "en" in (attributes.get("class") or "").split() or "hidden" in attributes)
        self.stack.append(skipped or (bool(self.stack) and self.stack[-1]))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def problems_in(html: str) -> list[str]:
    text = visible_text(html)
    found = []
    for match in WORDS.finditer(text):
        found.append(f"code {match.group(0)!r} in …{text[max(0, match.start() - 40):match.end() + 40]}…")
    for match in RAW_AMOUNT.finditer(text):
        found.append(f"unformatted amount {match.group(0)!r}")
    return found


def test_the_scanner_finds_codes_and_raw_amounts_but_not_english_or_code():
    html = ('<p>Lý do: ambiguous, tổng 5500000 ₫</p><p lang="en">ambiguous</p>'
            '<code>in_yard</code><a title="crossed">Đã qua</a><p>5.500.000 ₫</p>'
            '<p>Tỷ lệ booking+priority</p>')
    found = problems_in(html)
    assert len(found) == 3, found
    assert problems_in("<p>Nhập khẩu 1.234 ₫, năm 2026</p>") == []


@pytest.fixture
def reads(demo_day):  # noqa: F811
    """A read of every reason at the exception desk, so that the yard console and the
    camera page show them all."""
    camera = Camera.objects.get(code="cam-yard-huu-nghi-1-in")
    for n, reason in enumerate(["near_match", "clock_ahead", "stale", "unmatched", "ambiguous",
                                "yard_full", "state_crossed"]):
        PlateEvent.objects.create(
            camera=camera, event_id=f"reason-{n}", plate_read="12C-999.99", confidence=0.9,
            captured_at=timezone.now(), barrier="hold", status=PlateEvent.Status.EXCEPTION,
            reason=reason)
    return demo_day


@pytest.mark.django_db
def test_every_page_of_every_role_is_in_words_not_codes(client, reads, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    found = []
    pages = 0
    for login in PAGES:
        client.logout()
        client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
        client.force_login(User.objects.get(email=f"{login}@demo.tinhso.vn"))
        for _, url in _urls(login, reads):
            # A page may hand over to the only thing it would list (a guardian's one child).
            response = client.get(url, follow=True)
            assert response.status_code == 200, f"{login} {url}: HTTP {response.status_code}"
            assert response["Content-Language"] == "vi"
            pages += 1
            found += [f"{login} {url}: {p}" for p in problems_in(response.content.decode())]
    client.logout()
    for url in ["/", "/border/", "/accounts/login/", "/cho/", "/cho/mo-cua-hang/",
                "/cho/{}/".format(reads["market"]["product"]), "/border/ticket/{}/".format(
            reads["trucks"]["booked"].ticket_token)]:
        found += [f"anonymous {url}: {p}" for p in problems_in(client.get(url).content.decode())]
    assert pages > 80
    # In English too, money is grouped the same way (5.500.000 ₫), whatever the locale.
    client.force_login(User.objects.get(email="admin@demo.tinhso.vn"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in ["/border/reports/", "/payments/invoices/", "/payments/cashier/",
                "/payments/reconciliation/",
                f"/payments/invoices/{reads['invoices']['crossed'].reference}/"]:
        response = client.get(url)
        assert response["Content-Language"] == "en"
        text = visible_text(response.content.decode())
        found += [f"English {url}: unformatted amount {m.group(0)!r}"
                  for m in RAW_AMOUNT.finditer(text)]
        found += [f"English {url}: amount grouped with commas {m.group(0)!r}"
                  for m in re.finditer(r"\d{1,3}(,\d{3})+\s*₫", text)]
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    assert not found, f"{len(found)} problems:\n" + "\n".join(sorted(set(found)))


@pytest.mark.django_db
def test_error_pages_are_in_vietnamese_with_english_and_a_way_back(client, border):  # noqa: F811
    # A page the role may not open: require() raises PermissionDenied in the view.
    client.force_login(User.objects.get(email="laixe@demo.tinhso.vn"))
    response = client.get("/border/dashboard/", HTTP_REFERER="http://testserver/border/driver/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Bạn không có quyền xem trang này" in html and "You may not see this page" in html
    assert 'href="http://testserver/border/driver/"' in html and 'href="/"' in html
    assert 'class="site"' in html  # the site's own layout, with its menu
    assert problems_in(html) == []

    response = client.get("/border/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html and "Page not found" in html and 'href="/"' in html
    assert problems_in(html) == []

    client.logout()
    response = client.get("/audit/")  # not logged in: the login page, or a 403 that links it
    if response.status_code == 403:
        assert "/accounts/login/?next=%2Faudit%2F" in response.content.decode()
    # Someone else's page from another site is not offered as the way back.
    client.force_login(User.objects.get(email="laixe@demo.tinhso.vn"))
    html = client.get("/border/dashboard/", HTTP_REFERER="https://evil.example/").content.decode()
    assert "evil.example" not in html


def test_the_server_error_page_needs_no_database_and_says_it_in_both_languages(rf):
    from tinhso.core.views import server_error

    response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in html and "Something went wrong" in html
    assert 'href="/"' in html and problems_in(html) == []


def test_the_call_names_the_gate_once(border):  # noqa: F811
    from tinhso.border.services.calling import _gate_vi

    assert _gate_vi("Cửa khẩu quốc tế Hữu Nghị") == "Cửa khẩu quốc tế Hữu Nghị"
    assert _gate_vi("Tân Thanh") == "cửa khẩu Tân Thanh"


def test_chart_legends_and_title_name_policies_and_scenarios_in_words():
    from tinhso.border.engine import build_scenario, queue_svg, simulate

    scenario = build_scenario("normal-day", seed=1, days=1)
    svg = queue_svg({p: simulate(scenario, p) for p in ("walk-in", "booking+priority")})
    assert "Tự đến, xếp hàng" in svg and "Đặt lịch + ưu tiên hàng tươi" in svg
    assert "Ngày bình thường" in svg
    assert "booking+priority" not in svg and "normal-day" not in svg


@pytest.mark.django_db
def test_the_receipt_names_the_payee_with_its_diacritics(border):  # noqa: F811
    from tinhso.payments.models import PayeeAccount
    from tinhso.payments.receipt import receipt_pdf

    payee = PayeeAccount.objects.get(is_default=True)
    assert payee.name == "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng – Lạng Sơn"
    invoice = issue_crossing_invoice(declaration=DeclarationFactory(gate=border, crossed=True))
    pdf = receipt_pdf(invoice, "https://example.vn/v/", compress=False)
    # The payee's name as the PDF's author: a UTF-16 string with octal escapes.
    raw = re.search(rb"/Author \((.*?)(?<!\\)\)", pdf).group(1)
    octets = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), raw)
    assert octets.decode("utf-16") == payee.name
    # And the receipt's text is set in DejaVu Sans, which has the Vietnamese glyphs.
    assert b"DejaVuSans" in pdf
