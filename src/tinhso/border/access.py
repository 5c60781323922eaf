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


# Enterprise data that only the enterprise itself and the gate's own staff see in full;
# an agency officer sees of it what AGENCY_FIELDS grants the agencies they serve.
COMMERCIAL_FIELDS = frozenset({"goods_description", "weight_kg", "containers", "driver_name",
                               "driver_phone", "trailer_plate"})
AGENCY_ROLES = {
    Role.CUSTOMS_OFFICER: Agency.CUSTOMS,
    Role.QUARANTINE_OFFICER: Agency.QUARANTINE,
    Role.BORDER_GUARD_OFFICER: Agency.BORDER_GUARD,
}
FULL_VIEW_ROLES = {Role.GATE_OPERATOR, Role.GATE_BOARD, Role.YARD_OPERATOR, Role.FEE_CASHIER,
                   Role.PROVINCE_LEADER}


def hidden_fields(user, declaration) -> frozenset[str]:
    """Fields of this declaration the user may not see (empty: everything is visible)."""
    if getattr(user, "is_superuser", False):
        return frozenset()
    held = roles_of(user)
    if any(role == Role.ENTERPRISE_STAFF and org == declaration.enterprise_id
           for role, org in held) or any(role in FULL_VIEW_ROLES for role, _ in held):
        return frozenset()
    granted = {f for role, _ in held if role in AGENCY_ROLES
               for f in AGENCY_FIELDS[AGENCY_ROLES[role]]}
    return COMMERCIAL_FIELDS - granted
