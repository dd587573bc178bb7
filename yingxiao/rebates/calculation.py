"""The rebate calculation engine (返利计算, issue 6 "Calculation"): a policy applied to a year's ledger.

Public: `tier_rebate` (tier math for one base), `distributor_bases` (the set-based base per
distributor), `payment_speed` / `speed_factor`, `compute_results` and `simulate` (nothing written),
`run_compute` (writes a run's results and lines), `compute_line_by_line` (the naive reference).
The background task that calls `run_compute` is `yingxiao.rebates.tasks.compute_rebate_run`.

How a distributor's rebate is found, in order:

1. **Base** (`distributor_bases`): one GROUP BY over the sales ledger of the year — only rows with a
   distributor (direct customers earn no rebate), in the policy's scope and product categories. The
   base is the purchase amount (yuan) or quantity (units) by the policy's basis, **net of returns**:
   return rows (negative) count in the year they are recorded, so a return dated after 31 December
   does not touch that year's base (it lowers the next year's). A distributor that started mid-year
   simply has a smaller base: nothing is pro-rated. The year of a line is the ledger's `year` column
   (its date's year, copied in by `ledger_line`). Scope uses the distributor's current region (a
   region covers its districts) and grade, whatever its status (a terminated distributor still earned
   on what it bought).
2. **Tiers** (`tier_rebate`): a tier applies from its threshold, inclusive. Retroactive (全额累进):
   the reached tier's rate on the whole base; progressive (超额累进): each band between two thresholds
   at its own rate, nothing below the first threshold. A base below the first threshold (or ≤ 0)
   earns nothing. The amount is rounded once, to the fen, ROUND_HALF_UP. With a **quantity** basis the
   tiers measure units but the rates (fractions) still apply to money, the net purchase amount:
   retroactive = rate × amount; progressive = Σ band units × rate ÷ units × amount (each band's rate on
   its share of the amount); never below 0.
3. **Payment-speed factor** (`payment_speed`, `speed_factor`), when the policy has it: the
   amount-weighted average days from an invoice's `issued_on` to the `received_on` of each payment
   allocated to it, over the distributor's invoices issued in the year. The part of those invoices
   still unpaid counts as outstanding up to the calculation date (`as_of`), so not paying is never
   faster than paying late. The average is kept to 0.1 day (half up) and that shown figure picks the
   band: the first band, by `max_days` ascending (empty = any slower last), with `max_days` ≥ the
   average. Decisions: **no invoice issued in the year → no payment data → factor 1**; an average
   slower than every band when the policy has no "any slower" band → factor 0.
4. **Forfeiture**: a policy with `forfeit_cross_region` gives a distributor with an unlifted
   `CrossRegionFlag` for the year nothing: earned 0, `forfeited` True (the tier rebate stays visible).
5. **Earned** = rebate × factor, to the fen (0 when forfeited). **Amount owed** = max(0, earned −
   advances of the year). Decision: advances exceeding the earned rebate are not clawed back here —
   the amount owed is 0 and the result shows `advanced` > `earned`, for finance to settle outside the
   run. Distributors in scope with advances but no purchases get a result too (earned 0, owed 0).

Lines (`run_compute`): every ledger line of every result's distributor is written to `RebateLine` by a
single INSERT … SELECT with its base and its share of the earned rebate,
`ROUND_HALF_UP(line amount × earned ÷ net amount, 2)` — the distributor's effective rate on the line's
money (for an amount basis that is line base × earned ÷ net base; for a quantity basis the rates apply
to money, so the shares follow money too) — computed exactly in integers (fen) in the database, so the
lines of a distributor sum to its earned rebate within n × 0.005 (returns get negative shares).

`compute_line_by_line` is a deliberately naive reference (ORM objects, a query per line) used only by
the benchmark and as the tests' oracle.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yingxiao.core.money import CENT, to_money
from yingxiao.org.models import Region
from yingxiao.partners.models import Distributor
from yingxiao.sales.choices import LedgerSource
from yingxiao.sales.models import Invoice, Payment, PaymentAllocation, SalesLine

from .choices import CalcStatus, PolicyScope, RebateBasis, TierMode
from .models import (
    CrossRegionFlag,
    PaymentSpeedBand,
    RebateAdvance,
    RebateLine,
    RebatePolicy,
    RebateResult,
    RebateRun,
)

logger = logging.getLogger(__name__)

ZERO = Decimal(0)
ONE = Decimal(1)
TENTH = Decimal("0.1")
RATIO = Decimal("0.0001")


# --- tiers ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    """From `threshold` (inclusive) of the base, `rate` (a fraction, 0.035 = 3.5 %) applies."""

    threshold: Decimal
    rate: Decimal


def policy_tiers(policy: RebatePolicy) -> list[Tier]:
    """The policy's tiers, lowest threshold first."""
    return [Tier(t.threshold, t.rate) for t in policy.tiers.order_by("threshold")]


