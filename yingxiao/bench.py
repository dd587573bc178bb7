"""Benchmarks of the sales issue, run by `make bench` (`python -m yingxiao.bench [--lines N]`).

Into a fresh database (the SQLite file var/bench.sqlite3, recreated each run, unless DATABASE_URL names
another database, which is then used as it is: give it an empty scratch database) with the demo company:

  a. generate N sales-ledger lines for one year (default 1,000,000);
  b. the year's sales statistics for the marketing director (best of 3)        target < 1 s;
  c. receivables aging by region over 100,000 invoices (best of 3)             target < 1 s;
  d. import 100,000 ledger lines from an Excel file through the import task    target < 60 s.

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

    @property
    def verdict(self) -> str:
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


def _table(figures: list[Figure]) -> str:
    width = max(len(f.name) for f in figures)
    lines = [f"{'figure':<{width}}  {'measured':>10}  {'target':>9}  {'':<7} note", "-" * (width + 50)]
    for f in figures:
        measured = f"{f.seconds:.2f} s" if f.seconds is not None else "—"
        target = f"< {f.target:.0f} s" if f.target is not None else ""
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
        ]
        for names, step in zip(("a", "b", "c", "d"), steps, strict=True):
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
