"""Row-level access to declarations: one rule, used by every list, detail and action."""

from __future__ import annotations

from django.db.models import Q

from tinhso.accounts.models import Role
from tinhso.accounts.permissions import organizations_with_role, roles_of
from tinhso.border.models import Agency

# Officers who work on trucks of every enterprise, but only once they are declared.
OFFICER_ROLES = {
    Role.GATE_OPERATOR,
    Role.GATE_BOARD,
    Role.CUSTOMS_OFFICER,
    Role.QUARANTINE_OFFICER,
    Role.BORDER_GUARD_OFFICER,
    Role.FEE_CASHIER,
    Role.PROVINCE_LEADER,
}


def declaration_filter_for(user) -> Q:
    if getattr(user, "is_superuser", False) and user.is_active:
        return Q()
    held = {role for role, _org in roles_of(user)}
    rule = Q(pk__in=[])
    enterprises = organizations_with_role(user, [Role.ENTERPRISE_STAFF])
    if enterprises:
        rule |= Q(enterprise_id__in=enterprises)
    yard_operators = organizations_with_role(user, [Role.YARD_OPERATOR])
    if yard_operators:
        from tinhso.border.models import Yard

        gates = Yard.objects.filter(operator_id__in=yard_operators).values("gate_id")
        rule |= Q(gate_id__in=gates) & ~Q(state="draft")
    if held & OFFICER_ROLES:
        rule |= ~Q(state="draft")
    return rule


AGENCY_FIELDS = {
    # What each agency's step needs to see, and nothing more of the enterprise's data.
    Agency.CUSTOMS: ["goods", "goods_description", "weight_kg", "containers", "direction"],
    Agency.QUARANTINE: ["goods", "goods_description", "weight_kg"],
    Agency.BORDER_GUARD: ["driver_name", "driver_id_number", "trailer_plate"],
}
