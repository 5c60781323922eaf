"""Row-level access of a driver to declarations: a driver sees the trucks whose
declaration gives the driver's own mobile number, and nothing else.

A driver holds the `driver` role in an organisation, but the enterprise that declares a
truck is not always the one the driver is a member of (drivers work for several), so the
link is the mobile number the enterprise typed on the declaration, compared in the
normalised form both are stored in (`0xxxxxxxxx`)."""

from __future__ import annotations

from tinhso.accounts.models import Role
from tinhso.accounts.permissions import organizations_with_role
from tinhso.border.models import Declaration, DeclarationQuerySet
from tinhso.core.validators import InvalidValue, normalize_mobile


def driver_phone_of(user) -> str | None:
    """The user's mobile number as declarations store it, if the user drives."""
    if not organizations_with_role(user, [Role.DRIVER]) or not getattr(user, "phone", None):
        return None
    try:
        return normalize_mobile(user.phone)
    except InvalidValue:
        return None


def trucks_of_driver(user) -> DeclarationQuerySet:
    """The declarations naming this user as their driver (none if the user is no driver
    or has no valid mobile number). Drafts are the enterprise's own business."""
    phone = driver_phone_of(user)
    if phone is None:
        return Declaration.objects.none()
    return Declaration.objects.filter(driver_phone=phone).exclude(state="draft")
