"""Synthetic sales history for demos and benchmarks: ledger lines with seasonality and growth.

`generate_history` writes `lines` sales-ledger rows between two dates, deterministic for a seed:

- buyers: the active distributors (90 %, weighted by grade) and the active direct customers (10 %), with
  their region; the salesperson is the distributor's rep, else a regional rep of the region;
- products: the active products (a few sell much more than the rest), with their category; quantity
  1–50; amount = quantity × list price × a discount factor 0.85–1.00, to the fen;
- seasonality: stocking up in the three weeks before 春节, the holiday itself nearly still, February low,
  June (618) and Q4 (双十一, year end) high, weekends quiet; about 15 % growth a year.

Speed: a million lines take about half a minute on SQLite. Rows are built as plain tuples and written in
batches inside one transaction, with the cursor's `executemany` (SQLite) or `COPY` (PostgreSQL, where
executemany managed only 8,000 lines/s). `bulk_create` was measured first and
left: its per-field SQL compilation costs about 4× the insert itself (76 µs against 19 µs a row here), so
a million lines took 90–145 s. Closed months are checked once per month with `require_open_month`.
"""

import bisect
import random
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction

from yingxiao.accounts.choices import Role
from yingxiao.accounts.models import Membership
from yingxiao.catalog.models import Product
from yingxiao.org.models import Region
from yingxiao.partners.choices import DistributorGrade, DistributorStatus
from yingxiao.partners.models import Customer, Distributor

from .choices import LedgerSource
from .models import SalesLine
from .services import require_open_month

#: The ledger reference of generated lines (so they can be told apart, or removed, later).
REFERENCE = "GEN"
#: Share of lines sold to direct customers (when there are any).
CUSTOMER_SHARE = 0.10
#: Yearly growth of the number of lines (and so of the amounts).
GROWTH = 1.15
#: Distributors created when a database has none (see `ensure_scale_partners`).
DEFAULT_SCALE_DISTRIBUTORS = 200

#: 春节 (first day of the lunar new year), 2010–2035.
SPRING_FESTIVAL = {
    2010: date(2010, 2, 14),
    2011: date(2011, 2, 3),
    2012: date(2012, 1, 23),
    2013: date(2013, 2, 10),
    2014: date(2014, 1, 31),
    2015: date(2015, 2, 19),
    2016: date(2016, 2, 8),
    2017: date(2017, 1, 28),
    2018: date(2018, 2, 16),
    2019: date(2019, 2, 5),
    2020: date(2020, 1, 25),
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
    2031: date(2031, 1, 23),
    2032: date(2032, 2, 11),
    2033: date(2033, 1, 31),
    2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
}

#: Relative sales per calendar month (before the 春节 effect): a slow February, 618 in June, Q4 high.
MONTH_FACTOR = {
    1: 1.00,
    2: 0.75,
    3: 0.95,
    4: 0.95,
    5: 1.00,
    6: 1.05,
    7: 0.90,
    8: 0.90,
    9: 1.00,
    10: 1.10,
    11: 1.30,
    12: 1.35,
}
WEEKDAY_FACTOR = (1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.35)  # Monday … Sunday
GRADE_WEIGHT = {DistributorGrade.A: 5.0, DistributorGrade.B: 3.0, DistributorGrade.C: 1.5}

#: Ledger columns written, in the order of the generated tuples.
COLUMNS = (
    "date",
    "year",
    "month",
    "region",
    "salesperson",
    "distributor",
    "customer",
    "product",
    "category",
    "quantity",
    "amount",
    "source",
    "order_line",
    "reference",
)


def spring_festival(year: int) -> date:
    """The first day of the lunar new year (a mid-range guess outside the table)."""
    return SPRING_FESTIVAL.get(year, date(year, 2, 5))


def _festival_factor(day: date) -> float:
    """Stocking up in the three weeks before 春节; the holiday week nearly still; a slow restart."""
    for festival in (spring_festival(day.year), spring_festival(day.year + 1)):
        delta = (day - festival).days
        if -21 <= delta < 0:
            return 1.6
        if 0 <= delta < 7:
            return 0.15
        if 7 <= delta < 15:
            return 0.6
    return 1.0


def day_weight(day: date, start: date) -> float:
    """How much is sold on `day` relative to an average day of the first year."""
    growth = GROWTH ** ((day - start).days / 365.25)
    return MONTH_FACTOR[day.month] * WEEKDAY_FACTOR[day.weekday()] * _festival_factor(day) * growth


