"""Reads of distributors and customers, limited to the user's regions or own distributor."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from yingxiao.accounts.selectors import scope_of

from .models import Customer, Distributor


def distributors_for(user) -> QuerySet[Distributor]:
    """Company-wide staff: all; regional staff: their regions; a portal user: their own distributor."""
    scope = scope_of(user)
    qs = Distributor.objects.select_related("region", "rep")
    if scope.is_company_wide:
        return qs
    return qs.filter(Q(region__in=scope.region_ids) | Q(pk__in=scope.distributor_ids))


def distributor_get(*, user, pk: int) -> Distributor:
    """One visible distributor, or 404."""
    return get_object_or_404(distributors_for(user), pk=pk)


def customers_for(user) -> QuerySet[Customer]:
    """Company-wide staff: all; regional staff: their regions; a portal user: its distributor's customers."""
    scope = scope_of(user)
    qs = Customer.objects.select_related("region", "distributor")
    if scope.is_company_wide:
        return qs
    return qs.filter(Q(region__in=scope.region_ids) | Q(distributor__in=scope.distributor_ids))


def customer_get(*, user, pk: int) -> Customer:
    """One visible customer, or 404."""
    return get_object_or_404(customers_for(user), pk=pk)
