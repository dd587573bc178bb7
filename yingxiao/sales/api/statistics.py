"""`GET /api/v1/reports/sales-statistics/?year=2025`: the annual sales statistics (年终销售统计) over the
ledger rows the caller may see (regional staff: their regions), with the previous year alongside.

Amounts and percentages are decimal strings ("1234.50", "12.34"); a growth is null when the previous year
had nothing to compare with. 400 `{"code", "detail", "fields"}` for a missing or invalid year; 403 for a
login without a role, a distributor's portal login, or staff who do not read sales."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from yingxiao.accounts.selectors import scope_of
from yingxiao.core.api import HasAnyRole

from ..statistics import MAX_YEAR, MIN_YEAR, TOP, reads_statistics, sales_statistics

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


class StatisticsReaders(HasAnyRole):
    """Company sales readers and regional staff (not distributors' portal logins)."""

    message = _("Sales statistics are for company and regional staff.")

    def has_permission(self, request, view):
        return super().has_permission(request, view) and reads_statistics(scope_of(request.user))


class YearQuerySerializer(serializers.Serializer):
    """`?year=`: the year to report (required)."""

    year = serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR)


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=None, decimal_places=2, coerce_to_string=True, **kwargs)


def _percent(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=None, decimal_places=2, coerce_to_string=True, allow_null=True, help_text=help_text
    )


class StatisticsRowSerializer(serializers.Serializer):
    """One region, salesperson, category, product, distributor or customer (or month)."""

    id = serializers.IntegerField(help_text="The record's id (the month's number in `by_month`)")
    code = serializers.CharField(help_text="Code (username for a salesperson; empty for a month)")
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    amount = _money()
    share = _percent("Percent of the year's amount")
    previous_quantity = serializers.IntegerField()
    previous_amount = _money()
    growth = _percent("Percent over the previous year's amount; null when that was not positive")


class MonthRowSerializer(StatisticsRowSerializer):
    """One calendar month (always twelve, January first)."""

    month = serializers.IntegerField(min_value=1, max_value=12)


class StatisticsTotalsSerializer(serializers.Serializer):
    """The year as a whole."""

    quantity = serializers.IntegerField()
    amount = _money()
    previous_quantity = serializers.IntegerField()
    previous_amount = _money()
    growth = _percent("Percent over the previous year's amount; null when that was not positive")
    quantity_growth = _percent("Percent over the previous year's quantity; null when that was not positive")
    distributors = serializers.IntegerField(help_text="Distributors that bought this year")
    customers = serializers.IntegerField(help_text="Direct customers that bought this year")
    direct_amount = _money(help_text="Sales to direct customers")
    direct_share = _percent("Direct sales as a percent of the year's amount")


class SalesStatisticsSerializer(serializers.Serializer):
    """The statistics of `year` against `previous_year`. Rows are sorted by this year's amount, largest
    first; a thing sold only last year is listed with 0 this year. Regions are 大区 (their 片区 included);
    `by_district` lists the 片区."""

    year = serializers.IntegerField()
    previous_year = serializers.IntegerField()
    through_month = serializers.IntegerField(
        help_text="Months of each year compared: 12, or the months so far of the current year."
    )
    totals = StatisticsTotalsSerializer()
    by_month = MonthRowSerializer(many=True)
    by_region = StatisticsRowSerializer(many=True)
    by_district = StatisticsRowSerializer(many=True)
    by_salesperson = StatisticsRowSerializer(many=True)
    by_category = StatisticsRowSerializer(many=True)
    by_product = StatisticsRowSerializer(many=True)
    by_distributor = StatisticsRowSerializer(many=True)
    top_distributors = StatisticsRowSerializer(many=True, help_text=f"The {TOP} largest distributors")
    top_products = StatisticsRowSerializer(many=True, help_text=f"The {TOP} best-selling products")
    top_customers = StatisticsRowSerializer(many=True, help_text=f"The {TOP} largest direct customers")


class SalesStatisticsView(APIView):
    """The annual sales statistics of a year, scoped to the caller."""

    permission_classes = [StatisticsReaders]

    @extend_schema(
        operation_id="reports_sales_statistics",
        summary="Annual sales statistics (年终销售统计) of a year against the previous one",
        parameters=[
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
                required=True,
                description="The year to report; the previous year is given alongside",
            )
        ],
        responses={
            200: SalesStatisticsSerializer,
            400: OpenApiResponse(ERROR_SCHEMA, description="Missing or invalid year (with `fields`)"),
            403: OpenApiResponse(ERROR_SCHEMA, description="No role, a portal login, or no sales reading"),
        },
    )
    def get(self, request):
        query = YearQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        stats = sales_statistics(user=request.user, year=query.validated_data["year"])
        return Response(SalesStatisticsSerializer(stats).data)
