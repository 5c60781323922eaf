"""Every response carries the Content-Security-Policy and the Permissions-Policy, and no
template holds what the policy would block (inline script, event handler or style)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

import tinhso
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DIRECTIVES = ["default-src 'self'", "script-src 'self'", "style-src 'self'",
              "img-src 'self' data:", "object-src 'none'", "base-uri 'self'",
              "form-action 'self'", "frame-ancestors 'none'"]
PAGES = ["/", "/border/", "/accounts/login/", "/api/v1/docs", "/api/v1/openapi.json",
         "/api/v1/border/status", "/healthz", "/admin/login/", "/no-such-page/"]


def assert_locked_down(response):
    policy = response.headers["Content-Security-Policy"]
    for directive in DIRECTIVES:
        assert directive in policy, (response.request["PATH_INFO"], directive)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_policies(client, path):
    assert_locked_down(client.get(path))


def test_pages_after_logging_in_too(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for path in ["/accounts/profile/", "/admin/", "/api/v1/accounts/me"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_locked_down(response)


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") not in (
                "application/json", "application/ld+json"):
            self.inline_scripts += 1
        self.urls += [attrs[a] for a in ("src", "href") if attrs.get(a) and tag in (
            "script", "link", "img")]


def test_the_api_docs_use_only_our_own_static_files(client):
    page = _Assets()
    page.feed(client.get("/api/v1/docs").content.decode())
    assert page.urls and all(url.startswith("/static/") for url in page.urls), page.urls
    assert any(url.endswith("swagger-ui-bundle.js") for url in page.urls)
    assert page.inline_scripts == 0
    for url in page.urls:  # each one is a static file we ship (collectstatic finds it)
        assert finders.find(url.removeprefix("/static/")), url


TEMPLATES = sorted(Path(tinhso.__file__).parent.glob("*/templates/**/*.html"))
BLOCKED = {
    # A data block (JSON, schema.org JSON-LD) is never executed, so the policy lets it be.
    "inline script": re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/(?:ld\+)?json\")[^>]*>", re.I),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_template_holds_what_the_policy_blocks(template):
    text = template.read_text()
    found = [what for what, pattern in BLOCKED.items() if pattern.search(text)]
    assert not found, found
