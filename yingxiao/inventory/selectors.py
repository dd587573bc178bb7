"""Reads of stock, demand, stock checks and transfers, scoped to the user; and the shortfall list."""

from dataclasses import dataclass

from django.db.models import F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from yingxiao.accounts.choices import REGIONAL_ROLES, Role
from yingxiao.accounts.selectors import scope_of
from yingxiao.org.models import Warehouse
from yingxiao.org.selectors import sellable_warehouses
from yingxiao.workflow.permissions import include_delegated

from .choices import OPEN_TRANSFER_STATES
from .models import Demand, StockCheck, StockLevel, StockMovement, TransferLine, TransferRequest


def _is_staff(scope) -> bool:
    return scope.is_company_wide or bool(scope.region_ids)


def transfer_warehouses() -> QuerySet[Warehouse]:
    """Active warehouses stock may be transferred from or to: all but quarantine ones (goods returned by
    customers, not for sale)."""
    return sellable_warehouses()


def stock_levels_for(user) -> QuerySet[StockLevel]:
    """Every stock level for staff (reps must see where stock is); nothing for portal users."""
    qs = StockLevel.objects.select_related("product", "warehouse", "warehouse__region")
    return qs if _is_staff(scope_of(user)) else qs.none()


def stock_level_get(*, user, pk: int) -> StockLevel:
    """One visible stock level, or 404."""
    return get_object_or_404(stock_levels_for(user), pk=pk)


def movements_for(user) -> QuerySet[StockMovement]:
    """The movement ledger, for staff."""
    qs = StockMovement.objects.select_related("product", "warehouse", "actor")
    return qs if _is_staff(scope_of(user)) else qs.none()


def demands_for(user) -> QuerySet[Demand]:
    """Company-wide staff see all demand; regional staff their regions'."""
    scope = scope_of(user)
    qs = Demand.objects.select_related("region", "product", "created_by")
    if scope.is_company_wide:
        return qs
    return qs.filter(region__in=scope.region_ids)


def demand_get(*, user, pk: int) -> Demand:
    """One visible demand record, or 404."""
    return get_object_or_404(demands_for(user), pk=pk)


def _regional_or_warehouse_q(scope, region_field: str, warehouse_fields: tuple[str, ...]) -> Q:
    q = Q(**{f"{region_field}__in": scope.region_ids})
    for field in warehouse_fields:
        q |= Q(**{f"{field}__in": scope.role_warehouses.get(Role.WAREHOUSE, ())})
    return q


@include_delegated
def stock_checks_for(user) -> QuerySet[StockCheck]:
    """Company-wide staff: all; regional staff: checks of their regions' warehouses; warehouse keepers of
    one site: that site's checks."""
    scope = scope_of(user)
    qs = StockCheck.objects.select_related("warehouse", "created_by")
    if not scope.roles:
        return qs.none()
    if scope.is_company_wide and not scope.role_warehouses:
        return qs
    return qs.filter(
        _regional_or_warehouse_q(scope, "warehouse__region", ("warehouse",)) | Q(created_by=user)
    )


def stock_check_get(*, user, pk: int) -> StockCheck:
    """One visible stock check, or 404."""
    return get_object_or_404(stock_checks_for(user), pk=pk)


@include_delegated
def transfer_requests_for(user) -> QuerySet[TransferRequest]:
    """Company-wide staff: all; regional staff: their regions'; a one-site warehouse keeper: requests from
    or to that site; portal users: none."""
    scope = scope_of(user)
    qs = TransferRequest.objects.select_related(
        "region", "source_warehouse", "destination_warehouse", "created_by", "submitted_by"
    )
    if scope.is_company_wide and not scope.role_warehouses:
        return qs
    q = _regional_or_warehouse_q(scope, "region", ("source_warehouse", "destination_warehouse"))
    return qs.filter(q)


def transfer_get(*, user, pk: int) -> TransferRequest:
    """One visible transfer request, or 404."""
    return get_object_or_404(transfer_requests_for(user), pk=pk)


def current_period():
    """The first day of this month (demand is per month)."""
    return timezone.localdate().replace(day=1)


@dataclass(frozen=True)
class Shortfall:
    """A product short in a regional warehouse, with the suggested transfer quantity."""

    level: StockLevel
    demand: int
    requested: int
    suggested: int

    @property
    def available(self) -> int:
        return self.level.available


def shortfalls_for(user, period=None) -> list[Shortfall]:
    """Products below safety stock or short of this month's demand in the user's regions' warehouses.

    suggested = safety stock + demand − available − (already requested in open requests + in transit),
    computed in one query, so a pending request is counted and nothing is asked twice."""
    scope = scope_of(user)
    if not any(role in scope.roles for role in REGIONAL_ROLES) and not scope.is_company_wide:
        return []
    period = period or current_period()
    levels = StockLevel.objects.filter(warehouse__in=transfer_warehouses(), warehouse__region__isnull=False)
    if not scope.is_company_wide:
        levels = levels.filter(warehouse__region__in=scope.region_ids)
    demand = Demand.objects.filter(
        product=OuterRef("product"),
        period=period,
        region=Coalesce(OuterRef("warehouse__region__parent"), OuterRef("warehouse__region")),
    ).values("quantity")[:1]
    requested = (
        TransferLine.objects.filter(
            product=OuterRef("product"),
            request__destination_warehouse=OuterRef("warehouse"),
            request__status__in=OPEN_TRANSFER_STATES,
        )
        .values("product")
        .annotate(total=Sum(Coalesce("approved_quantity", "quantity")))
        .values("total")
    )
    rows = (
        levels.select_related("product", "warehouse", "warehouse__region")
        .annotate(
            demand_qty=Coalesce(Subquery(demand, output_field=IntegerField()), Value(0)),
            requested_qty=Coalesce(Subquery(requested, output_field=IntegerField()), Value(0)),
        )
        .annotate(
            gap=F("safety_stock")
            + F("demand_qty")
            - (F("on_hand") - F("reserved"))
            - F("requested_qty")
            - F("in_transit"),
        )
        .filter(gap__gt=0)
        .order_by("warehouse__code", "-gap", "product__code")
    )
    return [
        Shortfall(level=r, demand=r.demand_qty, requested=r.requested_qty + r.in_transit, suggested=r.gap)
        for r in rows
    ]
