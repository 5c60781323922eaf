"""A local VNeID for demos and tests: the authorize page (pick a test identity), and the
token and userinfo endpoints of the authorization-code flow (`vneid.py`). Codes and
tokens are signed (django.core.signing), so any process of the site can redeem them; a
code is good for 5 minutes and once (the cache remembers redeemed codes)."""

from __future__ import annotations

from django.core import signing
from django.core.cache import cache
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tinhso.core.validators import InvalidValue, normalize_citizen_id

SALT = "tinhso.vneid-simulator"
CODE_AGE_S = 300


class SimulatorError(Exception):
    pass


def _safe_redirect(request, uri: str) -> bool:
    return url_has_allowed_host_and_scheme(uri, allowed_hosts={request.get_host()})


def authorize(request):
    """The identity provider's page: the person confirms who they are (here: types a
    test identity) and is sent back with a one-time code."""
    redirect_uri = request.GET.get("redirect_uri", "")[:500]
    state = request.GET.get("state", "")[:100]
    if not redirect_uri or not _safe_redirect(request, redirect_uri):
        return HttpResponseBadRequest("redirect_uri")
    error = ""
    if request.method == "POST":
        try:
            id_number = normalize_citizen_id(request.POST.get("so_dinh_danh", "")[:20],
                                             "so_dinh_danh")
        except InvalidValue as problem:
            error = problem.message("vi")
        else:
            claims = {"so_dinh_danh": id_number,
                      "ho_ten": request.POST.get("ho_ten", "")[:150].strip() or "Công dân",
                      "so_dien_thoai": request.POST.get("so_dien_thoai", "")[:15].strip(),
                      "ruri": redirect_uri}
            code = signing.dumps(claims, salt=SALT)
            separator = "&" if "?" in redirect_uri else "?"
            return redirect(f"{redirect_uri}{separator}code={code}&state={state}")
    return render(request, "publicservices/vneid_sim.html", {
        "redirect_uri": redirect_uri, "state": state, "error": error})


def redeem(code: str, redirect_uri: str) -> dict:
    """The identity behind a code, once."""
    try:
        claims = signing.loads(code, salt=SALT, max_age=CODE_AGE_S)
    except signing.BadSignature:
        raise SimulatorError("invalid or expired code") from None
    if claims.get("ruri") != redirect_uri:
        raise SimulatorError("redirect_uri does not match")
    if not cache.add(f"vneid-sim:code:{code[-40:]}", 1, CODE_AGE_S):
        raise SimulatorError("code already used")
    return {k: v for k, v in claims.items() if k != "ruri"}


@csrf_exempt
@require_POST
def token(request):
    try:
        claims = redeem(request.POST.get("code", ""), request.POST.get("redirect_uri", ""))
    except SimulatorError as error:
        return JsonResponse({"error": "invalid_grant", "error_description": str(error)},
                            status=400)
    return JsonResponse({"access_token": signing.dumps(claims, salt=SALT + ".token"),
                         "token_type": "Bearer", "expires_in": 600})


def userinfo(request):
    header = request.headers.get("Authorization", "")
    try:
        claims = signing.loads(header.removeprefix("Bearer "), salt=SALT + ".token",
                               max_age=600)
    except signing.BadSignature:
        return JsonResponse({"error": "invalid_token"}, status=401)
    return JsonResponse(claims)
