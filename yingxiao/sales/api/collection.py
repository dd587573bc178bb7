"""`GET /api/v1/receivables/aging/` and `/api/v1/collection-tasks/` (催收): list and read through the
scoped selectors; `POST …/{id}/notes/` logs a contact and `POST …/{id}/promise/` records a promise to pay,
both through the collection services (403 not allowed, 404 not visible, 400 invalid)."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from yingxiao.accounts.selectors import scope_of
from yingxiao.core.api import HasAnyRole, SearchQueryFilter
from yingxiao.org.models import Region
from yingxiao.org.selectors import regions_for

from .. import services
from ..forms_collection import CollectionTaskFilter
from ..models import CollectionNote, CollectionTask
from ..receivables import (
    BUCKETS,
    GROUP_BY_CHOICES,
    aging,
    aging_sum,
    collection_tasks_ordered,
    days_overdue,
    search_tasks,
)


class CollectionStaff(HasAnyRole):
    """Company and regional staff (receivables are internal: not for distributors' portal logins)."""

    message = _("Receivables and collection are for company and regional staff.")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        scope = scope_of(request.user)
        return scope.is_company_wide or bool(scope.region_ids)


#: The house error body (core/api.py's exception handler), for the schema.
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Per field, what is wrong (validation errors only)",
        },
    },
    "required": ["code", "detail"],
}


def money_field(**kwargs):
    """An amount (CNY, two places) as a string; room for sums over many invoices."""
    return serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True, **kwargs)


# --- aging --------------------------------------------------------------------------------------------


class AgingQuerySerializer(serializers.Serializer):
    """The query of the aging report."""

    group_by = serializers.ChoiceField(
        choices=GROUP_BY_CHOICES,
        default="region",
        error_messages={"invalid_choice": _("Group by region, salesperson or distributor.")},
    )
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.none(), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(user)


class AgingAmountsSerializer(serializers.Serializer):
    """Open amounts per bucket of days overdue."""

    invoices = serializers.IntegerField(read_only=True)
    not_due = money_field()
    days_1_30 = money_field()
    days_31_60 = money_field()
    days_61_90 = money_field()
    over_90 = money_field()
    overdue = money_field(help_text="Everything past its due date (the four overdue buckets).")
    total = money_field()


class AgingRowSerializer(AgingAmountsSerializer):
    """One group: a region, a salesperson or a distributor (`key` null: direct customers)."""

    key = serializers.IntegerField(read_only=True, allow_null=True)
    code = serializers.CharField(read_only=True, help_text="Region or distributor code, or username.")
    name = serializers.CharField(read_only=True)


class BucketSerializer(serializers.Serializer):
    """A bucket: its key in the rows and its label in the user's language."""

    key = serializers.CharField()
    label = serializers.CharField()
    overdue = serializers.BooleanField()


class AgingSerializer(serializers.Serializer):
    """The aging report."""

    group_by = serializers.CharField()
    region = serializers.CharField(allow_null=True)
    as_of = serializers.DateField()
    buckets = BucketSerializer(many=True)
    rows = AgingRowSerializer(many=True)
    totals = AgingAmountsSerializer()


class AgingView(APIView):
    """`GET /api/v1/receivables/aging/?group_by=region|salesperson|distributor[&region=<code>]`: open
    receivables per bucket of days overdue (not due, 1–30, 31–60, 61–90, over 90), over the invoices the
    caller may see (reps: their region)."""

    permission_classes = [CollectionStaff]

    @extend_schema(
        operation_id="receivables_aging",
        parameters=[
            OpenApiParameter("group_by", str, enum=list(GROUP_BY_CHOICES), default="region"),
            OpenApiParameter("region", str, description="Only this region (code); a 大区 keeps its 片区."),
        ],
        responses={
            200: AgingSerializer,
            400: OpenApiResponse(ERROR_SCHEMA, description="Unknown group_by or region"),
            403: OpenApiResponse(ERROR_SCHEMA, description="No role, or a portal login"),
        },
    )
    def get(self, request):
        query = AgingQuerySerializer(data=request.query_params, user=request.user)
        query.is_valid(raise_exception=True)
        group_by = query.validated_data["group_by"]
        region = query.validated_data.get("region")
        today = timezone.localdate()
        rows = aging(user=request.user, group_by=group_by, today=today, region=region)
        body = {
            "group_by": group_by,
            "region": region.code if region else None,
            "as_of": today,
            "buckets": [{"key": b.key, "label": str(b.label), "overdue": b.overdue} for b in BUCKETS],
            "rows": rows,
            "totals": aging_sum(rows),
        }
        return Response(AgingSerializer(body).data)


# --- collection tasks ---------------------------------------------------------------------------------


class CollectionNoteSerializer(serializers.ModelSerializer):
    """One contact with the buyer."""

    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    author_name = serializers.CharField(source="author.display_name", read_only=True)

    class Meta:
        model = CollectionNote
        fields = ["id", "author", "author_name", "text", "at"]
        read_only_fields = fields