def lines_per_day(lines: int, start: date, end: date) -> list[tuple[date, int]]:
    """`lines` shared out over the days from `start` to `end` (both included) by `day_weight`."""
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    weights = [day_weight(day, start) for day in days]
    total = sum(weights)
    exact = [lines * w / total for w in weights]
    counts = [int(x) for x in exact]
    # Largest remainders get the lines the rounding down left over.
    by_remainder = sorted(range(len(days)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: lines - sum(counts)]:
        counts[i] += 1
    return list(zip(days, counts, strict=True))


def _months(start: date, end: date) -> Iterator[date]:
    month = date(start.year, start.month, 1)
    while month <= end:
        yield month
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _reps_by_region() -> dict[int, list[int]]:
    """Active regional reps (user ids, oldest first) per region they are a member of."""
    reps: dict[int, list[int]] = defaultdict(list)
    for region_id, user_id in (
        Membership.objects.filter(role=Role.REGIONAL_REP, region__isnull=False, user__is_active=True)
        .order_by("user_id")
        .values_list("region_id", "user_id")
    ):
        if user_id not in reps[region_id]:
            reps[region_id].append(user_id)
    return reps


class _RepFinder:
    """The salesperson for a buyer: its own rep, else a rep of its region, of the top region, or any."""

    def __init__(self):
        self.reps = _reps_by_region()
        self.parents = dict(Region.objects.values_list("id", "parent_id"))
        self.anyone = min((ids[0] for ids in self.reps.values() if ids), default=None)

    def __call__(self, region_id: int, own_rep_id: int | None = None) -> int:
        if own_rep_id:
            return own_rep_id
        for candidate in (region_id, self.parents.get(region_id)):
            if candidate and self.reps.get(candidate):
                return self.reps[candidate][0]
        if self.anyone is None:
            raise ValueError("No regional rep exists to be the salesperson: create the staff first.")
        return self.anyone


def ensure_scale_partners(distributors: int) -> int:
    """Make sure distributors G00001 … G<N> (named 经销商00001 …) exist, active, spread round-robin over the
    active regions, each with a rep of its region. Created with bulk_create (search text computed);
    existing codes are left alone. Returns how many were created."""
    regions = list(Region.objects.filter(active=True).order_by("code"))
    if not regions:
        raise ValueError("No region exists: load the master data (python manage.py demo) first.")
    width = max(5, len(str(distributors)))
    codes = [f"G{i:0{width}d}" for i in range(1, distributors + 1)]
    existing = set(Distributor.objects.filter(code__in=codes).values_list("code", flat=True))
    rep_for = _RepFinder()
    grades = [DistributorGrade.A] + [DistributorGrade.B] * 3 + [DistributorGrade.C] * 6
    credit = {DistributorGrade.A: 500_000, DistributorGrade.B: 200_000, DistributorGrade.C: 50_000}
    new = []
    for i, code in enumerate(codes, start=1):
        if code in existing:
            continue
        region = regions[(i - 1) % len(regions)]
        grade = grades[i % len(grades)]
        distributor = Distributor(
            code=code,
            name=f"经销商{i:0{width}d}",
            region=region,
            grade=grade,
            status=DistributorStatus.ACTIVE,
            credit_limit=Decimal(credit[grade]),
            rep_id=rep_for(region.pk),
        )
        distributor.refresh_search_text()
        new.append(distributor)
    Distributor.objects.bulk_create(new, batch_size=1000)
    return len(new)


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, cumulative = 0.0, []
    for w in weights:
        total += w
        cumulative.append(total)
    return cumulative


def _buyers(rep_for: _RepFinder) -> tuple[list[tuple], list[float], list[tuple], list[float]]:
    """(distributor rows, their cumulative weights, customer rows, theirs); a row is
    (region id, salesperson id, distributor id, customer id)."""
    distributors, d_weights = [], []
    for pk, region_id, rep_id, grade in (
        Distributor.objects.filter(status=DistributorStatus.ACTIVE)
        .order_by("id")
        .values_list("id", "region_id", "rep_id", "grade")
    ):
        distributors.append((region_id, rep_for(region_id, rep_id), pk, None))
        d_weights.append(GRADE_WEIGHT.get(grade, 1.0))
    customers = []
    for pk, region_id, rep_id in (
        Customer.objects.filter(active=True)
        .order_by("id")
        .values_list("id", "region_id", "distributor__rep_id")
    ):
        customers.append((region_id, rep_for(region_id, rep_id), None, pk))
    return distributors, _cumulative(d_weights), customers, _cumulative([1.0] * len(customers))


def _products(rng: random.Random) -> tuple[list[tuple[int, int, int]], list[float]]:
    """(product id, category id, list price in fen) of the active products and cumulative weights:
    a few best sellers (which ones depends on the seed), then a long tail."""
    products = [
        (pk, category_id, int(price * 100))
        for pk, category_id, price in Product.objects.filter(active=True)
        .order_by("code")
        .values_list("id", "category_id", "list_price")
    ]
    if not products:
        raise ValueError("No active product: load the catalogue (python manage.py demo) first.")
    rng.shuffle(products)
    return products, _cumulative([1 / (rank + 1) ** 0.7 for rank in range(len(products))])


@contextmanager
def large_page_cache():
    """On SQLite, a 256 MB page cache for this connection while writing many ledger rows: the ledger's
    dozen indexes then stay in memory instead of being re-read from disk (the default cache is 2 MB)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _writer(cursor) -> Callable[[list[tuple]], None]:
    """Writes a batch of row tuples: COPY on PostgreSQL (psycopg 3), executemany elsewhere."""
    meta = SalesLine._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(meta.get_field(name).column) for name in COLUMNS)
    raw = getattr(cursor, "cursor", None)
    if connection.vendor == "postgresql" and hasattr(raw, "copy"):

        def copy(rows: list[tuple]) -> None:
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as stream:
                for row in rows:
                    stream.write_row(row)

        return copy
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
    return lambda rows: cursor.executemany(sql, rows)


def generate_history(*, lines: int, start: date, end: date, seed: int = 0, batch_size: int = 5000) -> int:
    """Write `lines` imported-history ledger rows (reference "GEN") from `start` to `end`, both included.
    Deterministic for a seed and the same master data. Refused (ValidationError, nothing written) when a
    month of the range is closed. Returns how many rows were written."""
    if lines < 0:
        raise ValueError("lines must not be negative")
    if end < start:
        raise ValueError("end is before start")
    if lines == 0:
        return 0
    for month in _months(start, end):
        require_open_month(month)
    rng = random.Random(seed)
    rep_for = _RepFinder()
    distributors, d_cumulative, customers, c_cumulative = _buyers(rep_for)
    if not distributors:
        ensure_scale_partners(DEFAULT_SCALE_DISTRIBUTORS)
        distributors, d_cumulative, customers, c_cumulative = _buyers(rep_for)
    products, p_cumulative = _products(rng)
    customer_share = CUSTOMER_SHARE if customers else 0.0

    rnd, pick = rng.random, bisect.bisect_right
    d_total, c_total, p_total = d_cumulative[-1], (c_cumulative or [0.0])[-1], p_cumulative[-1]
    d_last, c_last, p_last = len(distributors) - 1, len(customers) - 1, len(products) - 1
    source, reference = LedgerSource.IMPORT.value, REFERENCE
    written = 0
    batch: list[tuple] = []
    with transaction.atomic(), large_page_cache(), connection.cursor() as cursor:
        write = _writer(cursor)
        for day, count in lines_per_day(lines, start, end):
            year, month = day.year, day.month
            for _ in range(count):
                if rnd() < customer_share:
                    region_id, salesperson_id, distributor_id, customer_id = customers[
                        min(pick(c_cumulative, rnd() * c_total), c_last)
                    ]
                else:
                    region_id, salesperson_id, distributor_id, customer_id = distributors[
                        min(pick(d_cumulative, rnd() * d_total), d_last)
                    ]
                product_id, category_id, price_fen = products[
                    min(pick(p_cumulative, rnd() * p_total), p_last)
                ]
                quantity = int(rnd() * 50) + 1
                discount = 8500 + int(rnd() * 1501)  # 0.8500 … 1.0000, in ten-thousandths
                amount_fen = (price_fen * quantity * discount + 5000) // 10000  # half up, exact
                batch.append(
                    (
                        day,
                        year,
                        month,
                        region_id,
                        salesperson_id,
                        distributor_id,
                        customer_id,
                        product_id,
                        category_id,
                        quantity,
                        Decimal(amount_fen).scaleb(-2),
                        source,
                        None,
                        reference,
                    )
                )
                if len(batch) >= batch_size:
                    write(batch)
                    written += len(batch)
                    batch = []
        if batch:
            write(batch)
            written += len(batch)
    return written
