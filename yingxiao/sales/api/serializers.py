"""API representations of orders, deliveries, invoices, payments and the ledger (codes for references)."""

from rest_framework import serializers

from yingxiao.catalog.models import Product
from yingxiao.org.selectors import sellable_warehouses
from yingxiao.partners.models import Customer, Distributor
from yingxiao.workflow.api.serializers import DocumentSerializer

from ..models import Delivery, Invoice, Payment, SalesLine, SalesOrder, SalesOrderLine


class OrderLineSerializer(serializers.ModelSerializer):
    """A product line; `amount` is computed by the server."""

    product = serializers.SlugRelatedField(slug_field="code", queryset=Product.objects.all())
    product_name = serializers.CharField(source="product.name", read_only=True)
    quantity = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    discount = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, default=0)

    class Meta:
        model = SalesOrderLine
        fields = ["id", "product", "product_name", "quantity", "unit_price", "discount", "amount"]
        read_only_fields = ["amount"]


class SalesOrderSerializer(DocumentSerializer):
    """销售订单; `region`, `salesperson` and `total` are the server's."""

    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    salesperson = serializers.CharField(source="salesperson.username", read_only=True)
    distributor = serializers.SlugRelatedField(
        slug_field="code", queryset=Distributor.objects.all(), required=False, allow_null=True
    )
    customer = serializers.SlugRelatedField(
        slug_field="code", queryset=Customer.objects.all(), required=False, allow_null=True
    )
    warehouse = serializers.SlugRelatedField(
        slug_field="code", queryset=sellable_warehouses(), required=False, allow_null=True
    )
    lines = OrderLineSerializer(many=True)

    class Meta:
        model = SalesOrder
        fields = [
            *DocumentSerializer.document_fields,
            "region",
            "salesperson",
            "distributor",
            "customer",
            "order_date",
            "payment_terms_days",
            "warehouse",
            "note",
            "total",
            "lines",
        ]
        read_only_fields = ["total"]


def order_lines_from(validated: list[dict]) -> list[tuple]:
    """(product, quantity, unit price, discount) tuples from validated line data."""
    return [
        (line["product"], line["quantity"], line["unit_price"], line.get("discount", 0)) for line in validated
    ]


class DeliverySerializer(serializers.ModelSerializer):
    """发货单."""

    order = serializers.CharField(source="order.number", read_only=True)
    warehouse = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Delivery
        fields = ["id", "number", "order", "warehouse", "delivered_on", "created_at"]


class InvoiceSerializer(serializers.ModelSerializer):
    """发票 with its open amount."""

    order = serializers.CharField(source="order.number", read_only=True, default=None)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    distributor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    customer = serializers.SlugRelatedField(slug_field="code", read_only=True)
    salesperson = serializers.CharField(source="salesperson.username", read_only=True)
    open_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "order",
            "region",
            "distributor",
            "customer",
            "salesperson",
            "issued_on",
            "due_date",
            "amount",
            "paid_amount",
            "open_amount",
            "status",
        ]


class PaymentSerializer(serializers.ModelSerializer):
    """回款; on POST it is allocated to the buyer's oldest open invoices (or `invoices`, by number)."""

    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    distributor = serializers.SlugRelatedField(
        slug_field="code", queryset=Distributor.objects.all(), required=False, allow_null=True
    )
    customer = serializers.SlugRelatedField(
        slug_field="code", queryset=Customer.objects.all(), required=False, allow_null=True
    )
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    invoices = serializers.SlugRelatedField(
        slug_field="number", queryset=Invoice.objects.all(), many=True, required=False, write_only=True
    )
    allocations = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = [
            "id",
            "number",
            "region",
            "distributor",
            "customer",
            "received_on",
            "amount",
            "method",
            "reference",
            "invoices",
            "allocations",
        ]
        read_only_fields = ["number"]

    def get_allocations(self, obj) -> list[dict]:
        return [{"invoice": a.invoice.number, "amount": str(a.amount)} for a in obj.allocations.all()]


class SalesLineSerializer(serializers.ModelSerializer):
    """A ledger row (read-only)."""

    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    salesperson = serializers.CharField(source="salesperson.username", read_only=True)
    distributor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    customer = serializers.SlugRelatedField(slug_field="code", read_only=True)
    product = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = SalesLine
        fields = [
            "id",
            "date",
            "region",
            "salesperson",
            "distributor",
            "customer",
            "product",
            "category",
            "quantity",
            "amount",
            "source",
            "reference",
        ]
