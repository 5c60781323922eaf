"""Row-level access to invoices: one rule, used by every list, detail and action."""

from __future__ import annotations

from django.db.models import Q

from tinhso.accounts.models import Role
from tinhso.accounts.permissions import has_perm, organizations_with_role

# Roles that see every invoice (they collect or oversee the fee).
OVERSIGHT_ROLES = [Role.FEE_CASHIER, Role.GATE_BOARD, Role.PROVINCE_LEADER]


def invoice_filter_for(user) -> Q:
    if getattr(user, "is_superuser", False) and user.is_active:
        return Q()
    if has_perm(user, "payments.cashier") or organizations_with_role(user, OVERSIGHT_ROLES):
        return Q()
    payers = organizations_with_role(user, [Role.ENTERPRISE_STAFF])
    return Q(payer_id__in=payers) if payers else Q(pk__in=[])
