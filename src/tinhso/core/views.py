from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date
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
