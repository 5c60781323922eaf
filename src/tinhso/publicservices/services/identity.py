"""Linking a VNeID login to an account: the personal identification number first.

The 12-digit personal identification number (CCCD) is the key of a person's identity: it
never changes, while a mobile number is given up and re-issued to someone else. So:

1. an account already linked to that number (`CitizenIdentity`) is that person's, whatever
   phone VNeID now returns; a new phone is copied to the account when no other account
   holds it (a phone held by another account stays there: it is not proof of anything);
2. else an account with the phone VNeID returns is linked to the number, unless that
   account is already linked to another number (the phone changed hands: the newcomer
   gets an account of their own, without the phone);
3. else a new account is made (with the phone when it is free).

Every link and phone change is audited; the number is checked by `core.validators`.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tinhso.accounts.models import User
from tinhso.core import audit
from tinhso.core.validators import InvalidValue, normalize_citizen_id, normalize_mobile
from tinhso.publicservices.models import CitizenIdentity


class IdentityRefused(Exception):
    """VNeID gave an identity we cannot trust (a number that is not a valid CCCD)."""


def _mobile(value: str) -> str | None:
    try:
        return normalize_mobile(value, "phone") if value else None
    except InvalidValue:
        return None


def link_vneid(*, id_number: str, full_name: str, phone: str = "",
               now: datetime | None = None) -> User:
    """The account of the person VNeID proved (made or linked as needed), in one
    transaction. ``actor`` is VNeID itself (the person logs in), hence no actor argument."""
    now = now or timezone.now()
    try:
        number = normalize_citizen_id(id_number, "so_dinh_danh", today=now.date())
    except InvalidValue as error:
        raise IdentityRefused(str(error)) from None
    mobile = _mobile(phone)
    with transaction.atomic():
        link = (CitizenIdentity.objects.select_for_update().select_related("user")
                .filter(id_number=number).first())
        if link is not None:
            user = link.user
            if mobile and user.phone != mobile and not User.objects.filter(phone=mobile).exists():
                before = user.phone
                user.phone = mobile
                user.save(update_fields=["phone"])
                audit.record(actor=None, action="citizen_identity.phone_changed", obj=link,
                             before={"phone": before}, after={"phone": mobile},
                             note="VNeID")
            link.last_login_at = now
            link.full_name = full_name[:150] or link.full_name
            link.save(update_fields=["last_login_at", "full_name"])
            return user
        user = User.objects.select_for_update().filter(phone=mobile).first() if mobile else None
        if user is not None and CitizenIdentity.objects.filter(user=user).exists():
            user = None  # that phone belongs to someone else's identity now
        email = f"vneid-{number}@nguoidung.tinhso.invalid"
        if user is None:  # an account made by an earlier VNeID login without a phone
            user = User.objects.filter(email=email).first()
        if user is None:
            free = mobile and not User.objects.filter(phone=mobile).exists()
            user = User.objects.create_user(None if free else email, None,
                                            phone=mobile if free else None,
                                            full_name=full_name[:150])
        link = CitizenIdentity.objects.create(user=user, id_number=number,
                                              full_name=full_name[:150] or user.full_name,
                                              linked_at=now, last_login_at=now)
        audit.record(actor=None, action="citizen_identity.linked", obj=link,
                     after={"user": user.pk, "by_phone": bool(mobile and user.phone == mobile)},
                     note="VNeID")
        return user
