"""Market API, hubs' share: payout statements, reviews and the commune KPIs. Mounted under
``/api/v1/market/``; each operation calls the same service as the pages."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from tinhso.accounts.auth import ApiKeyAuth, session_auth
from tinhso.core.models import AdministrativeUnit
from tinhso.core.paging import Page, PageIn, page_of
from tinhso.core.schema_types import Id
from tinhso.market.models import Hub, OrderLine, PayoutState, Product, Review
from tinhso.market.schemas_hubs import (
    HideIn,
    HouseholdCountIn,
    HouseholdCountOut,
    KpiOut,
    MakePayoutsIn,
    MarkPaidIn,
    PayoutDetailOut,
    PayoutOut,
    ReplyIn,
    ReviewIn,
    ReviewOut,
    ReviewPage,
    StatementCode,
    TargetIn,
    TargetOut,
    Year,
)
from tinhso.market.services import hubs, kpis, reviews

router = Router(tags=["market: payouts, reviews, KPIs"])


# ---------------------------------------------------------------- payouts


def payout_out(s) -> dict:
    return {"code": s.code, "hub": s.hub.slug if s.hub_id else None, "shop": s.shop.slug,
            "shop_name": s.shop.name, "period_start": s.period_start,
            "period_end": s.period_end, "items_total_vnd": s.items_total_vnd,
            "delivery_total_vnd": s.delivery_total_vnd, "commission_vnd": s.commission_vnd,
            "amount_vnd": s.amount_vnd, "state": s.state, "paid_at": s.paid_at,
            "paid_reference": s.paid_reference}


def payout_detail_out(s, user) -> dict:
    payable = s.state == PayoutState.DUE and hubs.can_mark_paid(user, s)
    return {**payout_out(s), "lines": list(s.lines.values(
        "order_code", "items_total_vnd", "delivery_fee_vnd", "commission_vnd", "payout_vnd")),
        "vietqr": hubs.payout_vietqr(s) if payable else None}


@router.get("/payouts", response=Page[PayoutOut], auth=session_auth)
def list_payouts(request, page: Query[PageIn], state: PayoutState | None = None):
    """Payout statements the caller may see (a seller its own, a hub's staff the hub's,
    the administrator all), newest period first."""
    rows = hubs.statements_visible_to(request.auth)
    if state:
        rows = rows.filter(state=state)
    return page_of(rows, page, payout_out)


@router.get("/payouts/{code}", response=PayoutDetailOut, auth=session_auth)
def get_payout(request, code: StatementCode):
    """One statement with its lines, and for the accountant (while due) the VietQR that
    pays the member's own account; someone else's is 404."""
    statement = get_object_or_404(hubs.statements_visible_to(request.auth), code=code)
    return payout_detail_out(statement, request.auth)


@router.post("/payouts", response=list[PayoutOut], auth=session_auth)
def make_payouts(request, payload: MakePayoutsIn):
    """Make the statements of a finished period: the hub's (its manager or accountant) or,
    without ``hub``, the market's (the administrator). Running it again adds nothing."""
    hub = get_object_or_404(Hub, slug=payload.hub) if payload.hub else None
    made = hubs.make_statements(actor=request.auth, hub=hub, period_start=payload.period_start,
                                period_end=payload.period_end)
    return [payout_out(s) for s in made.statements]


@router.post("/payouts/{code}/paid", response=PayoutDetailOut, auth=session_auth)
def mark_payout_paid(request, code: StatementCode, payload: MarkPaidIn):
    """The hub's accountant (or the administrator, for the market's) marks it paid."""
    statement = get_object_or_404(hubs.statements_visible_to(request.auth), code=code)
    hubs.mark_paid(actor=request.auth, statement=statement, reference=payload.reference)
    return payout_detail_out(statement, request.auth)


# ---------------------------------------------------------------- reviews


def review_out(r: Review) -> dict:
    return {"id": r.pk, "product_id": r.product_id, "author_name": r.author_name,
            "stars": r.stars, "text": r.text, "created_at": r.created_at, "reply": r.reply,
            "replied_at": r.replied_at}


@router.get("/products/{product_id}/reviews", response=ReviewPage, auth=None)
def product_reviews(request, product_id: Id, page: Query[PageIn]):
    """Public: a product's reviews as its page shows them (hidden ones are not), with the
    average stars."""
    product = get_object_or_404(Product, pk=product_id, is_active=True)
    rating = reviews.rating_of(product)
    return {"average": rating.average, **page_of(reviews.shown_reviews(product), page,
                                                 review_out)}


@router.post("/reviews", response={201: ReviewOut}, auth=session_auth)
def write_review(request, payload: ReviewIn):
    """The buyer reviews a product of a delivered order line, once."""
    line = get_object_or_404(OrderLine, pk=payload.order_line_id)
    review = reviews.write_review(actor=request.auth, order_line=line, stars=payload.stars,
                                  text=payload.text)
    return Status(201, review_out(review))


@router.post("/reviews/{review_id}/reply", response=ReviewOut, auth=session_auth)
def reply_review(request, review_id: Id, payload: ReplyIn):
    """The seller replies, once."""
    review = get_object_or_404(Review.objects.select_related("product__shop"), pk=review_id)
    return review_out(reviews.reply(actor=request.auth, review=review, text=payload.text))


@router.post("/reviews/{review_id}/hide", response=ReviewOut, auth=session_auth)
def hide_review(request, review_id: Id, payload: HideIn):
    """A moderator hides a review, with a reason (``HideReason``; ``other`` needs a note)."""
    review = get_object_or_404(Review, pk=review_id)
    return review_out(reviews.hide(actor=request.auth, review=review, reason=payload.reason,
                                   note=payload.note))


# ---------------------------------------------------------------- KPIs


@router.get("/kpis", response=KpiOut, auth=[session_auth, ApiKeyAuth(kpis.API_KEY_SCOPE)])
def get_kpis(request, year: Year):
    """The commune KPIs of ``year`` (a commune officer: their commune; the province leader,
    the administrator or a key with scope ``market:kpis``: every commune and the
    province)."""
    return kpis.kpis_for(request.auth, year=year).as_dict()


@router.put("/kpis/households", response=HouseholdCountOut, auth=session_auth)
def put_household_count(request, payload: HouseholdCountIn):
    """The administrator enters a commune's household count for a year, with its source."""
    commune = get_object_or_404(AdministrativeUnit, code=payload.commune_code,
                                kind__in=kpis.COMMUNE_KINDS)
    row = kpis.set_household_count(actor=request.auth, commune=commune, year=payload.year,
                                   households=payload.households, source=payload.source)
    return {"commune_code": commune.code, "year": row.year, "households": row.households,
            "source": row.source}


@router.put("/kpis/targets", response=TargetOut, auth=session_auth)
def put_target(request, payload: TargetIn):
    """The administrator sets the target of a milestone year."""
    row = kpis.set_target(actor=request.auth, year=payload.year, shop_pct=payload.shop_pct,
                          payment_account_pct=payload.payment_account_pct,
                          source=payload.source)
    return {"year": row.year, "shop_pct": row.shop_pct,
            "payment_account_pct": row.payment_account_pct}
