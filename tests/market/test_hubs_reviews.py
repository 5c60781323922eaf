"""Reviews: only the buyer who received the product reviews it, once per order line; its
seller replies once; only a moderator hides, with a reason, and a hidden review leaves the
product's page and average."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import user_with_role
from tests.market import hub_factories as f
from tinhso.accounts.models import Role
from tinhso.core.errors import DomainError
from tinhso.core.models import AuditEntry
from tinhso.core.validators import InvalidValue
from tinhso.market.models import OrderState, Review
from tinhso.market.services import reviews

pytestmark = pytest.mark.django_db


@pytest.fixture
def sale():
    seller = f.shop("Nhà Lăng")
    na = f.product(seller, "Na Chi Lăng", 60_000)
    buyer = user_with_role(Role.CITIZEN, full_name="Lương Thị Hạnh")
    order = f.order([(na, "2")], buyer=buyer, state=OrderState.DELIVERED)
    line = order.shop_orders.get().lines.get()
    return {"seller": seller, "product": na, "buyer": buyer, "order": order, "line": line}


def test_the_buyer_reviews_a_delivered_line_once(sale):
    review = reviews.write_review(actor=sale["buyer"], order_line=sale["line"], stars=5,
                                  text="Na ngọt, giao nhanh.")
    assert review.author_name == "Lương Thị Hạnh" and review.product == sale["product"]
    with pytest.raises(DomainError) as again:
        reviews.write_review(actor=sale["buyer"], order_line=sale["line"], stars=1)
    assert again.value.code == "market.review_exists"
    assert Review.objects.count() == 1
    assert AuditEntry.objects.filter(action="market.review.create").count() == 1
    assert reviews.rating_of(sale["product"]) == reviews.Rating(5.0, 1)


@pytest.mark.parametrize("who", ["seller", "other_citizen", "hub_manager", "admin"])
def test_nobody_but_the_buyer_may_review(sale, who):
    actor = {"seller": lambda: sale["seller"].owner,
             "other_citizen": lambda: user_with_role(Role.CITIZEN),
             "hub_manager": lambda: f.hub().manager,
             "admin": lambda: user_with_role(Role.SYSTEM_ADMIN)}[who]()
    with pytest.raises(DomainError) as refused:
        reviews.write_review(actor=actor, order_line=sale["line"], stars=5)
    assert refused.value.code == "market.review_not_buyer" and refused.value.status == 403
    assert not Review.objects.exists()


@pytest.mark.parametrize("state", [OrderState.PLACED, OrderState.PAID, OrderState.PACKED,
                                   OrderState.SHIPPED, OrderState.CANCELLED,
                                   OrderState.REFUND_DUE])
def test_a_line_not_yet_delivered_cannot_be_reviewed(state):
    buyer = user_with_role(Role.CITIZEN)
    order = f.order([(f.product(f.shop()), "1")], buyer=buyer, state=state)
    with pytest.raises(DomainError) as refused:
        reviews.write_review(actor=buyer, order_line=order.shop_orders.get().lines.get(),
                             stars=4)
    assert refused.value.code == "market.review_not_delivered"


def test_a_guest_order_cannot_be_reviewed_by_someone_logged_in():
    order = f.order([(f.product(f.shop()), "1")], buyer=None)
    with pytest.raises(DomainError):
        reviews.write_review(actor=user_with_role(Role.CITIZEN),
                             order_line=order.shop_orders.get().lines.get(), stars=4)


@pytest.mark.parametrize(("stars", "text", "field"), [
    (0, "", "stars"), (6, "", "stars"), ("năm", "", "stars"), (None, "", "stars"),
    (True, "", "stars"), (4, "x" * 2001, "text"), (4, "bad\x00text", "text")])
def test_bad_stars_or_text_are_refused_by_name(sale, stars, text, field):
    with pytest.raises((DomainError, InvalidValue)) as refused:
        reviews.write_review(actor=sale["buyer"], order_line=sale["line"], stars=stars,
                             text=text)
    assert refused.value.field == field
    assert not Review.objects.exists()


def test_the_seller_replies_once_and_nobody_else(sale):
    review = reviews.write_review(actor=sale["buyer"], order_line=sale["line"], stars=3)
    for stranger in (sale["buyer"], f.shop().owner, user_with_role(Role.SYSTEM_ADMIN)):
        with pytest.raises(PermissionDenied):
            reviews.reply(actor=stranger, review=review, text="Cảm ơn")
    with pytest.raises(DomainError) as empty:
        reviews.reply(actor=sale["seller"].owner, review=review, text="   ")
    assert empty.value.field == "reply"
    reviews.reply(actor=sale["seller"].owner, review=review, text="Cảm ơn chị đã ủng hộ!")
    with pytest.raises(DomainError) as again:
        reviews.reply(actor=sale["seller"].owner, review=review, text="Lần hai")
    assert again.value.code == "market.review_replied"
    review.refresh_from_db()
    assert review.reply == "Cảm ơn chị đã ủng hộ!"


def test_a_moderator_hides_with_a_reason_and_it_leaves_the_average(sale):
    first = reviews.write_review(actor=sale["buyer"], order_line=sale["line"], stars=1,
                                 text="Số điện thoại người bán 0912…")
    other_buyer = user_with_role(Role.CITIZEN)
    second_line = f.order([(sale["product"], "1")], buyer=other_buyer,
                          state=OrderState.COMPLETED).shop_orders.get().lines.get()
    reviews.write_review(actor=other_buyer, order_line=second_line, stars=5)
    assert reviews.rating_of(sale["product"]) == reviews.Rating(3.0, 2)
    for not_moderator in (sale["seller"].owner, sale["buyer"], f.hub().manager,
                          user_with_role(Role.PROVINCE_LEADER)):
        with pytest.raises(PermissionDenied):
            reviews.hide(actor=not_moderator, review=first, reason="personal_data")
    admin = user_with_role(Role.SYSTEM_ADMIN)
    with pytest.raises(DomainError) as no_note:
        reviews.hide(actor=admin, review=first, reason="other")
    assert no_note.value.field == "note"
    reviews.hide(actor=admin, review=first, reason="personal_data")
    assert reviews.rating_of(sale["product"]) == reviews.Rating(5.0, 1)
    assert list(reviews.shown_reviews(sale["product"])) == [Review.objects.get(stars=5)]
    entry = AuditEntry.objects.get(action="market.review.hide")
    assert entry.after == {"hidden": True, "reason": "personal_data"}
    with pytest.raises(DomainError) as twice:
        reviews.hide(actor=admin, review=first, reason="abusive")
    assert twice.value.code == "market.review_hidden"


def test_the_buyer_sees_what_is_left_to_review(sale):
    assert list(reviews.reviewable_lines(sale["buyer"])) == [sale["line"]]
    reviews.write_review(actor=sale["buyer"], order_line=sale["line"], stars=4)
    assert not reviews.reviewable_lines(sale["buyer"]).exists()
