"""Who a user is in the system: roles and the regions, distributors and warehouses they reach.

Every other selector asks `scope_of(user)` and filters with it (rule 2 of DESIGN.md: deny by default).
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from .choices import Role
from .models import Delegation, Membership, User

_CACHE_ATTR = "_yingxiao_scope"


@dataclass(frozen=True)
class Scope:
    """What a user may reach. `company_roles` are roles held company-wide; the rest are scoped."""

    roles: frozenset[str] = frozenset()
    company_roles: frozenset[str] = frozenset()
    region_ids: frozenset[int] = frozenset()
    distributor_ids: frozenset[int] = frozenset()
    warehouse_ids: frozenset[int] = frozenset()
    region_names: tuple[str, ...] = field(default=())
    #: Per role, the regions (with their districts), distributors and warehouses it is held for.
    role_regions: dict[str, frozenset[int]] = field(default_factory=dict)
    role_distributors: dict[str, frozenset[int]] = field(default_factory=dict)
    role_warehouses: dict[str, frozenset[int]] = field(default_factory=dict)

    def has_role(self, *roles: str) -> bool:
        """Whether the user holds any of `roles`, in any scope."""
        return bool(self.roles.intersection(roles))

    @property
    def is_company_wide(self) -> bool:
        """Staff who see every region (any company-wide role except a portal user's)."""
        return bool(self.company_roles)

    @property
    def is_admin(self) -> bool:
        """May maintain master data and users."""
        return Role.ADMIN in self.roles

    @property
    def is_portal_user(self) -> bool:
        """A distributor's own login: sees only that distributor."""
        return bool(self.distributor_ids) and not self.is_company_wide and not self.region_ids

    def holds_company_wide(self, role: str) -> bool:
        """Whether `role` is held company-wide (not for one region, distributor or warehouse)."""
        return role in self.company_roles and role not in self.role_warehouses

    def role_reaches(self, role: str, *, region_id=None, distributor_id=None, warehouse_id=None) -> bool:
        """Whether the user holds `role` for the given region / distributor / warehouse (or company-wide)."""
        if role not in self.roles:
            return False
        if self.holds_company_wide(role):
            return True
        if region_id is not None and region_id in self.role_regions.get(role, ()):
            return True
        if distributor_id is not None and distributor_id in self.role_distributors.get(role, ()):
            return True
        return warehouse_id is not None and warehouse_id in self.role_warehouses.get(role, ())

    def region_q(self, field_name: str = "region") -> Q:
        """A filter keeping rows in the user's regions (everything for company-wide staff)."""
        if self.is_company_wide:
            return Q()
        return Q(**{f"{field_name}__in": self.region_ids})


def scope_of(user: User) -> Scope:
    """The user's scope, computed once per request and cached on the user object."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    if user is not None and getattr(user, "pk", None):
        setattr(user, _CACHE_ATTR, scope)
    return scope


def _compute_scope(user: User) -> Scope:
    from yingxiao.org.models import Region

    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    memberships = list(Membership.objects.filter(user=user).select_related("region"))
    roles = {m.role for m in memberships}
    company_roles = {
        m.role for m in memberships if not (m.region_id or m.distributor_id) and m.role != Role.DISTRIBUTOR
    }
    if user.is_superuser:
        roles.add(Role.ADMIN)
        company_roles.add(Role.ADMIN)
    direct_regions = {m.region_id for m in memberships if m.region_id}
    districts: dict[int, set[int]] = {r: {r} for r in direct_regions}
    if direct_regions:
        for pk, parent_id in Region.objects.filter(parent_id__in=direct_regions).values_list(
            "id", "parent_id"
        ):
            districts[parent_id].add(pk)
    region_ids = set().union(*districts.values()) if districts else set()
    role_regions: dict[str, set[int]] = {}
    role_distributors: dict[str, set[int]] = {}
    role_warehouses: dict[str, set[int]] = {}
    for m in memberships:
        if m.region_id:
            role_regions.setdefault(m.role, set()).update(districts[m.region_id])
        if m.distributor_id:
            role_distributors.setdefault(m.role, set()).add(m.distributor_id)
        if m.warehouse_id:
            role_warehouses.setdefault(m.role, set()).add(m.warehouse_id)
    company_wide_warehouse = {m.role for m in memberships if m.role == Role.WAREHOUSE and not m.warehouse_id}
    for role in company_wide_warehouse:
        role_warehouses.pop(role, None)
    return Scope(
        roles=frozenset(roles),
        company_roles=frozenset(company_roles),
        region_ids=frozenset(region_ids),
        distributor_ids=frozenset(m.distributor_id for m in memberships if m.distributor_id),
        warehouse_ids=frozenset(m.warehouse_id for m in memberships if m.warehouse_id),
        region_names=tuple(sorted({m.region.name for m in memberships if m.region is not None})),
        role_regions={k: frozenset(v) for k, v in role_regions.items()},
        role_distributors={k: frozenset(v) for k, v in role_distributors.items()},
        role_warehouses={k: frozenset(v) for k, v in role_warehouses.items()},
    )


def forget_scope(user: User) -> None:
    """Drop the cached scope (after memberships change)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def users_for(user: User) -> QuerySet[User]:
    """Users the caller may list: admins see all; others only themselves."""
    if scope_of(user).is_admin:
        return User.objects.all()
    return User.objects.filter(pk=user.pk)


def memberships_of(user: User) -> QuerySet[Membership]:
    """The user's memberships with their scope targets loaded."""
    return Membership.objects.filter(user=user).select_related("region", "distributor", "warehouse")


def active_delegations_to(user: User, on=None) -> QuerySet[Delegation]:
    """Delegations that let `user` act for someone else on the given day (today by default)."""
    from django.utils import timezone

    day = on or timezone.localdate()
    return Delegation.objects.filter(
        to_user=user, start__lte=day, end__gte=day, revoked_at__isnull=True
    ).select_related("from_user")
