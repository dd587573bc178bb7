"""Reads of the rebates app, scoped to the user (deny by default):

- policies: staff (company-wide and regional) read them; distributors' portal users do not;
- runs, their results and lines: the company roles that take part in the process (客服, 总监, 财务, 总裁,
  市场部) and administrators; runs hold every distributor's figures, so regional staff do not;
- statements: those company roles all; regional staff their regions'; a portal user its own distributor's;
- cross-region flags and advances: those company roles all; regional staff their regions'.

Plus the reports: owed against paid by region and distributor, rebate cost as a share of sales, year
over year (aggregations in the database).
"""

from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from yingxiao.accounts.choices import Role
from yingxiao.accounts.models import User
from yingxiao.accounts.selectors import Scope, scope_of
from yingxiao.sales.models import SalesLine
from yingxiao.workflow.permissions import include_delegated

from .choices import PolicyStatus, RunStatus
from .models import (
    CrossRegionFlag,
    RebateAdvance,
    RebateLine,
    RebatePayout,
    RebatePolicy,
    RebateResult,
    RebateRun,
    Statement,
)

#: Company roles that take part in the rebate process and read all of it.
REBATE_READERS = (
    Role.MARKETING_DIRECTOR,
    Role.PRESIDENT,
    Role.FINANCE,
    Role.CUSTOMER_SERVICE,
    Role.MARKET_MANAGER,
    Role.MARKETING_STAFF,
    Role.MARKETING_ASSISTANT,
    Role.ADMIN,
)


def reads_all_rebates(scope: Scope) -> bool:
    """Holds a rebate-process role company-wide."""
    return any(scope.holds_company_wide(role) for role in REBATE_READERS)


def is_staff(scope: Scope) -> bool:
    """Company or regional staff (not a distributor's portal user)."""
    return scope.is_company_wide or bool(scope.region_ids)


# --- policies --------------------------------------------------------------------------------------------


@include_delegated
def policies_for(user: User) -> QuerySet[RebatePolicy]:
    """Rebate policies: every staff member reads them; portal users and users without a role do not."""
    qs = RebatePolicy.objects.select_related("created_by", "submitted_by", "previous")
    return qs if is_staff(scope_of(user)) else qs.none()


def policy_get(*, user: User, pk: int) -> RebatePolicy:
    """One visible policy, or 404."""
    return get_object_or_404(policies_for(user), pk=pk)


#: The statuses in which a policy pays, or is about to: other policies of its year in these stack with it.
IN_FORCE = (PolicyStatus.ACTIVE, PolicyStatus.DIRECTOR_REVIEW)


def policy_overlaps(policy: RebatePolicy) -> list[dict[str, Any]]:
    """The other active (or under-review) policies of the policy's year that cover at least one of its
    distributors, each with the number of distributors both cover (policies stack by design: the director
    sees it before approving). The policy a revision replaces is left out. Only worked out while the policy
    is a draft or under review (empty otherwise)."""
    from yingxiao.partners.models import Distributor

    from .calculation import scope_distributor_ids

    if policy.status not in (PolicyStatus.DRAFT, PolicyStatus.DIRECTOR_REVIEW):
        return []
    others = (
        RebatePolicy.objects.filter(year=policy.year, status__in=IN_FORCE)
        .exclude(pk__in=[pk for pk in (policy.pk, policy.previous_id) if pk is not None])
        .order_by("number")
    )
    overlaps = []
    mine = scope_distributor_ids(policy)
    everyone: int | None = None
    for other in others:
        theirs = scope_distributor_ids(other)
        if mine is not None and theirs is not None:
            count = len(set(mine) & set(theirs))
        elif mine is not None or theirs is not None:
            count = len(set(mine or theirs or []))
        else:
            if everyone is None:
                everyone = Distributor.objects.count()
            count = everyone
        if count:
            overlaps.append({"policy": other, "distributors": count})
    return overlaps


# --- runs ------------------------------------------------------------------------------------------------


@include_delegated
def runs_for(user: User) -> QuerySet[RebateRun]:
    """Calculation runs: the company roles of the rebate process."""
    qs = RebateRun.objects.select_related("policy", "previous", "created_by", "submitted_by")
    return qs if reads_all_rebates(scope_of(user)) else qs.none()


def run_get(*, user: User, pk: int) -> RebateRun:
    """One visible run, or 404."""
    return get_object_or_404(runs_for(user), pk=pk)


def run_results_for(user: User, run: RebateRun) -> QuerySet[RebateResult]:
    """The per-distributor results of a visible run (404 first when the run is not visible)."""
    run = run_get(user=user, pk=run.pk)
    return RebateResult.objects.filter(run=run).select_related("distributor", "region")


def run_lines_for(user: User, run: RebateRun) -> QuerySet[RebateLine]:
    """The per-purchase lines of a visible run, with their ledger rows."""
    run = run_get(user=user, pk=run.pk)
    return (
        RebateLine.objects.filter(run=run)
        .select_related("distributor", "sales_line", "sales_line__product")
        .order_by("distributor__code", "sales_line__date", "sales_line_id")
    )


# --- statements ------------------------------------------------------------------------------------------


def _regional(qs: QuerySet, user: User, region_field: str = "region", distributor_field: str = "distributor"):
    scope = scope_of(user)
    if reads_all_rebates(scope):
        return qs
    return qs.filter(
        Q(**{f"{region_field}__in": scope.region_ids})
        | Q(**{f"{distributor_field}__in": scope.distributor_ids})
    )


