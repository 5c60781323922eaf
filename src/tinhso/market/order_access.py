"""Who sees which orders: the one row-level rule, used by pages, the API and selectors.

- a buyer with an account sees the orders placed with it; a guest finds an order by its
  code and the mobile number it was placed with (``selectors_orders.find_for_guest``);
- a seller (``shop_owner`` of the shop's household) sees its shop orders, never the other
  shops' lines of the same order;
- a hub's manager and accountant see the orders going through their hub (paid to it, or
  picked up there);
- the system administrator sees all.
Anyone else asking for an order gets a 404, not a 403."""

from __future__ import annotations

from django.db.models import Q

from tinhso.accounts.models import Role
from tinhso.accounts.permissions import organizations_with_role

NOTHING = Q(pk__in=[])


def _is_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active) or bool(
        organizations_with_role(user, {Role.SYSTEM_ADMIN}))


def hub_orgs(user) -> set[int]:
    return organizations_with_role(user, {Role.HUB_MANAGER, Role.HUB_ACCOUNTANT})


def shop_orgs(user) -> set[int]:
    return organizations_with_role(user, {Role.SHOP_OWNER})


def order_filter_for(user) -> Q:
    """Orders the user may open as a whole (buyer, hub staff, admin)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOTHING
    if _is_admin(user):
        return Q()
    rule = Q(buyer=user)
    hubs = hub_orgs(user)
    if hubs:
        rule |= Q(hub__organization_id__in=hubs) | Q(pickup_hub__organization_id__in=hubs)
    return rule


def shop_order_filter_for(user) -> Q:
    """Shop orders the user may handle as a seller (or oversee as hub staff / admin)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOTHING
    if _is_admin(user):
        return Q()
    rule = NOTHING
    shops = shop_orgs(user)
    if shops:
        rule |= Q(shop__organization_id__in=shops)
    hubs = hub_orgs(user)
    if hubs:
        rule |= (Q(order__hub__organization_id__in=hubs)
                 | Q(order__pickup_hub__organization_id__in=hubs)
                 | Q(shop__hub__organization_id__in=hubs))
    return rule
