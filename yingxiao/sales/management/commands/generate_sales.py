"""Scale data for benchmarks: `python manage.py generate_sales --lines 1000000 [--distributors 5000]`."""

import time
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yingxiao.sales.generate import ensure_scale_partners, generate_history


class Command(BaseCommand):
    help = (
        "Write N synthetic sales-ledger lines (reference GEN) with seasonality and growth, over the last "
        "--years years up to today (or --start … --end)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--lines", type=int, required=True, help="how many ledger lines to write")
        parser.add_argument(
            "--distributors",
            type=int,
            default=0,
            help="make sure N synthetic distributors G00001… exist first (default: use the existing ones)",
        )
        parser.add_argument(
            "--years",
            type=int,
            default=2,
            help="from 1 January N-1 years ago up to today (default 2: last year and this year so far)",
        )
        parser.add_argument("--start", type=date.fromisoformat, help="first day (YYYY-MM-DD)")
        parser.add_argument("--end", type=date.fromisoformat, help="last day (YYYY-MM-DD)")
        parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same lines)")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, **options):
        if options["lines"] < 1:
            raise CommandError("--lines must be at least 1.")
        if options["years"] < 1:
            raise CommandError("--years must be at least 1.")
        today = timezone.localdate()
        end = options["end"] or today
        start = options["start"] or date(end.year - options["years"] + 1, 1, 1)
        if end < start:
            raise CommandError("--end is before --start.")
        try:
            if options["distributors"]:
                created = ensure_scale_partners(options["distributors"])
                self.stdout.write(f"{created} synthetic distributors created.")
            began = time.perf_counter()
            written = generate_history(
                lines=options["lines"],
                start=start,
                end=end,
                seed=options["seed"],
                batch_size=options["batch_size"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.perf_counter() - began
        rate = written / seconds if seconds else float(written)
        self.stdout.write(
            self.style.SUCCESS(
                f"{written:,} ledger lines from {start} to {end} in {seconds:.1f} s ({rate:,.0f} lines/s)."
            )
        )