@include_delegated
def statements_for(user: User) -> QuerySet[Statement]:
    """Statements: process roles all, regional staff their regions', a portal user its distributor's."""
    qs = Statement.objects.select_related(
        "distributor",
        "region",
        "region__parent",
        "run__policy",
        "result__distributor",
        "result__region",
        "created_by",
        "submitted_by",
        "payout__paid_by",
    )
    return _regional(qs, user)


def statement_get(*, user: User, pk: int) -> Statement:
    """One visible statement, or 404 (a distributor asking for another's gets 404)."""
    return get_object_or_404(statements_for(user), pk=pk)


def statement_lines_for(user: User, statement: Statement) -> QuerySet[RebateLine]:
    """The purchase lines behind a visible statement (its distributor's lines of its run), with their ledger
    rows, oldest first (404 first when the statement is not visible)."""
    statement = statement_get(user=user, pk=statement.pk)
    return (
        RebateLine.objects.filter(run_id=statement.run_id, distributor_id=statement.distributor_id)
        .select_related("sales_line", "sales_line__product")
        .order_by("sales_line__date", "sales_line_id")
    )


def payouts_for(user: User) -> QuerySet[RebatePayout]:
    """Payouts of the statements the user may see."""
    return RebatePayout.objects.filter(statement__in=statements_for(user).values("pk")).select_related(
        "statement", "distributor", "paid_by"
    )


# --- flags and advances ----------------------------------------------------------------------------------


def cross_region_flags_for(user: User) -> QuerySet[CrossRegionFlag]:
    """Flags: process roles all; regional staff their regions'; portal users none (internal)."""
    qs = CrossRegionFlag.objects.select_related(
        "distributor", "distributor__region", "flagged_by", "lifted_by"
    )
    scope = scope_of(user)
    if reads_all_rebates(scope):
        return qs
    return qs.filter(distributor__region__in=scope.region_ids)


def cross_region_flag_get(*, user: User, pk: int) -> CrossRegionFlag:
    """One visible flag, or 404."""
    return get_object_or_404(cross_region_flags_for(user), pk=pk)


def advances_for(user: User) -> QuerySet[RebateAdvance]:
    """Advances: process roles all; regional staff their regions'; portal users none."""
    qs = RebateAdvance.objects.select_related("distributor", "distributor__region", "recorded_by")
    scope = scope_of(user)
    if reads_all_rebates(scope):
        return qs
    return qs.filter(distributor__region__in=scope.region_ids)


# --- reports ---------------------------------------------------------------------------------------------

_MONEY = DecimalField(max_digits=16, decimal_places=2)
_ZERO = Value(Decimal(0), output_field=_MONEY)


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole in percent with two decimals, None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


def rebate_report(user: User, year: int) -> dict[str, Any]:
    """Owed (issued statements) against paid (payouts) by region and by distributor, the rebate cost as a
    share of the year's sales, and the same figures for every year with issued statements. A handful of
    aggregate queries whatever the number of statements."""
    statements = statements_for(user).filter(run__status=RunStatus.ISSUED)
    scope = scope_of(user)
    sales = SalesLine.objects.filter(distributor__isnull=False)
    if not reads_all_rebates(scope):
        sales = sales.filter(Q(region__in=scope.region_ids) | Q(distributor__in=scope.distributor_ids))
    owed_paid = {
        "owed": Coalesce(Sum("amount"), _ZERO),
        "paid": Coalesce(Sum("payout__amount"), _ZERO),
        "statements": Count("id"),
    }
    of_year = statements.filter(year=year)
    top = Coalesce(F("region__parent__name"), F("region__name"))
    sales_by_region = dict(
        sales.filter(year=year).annotate(top=top).values_list("top").annotate(total=Sum("amount")).order_by()
    )
    regions = list(of_year.annotate(top=top).values("top").annotate(**owed_paid).order_by("-owed", "top"))
    for row in regions:
        row["name"] = row.pop("top")
        row["open"] = row["owed"] - row["paid"]
        row["sales"] = sales_by_region.get(row["name"]) or Decimal(0)
        row["ratio"] = _ratio(row["owed"], row["sales"])
    distributors = list(
        of_year.values("distributor__code", "distributor__name", "region__name")
        .annotate(**owed_paid)
        .order_by("-owed", "distributor__code")
    )
    sales_by_distributor = dict(
        sales.filter(year=year, distributor__in=of_year.values("distributor"))
        .values_list("distributor__code")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in distributors:
        row["open"] = row["owed"] - row["paid"]
        row["sales"] = sales_by_distributor.get(row["distributor__code"]) or Decimal(0)
        row["ratio"] = _ratio(row["owed"], row["sales"])
    years_owed = {
        row["year"]: row for row in statements.values("year").annotate(**owed_paid).order_by("year")
    }
    shown = sorted(set(years_owed) | {year - 1, year})  # with the year before, for a comparison
    years_sales = dict(
        sales.filter(year__in=shown).values_list("year").annotate(total=Sum("amount")).order_by()
    )
    years = []
    for y in shown:
        row = years_owed.get(y, {"owed": Decimal(0), "paid": Decimal(0), "statements": 0})
        total_sales = years_sales.get(y) or Decimal(0)
        years.append(
            {
                "year": y,
                "owed": row["owed"],
                "paid": row["paid"],
                "open": row["owed"] - row["paid"],
                "statements": row["statements"],
                "sales": total_sales,
                "ratio": _ratio(row["owed"], total_sales),
            }
        )
    this = next(r for r in years if r["year"] == year)
    return {
        "year": year,
        "totals": this,
        "by_region": regions,
        "by_distributor": distributors,
        "years": years,
    }
