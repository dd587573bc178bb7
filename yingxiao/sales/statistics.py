"""Annual sales statistics (年终销售统计): a year of the sales ledger by month, region, salesperson, category,
product, distributor and direct customer, each against the previous year.

Set-based (rule 7 of DESIGN.md): two GROUP BY queries over the ledger rows the user may see
(`sales_lines_for`), each answered from one covering index, and one query per dimension for the names.

- the grid: (year, month, region, salesperson, product, category) for the year and the one before,
  read from `sales_line_stats`; Python then folds those grouped rows (a few tens of thousands at most,
  however many ledger lines there are) into totals per month, region, salesperson, category and product;
- the parties: (year, distributor, customer) for both years, read from `sales_line_party`.

Amounts are summed in whole fen (integers) so totals are exact on SQLite too, where the ledger's decimals
are stored as floating point; they come back as `Decimal` rounded to the fen (rule 4). Percentages
(share of the year's amount, growth over the previous year) are `Decimal` with two places, half up;
growth is `None` when the previous year had no (positive) sales to compare with. While a year is still
running, the previous year counts only the same months (`comparison_months`), so growth is like for like.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BigIntegerField, F, Func, QuerySet, Sum
from django.utils import timezone

from yingxiao.accounts.models import User
from yingxiao.accounts.selectors import Scope
from yingxiao.catalog.models import Product, ProductCategory
from yingxiao.core.money import to_money
from yingxiao.org.models import Region
from yingxiao.partners.models import Customer, Distributor

from .selectors import SALES_READERS, sales_lines_for

#: How many rows the top lists keep.
TOP = 10

#: Years a statistics request may ask for.
MIN_YEAR, MAX_YEAR = 1900, 2999

#: The rows of every dimension have these keys (the API's and the Excel export's columns).
ROW_KEYS = (
    "id",
    "code",
    "name",
    "quantity",
    "amount",
    "share",
    "previous_quantity",
    "previous_amount",
    "growth",
)

_HUNDRED = Decimal(100)


class Fen(Func):
    """An amount as whole fen (an integer). SQLite keeps the ledger's decimals as floating point, so a sum
    of a million amounts would drift; a sum of integers is exact."""

    template = "CAST(ROUND(%(expressions)s * 100) AS BIGINT)"
    output_field = BigIntegerField()


def _amount_sum(vendor: str) -> Sum:
    """SUM of the amounts, exact: PostgreSQL's numeric sum already is (and is faster than converting every
    row), SQLite sums whole fen."""
    if vendor == "postgresql":
        return Sum("amount")
    return Sum(Fen(F("amount")))


def reads_statistics(scope: Scope) -> bool:
    """Who may open the statistics: company-wide sales readers and regional staff (their regions); not
    distributors' portal logins, nor company staff whose roles do not read sales (they would see nothing)."""
    return any(scope.holds_company_wide(role) for role in SALES_READERS) or bool(scope.region_ids)


def _fen(value: Decimal | int | None) -> int:
    """A sum from the database as whole fen (PostgreSQL returns the numeric sum, SQLite the fen sum)."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return int((value * 100).to_integral_value())
    return int(value)


def _money(fen: int) -> Decimal:
    return to_money(Decimal(fen).scaleb(-2))


def _percent(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole`, two places, half up (None when there is no whole)."""
    if not whole:
        return None
    return to_money(Decimal(part) * _HUNDRED / Decimal(whole))


def growth(current: int, previous: int) -> Decimal | None:
    """Growth in percent over the previous year (None when the previous year had no positive sales)."""
    if previous <= 0:
        return None
    return to_money(Decimal(current - previous) * _HUNDRED / Decimal(previous))


class _Acc:
    """Quantity and fen of one thing in this year (0) and the previous one (1)."""

    __slots__ = ("fen", "quantity")

    def __init__(self) -> None:
        self.quantity = [0, 0]
        self.fen = [0, 0]


def _add(table: dict[Any, _Acc], key: Any, index: int, quantity: int, fen: int) -> None:
    acc = table.get(key)
    if acc is None:
        acc = table[key] = _Acc()
    acc.quantity[index] += quantity
    acc.fen[index] += fen


