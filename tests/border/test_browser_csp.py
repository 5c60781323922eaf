"""Key pages in a real headless Chromium under the Content-Security-Policy: not one
violation (no inline script, event handler or style, nothing from another origin), no
script error, and the API docs render from our own static files with no network."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.border.test_browser import browser, crisis_day  # noqa: F401 (fixtures)
from tinhso.border import whatif
from tinhso.border.models import Declaration, WhatIfRun
from tinhso.core.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Records every violation the page reports, before any of its own script runs.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


class Watched:
    """A page whose console errors, script errors and requests are all kept."""

    def __init__(self, browser, base_url: str):  # noqa: F811
        self.base_url = base_url
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.add_init_script(WATCH_VIOLATIONS)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.console.append(
            f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def visit(self, path: str, *, ready: str | None = None):
        response = self.page.goto(self.base_url + path)
        assert response.status == 200, (path, response.status)
        headers = response.headers
        assert "default-src 'self'" in headers["content-security-policy"], path
        assert "camera=()" in headers["permissions-policy"], path
        if ready:
            self.page.wait_for_selector(ready)
        self.page.wait_for_load_state("networkidle")
        self.assert_clean(path)
        return response

    def assert_clean(self, path: str):
        violations = self.page.evaluate("window.__cspViolations")
        policy_messages = [m for m in self.console
                           if "Content Security Policy" in m or "Permissions-Policy" in m
                           or "Refused to" in m]
        assert not violations and not policy_messages, (path, violations, policy_messages)
        assert not self.errors, (path, self.errors)

    def log_in(self, email: str, next_path: str):
        self.page.goto(f"{self.base_url}/accounts/login/?next={next_path}")
        self.page.fill("input[name=username]", email)
        self.page.fill("input[name=password]", DEMO_PASSWORD)
        self.page.click("form.stack button[type=submit]")
        self.page.wait_for_url(self.base_url + next_path)
        self.assert_clean("/accounts/login/")


@pytest.fixture
def ticket(crisis_day) -> str:  # noqa: F811
    """A booked truck's e-ticket token (read before the browser starts: the ORM refuses to
    run inside Playwright's event loop)."""
    return Declaration.objects.filter(state="booked").first().ticket_token


@pytest.fixture
def whatif_run(crisis_day) -> int:  # noqa: F811
    """A finished what-if run (the tests' task backend runs it as it is queued)."""
    from tests.border.conftest import user

    run = whatif.start_run(actor=user("bql"), scenario="normal-day", capacity_change=-20,
                           policy="booking", seed=1)
    assert WhatIfRun.objects.get(pk=run.pk).state == "done"
    return run.pk


def test_key_pages_raise_no_csp_violation(live_server, ticket, whatif_run,
                                          browser):  # noqa: F811
    public = Watched(browser, live_server.url)
    public.visit("/")
    public.visit("/border/", ready="[data-gate='huu-nghi']")
    public.visit(f"/border/ticket/{ticket}/", ready="figure.qr svg")
    public.visit("/accounts/login/")

    enterprise = Watched(browser, live_server.url)
    enterprise.log_in("doanhnghiep@demo.tinhso.vn", "/border/enterprise/")
    enterprise.visit("/border/enterprise/")
    enterprise.visit("/payments/invoices/")

    board = Watched(browser, live_server.url)
    board.log_in("bql@demo.tinhso.vn", "/border/dashboard/")
    board.visit("/border/dashboard/", ready=".dashboard-chart svg")
    # The yard meters are drawn without a style attribute: 10 of 600 places is a 2 % bar.
    bar, meter = board.page.evaluate("""[...document.querySelectorAll(
        "[data-yard='yard-huu-nghi-1'] .meter, [data-yard='yard-huu-nghi-1'] .meter rect")]
        .map((e) => e.getBoundingClientRect().width).reverse()""")
    assert bar == pytest.approx(meter * 0.02, rel=0.05)
    board.visit("/border/notices/")
    board.visit("/border/what-if/")
    # The queue chart (matplotlib styles its SVG inline) is an image, not inline SVG.
    board.visit(f"/border/what-if/{whatif_run}/", ready="figure.chart img")
    assert board.page.evaluate("document.querySelector('figure.chart img').naturalWidth") > 0

    gate = Watched(browser, live_server.url)
    gate.log_in("cuakhau@demo.tinhso.vn", "/border/gate/")
    gate.visit("/border/gate/")
    # Choosing another gate submits the form: the old inline onchange, now in site.js.
    gate.page.select_option("select[name=gate]", "tan-thanh")
    gate.page.wait_for_url("**/border/gate/?gate=tan-thanh")
    gate.assert_clean("/border/gate/?gate=tan-thanh")

    admin = Watched(browser, live_server.url)
    admin.log_in("admin@demo.tinhso.vn", "/admin/")
    admin.visit("/admin/")
    admin.visit("/admin/axes/accessattempt/")


def test_api_docs_render_from_our_own_static_files(live_server, crisis_day, browser):  # noqa: F811
    docs = Watched(browser, live_server.url)
    docs.visit("/api/v1/docs", ready=".swagger-ui .opblock")
    assert docs.page.locator(".swagger-ui .opblock").count() > 10
    assert "Tỉnh Số API" in docs.page.locator(".swagger-ui .info").inner_text()
    origin = urlsplit(live_server.url).netloc
    foreign = [url for url in docs.requests
               if not url.startswith("data:") and urlsplit(url).netloc != origin]
    assert not foreign, foreign
    assert any("/static/ninja/swagger-ui-bundle" in url for url in docs.requests)
    # Try the open feed from the docs: the call, the highlighted answer, under the policy.
    operation = docs.page.locator(".opblock", has_text="/api/v1/border/status").first
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("200")
    docs.assert_clean("/api/v1/docs (try it out)")
    docs.page.screenshot(path="/tmp/api_docs.png")