class CollectionTaskSerializer(serializers.ModelSerializer):
    """A collection task with its invoice's figures. Everything is read-only: it changes through the
    `notes` and `promise` actions, the daily refresh and payments."""

    invoice = serializers.CharField(source="invoice.number", read_only=True)
    invoice_id = serializers.IntegerField(read_only=True)
    buyer = serializers.CharField(source="invoice.buyer.name", read_only=True)
    distributor = serializers.SlugRelatedField(
        source="invoice.distributor", slug_field="code", read_only=True, allow_null=True
    )
    customer = serializers.SlugRelatedField(
        source="invoice.customer", slug_field="code", read_only=True, allow_null=True
    )
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    amount = money_field(source="invoice.amount")
    paid_amount = money_field(source="invoice.paid_amount")
    open_amount = money_field(source="invoice.open_amount")
    due_date = serializers.DateField(source="invoice.due_date", read_only=True)
    days_overdue = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)
    assignee_name = serializers.CharField(source="assignee.display_name", read_only=True)
    escalated_to = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    promised_amount = money_field(allow_null=True)

    class Meta:
        model = CollectionTask
        fields = [
            "id",
            "invoice",
            "invoice_id",
            "buyer",
            "distributor",
            "customer",
            "region",
            "region_name",
            "amount",
            "paid_amount",
            "open_amount",
            "due_date",
            "days_overdue",
            "status",
            "status_display",
            "assignee",
            "assignee_name",
            "promised_on",
            "promised_amount",
            "escalated_to",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_days_overdue(self, task) -> int:
        return days_overdue(task.invoice.due_date)


class CollectionTaskDetailSerializer(CollectionTaskSerializer):
    """A collection task with its contact log, oldest first."""

    notes = CollectionNoteSerializer(many=True, read_only=True)

    class Meta(CollectionTaskSerializer.Meta):
        fields = [*CollectionTaskSerializer.Meta.fields, "notes"]
        read_only_fields = fields


class NoteInputSerializer(serializers.Serializer):
    """What was said, by whom, how."""

    text = serializers.CharField(allow_blank=True, max_length=2000, trim_whitespace=True)


class PromiseInputSerializer(serializers.Serializer):
    """The buyer's promise: an amount (more than 0, at most what is open) by a date (today or later)."""

    promised_on = serializers.DateField()
    promised_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class TaskSearch(SearchQueryFilter):
    """`?q=` finds tasks by invoice number or by the buyer's name or pinyin."""

    def filter_queryset(self, request, queryset, view):
        return search_tasks(queryset, request.query_params.get("q"))

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "q",
                "required": False,
                "in": "query",
                "description": "Invoice number, or the buyer's name or pinyin (e.g. shhx for 上海恒信)",
                "schema": {"type": "string"},
            }
        ]


_ERRORS = {
    400: OpenApiResponse(ERROR_SCHEMA, description="Invalid (with `fields`)"),
    403: OpenApiResponse(ERROR_SCHEMA, description="Not the assignee, the region's manager or finance"),
    404: OpenApiResponse(ERROR_SCHEMA, description="Not visible to the caller"),
}


@extend_schema_view(
    list=extend_schema(summary="Collection tasks the caller may see (reps: their region's)"),
    retrieve=extend_schema(summary="A collection task with its contact log"),
)
class CollectionTaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """催收任务: opened daily for overdue invoices, assigned to the distributor's rep, escalated to the
    regional manager when a promise is broken, closed when the invoice is paid. Filter by `status`,
    `region` (code), `mine`; `?q=` searches invoice numbers and buyers."""

    permission_classes = [CollectionStaff]
    filterset_class = CollectionTaskFilter
    filter_backends = [TaskSearch, *viewsets.GenericViewSet.filter_backends]
    queryset = CollectionTask.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        queryset = collection_tasks_ordered(self.request.user)
        if self.action != "list":
            notes = CollectionNote.objects.select_related("author")
            queryset = queryset.prefetch_related(Prefetch("notes", queryset=notes))
        return queryset

    def get_serializer_class(self):
        return CollectionTaskSerializer if self.action == "list" else CollectionTaskDetailSerializer

    @extend_schema(
        methods=["GET"],
        summary="The contact log of a task",
        responses={200: CollectionNoteSerializer(many=True), 404: _ERRORS[404]},
    )
    @extend_schema(
        methods=["POST"],
        summary="Log a contact with the buyer",
        request=NoteInputSerializer,
        responses={201: CollectionNoteSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["get", "post"])
    def notes(self, request, pk=None):
        """`GET`: the contact log, oldest first; `POST {"text"}`: log a contact (201 and the note)."""
        task = self.get_object()
        if request.method == "GET":
            return Response(CollectionNoteSerializer(task.notes.all(), many=True).data)
        body = NoteInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = services.collection_note_add(actor=request.user, task=task, text=body.validated_data["text"])
        return Response(CollectionNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record the buyer's promise to pay",
        request=PromiseInputSerializer,
        responses={200: CollectionTaskDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def promise(self, request, pk=None):
        """`POST {"promised_on", "promised_amount", "note"}` → 200 and the task (status `promised`)."""
        task = self.get_object()
        body = PromiseInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.collection_promise(actor=request.user, task=task, **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)
