"""`/api/v1/sales-orders/`, `/deliveries/`, `/invoices/`, `/payments/`, `/sales-lines/`."""

from django.db.models import Prefetch
from rest_framework import mixins, viewsets

from yingxiao.core.api import HasAnyRole
from yingxiao.inventory.api.views import NumberSearch
from yingxiao.workflow.api.views import WorkflowActionsMixin

from .. import selectors, services
from ..forms import InvoiceFilter, OrderFilter, PaymentFilter, SalesLineFilter
from ..models import Delivery, PaymentAllocation
from .serializers import (
    DeliverySerializer,
    InvoiceSerializer,
    PaymentSerializer,
    SalesLineSerializer,
    SalesOrderSerializer,
    order_lines_from,
)


class SalesOrderViewSet(
    WorkflowActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Sales orders the caller may see; reps create drafts and change them until submitted."""

    serializer_class = SalesOrderSerializer
    permission_classes = [HasAnyRole]
    filterset_class = OrderFilter
    filter_backends = [NumberSearch, *viewsets.GenericViewSet.filter_backends]

    def get_queryset(self):
        return selectors.orders_for(self.request.user).prefetch_related("lines__product")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        lines = order_lines_from(data.pop("lines"))
        serializer.instance = services.order_create(actor=self.request.user, lines=lines, **data)

    def perform_update(self, serializer):
        order = serializer.instance
        data = serializer.validated_data
        lines = (
            order_lines_from(data["lines"])
            if "lines" in data
            else [(ln.product, ln.quantity, ln.unit_price, ln.discount) for ln in order.lines.all()]
        )
        serializer.instance = services.order_update(
            actor=self.request.user,
            order=order,
            lines=lines,
            order_date=data.get("order_date", order.order_date),
            payment_terms_days=data.get("payment_terms_days", order.payment_terms_days),
            warehouse=data.get("warehouse", order.warehouse),
            note=data.get("note", order.note),
        )


class DeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    """Deliveries of the orders the caller may see (they are made by the order's `deliver` step)."""

    serializer_class = DeliverySerializer
    permission_classes = [HasAnyRole]
    filter_backends = [NumberSearch]

    def get_queryset(self):
        return Delivery.objects.filter(order__in=selectors.orders_for(self.request.user)).select_related(
            "order", "warehouse"
        )


class InvoiceViewSet(viewsets.ReadOnlyModelViewSet):
    """Invoices (made by the order's `invoice` step)."""

    serializer_class = InvoiceSerializer
    permission_classes = [HasAnyRole]
    filterset_class = InvoiceFilter
    filter_backends = [NumberSearch, *viewsets.GenericViewSet.filter_backends]

    def get_queryset(self):
        return selectors.invoices_for(self.request.user)


class PaymentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Payments; finance records them (POST) and they are allocated to open invoices."""

    serializer_class = PaymentSerializer
    permission_classes = [HasAnyRole]
    filterset_class = PaymentFilter
    filter_backends = [NumberSearch, *viewsets.GenericViewSet.filter_backends]

    def get_queryset(self):
        allocations = Prefetch("allocations", queryset=PaymentAllocation.objects.select_related("invoice"))
        return selectors.payments_for(self.request.user).prefetch_related(allocations)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        invoices = data.pop("invoices", None)
        serializer.instance = services.payment_record(actor=self.request.user, invoices=invoices, **data)


class SalesLineViewSet(viewsets.ReadOnlyModelViewSet):
    """The sales ledger, read-only; filter by `date_from`, `date_to`, `year`, `month`, `region`,
    `distributor`, `product`, `source`."""

    serializer_class = SalesLineSerializer
    permission_classes = [HasAnyRole]
    filterset_class = SalesLineFilter

    def get_queryset(self):
        return selectors.sales_lines_for(self.request.user)
