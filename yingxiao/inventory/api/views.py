"""`/api/v1/transfer-requests/`, `/stock-levels/`, `/stock-movements/`, `/demands/`, `/stock-checks/`."""

from rest_framework import mixins, viewsets

from yingxiao.core.api import HasAnyRole, SearchQueryFilter
from yingxiao.workflow.api.views import WorkflowActionsMixin

from .. import selectors, services
from ..forms import DemandFilter, MovementFilter, StockCheckFilter, StockLevelFilter, TransferFilter
from .serializers import (
    DemandSerializer,
    StockCheckSerializer,
    StockLevelSerializer,
    StockMovementSerializer,
    TransferRequestSerializer,
    transfer_lines_from,
)


class NumberSearch(SearchQueryFilter):
    """`?q=` finds documents by number."""

    def filter_queryset(self, request, queryset, view):
        q = request.query_params.get("q", "").strip()
        return queryset.filter(number__icontains=q) if q else queryset


class TransferRequestViewSet(
    WorkflowActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Transfer requests the caller may see; reps create drafts and change them until submitted."""

    serializer_class = TransferRequestSerializer
    permission_classes = [HasAnyRole]
    filterset_class = TransferFilter
    filter_backends = [NumberSearch, *viewsets.GenericViewSet.filter_backends]

    def get_queryset(self):
        return selectors.transfer_requests_for(self.request.user).prefetch_related("lines__product")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        lines = transfer_lines_from(data.pop("lines"))
        serializer.instance = services.transfer_create(actor=self.request.user, lines=lines, **data)

    def perform_update(self, serializer):
        transfer = serializer.instance
        data = {
            "source_warehouse": transfer.source_warehouse,
            "note": transfer.note,
            "destination_warehouse": transfer.destination_warehouse,
            "wanted_by": transfer.wanted_by,
            **serializer.validated_data,
        }
        lines = data.pop("lines", None)
        lines = (
            transfer_lines_from(lines)
            if lines is not None
            else [(ln.product, ln.quantity, ln.reason) for ln in transfer.lines.all()]
        )
        serializer.instance = services.transfer_update(
            actor=self.request.user, transfer=transfer, lines=lines, **data
        )


class StockCheckViewSet(
    WorkflowActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Stock checks; recorders create them, the warehouse department approves."""

    serializer_class = StockCheckSerializer
    permission_classes = [HasAnyRole]
    filterset_class = StockCheckFilter
    filter_backends = [NumberSearch, *viewsets.GenericViewSet.filter_backends]

    def get_queryset(self):
        return selectors.stock_checks_for(self.request.user).prefetch_related("lines__product")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        lines = [(line["product"], line["counted"]) for line in data.pop("lines")]
        serializer.instance = services.stock_check_create(actor=self.request.user, lines=lines, **data)


class StockLevelViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Stock per product and warehouse. Quantities change only through movements; `PATCH` sets the
    safety stock (warehouse department)."""

    serializer_class = StockLevelSerializer
    permission_classes = [HasAnyRole]
    filterset_class = StockLevelFilter
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.stock_levels_for(self.request.user)

    def perform_update(self, serializer):
        level = serializer.instance
        serializer.instance = services.safety_stock_set(
            actor=self.request.user,
            product=level.product,
            warehouse=level.warehouse,
            safety_stock=serializer.validated_data.get("safety_stock", level.safety_stock),
        )


class StockMovementViewSet(viewsets.ReadOnlyModelViewSet):
    """The movement ledger (read-only)."""

    serializer_class = StockMovementSerializer
    permission_classes = [HasAnyRole]
    filterset_class = MovementFilter

    def get_queryset(self):
        return selectors.movements_for(self.request.user)


class DemandViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Market demand; POST records or corrects the figure for a region, product and month."""

    serializer_class = DemandSerializer
    permission_classes = [HasAnyRole]
    filterset_class = DemandFilter

    def get_queryset(self):
        return selectors.demands_for(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.demand_record(actor=self.request.user, **serializer.validated_data)
