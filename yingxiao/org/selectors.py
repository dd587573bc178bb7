"""Reads of regions, departments and warehouses, filtered by what the user may see."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from yingxiao.accounts.selectors import scope_of

from .choices import WarehouseKind
from .models import Department, Region, Warehouse


def regions_for(user) -> QuerySet[Region]:
    """Staff see every region; a distributor's portal user sees only its own region; others nothing."""
    scope = scope_of(user)
    qs = Region.objects.select_related("parent")
    if scope.is_company_wide or scope.region_ids:
        return qs
    if scope.distributor_ids:
        return qs.filter(distributors__in=scope.distributor_ids).distinct()
    return qs.none()


def region_get(*, user, pk: int) -> Region:
    """One visible region, or 404."""
    return get_object_or_404(regions_for(user), pk=pk)


def departments_for(user) -> QuerySet[Department]:
    """Departments are visible to staff (not to distributor portal users)."""
    scope = scope_of(user)
    if scope.is_company_wide or scope.region_ids:
        return Department.objects.select_related("head")
    return Department.objects.none()


def warehouses_for(user) -> QuerySet[Warehouse]:
    """Warehouses are visible to staff (not to distributor portal users)."""
    scope = scope_of(user)
    if scope.is_company_wide or scope.region_ids:
        return Warehouse.objects.select_related("region")
    return Warehouse.objects.none()


def warehouse_get(*, user, pk: int) -> Warehouse:
    """One visible warehouse, or 404."""
    return get_object_or_404(warehouses_for(user), pk=pk)


def department_get(*, user, pk: int) -> Department:
    """One visible department, or 404."""
    return get_object_or_404(departments_for(user), pk=pk)


def sellable_warehouses() -> QuerySet[Warehouse]:
    """Active warehouses whose stock is for sale: all but quarantine ones (goods returned by customers)."""
    return Warehouse.objects.filter(active=True).exclude(kind=WarehouseKind.QUARANTINE)
