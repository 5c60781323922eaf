"""Reviews: written by the buyer who received the product, answered once by its seller,
hidden (never deleted) by a moderator with a reason.

- **Write**: the author is the order's buyer (an account; a guest has none to sign with),
  the shop order was delivered (or completed), one review per order line (the database's
  unique key), 1–5 stars and at most ``TEXT_MAX`` characters.
- **Reply**: a shop owner of the product's shop, once (a conditional UPDATE).
- **Hide**: permission ``market.moderate_reviews`` (the system administrator), with a
  reason of ``HideReason``; audited. A hidden review leaves the product's page and its
  average; the author still sees it, marked hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, QuerySet
from django.utils import timezone

from tinhso.accounts.models import Role
from tinhso.accounts.permissions import has_perm, organizations_with_role
from tinhso.core import audit
from tinhso.core.reasons import clean_reason
from tinhso.core.validators import check_text
from tinhso.market.hub_errors import HubError, hub_error
from tinhso.market.models import HideReason, OrderLine, OrderState, Product, Review

TEXT_MAX = 2000
REVIEWABLE_STATES = frozenset({OrderState.DELIVERED, OrderState.COMPLETED})


def _text(value: str | None, field: str, *, required: bool = False) -> str:
    text = check_text((value or "").strip(), field)
    if len(text) > TEXT_MAX:
        raise hub_error(HubError.TEXT_TOO_LONG, field=field, max=TEXT_MAX)
    if required and not text:
        raise hub_error(HubError.TEXT_REQUIRED, field=field)
    return text


def _stars(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise hub_error(HubError.STARS, field="stars")
    try:
        stars = int(str(value).strip())
    except ValueError:
        raise hub_error(HubError.STARS, field="stars") from None
    if not 1 <= stars <= 5:
        raise hub_error(HubError.STARS, field="stars")
    return stars


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and getattr(user, "is_active", False))


def check_can_review(user, line: OrderLine) -> None:
    order = line.shop_order.order
    if not _authenticated(user) or order.buyer_id != user.pk:
        raise hub_error(HubError.NOT_YOUR_ORDER)
    if line.shop_order.state not in REVIEWABLE_STATES:
        raise hub_error(HubError.NOT_DELIVERED)
    if Review.objects.filter(order_line=line).exists():
        raise hub_error(HubError.ALREADY_REVIEWED)


def write_review(*, actor, order_line: OrderLine, stars, text: str = "",
                 now: datetime | None = None) -> Review:
    now = now or timezone.now()
    line = OrderLine.objects.select_related("shop_order__order").get(pk=order_line.pk)
    check_can_review(actor, line)
    stars = _stars(stars)
    text = _text(text, "text")
    try:
        with transaction.atomic():
            review = Review.objects.create(
                order_line=line, product_id=line.product_id, author=actor,
                author_name=(actor.get_full_name() or line.shop_order.order.buyer_name)[:120],
                stars=stars, text=text, created_at=now)
            audit.record(actor=actor, action="market.review.create", obj=review,
                         after={"product": line.product_id, "stars": stars})
    except IntegrityError:  # a second tap raced the first
        raise hub_error(HubError.ALREADY_REVIEWED) from None
    return review


def can_reply(user, review: Review) -> bool:
    return _authenticated(user) and review.product.shop.organization_id in \
        organizations_with_role(user, {Role.SHOP_OWNER})


def reply(*, actor, review: Review, text: str, now: datetime | None = None) -> Review:
    now = now or timezone.now()
    if not can_reply(actor, review):
        raise PermissionDenied("market.reply")
    text = _text(text, "reply", required=True)
    with transaction.atomic():
        done = Review.objects.filter(pk=review.pk, replied_at__isnull=True).update(
            reply=text, replied_at=now, replied_by=actor)
        if not done:
            raise hub_error(HubError.ALREADY_REPLIED)
        review.refresh_from_db()
        audit.record(actor=actor, action="market.review.reply", obj=review,
                     after={"reply": text[:200]}, organization=review.product.shop.organization)
    return review


def can_hide(user) -> bool:
    return has_perm(user, "market.moderate_reviews")


def hide(*, actor, review: Review, reason: str, note: str = "",
         now: datetime | None = None) -> Review:
    now = now or timezone.now()
    if not can_hide(actor):
        raise PermissionDenied("market.moderate_reviews")
    reason, note = clean_reason(HideReason, reason, note)
    with transaction.atomic():
        done = Review.objects.filter(pk=review.pk, hidden_at__isnull=True).update(
            hidden_at=now, hidden_by=actor, hidden_reason=reason, hidden_note=note)
        if not done:
            raise hub_error(HubError.ALREADY_HIDDEN)
        review.refresh_from_db()
        audit.record(actor=actor, action="market.review.hide", obj=review,
                     before={"hidden": False}, after={"hidden": True, "reason": reason},
                     note=note)
    return review


# ---------------------------------------------------------------- reads


@dataclass(frozen=True)
class Rating:
    average: float | None
    count: int


def shown_reviews(product: Product) -> QuerySet[Review]:
    return Review.objects.shown().filter(product=product).order_by("-created_at", "-id")


def rating_of(product: Product) -> Rating:
    """The product's average stars over the reviews shown (hidden ones do not count)."""
    row = Review.objects.shown().filter(product=product).aggregate(a=Avg("stars"),
                                                                   n=Count("id"))
    return Rating(round(row["a"], 1) if row["a"] is not None else None, row["n"])


def reviewable_lines(user) -> QuerySet[OrderLine]:
    """The buyer's delivered order lines not yet reviewed (for "write a review" links)."""
    if not _authenticated(user):
        return OrderLine.objects.none()
    return (OrderLine.objects.filter(shop_order__order__buyer=user,
                                     shop_order__state__in=REVIEWABLE_STATES,
                                     review__isnull=True)
            .select_related("shop_order__order", "shop_order__shop", "product")
            .order_by("-shop_order__delivered_at", "-id"))
