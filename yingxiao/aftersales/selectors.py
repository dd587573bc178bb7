"""Reads of the after-sales app, scoped to the user: cases, tickets, the ledger lines a case may name, and
the quality report (set-based aggregation)."""

from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.shortcuts import get_object_or_404

from yingxiao.accounts.choices import Role
from yingxiao.accounts.selectors import scope_of
from yingxiao.sales.choices import LedgerSource
from yingxiao.sales.models import SalesLine
from yingxiao.workflow.permissions import include_delegated

from .choices import RELEASED_STATES
from .models import ExchangeCase, ExchangeLine, ReturnCase, ReturnLine, ServiceTicket

#: Company roles that read every case and ticket.
AFTERSALES_READERS = (
    Role.MARKETING_DIRECTOR,
    Role.PRESIDENT,
    Role.MARKET_MANAGER,
    Role.MARKETING_ASSISTANT,
    Role.MARKETING_STAFF,
    Role.FINANCE,
    Role.WAREHOUSE,
    Role.CUSTOMER_SERVICE,
    Role.QUALITY,
    Role.TECHNICAL_SUPPORT,
    Role.ADMIN,
)


def _scoped(qs: QuerySet, user, warehouse_fields: tuple[str, ...] = ()) -> QuerySet:
    """Company readers: all; regional staff: their regions; a one-site warehouse keeper: cases through
    that site; a portal user: its own distributor's."""
    scope = scope_of(user)
    if any(scope.holds_company_wide(role) for role in AFTERSALES_READERS):
        return qs
    q = Q(region__in=scope.region_ids) | Q(distributor__in=scope.distributor_ids)
    for field in warehouse_fields:
        q |= Q(**{f"{field}__in": scope.role_warehouses.get(Role.WAREHOUSE, ())})
    return qs.filter(q)


_CASE_RELATED = ("region", "salesperson", "distributor", "customer", "created_by", "submitted_by")


@include_delegated
def exchanges_for(user) -> QuerySet[ExchangeCase]:
    """Exchange cases the user may see."""
    qs = ExchangeCase.objects.select_related(*_CASE_RELATED, "quarantine_warehouse", "ship_warehouse")
    return _scoped(qs, user, ("quarantine_warehouse", "ship_warehouse"))


def exchange_get(*, user, pk: int) -> ExchangeCase:
    """One visible exchange case, or 404."""
    return get_object_or_404(exchanges_for(user), pk=pk)


@include_delegated
def returns_for(user) -> QuerySet[ReturnCase]:
    """Return cases the user may see."""
    qs = ReturnCase.objects.select_related(*_CASE_RELATED, "quarantine_warehouse")
    return _scoped(qs, user, ("quarantine_warehouse",))


def return_get(*, user, pk: int) -> ReturnCase:
    """One visible return case, or 404."""
    return get_object_or_404(returns_for(user), pk=pk)


@include_delegated
def tickets_for(user) -> QuerySet[ServiceTicket]:
    """Service tickets the user may see."""
    qs = ServiceTicket.objects.select_related("region", "distributor", "customer", "product", "created_by")
    return _scoped(qs, user)


def ticket_get(*, user, pk: int) -> ServiceTicket:
    """One visible service ticket, or 404."""
    return get_object_or_404(tickets_for(user), pk=pk)


def claimable_lines_for(user, *, distributor_id=None, customer_id=None, since: date | None = None):
    """Delivered ledger lines of one buyer in the user's filing regions, newest first (what cases name)."""
    scope = scope_of(user)
    qs = SalesLine.objects.filter(
        source__in=(LedgerSource.DELIVERY, LedgerSource.IMPORT), quantity__gt=0
    ).select_related("product", "region")
    if not (scope.holds_company_wide(Role.REGIONAL_REP) or scope.holds_company_wide(Role.REGIONAL_MANAGER)):
        regions = set(scope.role_regions.get(Role.REGIONAL_REP, ())) | set(
            scope.role_regions.get(Role.REGIONAL_MANAGER, ())
        )
        qs = qs.filter(region__in=regions)
    if distributor_id:
        qs = qs.filter(distributor_id=distributor_id)
    elif customer_id:
        qs = qs.filter(customer_id=customer_id)
    else:
        return qs.none()
    if since is not None:
        qs = qs.filter(date__gte=since)
    return qs.order_by("-date", "-id")


