"""Pages of the cart, checkout and orders (phone-first). Same rule as the API: parse,
authorise, call a service or selector, render."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.language import current_language
from tinhso.core.models import AdministrativeUnit
from tinhso.core.money import format_vnd
from tinhso.core.validators import InvalidValue
from tinhso.market import orderflow, selectors_orders
from tinhso.market.models import (
    CancelReason,
    Fulfilment,
    Hub,
    Order,
    OrderState,
    PaymentMethod,
)
from tinhso.market.order_session import has_seen, remember
from tinhso.market.services import cart as carts
from tinhso.market.services import orders
from tinhso.payments.banks import BANKS
from tinhso.payments.refunds import BankAccount
from tinhso.payments.vietqr import render_png

S = OrderState


def _errors(exc) -> dict:
    """{field: error} from InvalidInput / DomainError / InvalidValue (the templates show
    ``message_vi`` and ``message_en``); an error without a field goes under ``all``."""
    items = exc.errors if isinstance(exc, InvalidInput) else [exc]
    out: dict = {}
    for error in items:
        field = (error.field or "all").replace("[", "_").replace("].", "_").replace("]", "")
        out.setdefault(field, error)
    return out


def _bilingual(choices) -> list[dict[str, str]]:
    out = []
    for value, label in choices.choices:
        names = {}
        for language in ("vi", "en"):
            with translation.override(language):
                names[language] = str(label)
        out.append({"value": value, **names})
    return out


def _order_for(request, code: str) -> Order:
    """The order if this visitor may see it (its buyer, a guest who placed or tracked it in
    this browser, the hub's staff, the administrator); anyone else gets a 404."""
    order = selectors_orders.order_for(request.user, code)
    if order is None and orders.holds_link(code, request.GET.get("t", "")):
        remember(request, code)  # the private link of the confirmation page
    if order is None and has_seen(request, code):
        order = selectors_orders.order_by_code(code, guest_only=True)
    if order is None:
        raise Http404
    return order


# ---------------------------------------------------------------- cart


def cart_view(request):
    cart = carts.cart_for(request)
    summary = carts.summary(cart)
    return render(request, "market/orders/cart.html", {
        "summary": summary, "money": format_vnd,
        "total": format_vnd(summary.total_vnd), "items_total": format_vnd(summary.items_total_vnd),
        "delivery_total": format_vnd(summary.delivery_total_vnd),
        "groups": selectors_orders.present_groups(summary)})


def _product_id(value) -> int | None:
    try:
        number = int(str(value)[:20])
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


@require_POST
def cart_add(request):
    """Add a product to the cart (the product page's form: ``product_id``, ``quantity``;
    ``replace=1`` sets the quantity instead of adding). Back to ``next`` or the cart."""
    cart = carts.cart_for(request, create=True)
    product_id = _product_id(request.POST.get("product_id"))
    quantity = request.POST.get("quantity", "")[:40]
    replace = request.POST.get("replace") == "1"
    try:
        if replace and quantity.strip() in ("", "0"):
            carts.remove(cart, product_id=product_id or 0)
        else:
            line = carts.add(cart, product_id=product_id or 0, quantity=quantity,
                             replace=replace)
            messages.success(request, _("Added to the cart: %(product)s.")
                             % {"product": line.product.name})
    except InvalidInput as error:
        for item in _errors(error).values():
            messages.error(request, item.message(current_language()))
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("market:cart")


# ---------------------------------------------------------------- checkout


def _contact_from(data) -> orders.Contact:
    commune = data.get("commune", "")
    return orders.Contact(
        buyer_name=data.get("buyer_name", "")[:200], buyer_phone=data.get("buyer_phone", "")[:40],
        fulfilment=data.get("fulfilment", "")[:20],
        commune_code=int(commune) if commune.isdigit() and len(commune) < 10 else None,
        address=data.get("address", "")[:300], pickup_hub=data.get("pickup_hub", "")[:80],
        payment_method=data.get("payment_method", "")[:20], note=data.get("note", "")[:600])


def checkout(request):
    cart = carts.cart_for(request)
    summary = carts.summary(cart)
    if summary.is_empty:
        messages.error(request, _("The cart is empty: add products first."))
        return redirect("market:cart")
    user = request.user if request.user.is_authenticated else None
    data = {"buyer_name": getattr(user, "full_name", "") or "",
            "buyer_phone": getattr(user, "phone", "") or "", "fulfilment": "delivery",
            "payment_method": "vietqr"}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        data = {key: request.POST.get(key, "") for key in (
            "buyer_name", "buyer_phone", "fulfilment", "commune", "address", "pickup_hub",
            "payment_method", "note")}
        try:
            order = carts.checkout(actor=request.user, cart=cart, contact=_contact_from(data))
        except (InvalidInput, DomainError, InvalidValue) as error:
            errors, status = _errors(error), 422
        else:
            remember(request, order.code)
            return redirect("market:order", code=order.code)
    return render(request, "market/orders/checkout.html", {
        "data": data, "errors": errors, "groups": selectors_orders.present_groups(summary),
        "total": format_vnd(summary.total_vnd),
        "communes": AdministrativeUnit.objects.filter(
            kind__in=[AdministrativeUnit.Kind.COMMUNE, AdministrativeUnit.Kind.WARD]
        ).order_by("name").only("code", "name"),
        "hubs": Hub.objects.filter(is_active=True).only("slug", "name", "address"),
        "fulfilments": _bilingual(Fulfilment), "methods": _bilingual(PaymentMethod),
        "line_errors": [v for k, v in errors.items() if k.startswith("lines") or k == "all"],
    }, status=status)


# ---------------------------------------------------------------- the order


def _guest_link(request, order: Order) -> bool:
    """This browser holds the link of an order placed as a guest (``can_cancel``)."""
    return order.buyer_id is None and has_seen(request, order.code)


def order_view(request, code: str):
    order = _order_for(request, code)
    guest = _guest_link(request, order)
    context = selectors_orders.order_page(order, request.user, guest_link=guest)
    if guest:
        context["private_link"] = request.build_absolute_uri(
            f"{request.path}?t={orders.order_link_token(order.code)}")
    return render(request, "market/orders/order.html", context)


def order_qr(request, code: str):
    order = _order_for(request, code)
    payload = selectors_orders.payment_payload(order)
    if payload is None:
        raise Http404
    out = io.BytesIO()
    render_png(payload, out, scale=6)
    response = HttpResponse(out.getvalue(), content_type="image/png")
    response["Cache-Control"] = "private, max-age=60"
    return response


def track(request):
    """A guest finds an order by its code and the mobile number it was placed with."""
    errors, data = {}, {"code": "", "phone": ""}
    if request.method == "POST":
        data = {"code": request.POST.get("code", "")[:30].strip().upper(),
                "phone": request.POST.get("phone", "")[:40]}
        order = selectors_orders.find_for_guest(data["code"], data["phone"])
        if order is not None:
            remember(request, order.code)
            return redirect("market:order", code=order.code)
        errors["code"] = _("No order with this code and mobile number.")
    return render(request, "market/orders/track.html", {"data": data, "errors": errors},
                  status=422 if errors else 200)


@login_required
def my_orders(request):
    rows = selectors_orders.orders_of_buyer(request.user)[:200]
    return render(request, "market/orders/my_orders.html", {
        "rows": [selectors_orders.order_row(o) for o in rows]})


def _confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get("confirm") == "yes"


def cancel(request, code: str):
    """GET: the confirmation page with the reasons; its form (``confirm=yes``) cancels."""
    order = _order_for(request, code)
    guest = _guest_link(request, order)
    if not orders.can_cancel(request.user, order, guest_link=guest):
        raise Http404
    context = {"order": order, "reasons": _bilingual(CancelReason), "data": {}, "errors": {},
               "refund": order.state != S.PLACED and order.payment_method == PaymentMethod.VIETQR,
               "total": format_vnd(order.total_vnd)}
    if not _confirmed(request):
        return render(request, "market/orders/cancel.html", context)
    data = {"reason": request.POST.get("reason", "")[:40], "note": request.POST.get("note", "")}
    try:
        orders.cancel_order(actor=request.user, order=order, guest_link=guest, **data)
    except DomainError as error:
        context.update(data=data, errors=_errors(error))
        return render(request, "market/orders/cancel.html", context, status=422)
    messages.success(request, _("Order %(code)s cancelled.") % {"code": code})
    return redirect("market:order", code=code)


def refund(request, code: str):
    """GET: the refund page (the buyer's bank account to send the money back to); its form
    (``confirm=yes``) sends the transfer order through ``payments.refunds``."""
    order = _order_for(request, code)
    if order.state != S.REFUND_DUE or not orders.can_refund(request.user, order):
        raise Http404
    context = {"order": order, "total": format_vnd(order.total_vnd), "errors": {}, "data": {},
               "banks": BANKS, "refunds": selectors_orders.refund_rows(order)}
    if not _confirmed(request):
        return render(request, "market/orders/refund.html", context)
    data = {key: request.POST.get(key, "")[:200]
            for key in ("bank_bin", "account_number", "account_name")}
    try:
        sent = orders.refund_order(actor=request.user, order=order,
                                   account=BankAccount(**data))
    except (DomainError, InvalidInput) as error:
        context.update(data=data, errors=_errors(error))
        return render(request, "market/orders/refund.html", context, status=422)
    messages.success(request, _("Refund %(reference)s of order %(code)s sent to the bank.")
                     % {"reference": sent.reference, "code": code})
    return redirect("market:order", code=code)


@require_POST
def received(request, code: str):
    order = _order_for(request, code)
    try:
        orders.confirm_received(actor=request.user, order=order)
    except DomainError as error:
        messages.error(request, error.message(current_language()))
    return redirect("market:order", code=code)


# ---------------------------------------------------------------- the seller


@login_required
def seller_orders(request):
    state = request.GET.get("state", "")
    rows = selectors_orders.shop_orders_for(request.user, state=state)
    if rows is None:
        raise Http404
    return render(request, "market/orders/seller_orders.html", {
        "rows": [selectors_orders.shop_order_row(p) for p in rows[:200]], "state": state,
        "states": [(s, OrderState(s).label) for s in orderflow.TO_HANDLE_STATES]})


@login_required
def seller_action(request, pk: int, target: str):
    """Packed acts at once; shipped, ready for pickup and delivered ask first (GET is the
    confirmation page, its form ``confirm=yes`` acts)."""
    part = get_object_or_404(selectors_orders.shop_orders_visible(request.user), pk=pk)
    if target not in orderflow.SELLER_TARGETS:
        raise Http404
    needs_confirm = target in orderflow.CONFIRM_TARGETS
    if request.method != "POST" or (needs_confirm and not _confirmed(request)):
        return render(request, "market/orders/seller_confirm.html", {
            "row": selectors_orders.shop_order_row(part), "target": target,
            "target_label": OrderState(target).label})
    try:
        orders.advance_shop_order(actor=request.user, shop_order=part, target=target)
    except DomainError as error:
        messages.error(request, error.message(current_language()))
    else:
        messages.success(request, _("Order %(code)s: %(state)s.") % {
            "code": part.order.code, "state": OrderState(target).label})
    return redirect("market:seller_orders")