def tier_rebate(
    base: Decimal, tiers: Iterable[Tier], mode: str, *, amount: Decimal | None = None
) -> tuple[Decimal | None, Decimal, Decimal]:
    """(threshold reached or None, its rate, rebate to the fen) for one base.

    Retroactive: the reached tier's rate × the whole base. Progressive: each band [threshold_i,
    threshold_i+1) × rate_i, the last band open-ended; the part below the first threshold earns nothing.
    A base exactly on a threshold reaches that tier; below the first threshold → (None, 0, 0). Rounded
    once, ROUND_HALF_UP to the fen. `amount`: the money the rates apply to when the base is a quantity
    (the same computation scaled by amount ÷ base); the rebate is never negative."""
    ordered = sorted(tiers, key=lambda t: t.threshold)
    reached = [t for t in ordered if t.threshold <= base]
    if not reached:
        return None, ZERO, ZERO.quantize(CENT)
    top = reached[-1]
    if mode == TierMode.PROGRESSIVE:
        exact = ZERO
        for i, tier in enumerate(reached):
            upper = ordered[i + 1].threshold if i + 1 < len(ordered) else None
            band_top = base if upper is None or upper > base else upper
            exact += (band_top - tier.threshold) * tier.rate
        if amount is not None:
            exact = exact * amount / base if base > 0 else ZERO
    elif mode == TierMode.RETROACTIVE:
        exact = (base if amount is None else amount) * top.rate
    else:
        raise ValueError(f"unknown tier mode {mode!r}")
    return top.threshold, top.rate, to_money(max(ZERO, exact))


# --- payment speed ----------------------------------------------------------------------------------


def speed_factor(average_days: Decimal | None, bands: Sequence[PaymentSpeedBand]) -> Decimal:
    """The factor of the first band (by max_days ascending, empty last) whose max_days ≥ the average.
    No payment data (None) or no band at all → 1; slower than every band → 0."""
    if average_days is None or not bands:
        return ONE
    ordered = sorted(bands, key=lambda b: (b.max_days is None, b.max_days or 0))
    for band in ordered:
        if band.max_days is None or average_days <= band.max_days:
            return band.factor
    return ZERO


