"""API representations of stock, demand, stock checks and transfer requests (codes for references)."""

from rest_framework import serializers

from yingxiao.catalog.models import Product
from yingxiao.org.models import Region, Warehouse
from yingxiao.workflow.api.serializers import DocumentSerializer

from ..models import (
    Demand,
    StockCheck,
    StockCheckLine,
    StockLevel,
    StockMovement,
    TransferLine,
    TransferRequest,
)
from ..selectors import transfer_warehouses


def product_field(**kwargs):
    """A product referred to by its code."""
    return serializers.SlugRelatedField(
        slug_field="code", queryset=Product.objects.filter(active=True), **kwargs
    )


def warehouse_field(**kwargs):
    """A warehouse referred to by its code."""
    return serializers.SlugRelatedField(
        slug_field="code", queryset=Warehouse.objects.filter(active=True), **kwargs
    )


def transfer_warehouse_field(**kwargs):
    """A warehouse stock may be transferred from or to (not a quarantine one), referred to by its code."""
    return serializers.SlugRelatedField(slug_field="code", queryset=transfer_warehouses(), **kwargs)


class TransferLineSerializer(serializers.ModelSerializer):
    """A product line; `approved_quantity` is set by approvers (cuts) only."""

    product = product_field()
    product_name = serializers.CharField(source="product.name", read_only=True)
    quantity = serializers.IntegerField(min_value=1)
    effective_quantity = serializers.IntegerField(read_only=True)

    class Meta:
        model = TransferLine
        fields = [
            "id",
            "product",
            "product_name",
            "quantity",
            "approved_quantity",
            "effective_quantity",
            "reason",
        ]
        read_only_fields = ["approved_quantity"]


class TransferRequestSerializer(DocumentSerializer):
    """调货申请单 with its lines; create and update (drafts) go through the services."""

    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    source_warehouse = transfer_warehouse_field()
    destination_warehouse = transfer_warehouse_field()
    lines = TransferLineSerializer(many=True)

    class Meta:
        model = TransferRequest
        fields = [
            *DocumentSerializer.document_fields,
            "region",
            "source_warehouse",
            "destination_warehouse",
            "wanted_by",
            "note",
            "order_number",
            "shipped_at",
            "received_at",
            "lines",
        ]
        read_only_fields = ["order_number", "shipped_at", "received_at"]

    def validate_lines(self, value):
        if not value:
            raise serializers.ValidationError("Add at least one product.")
        return value


def transfer_lines_from(validated: dict) -> list[tuple]:
    """(product, quantity, reason) tuples from validated line data."""
    return [(line["product"], line["quantity"], line.get("reason", "")) for line in validated]


class StockLevelSerializer(serializers.ModelSerializer):
    """Stock of a product in a warehouse."""

    product = serializers.SlugRelatedField(slug_field="code", read_only=True)
    warehouse = serializers.SlugRelatedField(slug_field="code", read_only=True)
    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = StockLevel
        fields = [
            "id",
            "product",
            "warehouse",
            "on_hand",
            "reserved",
            "available",
            "in_transit",
            "safety_stock",
        ]
        read_only_fields = ["on_hand", "reserved", "in_transit"]


class StockMovementSerializer(serializers.ModelSerializer):
    """A ledger line."""

    product = serializers.SlugRelatedField(slug_field="code", read_only=True)
    warehouse = serializers.SlugRelatedField(slug_field="code", read_only=True)
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "product",
            "warehouse",
            "kind",
            "on_hand_delta",
            "reserved_delta",
            "in_transit_delta",
            "reference",
            "note",
            "actor",
            "at",
        ]


class DemandSerializer(serializers.ModelSerializer):
    """Expected demand of a product in a region for a month (`period` is the month's first day)."""

    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.filter(parent__isnull=True)
    )
    product = product_field()
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Demand
        fields = ["id", "region", "product", "period", "quantity", "note", "created_by", "updated_at"]


class StockCheckLineSerializer(serializers.ModelSerializer):
    """A counted product; the book quantity is captured at submission."""

    product = product_field()
    counted = serializers.IntegerField(min_value=0)
    difference = serializers.IntegerField(read_only=True)

    class Meta:
        model = StockCheckLine
        fields = ["product", "counted", "system_quantity", "difference"]
        read_only_fields = ["system_quantity"]


class StockCheckSerializer(DocumentSerializer):
    """库存清查 with its lines."""

    warehouse = warehouse_field()
    lines = StockCheckLineSerializer(many=True)

    class Meta:
        model = StockCheck
        fields = [*DocumentSerializer.document_fields, "warehouse", "counted_on", "note", "lines"]
