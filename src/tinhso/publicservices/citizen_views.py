"""The citizen's pages: an account by mobile number or email, login with VNeID, the
online form (draft, then one atomic submission), my dossiers with the fee's VietQR."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from tinhso.accounts.models import User
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.language import current_language
from tinhso.core.money import format_vnd
from tinhso.core.validators import InvalidValue, normalize_mobile
from tinhso.publicservices import selectors, vneid
from tinhso.publicservices.models import (
    Agency,
    Dossier,
    DossierState,
    Level,
    OnlineLevel,
    Procedure,
)
from tinhso.publicservices.services import fees, online
from tinhso.publicservices.services import identity as identity_service

BACKEND = "tinhso.accounts.backends.EmailOrPhoneBackend"
IDENTITY_KEY = "publicservices_vneid"


def _errors(error) -> dict[str, str]:
    language = current_language()
    if isinstance(error, InvalidInput):
        return {item["field"] or "form": item["message"] for item in error.as_list(language)}
    return {getattr(error, "field", None) or "form": error.message(language)}


# ---------------------------------------------------------------- account, VNeID


def signup(request):
    """An account by mobile number (and optionally email) and password."""
    errors, data = {}, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        name = data.get("full_name", "").strip()[:150]
        email = data.get("email", "").strip().lower()[:254] or None
        phone = None
        if not name:
            errors["full_name"] = "Nhập họ và tên."
        try:
            phone = normalize_mobile(data.get("phone", "")[:20], "phone")
        except InvalidValue as error:
            errors["phone"] = error.message(current_language())
        password = data.get("password", "")[:200]
        try:
            validate_password(password, User(full_name=name, email=email, phone=phone))
        except ValidationError as error:
            errors["password"] = " ".join(error.messages)
        if not errors:
            try:
                with transaction.atomic():
                    user = User.objects.create_user(email, password, phone=phone,
                                                    full_name=name)
            except IntegrityError:
                errors["phone"] = "Số điện thoại hoặc email này đã có tài khoản."
            else:
                login(request, user, backend=BACKEND)
                return redirect("publicservices:procedures")
    return render(request, "publicservices/signup.html", {"errors": errors, "data": data},
                  status=422 if errors else 200)


def vneid_login(request):
    state = secrets.token_urlsafe(24)
    request.session["vneid_state"] = state
    callback = request.build_absolute_uri(reverse("publicservices:vneid_callback"))
    return redirect(vneid.get_adapter().authorize_url(state=state, redirect_uri=callback))


def vneid_callback(request):
    """Back from VNeID: check the state, read the identity, log in to the account linked
    to the personal identification number (phone secondary: `services.identity`)."""
    expected = request.session.pop("vneid_state", None)
    state = request.GET.get("state", "")
    if not expected or not secrets.compare_digest(expected, state):
        messages.error(request, "Phiên đăng nhập VNeID không hợp lệ, vui lòng thử lại.")
        return redirect("accounts:login")
    callback = request.build_absolute_uri(reverse("publicservices:vneid_callback"))
    try:
        identity = vneid.get_adapter().identity(code=request.GET.get("code", "")[:2000],
                                                redirect_uri=callback)
    except vneid.VNeIDError:
        messages.error(request, "Không xác thực được với VNeID, vui lòng thử lại.")
        return redirect("accounts:login")
    try:
        user = identity_service.link_vneid(id_number=identity.id_number,
                                           full_name=identity.full_name, phone=identity.phone)
    except identity_service.IdentityRefused:
        messages.error(request, "Không xác thực được với VNeID, vui lòng thử lại.")
        return redirect("accounts:login")
    request.session.cycle_key()
    login(request, user, backend=BACKEND)
    request.session[IDENTITY_KEY] = {"id_number": identity.id_number,
                                     "full_name": identity.full_name,
                                     "phone": user.phone or ""}
    return redirect("publicservices:procedures")


# ---------------------------------------------------------------- the online form


def procedures(request):
    """The procedures one can apply for online (fully or partly online): searched without
    accents through `core.search` (``q``, best match first) and filtered by field, level
    and online level."""
    chosen = {"q": request.GET.get("q", "")[:200].strip(),
              "field": request.GET.get("field", "")[:200],
              "level": request.GET.get("level", ""),
              "online": request.GET.get("online", "")}
    rows = selectors.online_catalogue(**chosen)
    fields = list(Procedure.objects.filter(is_active=True).exclude(
        online_level=OnlineLevel.NONE).order_by("field").values_list("field", flat=True)
        .distinct())
    return render(request, "publicservices/procedures.html", {
        "procedures": rows[:200], "fields": fields, "chosen": chosen,
        "levels": Level.choices,
        "online_levels": [(OnlineLevel.FULL, OnlineLevel.FULL.label),
                          (OnlineLevel.PARTIAL, OnlineLevel.PARTIAL.label)]})


def procedure_page(request, code: str):
    """The public page of one procedure of the catalogue (no login): what to bring, how
    long, how much, on what legal basis, and the online form when it is offered."""
    procedure = Procedure.objects.filter(code=code[:30], is_active=True).first()
    if procedure is None:
        raise Http404("procedure")
    return render(request, "publicservices/procedure.html", {
        "procedure": procedure,
        "papers": procedure.papers.order_by("order"),
        "steps": procedure.steps.order_by("order"),
        "fee": format_vnd(procedure.fee_vnd) if procedure.fee_vnd else "",
        "online": procedure.online_level != OnlineLevel.NONE})


def _agencies(procedure: Procedure):
    return Agency.objects.filter(is_active=True, level=procedure.level).order_by("name")


@login_required
def apply(request, code: str, pk: int | None = None):
    """The online form of a procedure: applicant, agency, one file per paper. "Lưu nháp"
    saves a draft; "Nộp hồ sơ" submits it at once (all or nothing)."""
    procedure = Procedure.objects.filter(code=code[:30], is_active=True).exclude(
        online_level="none").first()
    if procedure is None:
        raise Http404("procedure")
    draft = None
    if pk is not None:
        draft = Dossier.objects.filter(pk=pk, applicant_user=request.user, procedure=procedure,
                                       state=DossierState.DRAFT).first()
        if draft is None:
            raise Http404("draft")
    agencies = _agencies(procedure)
    errors: dict[str, str] = {}
    if request.method == "POST":
        agency = agencies.filter(pk=_int(request.POST.get("agency"))).first()
        if agency is None:
            errors["agency"] = "Chọn cơ quan tiếp nhận."
        else:
            submit = request.POST.get("action") == "submit"
            try:
                dossier = online.save_draft(actor=request.user, procedure=procedure,
                                            agency=agency, data=request.POST,
                                            uploads=request.FILES, dossier=draft,
                                            submit=submit)
            except (InvalidInput, InvalidValue, DomainError) as error:
                errors = _errors(error)
            else:
                if submit:
                    messages.success(request, "Đã nộp hồ sơ. Cơ quan sẽ tiếp nhận và báo "
                                              "cho bạn qua tin nhắn.")
                    return redirect("publicservices:my_dossiers")
                messages.success(request, "Đã lưu nháp.")
                return redirect("publicservices:apply_draft", code=procedure.code,
                                pk=dossier.pk)
    identity = request.session.get(IDENTITY_KEY, {})
    source = request.POST if request.method == "POST" else {}
    initial = {
        "applicant_name": (draft.applicant_name if draft else "")
        or identity.get("full_name") or request.user.full_name,
        "applicant_id_number": (draft.applicant_id_number if draft else "")
        or identity.get("id_number", ""),
        "applicant_phone": (draft.applicant_phone if draft else "") or request.user.phone or "",
        "applicant_email": (draft.applicant_email if draft else "") or request.user.email or "",
        "applicant_address": draft.applicant_address if draft else "",
        "agency": draft.agency_id if draft else "",
    }
    values = {k: source.get(k, v) for k, v in initial.items()}
    have = set(draft.papers.exclude(storage_key="").values_list("procedure_paper_id",
                                                                flat=True)) if draft else set()
    papers = [{"p": p, "field": f"paper-{p.pk}", "error": errors.get(f"paper-{p.pk}"),
               "attached": p.pk in have} for p in procedure.papers.all()]
    return render(request, "publicservices/apply.html", {
        "procedure": procedure, "agencies": agencies, "values": values, "errors": errors,
        "papers": papers, "draft": draft,
        "fee": format_vnd(procedure.fee_vnd) if procedure.fee_vnd else "",
    }, status=422 if errors else 200)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@login_required
def my_dossiers(request):
    """The citizen's dossiers (drafts to finish, submitted ones to follow), with the fee's
    VietQR for those that have one and are not paid."""
    from tinhso.payments.vietqr import build_payload, render_svg

    rows = []
    payee = fees.payee()
    for d in (Dossier.objects.filter(applicant_user=request.user)
              .select_related("procedure", "agency").order_by("-created_at")[:100]):
        qr = ""
        if fees.fee_due(d) and d.state in fees.PAYABLE_STATES and payee:
            reference = fees.fee_reference(d)
            qr = render_svg(build_payload(bank_bin=payee.bank_bin, account=payee.account_number,
                                          amount=d.fee_vnd, purpose=f"{reference} LE PHI",
                                          bill_number=reference), scale=3)
        rows.append({"d": d, "fee": format_vnd(d.fee_vnd) if d.fee_vnd else "", "qr": qr,
                     "reference": fees.fee_reference(d) if qr else ""})
    return render(request, "publicservices/my_dossiers.html", {"rows": rows})
