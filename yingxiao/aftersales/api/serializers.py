"""API representations of exchange and return cases (lines name sales-ledger rows by id), refunds and
service tickets."""

from rest_framework import serializers

from yingxiao.catalog.models import Product
from yingxiao.partners.models import Customer, Distributor
from yingxiao.sales.models import SalesLine
from yingxiao.workflow.api.serializers import DocumentSerializer

from ..models import ExchangeCase, ExchangeLine, Refund, ReturnCase, ReturnLine, ServiceTicket


class CaseLineSerializer(serializers.ModelSerializer):
    """A ledger line on a case: `sales_line` is the ledger row's id; product and dates are the server's."""

    sales_line = serializers.PrimaryKeyRelatedField(queryset=SalesLine.objects.all())
    product = serializers.SlugRelatedField(slug_field="code", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    delivered_on = serializers.DateField(source="sales_line.date", read_only=True)
    quantity = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    batch = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")

    class Meta:
        model = ExchangeLine
        fields = [
            "id",
            "sales_line",
            "product",
            "product_name",
            "delivered_on",
            "batch",
            "quantity",
            "received_quantity",
        ]
        read_only_fields = ["received_quantity"]


class ReturnLineSerializer(CaseLineSerializer):
    class Meta(CaseLineSerializer.Meta):
        model = ReturnLine


CASE_FIELDS = [
    *DocumentSerializer.document_fields,
    "region",
    "salesperson",
    "distributor",
    "customer",
    "problem",
    "delivered_on",
    "late",
    "quarantine_warehouse",
    "is_quality_problem",
    "cause",
    "finding_batch",
    "finding_note",
    "finding_by",
    "finding_at",
    "received_at",
    "received_condition",
    "customer_informed_via",
    "customer_informed_at",
]


class CaseSerializer(DocumentSerializer):
    """What exchanges and returns share; buyer, region and dates come from the ledger lines."""

    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    salesperson = serializers.CharField(source="salesperson.username", read_only=True)
    distributor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    customer = serializers.SlugRelatedField(slug_field="code", read_only=True)
    quarantine_warehouse = serializers.SlugRelatedField(slug_field="code", read_only=True)
    finding_by = serializers.CharField(source="finding_by.username", read_only=True, default=None)

    def validate_lines(self, value):
        if not value:
            raise serializers.ValidationError("Add at least one sales line.")
        return value


class ExchangeCaseSerializer(CaseSerializer):
    """换货 case."""

    lines = CaseLineSerializer(many=True)
    ship_warehouse = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ExchangeCase
        fields = [
            *CASE_FIELDS,
            "ship_warehouse",
            "shipped_at",
            "accepted_at",
            "satisfaction",
            "usage_notes",
            "lines",
        ]


class RefundSerializer(serializers.ModelSerializer):
    """A refund paid by finance (made by the return's `refund` step)."""

    paid_by = serializers.CharField(source="paid_by.username", read_only=True)

    class Meta:
        model = Refund
        fields = ["number", "amount", "method", "reference", "paid_by", "paid_at"]


class ReturnCaseSerializer(CaseSerializer):
    """退货 case with its refunds and what may still be refunded."""

    lines = ReturnLineSerializer(many=True)
    refunds = RefundSerializer(many=True, read_only=True)
    refunded = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    refundable = serializers.SerializerMethodField()

    class Meta:
        model = ReturnCase
        fields = [*CASE_FIELDS, "completed_at", "refunded", "refundable", "refunds", "lines"]

    def get_refundable(self, obj) -> str:
        from ..services import refundable

        return str(refundable(obj))


def case_lines_from(validated: list[dict]) -> list[tuple]:
    """(ledger line, quantity, batch) tuples for the services."""
    return [(line["sales_line"], line["quantity"], line.get("batch", "")) for line in validated]


class ServiceTicketSerializer(DocumentSerializer):
    """售后服务 ticket; the region and deadline are the server's."""

    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    distributor = serializers.SlugRelatedField(
        slug_field="code", queryset=Distributor.objects.all(), required=False, allow_null=True
    )
    customer = serializers.SlugRelatedField(
        slug_field="code", queryset=Customer.objects.all(), required=False, allow_null=True
    )
    product = serializers.SlugRelatedField(
        slug_field="code", queryset=Product.objects.filter(active=True), required=False, allow_null=True
    )
    working_days = serializers.IntegerField(min_value=1, max_value=60, required=False)
    is_overdue = serializers.BooleanField(read_only=True)
    resolved_by = serializers.CharField(source="resolved_by.username", read_only=True, default=None)

    class Meta:
        model = ServiceTicket
        fields = [
            *DocumentSerializer.document_fields,
            "region",
            "distributor",
            "customer",
            "product",
            "kind",
            "contact",
            "description",
            "working_days",
            "deadline",
            "is_overdue",
            "resolved_at",
            "resolved_by",
        ]
        read_only_fields = ["deadline", "resolved_at"]
