"""Reads of the sales app, scoped to the user: orders, invoices, payments, the ledger, collection tasks."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from yingxiao.accounts.choices import Role
from yingxiao.accounts.selectors import scope_of
from yingxiao.workflow.permissions import include_delegated

from .models import CollectionTask, Invoice, Payment, SalesLine, SalesOrder

#: Company roles that read sales (the others see nothing of it).
SALES_READERS = (
    Role.MARKETING_DIRECTOR,
    Role.PRESIDENT,
    Role.FINANCE,
    Role.MARKET_MANAGER,
    Role.MARKETING_ASSISTANT,
    Role.MARKETING_STAFF,
    Role.CUSTOMER_SERVICE,
    Role.ADMIN,
    Role.WAREHOUSE,
)


def _scoped(
    qs: QuerySet, user, region_field: str = "region", distributor_field: str = "distributor"
) -> QuerySet:
    """Company readers: all; regional staff: their regions; a portal user: its own distributor's."""
    scope = scope_of(user)
    if any(scope.holds_company_wide(role) for role in SALES_READERS):
        return qs
    return qs.filter(
        Q(**{f"{region_field}__in": scope.region_ids})
        | Q(**{f"{distributor_field}__in": scope.distributor_ids})
    )


@include_delegated
def orders_for(user) -> QuerySet[SalesOrder]:
    """Sales orders the user may see."""
    qs = SalesOrder.objects.select_related(
        "region", "salesperson", "distributor", "customer", "warehouse", "created_by", "submitted_by"
    )
    return _scoped(qs, user)


def order_get(*, user, pk: int) -> SalesOrder:
    """One visible order, or 404."""
    return get_object_or_404(orders_for(user), pk=pk)


def invoices_for(user) -> QuerySet[Invoice]:
    """Invoices the user may see."""
    qs = Invoice.objects.select_related("region", "salesperson", "distributor", "customer", "order")
    return _scoped(qs, user)


def payments_for(user) -> QuerySet[Payment]:
    """Payments the user may see."""
    return _scoped(Payment.objects.select_related("region", "distributor", "customer", "recorded_by"), user)


def sales_lines_for(user) -> QuerySet[SalesLine]:
    """The sales ledger rows the user may see."""
    qs = SalesLine.objects.select_related(
        "region", "salesperson", "distributor", "customer", "product", "category"
    )
    return _scoped(qs, user)


def collection_tasks_for(user) -> QuerySet[CollectionTask]:
    """Collection tasks: regional staff see their regions' (reps only their region), company readers all."""
    qs = CollectionTask.objects.select_related(
        "invoice", "invoice__distributor", "invoice__customer", "region", "assignee", "escalated_to"
    )
    if scope_of(user).is_portal_user:
        return qs.none()  # the contact log is internal
    return _scoped(qs, user, distributor_field="invoice__distributor")


def collection_task_get(*, user, pk: int) -> CollectionTask:
    """One visible collection task, or 404."""
    return get_object_or_404(collection_tasks_for(user), pk=pk)
