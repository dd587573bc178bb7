"""API representations of rebate policies, runs (with results and lines) and statements (codes for
references; rates and factors as fractions, e.g. "0.0350" for 3.5 %)."""

from decimal import Decimal

from rest_framework import serializers

from yingxiao.catalog.models import ProductCategory
from yingxiao.org.models import Region
from yingxiao.partners.models import Distributor
from yingxiao.workflow.api.serializers import DocumentSerializer

from ..models import (
    PaymentSpeedBand,
    RebateLine,
    RebatePayout,
    RebatePolicy,
    RebateResult,
    RebateRun,
    RebateTier,
    Statement,
)
from ..selectors import policy_overlaps


class TierSerializer(serializers.ModelSerializer):
    """A tier: from `threshold` of the base (inclusive) the `rate` (a fraction, 0 … 1) applies."""

    threshold = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=Decimal(0))
    rate = serializers.DecimalField(
        max_digits=6, decimal_places=4, min_value=Decimal(0), max_value=Decimal(1)
    )

    class Meta:
        model = RebateTier
        fields = ["threshold", "rate"]


class SpeedBandSerializer(serializers.ModelSerializer):
    """A payment-speed band: paid within `max_days` (null: any slower payer) keeps `factor` (0 … 1)."""

    max_days = serializers.IntegerField(min_value=0, max_value=3650, allow_null=True, required=False)
    factor = serializers.DecimalField(
        max_digits=6, decimal_places=4, min_value=Decimal(0), max_value=Decimal(1)
    )

    class Meta:
        model = PaymentSpeedBand
        fields = ["max_days", "factor"]


class RebatePolicySerializer(DocumentSerializer):
    """返利政策; written as a draft by the market department, then only through its steps."""

    revision = serializers.IntegerField(read_only=True)
    previous = serializers.CharField(source="previous.number", read_only=True, default=None)
    regions = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), many=True, required=False
    )
    grades = serializers.ListField(
        child=serializers.CharField(max_length=1), required=False, help_text="Distributor grades: A, B or C."
    )
    distributors = serializers.SlugRelatedField(
        slug_field="code", queryset=Distributor.objects.all(), many=True, required=False
    )
    categories = serializers.SlugRelatedField(
        slug_field="code", queryset=ProductCategory.objects.all(), many=True, required=False
    )
    tiers = TierSerializer(many=True)
    speed_bands = SpeedBandSerializer(many=True, required=False)
    overlaps = serializers.SerializerMethodField(
        help_text="While a draft or under review: the other active or under-review policies of the year "
        "covering some of the same distributors (rebates add up), with how many distributors both cover."
    )

    class Meta:
        model = RebatePolicy
        fields = [
            *DocumentSerializer.document_fields,
            "year",
            "name",
            "revision",
            "previous",
            "scope",
            "regions",
            "grades",
            "distributors",
            "basis",
            "categories",
            "tier_mode",
            "payment_speed_factor",
            "forfeit_cross_region",
            "note",
            "tiers",
            "speed_bands",
            "overlaps",
        ]

    def get_overlaps(self, policy: RebatePolicy) -> list[dict]:
        return [
            {
                "number": o["policy"].number,
                "name": o["policy"].name,
                "status": o["policy"].status,
                "scope": o["policy"].scope,
                "distributors": o["distributors"],
            }
            for o in policy_overlaps(policy)
        ]


def policy_values(data: dict, policy: RebatePolicy | None = None) -> dict:
    """Service keyword arguments from validated data (a partial update keeps the policy's other values)."""
    values = {
        "year": data.get("year", policy.year if policy else None),
        "name": data.get("name", policy.name if policy else ""),
        "scope": data.get("scope", policy.scope if policy else "all"),
        "regions": data.get("regions", list(policy.regions.all()) if policy else []),
        "grades": data.get("grades", list(policy.grades) if policy else []),
        "distributors": data.get("distributors", list(policy.distributors.all()) if policy else []),
        "basis": data.get("basis", policy.basis if policy else "amount"),
        "categories": data.get("categories", list(policy.categories.all()) if policy else []),
        "tier_mode": data.get("tier_mode", policy.tier_mode if policy else "retroactive"),
        "payment_speed_factor": data.get(
            "payment_speed_factor", policy.payment_speed_factor if policy else False
        ),
        "forfeit_cross_region": data.get(
            "forfeit_cross_region", policy.forfeit_cross_region if policy else False
        ),
        "note": data.get("note", policy.note if policy else ""),
    }
    if "tiers" in data:
        values["tiers"] = [(t["threshold"], t["rate"]) for t in data["tiers"]]
    else:
        values["tiers"] = [(t.threshold, t.rate) for t in policy.tiers.all()] if policy else []
    if "speed_bands" in data:
        values["speed_bands"] = [(b.get("max_days"), b["factor"]) for b in data["speed_bands"]]
    else:
        values["speed_bands"] = [(b.max_days, b.factor) for b in policy.speed_bands.all()] if policy else []
    return values


