from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tinhso.accounts.permissions import require
from tinhso.core.models import AuditEntry
from tinhso.core.selectors import audit_entries
from tinhso.core.systems import SYSTEMS


def home(request):
    return render(request, "core/home.html", {"systems": SYSTEMS})


@require_GET
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception as exc:  # the probe must answer, whatever the database says
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": database, "vendor": connection.vendor})


@login_required
def audit_log(request):
    require(request.user, "audit.view")
    filters = {
        "action": request.GET.get("action", "").strip(),
        "object_type": request.GET.get("object_type", "").strip(),
        "actor": request.GET.get("actor", "").strip(),
        "date_from": None,
        "date_to": None,
    }
    errors = []
    for key, label in (("date_from", _("From")), ("date_to", _("To"))):
        raw = request.GET.get(key, "").strip()
        if raw:
            parsed = parse_date(raw) if len(raw) == 10 else None
            if parsed is None:
                errors.append(_("%(field)s: not a valid date (dd/mm/yyyy).") % {"field": label})
            filters[key] = parsed
    page = Paginator(audit_entries(**filters), 50).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    object_types = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
    return render(
        request,
        "core/audit_list.html",
        {
            "page": page,
            "filters": filters,
            "form_errors": errors,
            "object_types": sorted(object_types),
            "querystring": querystring.urlencode(),
        },
    )


# ---------------------------------------------------------------- error pages
# Vietnamese first with English, in the site's layout, and always a way on: home, the page
# the person came from (when it is ours), and the login page for someone not logged in.

def _error_page(request, template: str, status: int):
    referer = request.META.get("HTTP_REFERER", "")
    back = referer if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()) \
        and referer != request.build_absolute_uri() else ""
    login = "" if request.user.is_authenticated else \
        f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}"
    return render(request, template, {"back": back, "login_url": login}, status=status)


def forbidden(request, exception=None):
    """handler403: also what a view's ``require()`` (PermissionDenied) ends in."""
    return _error_page(request, "403.html", 403)


def not_found(request, exception=None):
    return _error_page(request, "404.html", 404)


def server_error(request):
    """handler500: a database outage met outside a view (a session saved on the way out) is
    a 503; anything else is a page that needs neither the database nor the request's
    context."""
    from tinhso.core.middleware import DATABASE_ERRORS, database_unavailable

    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable(request)
    return HttpResponseServerError(loader.get_template("500.html").render())
