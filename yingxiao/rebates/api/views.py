"""`/api/v1/rebate-policies/` (+ `{id}/simulate/`, `{id}/revise/`), `/rebate-runs/` (+ `{id}/results/`,
`{id}/lines/`, `{id}/recalculate/`), `/rebate-statements/`, each with the workflow actions."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yingxiao.core.api import HasAnyRole
from yingxiao.inventory.api.views import NumberSearch
from yingxiao.partners.models import Distributor
from yingxiao.workflow.api.views import WorkflowActionsMixin

from .. import selectors, services
from ..forms import LineFilter, PolicyFilter, ResultFilter, RunFilter, StatementFilter
from .serializers import (
    RebateLineSerializer,
    RebatePolicySerializer,
    RebateResultSerializer,
    RebateRunSerializer,
    SimulationSerializer,
    StatementSerializer,
    policy_values,
)


class RebatePolicyViewSet(
    WorkflowActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Rebate policies; the market department drafts and changes them until they are submitted."""

    serializer_class = RebatePolicySerializer
    permission_classes = [HasAnyRole]
    filterset_class = PolicyFilter
    filter_backends = [NumberSearch, *viewsets.GenericViewSet.filter_backends]

    def get_queryset(self):
        return selectors.policies_for(self.request.user).prefetch_related(
            "regions", "distributors", "categories", "tiers", "speed_bands"
        )

    def perform_create(self, serializer):
        serializer.instance = services.policy_create(
            actor=self.request.user, **policy_values(serializer.validated_data)
        )

    def perform_update(self, serializer):
        policy = serializer.instance
        serializer.instance = services.policy_update(
            actor=self.request.user, policy=policy, **policy_values(serializer.validated_data, policy)
        )

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="ledger year (default: last year)")],
        request=None,
        responses=SimulationSerializer,
    )
    @action(detail=True, methods=["get", "post"])
    def simulate(self, request, pk=None):
        """Run the policy over a year's ledger (`?year=` or `{"year"}`; last year by default): total cost,
        amount per distributor, rebate-to-sales ratio. Nothing is written."""
        from ..calculation import simulate

        policy = self.get_object()
        raw = request.data.get("year") if request.method == "POST" else None
        raw = raw or request.query_params.get("year") or timezone.localdate().year - 1
        try:
            year = int(raw)
        except (TypeError, ValueError):
            year = 0
        if not 2000 <= year <= 2100:
            raise exceptions.ValidationError({"year": [_("Give a year between 2000 and 2100.")]})
        result = simulate(policy, year)
        found = Distributor.objects.filter(pk__in=[r.distributor_id for r in result.rows])
        names = {pk: (code, name) for pk, code, name in found.values_list("pk", "code", "name")}
        body = {
            "year": year,
            "total_cost": result.total_cost,
            "total_sales": result.total_sales,
            "total_owed": result.total_owed,
            "ratio": result.ratio,
            "distributors": [
                {
                    "distributor": names.get(r.distributor_id, ("", ""))[0],
                    "distributor_name": names.get(r.distributor_id, ("", ""))[1],
                    "sales": r.sales,
                    "base": r.base,
                    "rate": r.rate,
                    "speed_factor": r.speed_factor,
                    "forfeited": r.forfeited,
                    "earned": r.earned,
                    "amount": r.amount,
                }
                for r in sorted(result.rows, key=lambda r: -r.earned)
            ],
        }
        return Response(SimulationSerializer(body).data)

    @extend_schema(request=None, responses=RebatePolicySerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """A new draft revision of an active policy (201)."""
        revision = services.policy_revise(actor=request.user, policy=self.get_object())
        data = self.get_serializer(self.get_queryset().get(pk=revision.pk)).data
        return Response(data, status=201)


class RebateRunViewSet(
    WorkflowActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Calculation runs; customer service starts one with `{"policy": id}` (computed in the background)."""

    serializer_class = RebateRunSerializer
    permission_classes = [HasAnyRole]
    filterset_class = RunFilter
    filter_backends = [NumberSearch, *viewsets.GenericViewSet.filter_backends]

    def get_queryset(self):
        return selectors.runs_for(self.request.user)

    def get_serializer_class(self):
        if self.action == "results":
            return RebateResultSerializer
        if self.action == "lines":
            return RebateLineSerializer
        return super().get_serializer_class()

    def perform_create(self, serializer):
        policy = selectors.policy_get(user=self.request.user, pk=serializer.validated_data["policy"].pk)
        serializer.instance = services.run_start(actor=self.request.user, policy=policy)

    def _rows(self, request, queryset, filterset_class):
        filterset = filterset_class(request.query_params, queryset=queryset, request=request)
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        page = self.paginate_queryset(filterset.qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("region", str), OpenApiParameter("distributor", str)],
        responses=RebateResultSerializer(many=True),
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def results(self, request, pk=None):
        """Per-distributor results, paginated; `?region=` and `?distributor=` (codes)."""
        run = self.get_object()
        return self._rows(request, selectors.run_results_for(request.user, run), ResultFilter)

    @extend_schema(
        parameters=[OpenApiParameter("distributor", str)], responses=RebateLineSerializer(many=True)
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def lines(self, request, pk=None):
        """Per-purchase lines, paginated; `?distributor=` (code)."""
        run = self.get_object()
        return self._rows(request, selectors.run_lines_for(request.user, run), LineFilter)

    @extend_schema(request=None, responses=RebateRunSerializer)
    @action(detail=True, methods=["post"])
    def recalculate(self, request, pk=None):
        """A new run for a run that was sent back (201); the old one stays readable."""
        new = services.run_recalculate(actor=request.user, run=self.get_object())
        return Response(RebateRunSerializer(new, context=self.get_serializer_context()).data, status=201)


class StatementViewSet(
    WorkflowActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Statements; a distributor's portal user sees only its own. Steps: confirm, dispute (`reason`,
    `claimed_amount`), reissue (`amount`, comment), pay (`method`, `reference`, `paid_on`; send an
    `Idempotency-Key` header so a retry never pays twice)."""

    serializer_class = StatementSerializer
    permission_classes = [HasAnyRole]
    filterset_class = StatementFilter
    filter_backends = [NumberSearch, *viewsets.GenericViewSet.filter_backends]

    def get_queryset(self):
        return selectors.statements_for(self.request.user)