def _days_sql(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _fen_sql(expr: str) -> str:
    """An amount column as whole fen, exactly: numeric on PostgreSQL, an integer on SQLite (whose
    decimals are stored as floating point; rounding ×100 recovers the exact fen)."""
    if connection.vendor == "postgresql":
        return f"({expr} * 100)"
    return f"CAST(ROUND({expr} * 100) AS INTEGER)"


def payment_speed(year: int, as_of: date, distributor_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
    """Average days to pay per distributor (0.1 day, half up), amount-weighted, over the invoices it was
    issued in `year`: paid parts from issued_on to the payment's received_on, the unpaid rest from
    issued_on to `as_of`. Two GROUP BY queries. Distributors with no invoice in the year are absent."""
    q = connection.ops.quote_name
    inv, alloc, pay = Invoice._meta.db_table, PaymentAllocation._meta.db_table, Payment._meta.db_table
    first, last = date(year, 1, 1), date(year, 12, 31)
    paid_sql = f"""
        SELECT i.{q("distributor_id")}, SUM({_fen_sql("a." + q("amount"))} *
                   {_days_sql("p." + q("received_on"), "i." + q("issued_on"))}),
               SUM({_fen_sql("a." + q("amount"))})
        FROM {q(alloc)} a
        JOIN {q(inv)} i ON i.{q("id")} = a.{q("invoice_id")}
        JOIN {q(pay)} p ON p.{q("id")} = a.{q("payment_id")}
        WHERE i.{q("distributor_id")} IS NOT NULL AND i.{q("issued_on")} BETWEEN %s AND %s
        GROUP BY i.{q("distributor_id")}"""
    open_fen = f"({_fen_sql(q('amount'))} - {_fen_sql(q('paid_amount'))})"
    as_of_mark = "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"
    open_days = _days_sql(as_of_mark, q("issued_on"))
    open_sql = f"""
        SELECT {q("distributor_id")}, SUM({open_fen} * {open_days}), SUM({open_fen})
        FROM {q(inv)}
        WHERE {q("distributor_id")} IS NOT NULL AND {q("issued_on")} BETWEEN %s AND %s
          AND {q("amount")} > {q("paid_amount")}
        GROUP BY {q("distributor_id")}"""
    weighted: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    with connection.cursor() as cursor:
        cursor.execute(paid_sql, [first, last])
        rows = list(cursor.fetchall())
        cursor.execute(open_sql, [as_of, first, last])
        rows += cursor.fetchall()
    for distributor_id, day_fen, fen in rows:
        weighted[distributor_id][0] += Decimal(day_fen)
        weighted[distributor_id][1] += Decimal(fen)
    wanted = None if distributor_ids is None else set(distributor_ids)
    return {
        pk: (days / fen).quantize(TENTH, rounding=ROUND_HALF_UP)
        for pk, (days, fen) in weighted.items()
        if fen > 0 and (wanted is None or pk in wanted)
    }


# --- bases ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistributorBase:
    """A distributor's ledger of the year under a policy: lines, net purchases and the base."""

    distributor_id: int
    line_count: int
    sales: Decimal  # net purchase amount, yuan
    gross_base: Decimal  # purchase (non-return) rows
    returns_base: Decimal  # return rows, ≤ 0
    base: Decimal  # gross + returns


def _in_list(values: Sequence) -> tuple[str, list]:
    return ", ".join(["%s"] * len(values)), list(values)


def scope_distributor_ids(policy: RebatePolicy) -> list[int] | None:
    """The ids of the distributors the policy covers, or None for all. A region covers its districts.
    Every distributor counts whatever its status (a terminated one still earned on last year's buys)."""
    if policy.scope == PolicyScope.ALL:
        return None
    if policy.scope == PolicyScope.REGIONS:
        chosen = list(policy.regions.values_list("pk", flat=True))
        regions = Region.objects.filter(pk__in=chosen) | Region.objects.filter(parent__in=chosen)
        return list(Distributor.objects.filter(region__in=regions).values_list("pk", flat=True))
    if policy.scope == PolicyScope.GRADES:
        return list(Distributor.objects.filter(grade__in=policy.grades or []).values_list("pk", flat=True))
    if policy.scope == PolicyScope.DISTRIBUTORS:
        return list(policy.distributors.values_list("pk", flat=True))
    raise ValueError(f"unknown scope {policy.scope!r}")


def _ledger_filter(policy: RebatePolicy, year: int, alias: str, max_line_id: int | None) -> tuple[str, list]:
    """WHERE clause (and params) of the ledger rows a policy counts in a year: rows of the year with a
    distributor, in the categories (all when none chosen); the scope is applied by the callers."""
    q = connection.ops.quote_name
    where = [f"{alias}.{q('year')} = %s", f"{alias}.{q('distributor_id')} IS NOT NULL"]
    params: list = [year]
    categories = list(policy.categories.values_list("pk", flat=True))
    if categories:
        marks, values = _in_list(categories)
        where.append(f"{alias}.{q('category_id')} IN ({marks})")
        params += values
    if max_line_id is not None:
        where.append(f"{alias}.{q('id')} <= %s")
        params.append(max_line_id)
    return " AND ".join(where), params


def _base_column(policy: RebatePolicy, alias: str) -> str:
    q = connection.ops.quote_name
    return f"{alias}.{q('amount')}" if policy.basis == RebateBasis.AMOUNT else f"{alias}.{q('quantity')}"


def _base_int_sql(policy: RebatePolicy, expr: str, *, integer_column: bool = False) -> str:
    """A base as an exact integer: fen for amounts, units for quantities (`integer_column`: `expr` is
    already an integer column, the ledger's quantity)."""
    if policy.basis == RebateBasis.AMOUNT:
        return _fen_sql(expr)
    if integer_column or connection.vendor == "postgresql":
        return f"({expr})"
    return f"CAST(ROUND({expr}) AS INTEGER)"


def _base_from_int(policy: RebatePolicy, value) -> Decimal:
    value = Decimal(value or 0)
    return (value / 100 if policy.basis == RebateBasis.AMOUNT else value).quantize(CENT)


def distributor_bases(
    policy: RebatePolicy, year: int, *, max_line_id: int | None = None
) -> dict[int, DistributorBase]:
    """Per distributor in the policy's scope with ledger rows in `year` (in its categories): line count,
    net sales, gross base (non-return rows), returns base (return rows, ≤ 0) and net base. One GROUP BY
    in the database; exact (integers of fen or units). `max_line_id` bounds the ledger rows read."""
    q = connection.ops.quote_name
    where, params = _ledger_filter(policy, year, "l", max_line_id)
    scope = scope_distributor_ids(policy)
    if scope is not None:
        if not scope:
            return {}
        marks, values = _in_list(scope)
        where += f" AND l.{q('distributor_id')} IN ({marks})"
        params += values
    base = _base_int_sql(policy, _base_column(policy, "l"), integer_column=True)
    is_return = f"l.{q('source')} = %s"
    sql = f"""
        SELECT l.{q("distributor_id")}, COUNT(*), SUM({_fen_sql("l." + q("amount"))}),
               SUM(CASE WHEN {is_return} THEN 0 ELSE {base} END),
               SUM(CASE WHEN {is_return} THEN {base} ELSE 0 END)
        FROM {q(SalesLine._meta.db_table)} l
        WHERE {where}
        GROUP BY l.{q("distributor_id")}"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [LedgerSource.RETURN.value, LedgerSource.RETURN.value, *params])
        rows = cursor.fetchall()
    result = {}
    for distributor_id, count, sales_fen, gross, returns in rows:
        gross_base, returns_base = _base_from_int(policy, gross), _base_from_int(policy, returns)
        result[distributor_id] = DistributorBase(
            distributor_id=distributor_id,
            line_count=count,
            sales=(Decimal(sales_fen or 0) / 100).quantize(CENT),
            gross_base=gross_base,
            returns_base=returns_base,
            base=gross_base + returns_base,
        )
    return result


# --- results ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    """One distributor's outcome (the fields of `RebateResult`)."""

    distributor_id: int
    region_id: int
    line_count: int = 0
    sales: Decimal = ZERO
    gross_base: Decimal = ZERO
    returns_base: Decimal = ZERO
    base: Decimal = ZERO
    tier_threshold: Decimal | None = None
    rate: Decimal = ZERO
    rebate: Decimal = ZERO  # by tiers, before conditions
    avg_days_to_pay: Decimal | None = None
    speed_factor: Decimal = ONE
    forfeited: bool = False
    earned: Decimal = ZERO  # rebate × factor, 0 when forfeited
    advanced: Decimal = ZERO
    amount: Decimal = ZERO  # owed: max(0, earned − advanced)


def _conditions(policy: RebatePolicy, year: int) -> tuple[set[int], dict[int, Decimal]]:
    """(distributors whose rebate is forfeited, advances per distributor) for the year."""
    forfeited: set[int] = set()
    if policy.forfeit_cross_region:
        forfeited = set(
            CrossRegionFlag.objects.filter(year=year, lifted_at__isnull=True).values_list(
                "distributor_id", flat=True
            )
        )
    advances = {
        row["distributor_id"]: row["total"]
        for row in RebateAdvance.objects.filter(year=year)
        .order_by()
        .values("distributor_id")
        .annotate(total=Sum("amount"))
    }
    return forfeited, advances


def finish_row(
    row: ResultRow,
    tiers: Sequence[Tier],
    mode: str,
    basis: str,
    *,
    average_days: Decimal | None,
    bands: Sequence[PaymentSpeedBand] | None,
    forfeited: bool,
    advanced: Decimal,
) -> ResultRow:
    """Tiers, payment-speed factor (bands None = the policy has no factor), forfeiture and advances
    applied to a row that has its base."""
    money = None if basis == RebateBasis.AMOUNT else row.sales
    threshold, rate, rebate = tier_rebate(row.base, tiers, mode, amount=money)
    factor = ONE if bands is None else speed_factor(average_days, bands)
    earned = ZERO.quantize(CENT) if forfeited else to_money(rebate * factor)
    advanced = to_money(advanced)
    return replace(
        row,
        tier_threshold=threshold,
        rate=rate,
        rebate=rebate,
        avg_days_to_pay=average_days,
        speed_factor=factor,
        forfeited=forfeited,
        earned=earned,
        advanced=advanced,
        amount=max(ZERO, earned - advanced).quantize(CENT),
    )


def compute_results(
    policy: RebatePolicy, year: int, *, as_of: date | None = None, max_line_id: int | None = None
) -> list[ResultRow]:
    """Every distributor's result under `policy` over `year`'s ledger, ordered by region and id. Nothing
    written. A handful of set-based queries whatever the number of ledger lines."""
    as_of = as_of or timezone.localdate()
    tiers = policy_tiers(policy)
    bases = distributor_bases(policy, year, max_line_id=max_line_id)
    forfeited, advances = _conditions(policy, year)
    # In-scope distributors with an advance but no purchase still get a (zero) result.
    scope = scope_distributor_ids(policy)
    in_scope = None if scope is None else set(scope)
    advance_only = [pk for pk in advances if pk not in bases and (in_scope is None or pk in in_scope)]
    ids = [*bases, *advance_only]
    regions = dict(Distributor.objects.filter(pk__in=ids).values_list("pk", "region_id")) if ids else {}
    bands: list[PaymentSpeedBand] | None = None
    days: dict[int, Decimal] = {}
    if policy.payment_speed_factor:
        bands = list(policy.speed_bands.all())
        days = payment_speed(year, as_of, ids)
    rows = []
    for pk in ids:
        b = bases.get(pk)
        row = ResultRow(distributor_id=pk, region_id=regions[pk])
        if b is not None:
            row = replace(
                row,
                line_count=b.line_count,
                sales=b.sales,
                gross_base=b.gross_base,
                returns_base=b.returns_base,
                base=b.base,
            )
        rows.append(
            finish_row(
                row,
                tiers,
                policy.tier_mode,
                policy.basis,
                average_days=days.get(pk),
                bands=bands,
                forfeited=pk in forfeited,
                advanced=advances.get(pk, ZERO),
            )
        )
    rows.sort(key=lambda r: (r.region_id, r.distributor_id))
    return rows


@dataclass
class Simulation:
    """A policy run against a year's ledger, nothing written (the approval page's 模拟测算)."""

    policy_id: int
    year: int
    rows: list[ResultRow] = field(default_factory=list)
    total_sales: Decimal = ZERO  # net purchases of the distributors with a result
    total_cost: Decimal = ZERO  # Σ earned: what the policy costs (advances included)
    total_owed: Decimal = ZERO  # Σ amount owed after advances
    ratio: Decimal | None = None  # total_cost ÷ total_sales, 4 places; None without sales


def simulate(policy: RebatePolicy, year: int, *, as_of: date | None = None) -> Simulation:
    """Run `policy` (in any state, e.g. a draft) over `year`'s ledger and return per-distributor rows,
    total cost, total sales and the rebate-to-sales ratio. Writes nothing."""
    rows = compute_results(policy, year, as_of=as_of)
    sales = sum((r.sales for r in rows), ZERO)
    cost = sum((r.earned for r in rows), ZERO)
    return Simulation(
        policy_id=policy.pk,
        year=year,
        rows=rows,
        total_sales=sales,
        total_cost=cost,
        total_owed=sum((r.amount for r in rows), ZERO),
        ratio=(cost / sales).quantize(RATIO, rounding=ROUND_HALF_UP) if sales > 0 else None,
    )


# --- the run ----------------------------------------------------------------------------------------


class LedgerChanged(Exception):
    """The ledger changed between reading the bases and writing the lines."""


def _line_rebate_sql() -> str:
    """ROUND_HALF_UP(line amount × earned ÷ net amount, 2) in exact integer arithmetic (fen), 0 when the
    distributor earned nothing; truncating division toward zero, the half added away from zero."""
    q = connection.ops.quote_name
    b = _fen_sql(f"l.{q('amount')}")
    n = _fen_sql(f"r.{q('sales')}")
    e = _fen_sql(f"r.{q('earned')}")
    sign_n = f"(CASE WHEN {b} < 0 THEN -{n} ELSE {n} END)"
    if connection.vendor == "postgresql":
        share = f"CAST(div(2 * {b} * {e} + {sign_n}, 2 * {n}) / 100 AS NUMERIC(14, 2))"
    else:
        share = f"((2 * {b} * {e} + {sign_n}) / (2 * {n})) / 100.0"
    return f"CASE WHEN r.{q('earned')} > 0 AND r.{q('sales')} > 0 THEN {share} ELSE 0 END"


def _insert_lines(run: RebateRun, policy: RebatePolicy, max_line_id: int | None) -> int:
    """All the run's lines in one INSERT … SELECT (the ledger joined to the run's results); returns the
    number of rows written."""
    q = connection.ops.quote_name
    where, params = _ledger_filter(policy, run.year, "l", max_line_id)
    rebate = _line_rebate_sql()
    sql = f"""
        INSERT INTO {q(RebateLine._meta.db_table)}
               ({q("run_id")}, {q("sales_line_id")}, {q("distributor_id")}, {q("base")}, {q("rebate")})
        SELECT %s, l.{q("id")}, l.{q("distributor_id")}, {_base_column(policy, "l")}, {rebate}
        FROM {q(SalesLine._meta.db_table)} l
        JOIN {q(RebateResult._meta.db_table)} r
          ON r.{q("run_id")} = %s AND r.{q("distributor_id")} = l.{q("distributor_id")}
        WHERE {where}"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [run.pk, run.pk, *params])
        return cursor.rowcount


def _insert_results(run: RebateRun, rows: Sequence[ResultRow]) -> None:
    """The run's results with the cursor's executemany: bulk_create's per-field SQL compilation cost
    twenty times the insert itself for a few thousand rows (0.6 s for 2,000)."""
    q = connection.ops.quote_name
    names = [f.name for f in dataclass_fields(ResultRow)]
    meta = RebateResult._meta
    column = {f.attname: str(f.column) for f in meta.concrete_fields}  # ResultRow names are attnames
    columns = ", ".join(q(column[name]) for name in ["run_id", *names])
    marks = ", ".join(["%s"] * (len(names) + 1))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {q(meta.db_table)} ({columns}) VALUES ({marks})",
            [(run.pk, *(getattr(row, name) for name in names)) for row in rows],
        )


def _progress(run: RebateRun, percent: int, **fields) -> None:
    """Publish progress at once (its own small write, outside the computation's transaction)."""
    RebateRun.objects.filter(pk=run.pk).update(progress=percent, updated_at=timezone.now(), **fields)


def run_compute(run: RebateRun, *, as_of: date | None = None) -> RebateRun:
    """Compute a run: its RebateResult rows (bulk) and RebateLine rows (one INSERT … SELECT), then its
    totals, calc_status done and progress 100. Results and lines are written in one transaction, after
    clearing any earlier attempt of the same run: on error nothing is kept, the run is marked failed
    with the message, and the exception is raised again. Ledger rows appended while the run computes
    are left out (bounded by the highest ledger id seen at the start)."""
    q = connection.ops.quote_name
    policy = run.policy
    as_of = as_of or timezone.localdate()
    _progress(run, 5, calc_status=CalcStatus.RUNNING, error="")
    try:
        max_line_id = SalesLine.objects.aggregate(m=Max("id"))["m"] or 0
        rows = compute_results(policy, run.year, as_of=as_of, max_line_id=max_line_id)
        _progress(run, 40)
        with transaction.atomic():
            with connection.cursor() as cursor:  # a rerun of a failed run: no Python-side cascade
                cursor.execute(
                    f"DELETE FROM {q(RebateLine._meta.db_table)} WHERE {q('run_id')} = %s", [run.pk]
                )
            RebateResult.objects.filter(run=run).delete()
            _insert_results(run, rows)
            expected = sum(r.line_count for r in rows)
            written = _insert_lines(run, policy, max_line_id)
            if written != expected:
                raise LedgerChanged(
                    _(
                        "The sales ledger changed during the calculation (%(expected)d lines read, "
                        "%(written)d written); start it again."
                    )
                    % {"expected": expected, "written": written}
                )
            now = timezone.now()
            RebateRun.objects.filter(pk=run.pk).update(
                calc_status=CalcStatus.DONE,
                progress=100,
                error="",
                computed_at=now,
                line_count=expected,
                distributor_count=len(rows),
                total_base=sum((r.base for r in rows), ZERO),
                total_sales=sum((r.sales for r in rows), ZERO),
                total_earned=sum((r.earned for r in rows), ZERO),
                total_amount=sum((r.amount for r in rows), ZERO),
                updated_at=now,
            )
    except Exception as exc:
        logger.exception("rebate run %s failed", run.pk)
        message = str(exc) or type(exc).__name__
        _progress(run, 0, calc_status=CalcStatus.FAILED, error=message)
        raise
    run.refresh_from_db()
    return run


# --- the naive reference ----------------------------------------------------------------------------


@dataclass
class LineByLine:
    """What `compute_line_by_line` found: results per distributor, and per ledger line id its
    (distributor id, base, rebate)."""

    rows: dict[int, ResultRow] = field(default_factory=dict)
    lines: dict[int, tuple[int, Decimal, Decimal]] = field(default_factory=dict)


def line_share(amount: Decimal, earned: Decimal, net: Decimal) -> Decimal:
    """A line's share of the earned rebate: ROUND_HALF_UP(line amount × earned ÷ net amount, 2), exactly
    (the same integer arithmetic as the SQL); 0 when nothing was earned or the net amount is ≤ 0."""
    if earned <= 0 or net <= 0:
        return ZERO.quantize(CENT)
    b, n, e = int(amount * 100), int(net * 100), int(earned * 100)
    numerator = 2 * b * e + (-n if b < 0 else n)
    fen = abs(numerator) // (2 * n) * (1 if numerator >= 0 else -1)
    return Decimal(fen).scaleb(-2).quantize(CENT)


def compute_line_by_line(
    policy: RebatePolicy, year: int, *, as_of: date | None = None, run: RebateRun | None = None
) -> LineByLine:
    """The same calculation done the naive way — every ledger line of the year loaded as an ORM object,
    its distributor fetched per line, Decimal arithmetic in Python, invoices walked one by one — and,
    when `run` is given, every result and line saved one by one. For the benchmark and as the tests'
    oracle only; never use it for real runs."""
    as_of = as_of or timezone.localdate()
    tiers = policy_tiers(policy)
    categories = set(policy.categories.values_list("pk", flat=True))
    regions = set(policy.regions.values_list("pk", flat=True))
    chosen = set(policy.distributors.values_list("pk", flat=True))
    grades = set(policy.grades or [])

    def in_scope(distributor: Distributor) -> bool:
        if policy.scope == PolicyScope.REGIONS:
            region = distributor.region
            return region.pk in regions or region.parent_id in regions
        if policy.scope == PolicyScope.GRADES:
            return distributor.grade in grades
        if policy.scope == PolicyScope.DISTRIBUTORS:
            return distributor.pk in chosen
        return True

    found = LineByLine()
    kept: list[tuple[SalesLine, int]] = []
    sums: dict[int, dict] = {}
    for line in SalesLine.objects.filter(year=year).order_by("id"):
        if line.distributor_id is None:
            continue
        distributor = line.distributor  # one query per line: the naive way
        if distributor is None or not in_scope(distributor):
            continue
        if categories and line.category_id not in categories:
            continue
        base = line.amount if policy.basis == RebateBasis.AMOUNT else Decimal(line.quantity)
        s = sums.setdefault(
            distributor.pk,
            {"region": distributor.region_id, "count": 0, "sales": ZERO, "gross": ZERO, "returns": ZERO},
        )
        s["count"] += 1
        s["sales"] += line.amount
        s["returns" if line.source == LedgerSource.RETURN else "gross"] += base
        kept.append((line, distributor.pk))
    forfeited = {f.distributor_id for f in CrossRegionFlag.objects.filter(year=year) if f.lifted_at is None}
    advances: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for advance in RebateAdvance.objects.filter(year=year):
        advances[advance.distributor_id] += advance.amount
    for pk in list(advances):
        if pk not in sums and in_scope(Distributor.objects.get(pk=pk)):
            sums[pk] = {"region": Distributor.objects.get(pk=pk).region_id, "count": 0, "sales": ZERO,
                        "gross": ZERO, "returns": ZERO}  # fmt: skip
    bands = list(policy.speed_bands.all()) if policy.payment_speed_factor else None
    for pk, s in sums.items():
        average = None
        if bands is not None:
            day_fen, fen = ZERO, ZERO
            for invoice in Invoice.objects.filter(distributor_id=pk, issued_on__year=year):
                for allocation in invoice.allocations.all():
                    day_fen += allocation.amount * (allocation.payment.received_on - invoice.issued_on).days
                    fen += allocation.amount
                if invoice.amount > invoice.paid_amount:
                    rest = invoice.amount - invoice.paid_amount
                    day_fen += rest * (as_of - invoice.issued_on).days
                    fen += rest
            if fen > 0:
                average = (day_fen / fen).quantize(TENTH, rounding=ROUND_HALF_UP)
        row = ResultRow(
            distributor_id=pk,
            region_id=s["region"],
            line_count=s["count"],
            sales=s["sales"],
            gross_base=s["gross"].quantize(CENT),
            returns_base=s["returns"].quantize(CENT),
            base=(s["gross"] + s["returns"]).quantize(CENT),
        )
        found.rows[pk] = finish_row(
            row,
            tiers,
            policy.tier_mode,
            policy.basis,
            average_days=average,
            bands=bands,
            forfeited=policy.forfeit_cross_region and pk in forfeited,
            advanced=advances.get(pk, ZERO),
        )
    for line, distributor_id in kept:
        row = found.rows[distributor_id]
        base = line.amount if policy.basis == RebateBasis.AMOUNT else Decimal(line.quantity)
        found.lines[line.pk] = (
            distributor_id,
            base,
            line_share(line.amount, row.earned, row.sales),
        )
    if run is not None:
        with transaction.atomic():
            for row in found.rows.values():
                RebateResult.objects.create(run=run, **row.__dict__)
            for line_id, (distributor_id, base, rebate) in found.lines.items():
                RebateLine.objects.create(
                    run=run, sales_line_id=line_id, distributor_id=distributor_id, base=base, rebate=rebate
                )
    return found
