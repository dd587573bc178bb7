"""Benchmarks of the sales issue, run by `make bench` (`python -m yingxiao.bench [--lines N]`).

Into a fresh database (the SQLite file var/bench.sqlite3, recreated each run, unless DATABASE_URL names
another database, which is then used as it is: give it an empty scratch database) with the demo company:

  a. generate N sales-ledger lines for one year (default 1,000,000);
  b. the year's sales statistics for the marketing director (best of 3)        target < 1 s;
  c. receivables aging by region over 100,000 invoices (best of 3)             target < 1 s;
  d. import 100,000 ledger lines from an Excel file through the import task    target < 60 s;
  e. a rebate run over 1,000,000 purchase lines of 2,000 distributors (an own year, written with one
     INSERT … SELECT; 2 % returns; invoices and payments for the payment-speed factor)  target < 10 s;
  f. on a 50,000-line year, the set-based run against `compute_line_by_line` (the naive ORM way,
     writing the same results and lines), both timed, ratio printed                   target ≥ 50×.

Figures whose module is not written yet are skipped with a note. `--strict` exits 1 when a target is
missed or a figure failed.
"""

import argparse
import contextlib
import io
import os
import platform
import random
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DB = BASE_DIR / "var" / "bench.sqlite3"


@dataclass
class Figure:
    """One line of the result table."""

    name: str
    seconds: float | None = None
    target: float | None = None
    note: str = ""
    ratio: float | None = None  # a speed-up figure: measured ×ratio against at least ×ratio_target
    ratio_target: float | None = None

    @property
    def verdict(self) -> str:
        if self.ratio is not None and self.ratio_target is not None:
            return "ok" if self.ratio >= self.ratio_target else "MISSED"
        if self.seconds is None:
            return "skipped" if not self.note.startswith("error") else "ERROR"
        if self.target is None:
            return ""
        return "ok" if self.seconds < self.target else "MISSED"


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m yingxiao.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="ledger lines to generate (one year)")
    parser.add_argument("--year", type=int, default=date.today().year - 1, help="the year generated")
    parser.add_argument("--invoices", type=int, default=100_000, help="invoices for the aging figure")
    parser.add_argument("--import-lines", type=int, default=100_000, help="lines of the Excel import")
    parser.add_argument("--rebate-lines", type=int, default=1_000_000, help="ledger lines of the rebate run")
    parser.add_argument(
        "--rebate-distributors", type=int, default=2_000, help="distributors of the rebate run"
    )
    parser.add_argument(
        "--naive-lines", type=int, default=50_000, help="lines of the set-based vs naive figure"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def _setup_django() -> str:
    """Point Django at the bench database (a fresh SQLite file unless DATABASE_URL is set) and start it."""
    if os.environ.get("DATABASE_URL"):
        where = "DATABASE_URL (used as it is)"
    else:
        BENCH_DB.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{BENCH_DB}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_DB}"
        where = str(BENCH_DB.relative_to(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingxiao.settings.dev")
    import django

    django.setup()
    return where


def _best_of(runs: int, call: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        began = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - began)
    return best


def _optional(module: str, name: str):
    """The function, or None when its module (written by another engineer) is not there yet."""
    import importlib

    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None
        raise
    except AttributeError:
        return None


def _say(text: str) -> None:
    print(text, flush=True)


def bench_generate(args, figures: list[Figure]) -> None:
    from yingxiao.sales.generate import generate_history

    _say(f"(a) generating {args.lines:,} ledger lines for {args.year} …")
    began = time.perf_counter()
    written = generate_history(
        lines=args.lines, start=date(args.year, 1, 1), end=date(args.year, 12, 31), seed=args.seed
    )
    seconds = time.perf_counter() - began
    figures.append(
        Figure(
            f"(a) generate {written:,} ledger lines",
            seconds,
            120 * max(written, 1) / 1_000_000,
            f"{written / seconds:,.0f} lines/s",
        )
    )


def bench_statistics(args, figures: list[Figure], director) -> None:
    name = f"(b) sales statistics {args.year}, best of 3"
    statistics = _optional("yingxiao.sales.statistics", "sales_statistics")
    if statistics is None:
        figures.append(Figure(name, note="yingxiao.sales.statistics.sales_statistics is not there yet"))
        return
    _say("(b) sales statistics …")
    seconds = _best_of(3, lambda: statistics(user=director, year=args.year))
    figures.append(Figure(name, seconds, 1.0))


def _make_invoices(count: int, seed: int) -> float:
    """`count` open and paid invoices over the last 200 days, written with bulk_create; returns seconds."""
    from yingxiao.partners.choices import DistributorStatus
    from yingxiao.partners.models import Distributor
    from yingxiao.sales.choices import InvoiceStatus
    from yingxiao.sales.generate import _RepFinder
    from yingxiao.sales.models import Invoice

    began = time.perf_counter()
    rng = random.Random(seed)
    rep_for = _RepFinder()
    buyers = [
        (pk, region_id, rep_for(region_id, rep_id))
        for pk, region_id, rep_id in Distributor.objects.filter(status=DistributorStatus.ACTIVE)
        .order_by("id")
        .values_list("id", "region_id", "rep_id")
    ]
    today = date.today()
    batch = []
    for i in range(1, count + 1):
        distributor_id, region_id, salesperson_id = buyers[rng.randrange(len(buyers))]
        issued = today - timedelta(days=rng.randrange(200))
        amount_fen = rng.randrange(100_000, 20_000_000)
        roll = rng.random()
        paid_fen = amount_fen if roll < 0.3 else (rng.randrange(amount_fen) if roll < 0.5 else 0)
        batch.append(
            Invoice(
                number=f"BENCH-{i:07d}",
                region_id=region_id,
                salesperson_id=salesperson_id,
                distributor_id=distributor_id,
                issued_on=issued,
                due_date=issued + timedelta(days=rng.choice((30, 60, 90))),
                amount=Decimal(amount_fen).scaleb(-2),
                paid_amount=Decimal(paid_fen).scaleb(-2),
                status=InvoiceStatus.PAID if paid_fen == amount_fen else InvoiceStatus.OPEN,
            )
        )
        if len(batch) == 5000:
            Invoice.objects.bulk_create(batch)
            batch = []
    Invoice.objects.bulk_create(batch)
    return time.perf_counter() - began


def bench_aging(args, figures: list[Figure], director) -> None:
    name = f"(c) aging by region over {args.invoices:,} invoices, best of 3"
    aging = _optional("yingxiao.sales.receivables", "aging")
    if aging is None:
        figures.append(Figure(name, note="yingxiao.sales.receivables.aging is not there yet"))
        return
    _say(f"(c) writing {args.invoices:,} invoices …")
    setup = _make_invoices(args.invoices, args.seed)
    _say("    aging …")
    seconds = _best_of(3, lambda: aging(user=director, group_by="region"))
    figures.append(Figure(name, seconds, 1.0, f"invoices written in {setup:.1f} s"))


def _import_workbook(path: Path, lines: int, year: int, seed: int) -> None:
    """An import file of `lines` correct rows over the year (openpyxl write-only)."""
    from openpyxl import Workbook

    from yingxiao.accounts.models import User
    from yingxiao.catalog.models import Product
    from yingxiao.partners.choices import DistributorStatus
    from yingxiao.partners.models import Distributor
    from yingxiao.sales.generate import _RepFinder
    from yingxiao.sales.imports import COLUMNS

    rng = random.Random(seed)
    rep_for = _RepFinder()
    usernames = dict(User.objects.values_list("id", "username"))
    buyers = [
        (code, region.parent.code if region.parent_id else region.code, usernames[rep_for(region.pk, rep_id)])
        for code, region, rep_id in (
            (d.code, d.region, d.rep_id)
            for d in Distributor.objects.filter(status=DistributorStatus.ACTIVE).select_related(
                "region__parent"
            )
        )
    ]
    products = list(Product.objects.filter(active=True).values_list("code", "list_price"))
    first = date(year, 1, 1)
    days = (min(date(year, 12, 31), date.today()) - first).days + 1  # history is in the past
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("sales")
    ws.append([c.key for c in COLUMNS])
    for _ in range(lines):
        code, region, salesperson = buyers[rng.randrange(len(buyers))]
        product, price = products[rng.randrange(len(products))]
        quantity = rng.randint(1, 50)
        ws.append([first + timedelta(days=rng.randrange(days)), region, salesperson, code, None, product,
                   quantity, quantity * price])  # fmt: skip
    wb.save(path)


def bench_import(args, figures: list[Figure], tmp: Path) -> None:
    from django.core.files import File

    from yingxiao.accounts.models import User
    from yingxiao.sales.choices import ImportStatus
    from yingxiao.sales.imports import error_text, run_sales_import
    from yingxiao.sales.models import SalesImport, SalesLine

    name = f"(d) import {args.import_lines:,} lines from Excel"
    path = tmp / "sales-import.xlsx"
    _say(f"(d) writing an Excel file of {args.import_lines:,} lines …")
    began = time.perf_counter()
    _import_workbook(path, args.import_lines, args.year, args.seed + 1)
    built = time.perf_counter() - began
    with path.open("rb") as handle:
        sales_import = SalesImport(created_by=User.objects.get(username="finance"))
        sales_import.file.save(path.name, File(handle, name=path.name), save=True)
    before = SalesLine.objects.count()
    _say("    importing …")
    began = time.perf_counter()
    run_sales_import.call(sales_import.pk)
    seconds = time.perf_counter() - began
    sales_import.refresh_from_db()
    added = SalesLine.objects.count() - before
    if sales_import.status != ImportStatus.DONE or added != args.import_lines:
        reasons = "; ".join(error_text(e) for e in sales_import.errors[:3])
        figures.append(Figure(name, note=f"error: {sales_import.status}, {added} lines added. {reasons}"))
        return
    figures.append(
        Figure(name, seconds, 60.0, f"file written in {built:.1f} s; {added / seconds:,.0f} lines/s")
    )


# --- rebates (issue 6) ------------------------------------------------------------------------------


def _bulk_rebate_ledger(*, year: int, lines: int, distributors: int, invoices_each: int) -> float:
    """Ledger lines of `year` for the scale distributors G00001… (created when missing), written by the
    database itself, in date order: one INSERT … SELECT over a number series joined to small numbered
    tables of distributors, products and days (every 50th line a return); then `invoices_each` invoices per
    distributor with their payments and allocations, the same way. Returns the seconds it took."""
    from django.db import connection, transaction

    from yingxiao.catalog.models import Product
    from yingxiao.partners.models import Distributor
    from yingxiao.sales.generate import _RepFinder, ensure_scale_partners, large_page_cache
    from yingxiao.sales.models import Invoice, Payment, PaymentAllocation, SalesLine

    began = time.perf_counter()
    ensure_scale_partners(distributors)
    rep_for = _RepFinder()
    width = max(5, len(str(distributors)))
    buyers = [
        (k, pk, region_id, rep_for(region_id, rep_id))
        for k, (pk, region_id, rep_id) in enumerate(
            Distributor.objects.filter(code__in=[f"G{i:0{width}d}" for i in range(1, distributors + 1)])
            .order_by("id")
            .values_list("id", "region_id", "rep_id")
        )
    ]
    products = [
        (k, pk, category_id, price)
        for k, (pk, category_id, price) in enumerate(
            Product.objects.filter(active=True).order_by("id").values_list("id", "category_id", "list_price")
        )
    ]
    first = date(year, 1, 1)
    days = [(k, first + timedelta(days=k), (first + timedelta(days=k)).month) for k in range(365)]
    q = connection.ops.quote_name
    pg = connection.vendor == "postgresql"
    series = (
        "SELECT generate_series(0, %s - 1) AS n"
        if pg
        else "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < %s) "
        "SELECT n FROM seq"
    )
    line_columns = ", ".join(
        q(SalesLine._meta.get_field(f).column)
        for f in ("date", "year", "month", "region", "salesperson", "distributor", "customer", "product",
                  "category", "quantity", "amount", "source", "order_line", "reference")
    )  # fmt: skip
    nd, np_ = len(buyers), len(products)
    with transaction.atomic(), large_page_cache(), connection.cursor() as cursor:
        for table, columns, rows in (
            ("bench_d", "k integer, id bigint, region_id bigint, rep_id bigint", buyers),
            ("bench_p", "k integer, id bigint, category_id bigint, price numeric(14, 2)", products),
            ("bench_day", "k integer, day date, month integer", days),
        ):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TEMPORARY TABLE {table} ({columns})")
            marks = ", ".join(["%s"] * len(rows[0]))
            cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        # quantity 1–50, amount = quantity × list price × 0.85–1.00, every 50th line returned
        sign = "(CASE WHEN s.n %% 50 = 49 THEN -1 ELSE 1 END)"
        cursor.execute(
            f"""
            INSERT INTO {q(SalesLine._meta.db_table)} ({line_columns})
            SELECT dy.day, {int(year)}, dy.month, d.region_id, d.rep_id, d.id, NULL, p.id, p.category_id,
                   {sign} * (1 + (s.n * 7) %% 50),
                   {sign} * ROUND((1 + (s.n * 7) %% 50) * p.price * (85 + (s.n * 3) %% 16) / 100.0, 2),
                   CASE WHEN s.n %% 50 = 49 THEN 'return' ELSE 'import' END, NULL, 'BENCH-RB'
            FROM ({series}) s
            JOIN bench_d d ON d.k = s.n %% {nd}
            JOIN bench_p p ON p.k = (s.n / {nd} + s.n) %% {np_}
            JOIN bench_day dy ON dy.k = s.n * 365 / {int(lines)}""",
            [lines],
        )
        # invoices_each invoices per distributor over the year, paid 10–99 days later (a third unpaid)
        count = nd * invoices_each
        inv, pay, alloc = Invoice._meta.db_table, Payment._meta.db_table, PaymentAllocation._meta.db_table
        prefix = f"BRB{int(year)}-"
        number = f"('{prefix}' || CAST(s.n AS VARCHAR(20)))"
        cursor.execute(
            f"""
            INSERT INTO {q(inv)} ({q("number")}, {q("region_id")}, {q("salesperson_id")},
                   {q("distributor_id")}, {q("issued_on")}, {q("due_date")}, {q("amount")},
                   {q("paid_amount")}, {q("status")}, {q("created_at")}, {q("updated_at")})
            SELECT {number}, d.region_id, d.rep_id, d.id, dy.day, dy.day, 1000 + (s.n %% 97) * 100,
                   CASE WHEN s.n %% 3 = 0 THEN 0 ELSE 1000 + (s.n %% 97) * 100 END,
                   CASE WHEN s.n %% 3 = 0 THEN 'open' ELSE 'paid' END, %s, %s
            FROM ({series}) s
            JOIN bench_d d ON d.k = s.n %% {nd}
            JOIN bench_day dy ON dy.k = (s.n * 11) %% 270""",
            [_now(), _now(), count],
        )
        finance = _finance_id()
        received = (
            "i.issued_on + CAST(10 + i.id %% 90 AS INTEGER)"
            if pg
            else "date(i.issued_on, '+' || (10 + i.id %% 90) || ' days')"
        )
        cursor.execute(
            f"""
            INSERT INTO {q(pay)} ({q("number")}, {q("region_id")}, {q("distributor_id")}, {q("received_on")},
                   {q("amount")}, {q("method")}, {q("reference")}, {q("recorded_by_id")},
                   {q("created_at")}, {q("updated_at")})
            SELECT i.number, i.region_id, i.distributor_id, {received}, i.amount, '', '', %s, %s, %s
            FROM {q(inv)} i WHERE i.number LIKE %s AND i.status = 'paid'""",
            [finance, _now(), _now(), prefix + "%"],
        )
        cursor.execute(
            f"""
            INSERT INTO {q(alloc)} ({q("payment_id")}, {q("invoice_id")}, {q("amount")})
            SELECT p.id, i.id, i.amount FROM {q(pay)} p JOIN {q(inv)} i ON i.number = p.number
            WHERE p.number LIKE %s""",
            [prefix + "%"],
        )
        for table in ("bench_d", "bench_p", "bench_day"):
            cursor.execute(f"DROP TABLE {table}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {q(SalesLine._meta.db_table)}")
    return time.perf_counter() - began


def _now():
    from django.utils import timezone

    return timezone.now()


def _finance_id() -> int:
    from yingxiao.accounts.models import User

    return User.objects.get(username="finance").pk


def _rebate_policy(year: int):
    """A year's policy over every distributor: three retroactive tiers, the payment-speed factor, and
    forfeiture (a few distributors flagged); a few advances paid."""
    from yingxiao.accounts.models import User
    from yingxiao.partners.models import Distributor
    from yingxiao.rebates.choices import PolicyStatus, RebateBasis, TierMode
    from yingxiao.rebates.models import (
        CrossRegionFlag,
        PaymentSpeedBand,
        RebateAdvance,
        RebatePolicy,
        RebateTier,
    )

    finance = User.objects.get(username="finance")
    policy = RebatePolicy.objects.create(
        number=f"BENCH-RP-{year}",
        status=PolicyStatus.ACTIVE,
        created_by=finance,
        year=year,
        name=f"{year} 年度返利政策 (bench)",
        scope_key=f"bench-{year}",
        basis=RebateBasis.AMOUNT,
        tier_mode=TierMode.RETROACTIVE,
        payment_speed_factor=True,
        forfeit_cross_region=True,
    )
    for threshold, rate in (("100000", "0.01"), ("500000", "0.02"), ("1000000", "0.03")):
        RebateTier.objects.create(policy=policy, threshold=Decimal(threshold), rate=Decimal(rate))
    for max_days, factor in ((30, "1"), (60, "0.8"), (None, "0.5")):
        PaymentSpeedBand.objects.create(policy=policy, max_days=max_days, factor=Decimal(factor))
    ids = list(Distributor.objects.filter(code__startswith="G").order_by("id").values_list("id", flat=True))
    for pk in ids[::97]:
        CrossRegionFlag.objects.create(distributor_id=pk, year=year, evidence="bench", flagged_by=finance)
    for pk in ids[::13]:
        RebateAdvance.objects.create(
            distributor_id=pk,
            year=year,
            amount=Decimal("5000.00"),
            paid_on=date(year, 7, 1),
            recorded_by=finance,
        )
    return policy


def _rebate_run(policy, number: str):
    from yingxiao.accounts.models import User
    from yingxiao.rebates.models import RebateRun

    return RebateRun.objects.create(
        number=number,
        status="calculated",
        created_by=User.objects.get(username="finance"),
        policy=policy,
        year=policy.year,
    )


def bench_rebate_run(args, figures: list[Figure]) -> None:
    name = f"(e) rebate run: {args.rebate_lines:,} lines, {args.rebate_distributors:,} distributors"
    run_compute = _optional("yingxiao.rebates.calculation", "run_compute")
    if run_compute is None:
        figures.append(Figure(name, note="yingxiao.rebates.calculation.run_compute is not there yet"))
        return
    year = args.year - 3  # a year nothing else writes
    lines, distributors = args.rebate_lines, args.rebate_distributors
    _say(f"(e) writing {lines:,} ledger lines of {year} for {distributors:,} distributors …")
    setup = _bulk_rebate_ledger(
        year=year, lines=args.rebate_lines, distributors=args.rebate_distributors, invoices_each=10
    )
    policy = _rebate_policy(year)
    _say(f"    written in {setup:.1f} s; computing the run …")
    run = _rebate_run(policy, f"BENCH-RR-{year}")
    began = time.perf_counter()
    run_compute(run)
    seconds = time.perf_counter() - began
    if run.line_count != args.rebate_lines or run.distributor_count != args.rebate_distributors:
        figures.append(
            Figure(name, note=f"error: {run.line_count} lines, {run.distributor_count} distributors computed")
        )
        return
    figures.append(
        Figure(
            name,
            seconds,
            10.0,
            f"data written in {setup:.1f} s; rebate {run.total_earned:,} on {run.total_sales:,} of sales",
        )
    )


def bench_rebate_naive(args, figures: list[Figure]) -> None:
    name = f"(f) set-based vs line by line, {args.naive_lines:,} lines"
    run_compute = _optional("yingxiao.rebates.calculation", "run_compute")
    naive = _optional("yingxiao.rebates.calculation", "compute_line_by_line")
    if run_compute is None or naive is None:
        figures.append(Figure(name, note="yingxiao.rebates.calculation is not there yet"))
        return
    year = args.year - 4
    _say(f"(f) writing {args.naive_lines:,} ledger lines of {year} …")
    _bulk_rebate_ledger(
        year=year, lines=args.naive_lines, distributors=args.rebate_distributors, invoices_each=1
    )
    policy = _rebate_policy(year)
    _say("    set-based run …")
    fast_run = _rebate_run(policy, f"BENCH-RR-{year}-1")
    began = time.perf_counter()
    run_compute(fast_run)
    fast = time.perf_counter() - began
    _say("    line by line …")
    slow_run = _rebate_run(policy, f"BENCH-RR-{year}-2")
    began = time.perf_counter()
    found = naive(policy, year, run=slow_run)
    slow = time.perf_counter() - began
    fast_run.refresh_from_db()
    naive_total = sum((row.earned for row in found.rows.values()), Decimal(0))
    if naive_total != fast_run.total_earned or len(found.lines) != fast_run.line_count:
        figures.append(
            Figure(name, note=f"error: the two disagree ({naive_total} ≠ {fast_run.total_earned})")
        )
        return
    figures.append(Figure(f"(f1) set-based run, {args.naive_lines:,} lines", fast))
    figures.append(Figure(f"(f2) line by line through the ORM, {args.naive_lines:,} lines", slow))
    figures.append(Figure("(f) set-based is faster by", ratio=slow / fast, ratio_target=50.0,
                          note=f"{slow:.2f} s / {fast:.2f} s"))  # fmt: skip


def _table(figures: list[Figure]) -> str:
    width = max(len(f.name) for f in figures)
    lines = [f"{'figure':<{width}}  {'measured':>10}  {'target':>9}  {'':<7} note", "-" * (width + 50)]
    for f in figures:
        measured = f"{f.seconds:.2f} s" if f.seconds is not None else "—"
        target = f"< {f.target:.0f} s" if f.target is not None else ""
        if f.ratio is not None:
            measured = f"×{f.ratio:,.0f}"
            target = f"≥ ×{f.ratio_target:.0f}" if f.ratio_target is not None else ""
        lines.append(f"{f.name:<{width}}  {measured:>10}  {target:>9}  {f.verdict:<7} {f.note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    where = _setup_django()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from yingxiao.accounts.models import User

    figures: list[Figure] = []
    quiet_mail = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    with (
        tempfile.TemporaryDirectory(prefix="yingxiao-bench-") as tmp,
        override_settings(DEBUG=False, MAILERS=quiet_mail, MEDIA_ROOT=tmp),
    ):
        _say(f"database: {connection.vendor} · {where}")
        began = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        with contextlib.redirect_stdout(io.StringIO()):
            call_command("demo", quiet_logins=True)
        _say(f"migrated and loaded the demo company in {time.perf_counter() - began:.1f} s")
        director = User.objects.get(username="director")
        steps = [
            lambda: bench_generate(args, figures),
            lambda: bench_statistics(args, figures, director),
            lambda: bench_aging(args, figures, director),
            lambda: bench_import(args, figures, Path(tmp)),
            lambda: bench_rebate_run(args, figures),
            lambda: bench_rebate_naive(args, figures),
        ]
        for names, step in zip(("a", "b", "c", "d", "e", "f"), steps, strict=True):
            try:
                step()
            except Exception as exc:  # a failing figure is reported; the others still run
                traceback.print_exc()
                figures.append(Figure(f"({names})", note=f"error: {type(exc).__name__}: {exc}"))
    _say("")
    _say(
        f"Yingxiao benchmarks · {platform.python_implementation()} {platform.python_version()} · "
        f"{connection.vendor} · {os.cpu_count()} CPUs · settings {settings.SETTINGS_MODULE}"
    )
    _say(_table(figures))
    failed = any(f.verdict in ("MISSED", "ERROR") for f in figures)
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
