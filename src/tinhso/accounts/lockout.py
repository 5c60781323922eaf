"""Login throttling: repeated failures lock an account, or an address, for a while.

django-axes counts the failures (settings: AXES_*, LOGIN_*); this module adapts it to the
platform:

* `account_key`: one person may type their email in any case or their mobile number in any
  spelling (0912…, +84 912…, 84912…); every spelling counts against the same account.
* `LockoutHandler`: an account is locked after AXES_FAILURE_LIMIT failures, an address after
  LOGIN_ADDRESS_FAILURE_LIMIT (a border office shares one address: its limit is higher); a
  successful login clears that account's failures only; the start of a lockout is audited.
* `lockout_response`: the login page again, with a Vietnamese and English message saying
  when to try again, instead of axes' bare English page.

An admin unlocks in Quản trị → Axes → Access attempts (delete the rows), or with
`tinhso axes_reset_username EMAIL_OR_MOBILE` / `tinhso axes_reset_ip ADDRESS`.
"""

from __future__ import annotations

import math

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import ngettext

from tinhso.accounts.models import User
from tinhso.core.validators import InvalidValue, normalize_mobile


def normalise_login(identifier: str | None) -> str | None:
    """The canonical spelling of what was typed in the login form's first field."""
    if identifier is None:
        return None
    text = str(identifier).strip()
    if "@" in text:
        return text.lower()
    try:
        return normalize_mobile(text)
    except InvalidValue:
        return text.lower()


def user_key(user: User) -> str:
    """The key a user's failures are counted under: their email, else their mobile number."""
    return user.email.lower() if user.email else (user.phone or f"user:{user.pk}")


def _resolve(identifier: str | None) -> str | None:
    login = normalise_login(identifier)
    if not login:
        return login
    lookup = {"email__iexact": login} if "@" in login else {"phone": login}
    user = User.objects.filter(**lookup).only("email", "phone").first()
    return user_key(user) if user is not None else login


def account_key(request, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the account the attempt is for, whichever spelling was typed.

    The resolved user's email (or mobile number, if they have no email); for an unknown
    identifier, its normalised spelling. Axes asks several times per request: the answer is
    kept on the request.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials and field in credentials:
        typed = credentials.get(field)
    else:
        typed = getattr(request, "POST", {}).get(field)
    cache = request.__dict__.setdefault("_tinhso_account_keys", {})
    if typed not in cache:
        cache[typed] = _resolve(typed)
    return cache[typed]


def _sum_failures(attempts) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per account and a (higher) limit per address."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The account's recent failures, or the account limit once the address's own
        limit is reached (axes compares this one number with AXES_FAILURE_LIMIT)."""
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_account = _sum_failures(recent.filter(username=username)) if username else 0
        by_address = _sum_failures(recent.filter(ip_address=request.axes_ip_address))
        if by_address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(by_account, get_failure_limit(request, credentials))
        return by_account

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        was_locked = request is not None and self.is_locked(request, credentials)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and request.axes_locked_out and not was_locked:
            _audit_lockout(request, credentials)

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        # The password was right: forget this account's failures (and only this account's,
        # so that logging in to one's own account does not reset an address's count).
        AccessAttempt.objects.filter(username=user_key(user)).delete()


def _audit_lockout(request, credentials: dict | None) -> None:
    from tinhso.core import audit

    username = get_client_username(request, credentials)
    user = None
    if username and not username.startswith("user:"):
        lookup = {"email__iexact": username} if "@" in username else {"phone": username}
        user = User.objects.filter(**lookup).first()
    attempt = AccessAttempt.objects.filter(
        username=username, ip_address=request.axes_ip_address).order_by("-attempt_time").first()
    obj = user or attempt
    if obj is None:
        return
    audit.record(
        actor=None, action="accounts.login_locked_out", obj=obj,
        after={"username": username, "ip_address": request.axes_ip_address,
               "failures": request.axes_failures_since_start,
               "minutes": lockout_minutes(request)},
        note="too many failed logins / đăng nhập sai quá nhiều lần",
    )


def lockout_minutes(request=None) -> int:
    cool_off = get_cool_off(request)
    return max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else 0


def lockout_message(minutes: int, language: str) -> str:
    with translation.override(language):
        if not minutes:
            return str(translation.gettext(
                "Too many failed log-in attempts: log-in is locked for this account or this "
                "network address. Contact the system administrator to unlock it."))
        return ngettext(
            "Too many failed log-in attempts: log-in is locked for this account or this "
            "network address. Try again in %(minutes)d minute, or contact the system "
            "administrator.",
            "Too many failed log-in attempts: log-in is locked for this account or this "
            "network address. Try again in %(minutes)d minutes, or contact the system "
            "administrator.",
            minutes,
        ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page again (HTTP 429), saying what happened and
    when to try again, in Vietnamese first and English second."""
    from tinhso.accounts.forms import LoginForm

    minutes = lockout_minutes(request)
    field = settings.AXES_USERNAME_FORM_FIELD
    form = LoginForm(request, initial={field: request.POST.get(field, "")})
    context = {
        "form": form,
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "lockout": {"minutes": minutes, "vi": lockout_message(minutes, "vi"),
                    "en": lockout_message(minutes, "en")},
    }
    return render(request, "accounts/login.html", context,
                  status=settings.AXES_HTTP_RESPONSE_CODE)