def _row(key: Any, acc: _Acc, label: tuple[str, str], total_fen: int) -> dict:
    code, name = label
    return {
        "id": key,
        "code": code,
        "name": name,
        "quantity": acc.quantity[0],
        "amount": _money(acc.fen[0]),
        "share": _percent(acc.fen[0], total_fen),
        "previous_quantity": acc.quantity[1],
        "previous_amount": _money(acc.fen[1]),
        "growth": growth(acc.fen[0], acc.fen[1]),
    }


def _rows(table: dict[Any, _Acc], labels: dict[Any, tuple[str, str]], total_fen: int) -> list[dict]:
    """One row per thing, the biggest amount this year first (then last year's, then the name)."""
    ordered = sorted(
        table.items(),
        key=lambda item: (-item[1].fen[0], -item[1].fen[1], labels.get(item[0], ("", ""))[1], item[0]),
    )
    return [_row(key, acc, labels.get(key, ("", str(key))), total_fen) for key, acc in ordered]


def _labels(rows: Iterable[tuple[int, str, str]]) -> dict[int, tuple[str, str]]:
    return {pk: (code or "", name) for pk, code, name in rows}


def _fetch(queryset: QuerySet) -> list[tuple]:
    """The rows of a grouped `values_list` straight from the cursor: plain ints (and PostgreSQL's numeric
    sums), without Django's per-value converters, which cost more than the folding on large groupings."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # the user may see nothing
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _salesperson_labels(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    users = User.objects.filter(pk__in=list(ids)).only(
        "id", "username", "full_name", "first_name", "last_name"
    )
    return {u.pk: (u.username, u.display_name) for u in users}


def comparison_months(year: int) -> int:
    """Months of each year compared: all 12 for a finished year; for the current year only the months so
    far, so that growth is like for like (January to now against January to the same month last year)."""
    today = timezone.localdate()
    return today.month if year == today.year else 12


def sales_statistics(*, user, year: int) -> dict:
    """The year's sales statistics over what `user` may see (regional staff: their regions), with the
    previous year alongside (over the same months while the year is running). See the module docstring
    for the shape and the queries."""
    previous = year - 1
    through_month = comparison_months(year)
    lines = sales_lines_for(user).filter(year__in=(year, previous)).order_by()
    if through_month < 12:
        lines = lines.exclude(year=previous, month__gt=through_month)
    amount_sum = _amount_sum(connections[lines.db].vendor)

    # 1. the grid, from the covering index sales_line_stats
    grid = lines.values_list("year", "month", "region", "salesperson", "product", "category").annotate(
        q=Sum("quantity"), a=amount_sum
    )
    months = [_Acc() for _ in range(13)]
    total = _Acc()
    by_region: dict[int, _Acc] = {}
    by_salesperson: dict[int, _Acc] = {}
    by_product: dict[int, _Acc] = {}
    by_category: dict[int, _Acc] = {}
    for row_year, month, region, salesperson, product, category, quantity, amount in _fetch(grid):
        index = 0 if row_year == year else 1
        fen = _fen(amount)
        quantity = quantity or 0
        _add(by_region, region, index, quantity, fen)
        _add(by_salesperson, salesperson, index, quantity, fen)
        _add(by_product, product, index, quantity, fen)
        _add(by_category, category, index, quantity, fen)
        bucket = months[month]
        bucket.quantity[index] += quantity
        bucket.fen[index] += fen
    for bucket in months[1:]:
        for i in (0, 1):
            total.quantity[i] += bucket.quantity[i]
            total.fen[i] += bucket.fen[i]

    # 2. the parties, from the covering index sales_line_party
    parties = lines.values_list("year", "distributor", "customer").annotate(q=Sum("quantity"), a=amount_sum)
    by_distributor: dict[int, _Acc] = {}
    by_customer: dict[int, _Acc] = {}
    for row_year, distributor, customer, quantity, amount in _fetch(parties):
        index = 0 if row_year == year else 1
        if distributor is not None:
            _add(by_distributor, distributor, index, quantity or 0, _fen(amount))
        elif customer is not None:
            _add(by_customer, customer, index, quantity or 0, _fen(amount))

    # 3. names, one query per dimension
    regions = (
        {
            pk: (code, name, parent)
            for pk, code, name, parent in Region.objects.values_list("id", "code", "name", "parent_id")
        }
        if by_region
        else {}
    )
    top_regions: dict[int, _Acc] = {}
    districts: dict[int, _Acc] = {}
    for pk, acc in by_region.items():
        parent = regions.get(pk, ("", "", None))[2]
        top_id = parent or pk
        for i in (0, 1):
            _add(top_regions, top_id, i, acc.quantity[i], acc.fen[i])
        if parent:
            districts[pk] = acc
    region_labels = {pk: (code, name) for pk, (code, name, _parent) in regions.items()}
    district_labels = {
        pk: (region_labels[pk][0], f"{region_labels[regions[pk][2]][1]} · {region_labels[pk][1]}")
        for pk in districts
        if pk in region_labels and regions[pk][2] in region_labels
    }
    product_labels = _labels(
        Product.objects.filter(pk__in=list(by_product)).values_list("id", "code", "name")
    )
    category_labels = _labels(
        ProductCategory.objects.filter(pk__in=list(by_category)).values_list("id", "code", "name")
    )
    distributor_labels = _labels(
        Distributor.objects.filter(pk__in=list(by_distributor)).values_list("id", "code", "name")
    )
    customer_labels = _labels(
        Customer.objects.filter(pk__in=list(by_customer)).values_list("id", "code", "name")
    )
    salesperson_labels = _salesperson_labels(by_salesperson) if by_salesperson else {}

    this_fen = total.fen[0]
    month_rows = []
    for month in range(1, 13):
        acc = months[month]
        row = _row(month, acc, ("", str(month)), this_fen)
        row["month"] = month
        month_rows.append(row)
    product_rows = _rows(by_product, product_labels, this_fen)
    distributor_rows = _rows(by_distributor, distributor_labels, this_fen)
    customer_rows = _rows(by_customer, customer_labels, this_fen)
    direct = _Acc()
    for acc in by_customer.values():
        for i in (0, 1):
            direct.quantity[i] += acc.quantity[i]
            direct.fen[i] += acc.fen[i]
    return {
        "year": year,
        "previous_year": previous,
        "through_month": through_month,
        "totals": {
            "quantity": total.quantity[0],
            "amount": _money(this_fen),
            "previous_quantity": total.quantity[1],
            "previous_amount": _money(total.fen[1]),
            "growth": growth(this_fen, total.fen[1]),
            "quantity_growth": growth(total.quantity[0], total.quantity[1]),
            "distributors": sum(1 for acc in by_distributor.values() if acc.quantity[0] or acc.fen[0]),
            "customers": sum(1 for acc in by_customer.values() if acc.quantity[0] or acc.fen[0]),
            "direct_amount": _money(direct.fen[0]),
            "direct_share": _percent(direct.fen[0], this_fen),
        },
        "by_month": month_rows,
        "by_region": _rows(top_regions, region_labels, this_fen),
        "by_district": _rows(districts, district_labels, this_fen),
        "by_salesperson": _rows(by_salesperson, salesperson_labels, this_fen),
        "by_category": _rows(by_category, category_labels, this_fen),
        "by_product": product_rows,
        "by_distributor": distributor_rows,
        "top_distributors": [r for r in distributor_rows if r["amount"] > 0][:TOP],
        "top_products": [r for r in product_rows if r["amount"] > 0][:TOP],
        "top_customers": [r for r in customer_rows if r["amount"] > 0][:TOP],
    }


def statistics_years(user) -> list[int]:
    """The years present in the ledger rows the user may see, newest first. One index seek per year
    (`year` leads the covering indexes), so it costs nothing like a scan of the ledger."""
    lines = sales_lines_for(user).order_by("year").values_list("year", flat=True)
    years: list[int] = []
    found = lines.first()
    while found is not None and len(years) < MAX_YEAR - MIN_YEAR:
        years.append(found)
        found = lines.filter(year__gt=found).first()
    return years[::-1]
