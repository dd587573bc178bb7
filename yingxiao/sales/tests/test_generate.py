"""Synthetic sales history: counts, determinism, shape of the rows, seasonality and growth, closed months,
the scale distributors and the generate_sales command."""

import io
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from yingxiao.partners.choices import DistributorStatus
from yingxiao.partners.models import Distributor
from yingxiao.sales.choices import LedgerSource
from yingxiao.sales.generate import (
    COLUMNS,
    DEFAULT_SCALE_DISTRIBUTORS,
    REFERENCE,
    ensure_scale_partners,
    generate_history,
    lines_per_day,
)
from yingxiao.sales.models import ClosedMonth, SalesLine

pytestmark = pytest.mark.django_db

# Years no demo data uses, so every generated line there is ours.
Y1, Y2 = 2013, 2014
START, END = date(Y1, 1, 1), date(Y2, 12, 31)

FIELDS = (
    "date",
    "region_id",
    "salesperson_id",
    "distributor_id",
    "customer_id",
    "product_id",
    "quantity",
    "amount",
)


@pytest.fixture(autouse=True)
def _empty_years():
    """Nothing closed and no ledger line in the years the tests write."""
    ClosedMonth.objects.filter(year__in=(Y1, Y2)).delete()
    SalesLine.objects.filter(year__in=(Y1, Y2)).delete()


def generated(**filters):
    return SalesLine.objects.filter(reference=REFERENCE, year__in=(Y1, Y2), **filters)


def test_writes_exactly_the_lines_asked_for_with_their_shape():
    assert generate_history(lines=3000, start=START, end=date(Y1, 12, 31), seed=1) == 3000
    lines = list(generated().select_related("product", "distributor"))
    assert len(lines) == 3000
    for line in lines:
        assert line.source == LedgerSource.IMPORT
        assert (line.year, line.month) == (line.date.year, line.date.month)
        assert line.category_id == line.product.category_id
        assert 1 <= line.quantity <= 50
        full = line.quantity * line.product.list_price
        assert full * Decimal("0.85") - Decimal("0.01") <= line.amount <= full
        assert line.amount == line.amount.quantize(Decimal("0.01"))
        assert (line.distributor_id is None) != (line.customer_id is None)
        if line.distributor_id:
            assert line.distributor.status == DistributorStatus.ACTIVE
            if line.distributor.rep_id:
                assert line.salesperson_id == line.distributor.rep_id
    share = sum(1 for line in lines if line.customer_id) / len(lines)
    assert 0.06 < share < 0.14  # about 10 % to direct customers


def test_same_seed_same_lines_other_seed_other_lines():
    def run(seed):
        generate_history(lines=800, start=START, end=END, seed=seed)
        rows = list(generated().order_by("id").values_list(*FIELDS))
        generated().delete()
        return rows

    first = run(7)
    assert len(first) == 800
    assert run(7) == first
    assert run(8) != first


def test_seasonality_and_growth():
    generate_history(lines=40_000, start=START, end=END, seed=3)
    per_month = Counter(generated().values_list("year", "month"))
    for year in (Y1, Y2):
        months = [per_month[(year, m)] for m in range(1, 13)]
        mean = sum(months) / 12
        jan, feb, mar = months[0], months[1], months[2]
        assert feb < jan and feb < mar, months  # 春节 stocking in January, the holiday dip in February
        assert feb < 0.8 * mean, months
        assert sum(months[9:]) > sum(months[6:9]) * 1.2, months  # Q4 above Q3
        assert months[11] > mean * 1.15, months
    counts = {year: sum(per_month[(year, m)] for m in range(1, 13)) for year in (Y1, Y2)}
    assert 1.08 < counts[Y2] / counts[Y1] < 1.23, counts  # about 15 % growth
    amounts = {
        year: sum(generated(year=year).values_list("amount", flat=True), Decimal(0)) for year in (Y1, Y2)
    }
    assert 1.05 < amounts[Y2] / amounts[Y1] < 1.26, amounts


def test_lines_per_day_shares_out_every_line():
    days = lines_per_day(1000, START, date(Y1, 3, 31))
    assert sum(count for _day, count in days) == 1000
    assert days[0][0] == START and days[-1][0] == date(Y1, 3, 31)


def test_closed_month_refused_and_nothing_written(user):
    ClosedMonth.objects.create(year=Y2, month=5, closed_by=user("finance"))
    with pytest.raises(ValidationError, match=f"{Y2}-05"):
        generate_history(lines=500, start=START, end=END)
    assert not generated().exists()


def test_bad_arguments():
    with pytest.raises(ValueError):
        generate_history(lines=-1, start=START, end=END)
    with pytest.raises(ValueError):
        generate_history(lines=10, start=END, end=START)
    assert generate_history(lines=0, start=START, end=END) == 0


def test_scale_partners_are_created_once_spread_over_regions_with_search_text():
    assert ensure_scale_partners(12) == 12
    created = list(Distributor.objects.filter(code__regex=r"^G\d{5}$").order_by("code"))
    assert [d.code for d in created] == [f"G{i:05d}" for i in range(1, 13)]
    first = created[0]
    assert first.name == "经销商00001"
    assert first.status == DistributorStatus.ACTIVE
    assert (
        "g00001" in first.search_text and "jingxiaoshang" in first.search_text and "jxs" in first.search_text
    )
    assert len({d.region_id for d in created}) > 1
    assert all(d.rep_id for d in created)
    assert ensure_scale_partners(12) == 0
    assert ensure_scale_partners(13) == 1


def test_without_distributors_a_scale_set_is_made():
    Distributor.objects.update(status=DistributorStatus.TERMINATED)
    generate_history(lines=300, start=START, end=date(Y1, 6, 30), seed=5)
    assert Distributor.objects.filter(status=DistributorStatus.ACTIVE).count() == DEFAULT_SCALE_DISTRIBUTORS
    codes = set(generated(distributor__isnull=False).values_list("distributor__code", flat=True))
    assert codes and all(code.startswith("G") for code in codes)


def test_columns_cover_every_ledger_field():
    fields = {f.name for f in SalesLine._meta.concrete_fields if not f.primary_key}
    assert fields == set(COLUMNS)


def test_command_prints_the_rate():
    out = io.StringIO()
    call_command(
        "generate_sales", lines=500, distributors=3, start=START, end=date(Y1, 12, 31), seed=2, stdout=out
    )
    text = out.getvalue()
    assert "3 synthetic distributors created" in text
    assert "500 ledger lines" in text and "lines/s" in text
    assert generated().count() == 500


def test_command_refuses_a_closed_month(user):
    from django.core.management.base import CommandError

    ClosedMonth.objects.create(year=Y1, month=2, closed_by=user("finance"))
    with pytest.raises(CommandError, match=f"{Y1}-02"):
        call_command("generate_sales", lines=10, start=START, end=END, stdout=io.StringIO())
