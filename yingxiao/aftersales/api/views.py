"""`/api/v1/exchanges/`, `/api/v1/returns/`, `/api/v1/service-tickets/` with their step actions
(`POST …/{id}/actions/{action}/`, honouring `Idempotency-Key`) and events."""

from rest_framework import mixins, viewsets

from yingxiao.core.api import HasAnyRole
from yingxiao.inventory.api.views import NumberSearch
from yingxiao.workflow.api.views import WorkflowActionsMixin

from .. import selectors, services
from ..forms import ExchangeFilter, ReturnFilter, TicketFilter
from .serializers import (
    ExchangeCaseSerializer,
    ReturnCaseSerializer,
    ServiceTicketSerializer,
    case_lines_from,
)


class _CaseViewSet(
    WorkflowActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [HasAnyRole]
    filter_backends = [NumberSearch, *viewsets.GenericViewSet.filter_backends]
    create_service = staticmethod(services.exchange_create)
    update_service = staticmethod(services.exchange_update)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = type(self).create_service(
            actor=self.request.user, problem=data.get("problem", ""), lines=case_lines_from(data["lines"])
        )

    def perform_update(self, serializer):
        case = serializer.instance
        data = serializer.validated_data
        lines = (
            case_lines_from(data["lines"])
            if "lines" in data
            else [(line.sales_line, line.quantity, line.batch) for line in case.lines.all()]
        )
        serializer.instance = type(self).update_service(
            actor=self.request.user, case=case, problem=data.get("problem", case.problem), lines=lines
        )


class ExchangeViewSet(_CaseViewSet):
    """Exchange cases the caller may see; the region's rep or manager files drafts on ledger rows."""

    serializer_class = ExchangeCaseSerializer
    filterset_class = ExchangeFilter
    create_service = staticmethod(services.exchange_create)
    update_service = staticmethod(services.exchange_update)

    def get_queryset(self):
        return selectors.exchanges_for(self.request.user).prefetch_related(
            "lines__product", "lines__sales_line"
        )


class ReturnViewSet(_CaseViewSet):
    """Return cases the caller may see; finance refunds with `POST …/actions/refund/` and
    `{"amount", "method", "reference"}` (send an `Idempotency-Key` so a retry pays once)."""

    serializer_class = ReturnCaseSerializer
    filterset_class = ReturnFilter
    create_service = staticmethod(services.return_create)
    update_service = staticmethod(services.return_update)

    def get_queryset(self):
        return selectors.returns_for(self.request.user).prefetch_related(
            "lines__product", "lines__sales_line", "refunds__paid_by"
        )


class ServiceTicketViewSet(
    WorkflowActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Service tickets; regional staff, customer service and distributors open them."""

    serializer_class = ServiceTicketSerializer
    permission_classes = [HasAnyRole]
    filterset_class = TicketFilter
    filter_backends = [NumberSearch, *viewsets.GenericViewSet.filter_backends]

    def get_queryset(self):
        return selectors.tickets_for(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.ticket_create(actor=self.request.user, **serializer.validated_data)