class SimulationRowSerializer(serializers.Serializer):
    """One distributor in a simulation."""

    distributor = serializers.CharField()
    distributor_name = serializers.CharField()
    sales = serializers.DecimalField(max_digits=16, decimal_places=2)
    base = serializers.DecimalField(max_digits=16, decimal_places=2)
    rate = serializers.DecimalField(max_digits=6, decimal_places=4)
    speed_factor = serializers.DecimalField(max_digits=6, decimal_places=4)
    forfeited = serializers.BooleanField()
    earned = serializers.DecimalField(max_digits=14, decimal_places=2)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class SimulationSerializer(serializers.Serializer):
    """The policy run over a year's ledger (模拟测算), nothing written."""

    year = serializers.IntegerField()
    total_cost = serializers.DecimalField(max_digits=16, decimal_places=2)
    total_sales = serializers.DecimalField(max_digits=16, decimal_places=2)
    total_owed = serializers.DecimalField(max_digits=16, decimal_places=2)
    ratio = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    distributors = SimulationRowSerializer(many=True)


class RebateRunSerializer(DocumentSerializer):
    """返利计算; POST `{"policy": id}` starts one (customer service)."""

    policy = serializers.PrimaryKeyRelatedField(queryset=RebatePolicy.objects.all())
    policy_number = serializers.CharField(source="policy.number", read_only=True)
    previous = serializers.CharField(source="previous.number", read_only=True, default=None)

    class Meta:
        model = RebateRun
        fields = [
            *DocumentSerializer.document_fields,
            "policy",
            "policy_number",
            "year",
            "previous",
            "calc_status",
            "progress",
            "error",
            "computed_at",
            "line_count",
            "distributor_count",
            "total_base",
            "total_sales",
            "total_earned",
            "total_amount",
            "disputed",
        ]
        read_only_fields = [
            "year",
            "calc_status",
            "progress",
            "error",
            "computed_at",
            "line_count",
            "distributor_count",
            "total_base",
            "total_sales",
            "total_earned",
            "total_amount",
            "disputed",
        ]


class RebateResultSerializer(serializers.ModelSerializer):
    """A distributor's outcome in a run."""

    distributor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    distributor_name = serializers.CharField(source="distributor.name", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = RebateResult
        fields = [
            "id",
            "distributor",
            "distributor_name",
            "region",
            "line_count",
            "sales",
            "gross_base",
            "returns_base",
            "base",
            "tier_threshold",
            "rate",
            "rebate",
            "avg_days_to_pay",
            "speed_factor",
            "forfeited",
            "earned",
            "advanced",
            "amount",
        ]


class RebateLineSerializer(serializers.ModelSerializer):
    """One purchase (or return) line of the run's year with its base and rebate share."""

    distributor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    date = serializers.DateField(source="sales_line.date", read_only=True)
    product = serializers.CharField(source="sales_line.product.code", read_only=True)
    quantity = serializers.IntegerField(source="sales_line.quantity", read_only=True)
    amount = serializers.DecimalField(
        source="sales_line.amount", max_digits=14, decimal_places=2, read_only=True
    )
    source = serializers.CharField(source="sales_line.source", read_only=True)

    class Meta:
        model = RebateLine
        fields = [
            "id",
            "sales_line",
            "distributor",
            "date",
            "product",
            "quantity",
            "amount",
            "source",
            "base",
            "rebate",
        ]


class PayoutSerializer(serializers.ModelSerializer):
    """The statement's payout."""

    paid_by = serializers.CharField(source="paid_by.username", read_only=True)

    class Meta:
        model = RebatePayout
        fields = ["amount", "method", "reference", "paid_on", "paid_by", "created_at"]


class StatementSerializer(DocumentSerializer):
    """对账单 (read-only; it moves by its steps: confirm, dispute, reissue, pay)."""

    run = serializers.CharField(source="run.number", read_only=True)
    distributor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    distributor_name = serializers.CharField(source="distributor.name", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    result = RebateResultSerializer(read_only=True)
    payout = serializers.SerializerMethodField()

    class Meta:
        model = Statement
        fields = [
            *DocumentSerializer.document_fields,
            "run",
            "distributor",
            "distributor_name",
            "region",
            "year",
            "amount",
            "disputed_amount",
            "dispute_reason",
            "result",
            "payout",
        ]

    def get_payout(self, obj) -> dict | None:
        payout = getattr(obj, "payout", None)
        return PayoutSerializer(payout).data if payout else None
