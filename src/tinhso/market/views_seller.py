"""The seller's dashboard (phone-first): orders to handle now, low stock, OCOP certificates
ending, sales per week as a server-drawn chart, payouts, reviews to answer. Also the
buyer's "review what you received" pages and a product's public reviews."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.errors import DomainError
from tinhso.core.language import current_language
from tinhso.core.money import format_vnd
from tinhso.core.validators import InvalidValue
from tinhso.market import selectors_hubs
from tinhso.market.charts import bar_chart_svg
from tinhso.market.models import OrderLine, Product, Review
from tinhso.market.services import reviews
from tinhso.market.views_hub import state_labels, statement_row

UNIT_VI = {"kg": "kg", "g": "g", "bunch": "bó", "fruit": "quả", "box": "hộp", "litre": "lít",
           "piece": "chiếc", "pack": "gói", "bottle": "chai", "jar": "hũ"}


def shop_order_url(part) -> str | None:
    """The order flow's seller page (``market:seller_orders``), filtered on the shop
    order's state, where the seller packs, ships and delivers it."""
    try:
        return f"{reverse('market:seller_orders')}?state={part.state}"
    except NoReverseMatch:
        return None


@login_required
def seller_dashboard(request):
    shops = list(selectors_hubs.shops_of(request.user))
    if not shops:
        raise PermissionDenied("market.sell")
    wanted = request.GET.get("shop")
    shop = next((s for s in shops if s.slug == wanted), shops[0])
    now = timezone.now()
    today = timezone.localdate(now)
    weeks = selectors_hubs.weekly_sales(shop, now)
    chart = bar_chart_svg([(w.label, w.sales_vnd) for w in weeks],
                          title="Doanh số theo tuần (₫)")
    return render(request, "market/hub/seller.html", {
        "shop": shop, "shops": shops,
        "to_handle": [{"p": p, "url": shop_order_url(p), "total": format_vnd(p.total_vnd),
                       "state": state_labels(p.state)}
                      for p in selectors_hubs.orders_to_handle(shop)[:50]],
        "low_stock": [{"p": p, "stock": selectors_hubs.quantity_text(p.stock),
                       "unit": UNIT_VI.get(p.unit, p.unit)}
                      for p in selectors_hubs.low_stock(shop)[:50]],
        "ocop": [{"p": p, "ended": p.ocop_expires_on < today,
                  "days": (p.ocop_expires_on - today).days}
                 for p in selectors_hubs.ocop_expiring(shop, today)],
        "chart": chart, "weeks_total": format_vnd(sum(w.sales_vnd for w in weeks)),
        "statements": [statement_row(s) for s in selectors_hubs.shop_statements(shop)],
        "reviews": list(selectors_hubs.recent_reviews(shop))})


@login_required
def review_reply(request, review_id: int):
    review = get_object_or_404(Review.objects.shown().select_related("product__shop"),
                               pk=review_id)
    if not reviews.can_reply(request.user, review):
        raise Http404
    context = {"review": review, "data": {}, "errors": {}}
    if request.method == "POST":
        data = {"text": request.POST.get("reply", "")}
        try:
            reviews.reply(actor=request.user, review=review, **data)
        except (DomainError, InvalidValue) as error:
            if error.field == "reply":
                context.update(data={"reply": data["text"]}, errors={"reply": error})
                return render(request, "market/hub/review_reply.html", context, status=422)
            messages.error(request, error.message(current_language()))
        else:
            messages.success(request, _("Your reply is published."))
        return redirect("market_hubs:seller")
    return render(request, "market/hub/review_reply.html", context)


@login_required
def my_reviews(request):
    """The buyer's delivered products not yet reviewed, and the reviews they wrote."""
    return render(request, "market/hub/my_reviews.html", {
        "lines": list(reviews.reviewable_lines(request.user)[:50]),
        "written": list(Review.objects.filter(author=request.user)
                        .select_related("product")[:50])})


@login_required
def review_write(request, line_id: int):
    line = get_object_or_404(OrderLine.objects.select_related("shop_order__order", "product"),
                             pk=line_id, shop_order__order__buyer=request.user)
    context = {"line": line, "data": {"stars": "5"}, "errors": {}}
    if request.method == "POST":
        data = {"stars": request.POST.get("stars", ""), "text": request.POST.get("text", "")}
        try:
            reviews.write_review(actor=request.user, order_line=line, **data)
        except (DomainError, InvalidValue) as error:
            if error.field in ("stars", "text"):
                context.update(data=data, errors={error.field: error})
                return render(request, "market/hub/review_write.html", context, status=422)
            messages.error(request, error.message(current_language()))
        else:
            messages.success(request, _("Thank you: your review is published."))
        return redirect("market_hubs:my_reviews")
    return render(request, "market/hub/review_write.html", context)


def product_reviews(request, product_id: int):
    """Public: a product's reviews shown (hidden ones are not) and its average."""
    product = get_object_or_404(Product.objects.select_related("shop"), pk=product_id,
                                is_active=True)
    rating = reviews.rating_of(product)
    return render(request, "market/hub/product_reviews.html", {
        "product": product, "rating": rating,
        "average": f"{rating.average:.1f}".replace(".", ",") if rating.average else None,
        "reviews": list(reviews.shown_reviews(product)[:100]),
        "can_hide": reviews.can_hide(request.user)})