def claimed_by_line(ids) -> dict[int, int]:
    """Units already claimed per ledger line by cases that still count (one query per case kind)."""
    totals: dict[int, int] = {}
    for model in (ExchangeLine, ReturnLine):
        rows = (
            model.objects.filter(sales_line_id__in=ids)
            .exclude(case__status__in=RELEASED_STATES)
            .values("sales_line_id")
            .annotate(total=Sum("quantity"))
        )
        for row in rows:
            totals[row["sales_line_id"]] = totals.get(row["sales_line_id"], 0) + row["total"]
    return totals


# --- quality report --------------------------------------------------------------------------------

#: The dimensions of the quality report: key → (field path on a case line, label source).
DIMENSIONS = {
    "product": ("product__code", "product__name"),
    "batch": ("batch", None),
    "cause": ("case__cause", None),
    "region": ("region_name", None),
    "month": ("month", None),
}


def _problem_lines(model, user, year: int | None):
    cases = exchanges_for(user) if model is ExchangeLine else returns_for(user)
    # Every case quality looked at (a rejected one too: "not a quality problem" is a finding).
    qs = model.objects.filter(case__in=cases.values("pk"), case__finding_at__isnull=False).exclude(
        case__status="withdrawn"
    )
    if year:
        qs = qs.filter(case__created_at__year=year)
    # A district's cases count for its region (上海片区 → 华东).
    region = Coalesce("case__region__parent__name", "case__region__name")
    return qs.annotate(month=TruncMonth("case__created_at"), region_name=region)


def quality_report(user, *, year: int | None = None, only_quality: bool = False) -> dict[str, list[dict]]:
    """Problems found by the quality department, by product, batch, cause, region and month: cases and
    units, exchanges and returns together (grouped in the database, two queries per dimension)."""
    report: dict[str, list[dict]] = {}
    for key, (field, extra) in DIMENSIONS.items():
        merged: dict = {}
        for model, kind in ((ExchangeLine, "exchange"), (ReturnLine, "return")):
            qs = _problem_lines(model, user, year)
            if only_quality:
                qs = qs.filter(case__is_quality_problem=True)
            values = [field] + ([extra] if extra else [])
            rows = qs.values(*values).annotate(
                cases=Count("case", distinct=True),
                units=Sum("quantity"),
                quality=Count("case", filter=Q(case__is_quality_problem=True), distinct=True),
            )
            for row in rows:
                name = row[field]
                entry = merged.setdefault(
                    name,
                    {
                        "key": name,
                        "label": row.get(extra) if extra else name,
                        "exchange": 0,
                        "return": 0,
                        "cases": 0,
                        "units": 0,
                        "quality": 0,
                    },
                )
                entry[kind] += row["cases"]
                entry["cases"] += row["cases"]
                entry["units"] += row["units"] or 0
                entry["quality"] += row["quality"]
        rows_out = list(merged.values())
        if key == "month":
            rows_out.sort(key=lambda r: r["key"] or date.min)
        else:
            rows_out.sort(key=lambda r: (-r["cases"], -r["units"], str(r["key"])))
        report[key] = rows_out
    return report


def report_years(user) -> list[int]:
    """Years with cases, newest first."""
    years: set[int] = set()
    for qs in (exchanges_for(user), returns_for(user)):
        years.update(d.year for d in qs.datetimes("created_at", "year"))
    return sorted(years, reverse=True)


def satisfaction_summary(user) -> dict:
    """Average satisfaction of closed exchanges (feedback) and how many answered."""
    agg = (
        exchanges_for(user)
        .filter(satisfaction__isnull=False)
        .aggregate(answered=Count("pk"), total=Sum("satisfaction"))
    )
    answered = agg["answered"] or 0
    return {"answered": answered, "average": round(agg["total"] / answered, 1) if answered else None}
