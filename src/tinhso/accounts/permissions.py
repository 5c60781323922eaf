"""Who may do what: the one place both pages and the API ask.

A permission is a name; it is granted to roles. A role is held in an organisation, so a
check may be narrowed to one organisation (an enterprise's staff act only for it).
Row-level visibility (which declarations a user may see) lives in each model's
`visible_to(user)` queryset method and calls `roles_of` from here.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied

from tinhso.accounts.models import Role

R = Role
PERMISSIONS: dict[str, frozenset[str]] = {
    "audit.view": frozenset({R.SYSTEM_ADMIN}),
    "accounts.manage_api_keys": frozenset({R.SYSTEM_ADMIN}),
    "border.declare": frozenset({R.ENTERPRISE_STAFF}),
    "border.drive": frozenset({R.DRIVER}),
    "border.yard_console": frozenset({R.YARD_OPERATOR}),
    "border.gate_console": frozenset({R.GATE_OPERATOR, R.GATE_BOARD}),
    "border.clear_customs": frozenset({R.CUSTOMS_OFFICER}),
    "border.clear_quarantine": frozenset({R.QUARANTINE_OFFICER}),
    "border.clear_border_guard": frozenset({R.BORDER_GUARD_OFFICER}),
    "border.dashboard": frozenset({R.GATE_BOARD, R.PROVINCE_LEADER}),
    "border.manage_notices": frozenset({R.GATE_BOARD}),
    "border.configure_gates": frozenset({R.GATE_BOARD}),
    "border.whatif": frozenset({R.GATE_BOARD, R.PROVINCE_LEADER}),
    "border.reports": frozenset({R.GATE_BOARD, R.PROVINCE_LEADER, R.FEE_CASHIER}),
    "payments.cashier": frozenset({R.FEE_CASHIER}),
    # The cashier's supervisor: undoes a cash confirmation made in error (with a reason).
    "payments.reverse_cash": frozenset({R.GATE_BOARD}),
    # Market payouts, reviews and KPIs (market.services.hubs / reviews / kpis): a hub's
    # staff make its payout statements, its accountant marks them paid; the market's own
    # statements (independent shops) are the administrator's.
    "market.hub_payouts": frozenset({R.HUB_MANAGER, R.HUB_ACCOUNTANT}),
    "market.pay_out": frozenset({R.HUB_ACCOUNTANT, R.SYSTEM_ADMIN}),
    "market.market_payouts": frozenset({R.SYSTEM_ADMIN}),
    "market.moderate_reviews": frozenset({R.SYSTEM_ADMIN}),
    "market.kpis": frozenset({R.COMMUNE_OFFICER, R.PROVINCE_LEADER, R.SYSTEM_ADMIN}),
    "market.kpis_province": frozenset({R.PROVINCE_LEADER, R.SYSTEM_ADMIN}),
    "market.household_counts": frozenset({R.SYSTEM_ADMIN}),
    # Market orders: a seller handles its shop's orders; a hub's staff oversee the orders
    # going through the hub; its accountant (or the administrator) records refunds.
    "market.sell": frozenset({R.SHOP_OWNER}),
    "market.hub_orders": frozenset({R.HUB_MANAGER, R.HUB_ACCOUNTANT}),
    "market.refund": frozenset({R.HUB_ACCOUNTANT, R.SYSTEM_ADMIN}),
    # Official documents. The clerk (văn thư, Role.CLERK) registers incoming documents,
    # issues and sends outgoing ones. The one-stop desk officer receives citizens' dossiers,
    # not the agency's documents: no page or test of the one-stop desk needs the clerk's.
    "documents.draft": frozenset({R.SPECIALIST, R.HEAD_OF_UNIT, R.AGENCY_LEADER,
                                  R.COMMUNE_OFFICER}),
    "documents.review": frozenset({R.HEAD_OF_UNIT, R.AGENCY_LEADER}),
    "documents.sign": frozenset({R.AGENCY_LEADER, R.PROVINCE_LEADER}),
    "documents.clerk": frozenset({R.CLERK}),
    "documents.assign": frozenset({R.HEAD_OF_UNIT, R.AGENCY_LEADER}),
    "documents.handle": frozenset({R.SPECIALIST, R.HEAD_OF_UNIT, R.AGENCY_LEADER,
                                   R.COMMUNE_OFFICER}),
    # Secret documents: the agency's leader and its clerk see every one; others only
    # those they draft, review, sign or handle.
    "documents.secret": frozenset({R.AGENCY_LEADER, R.CLERK}),
    "documents.reports": frozenset({R.AGENCY_LEADER, R.PROVINCE_LEADER, R.CLERK}),
    # Linking an agency's document to a public-service dossier or a meeting.
    "documents.link": frozenset({R.SPECIALIST, R.HEAD_OF_UNIT, R.AGENCY_LEADER,
                                 R.COMMUNE_OFFICER, R.CLERK}),
    # The exchange axis's connector (a service account of the administrator) posts the
    # receiving agencies' answers back to the platform.
    "documents.exchange": frozenset({R.SYSTEM_ADMIN}),
    # One-stop public services. Row-level access (which dossiers) is publicservices/access.py;
    # these say which actions a role may take on the dossiers it can see.
    "publicservices.submit": frozenset({R.CITIZEN}),
    "publicservices.receive": frozenset({R.ONE_STOP_OFFICER}),
    "publicservices.process": frozenset({R.ONE_STOP_OFFICER, R.SPECIALIST, R.HEAD_OF_UNIT,
                                         R.AGENCY_LEADER}),
    "publicservices.assign": frozenset({R.HEAD_OF_UNIT, R.AGENCY_LEADER}),
    "publicservices.approve": frozenset({R.AGENCY_LEADER}),
    "publicservices.request_supplement": frozenset({R.ONE_STOP_OFFICER, R.SPECIALIST,
                                                    R.HEAD_OF_UNIT, R.AGENCY_LEADER}),
    "publicservices.refuse": frozenset({R.ONE_STOP_OFFICER, R.HEAD_OF_UNIT, R.AGENCY_LEADER}),
    "publicservices.transfer": frozenset({R.ONE_STOP_OFFICER, R.HEAD_OF_UNIT,
                                          R.AGENCY_LEADER}),
    # The apology and extension letter (BM.04) is signed by the head of the agency or unit.
    "publicservices.extend": frozenset({R.HEAD_OF_UNIT, R.AGENCY_LEADER}),
    "publicservices.return_result": frozenset({R.ONE_STOP_OFFICER}),
    "publicservices.statistics": frozenset({R.HEAD_OF_UNIT, R.AGENCY_LEADER,
                                            R.PROVINCE_LEADER}),
    "publicservices.manage_catalogue": frozenset({R.SYSTEM_ADMIN}),
    # Digital stores' catalogue (market.services.shops / catalogue, views_selling; the
    # catalogue's writes also use "market.sell" above, narrowed to the shop's household):
    # a commune officer opens a shop for a household without a smartphone.
    "market.open_shop_for_household": frozenset({R.COMMUNE_OFFICER}),
    # Online meetings. Which meetings a user sees is Meeting.objects.visible_to (its
    # organising agency, the agencies of its points, and those with view_all).
    "meetings.schedule": frozenset({R.SPECIALIST, R.HEAD_OF_UNIT, R.AGENCY_LEADER,
                                    R.PROVINCE_LEADER}),
    "meetings.view_all": frozenset({R.PROVINCE_LEADER}),
    # Opening the meetings pages at all (schedule, points, tasks): the agencies' staff.
    "meetings.use": frozenset({R.SPECIALIST, R.HEAD_OF_UNIT, R.AGENCY_LEADER,
                               R.PROVINCE_LEADER, R.COMMUNE_OFFICER}),
    # A point's technician or officer: connection check and attendance of the point.
    "meetings.operate_point": frozenset({R.COMMUNE_OFFICER, R.SPECIALIST, R.HEAD_OF_UNIT}),
    # The secretary records minutes and conclusions; agencies report on their tasks.
    "meetings.minutes": frozenset({R.SPECIALIST, R.HEAD_OF_UNIT, R.AGENCY_LEADER,
                                   R.PROVINCE_LEADER}),
    "meetings.report_task": frozenset({R.COMMUNE_OFFICER, R.SPECIALIST, R.HEAD_OF_UNIT,
                                       R.AGENCY_LEADER}),
    # The province office's follow-up list and the statistics.
    "meetings.follow_up": frozenset({R.PROVINCE_LEADER, R.AGENCY_LEADER, R.HEAD_OF_UNIT}),
    "meetings.manage_points": frozenset({R.SYSTEM_ADMIN}),
    # Schools and the e-gradebook (tinhso.schools). Which classes a teacher may grade is
    # the Assignment / homeroom rows (services), which children a guardian sees is
    # Student.guardians; these names only open the pages.
    "schools.teach": frozenset({R.TEACHER}),
    "schools.lead": frozenset({R.SCHOOL_LEADER}),
    "schools.province": frozenset({R.EDUCATION_OFFICER}),
    "schools.guardian": frozenset({R.GUARDIAN}),
    # Innovation and startups (innovation.services): a founder writes profiles and applies
    # to calls; the innovation office reviews profiles, runs calls, assigns judges and
    # publishes results (and edits news and events in the admin); judges score what they
    # are assigned (row-level: Application.objects.visible_to). The figures are also for
    # the province's leaders and the operations centre.
    "innovation.found": frozenset({R.FOUNDER}),
    "innovation.review": frozenset({R.INNOVATION_OFFICER}),
    "innovation.judge": frozenset({R.JUDGE}),
    "innovation.figures": frozenset({R.INNOVATION_OFFICER, R.PROVINCE_LEADER,
                                     R.IOC_OPERATOR}),
    # Operations dashboard (IOC). Which indicators and communes a user sees is
    # ioc/access.py; these say who opens the dashboard and who acts on it. An agency's data
    # officer enters its manual figures, the operations centre reviews them, sets targets
    # and acknowledges alerts (the owner agency's data officer may acknowledge too).
    "ioc.dashboard": frozenset({R.PROVINCE_LEADER, R.IOC_OPERATOR, R.SYSTEM_ADMIN,
                                R.DATA_OFFICER, R.COMMUNE_OFFICER}),
    "ioc.view_all": frozenset({R.PROVINCE_LEADER, R.IOC_OPERATOR, R.SYSTEM_ADMIN}),
    "ioc.enter_values": frozenset({R.DATA_OFFICER}),
    "ioc.review_values": frozenset({R.IOC_OPERATOR}),
    # The operations centre, and an agency's data officer for the indicators it owns
    # (narrowed in ioc.services.may_set_targets).
    "ioc.set_targets": frozenset({R.IOC_OPERATOR, R.DATA_OFFICER}),
    "ioc.acknowledge_alerts": frozenset({R.IOC_OPERATOR, R.DATA_OFFICER}),
    "ioc.kiosk_tokens": frozenset({R.IOC_OPERATOR, R.SYSTEM_ADMIN}),
    "ioc.reports": frozenset({R.PROVINCE_LEADER, R.IOC_OPERATOR}),
}


def roles_of(user) -> set[tuple[str, int]]:
    """(role, organisation id) pairs the user holds; cached on the user for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_tinhso_roles", None)
    if cached is None:
        # A deactivated organisation's staff act for it no more (its API keys stop too).
        cached = set(user.memberships.filter(organization__is_active=True)
                     .values_list("role", "organization_id"))
        user._tinhso_roles = cached
    return cached


def organizations_with_role(user, roles: Iterable[str]) -> set[int]:
    wanted = set(roles)
    return {org_id for role, org_id in roles_of(user) if role in wanted}


def organizations_with_permission(user, permission: str) -> set[int]:
    """The organisations in which ``user`` holds a role granted ``permission``."""
    granted = PERMISSIONS[permission]
    return {org_id for role, org_id in roles_of(user) if role in granted}


def has_perm(user, permission: str, organization_id: int | None = None) -> bool:
    granted = PERMISSIONS[permission]  # KeyError on a typo: a wrong name must not deny silently
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    return any(
        role in granted and (organization_id is None or org_id == organization_id)
        for role, org_id in roles_of(user)
    )


def require(user, permission: str, organization_id: int | None = None) -> None:
    if not has_perm(user, permission, organization_id):
        raise PermissionDenied(permission)
