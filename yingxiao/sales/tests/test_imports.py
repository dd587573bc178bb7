"""Import of sales history from Excel: the happy path, every row check, all-or-nothing, closed months,
regions, permissions (service and pages), progress, the polling detail page and the template."""

import io
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from yingxiao.catalog.models import Product
from yingxiao.core import testing
from yingxiao.core.excel import XLSX_MIME
from yingxiao.sales import imports
from yingxiao.sales.choices import ImportStatus, LedgerSource
from yingxiao.sales.imports import (
    COLUMNS,
    error_text,
    error_total,
    process_sales_import,
    sales_import_start,
    sales_imports_for,
)
from yingxiao.sales.models import ClosedMonth, SalesImport, SalesLine

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    """Uploaded files go to a temporary folder; the months the tests write in are open."""
    settings.MEDIA_ROOT = tmp_path
    ClosedMonth.objects.filter(year=DAY.year, month=DAY.month).delete()
    ClosedMonth.objects.filter(year=2025, month=3).delete()  # the template's example row


# --- data -----------------------------------------------------------------------------------------------

HEADERS = [
    c.key for c in COLUMNS
]  # date, region, salesperson, distributor, customer, product, quantity, amount
DAY = date(timezone.localdate().year - 1, 6, 15)


def row(**cells):
    """A correct row (distributor E01, in the 片区 east-sh of region east), with `cells` changed."""
    values = {
        "date": DAY,
        "region": "east",
        "salesperson": "rep_east",
        "distributor": "E01",
        "customer": None,
        "product": "W-100",
        "quantity": 2,
        "amount": 4938.10,
    }
    values.update(cells)
    return [values[h] for h in HEADERS]


def start(rows, actor="finance", headers=HEADERS, user=None):
    """Upload `rows` as `actor` (the immediate task backend runs the import at once); the fresh import."""
    sales_import = sales_import_start(actor=user(actor), file=testing.xlsx_upload(headers, rows))
    sales_import.refresh_from_db()
    return sales_import


@pytest.fixture
def run(user):
    def go(rows, actor="finance", headers=HEADERS):
        return start(rows, actor=actor, headers=headers, user=user)

    return go


def imported(sales_import):
    return SalesLine.objects.filter(reference=f"IMP-{sales_import.pk}")


def codes(sales_import):
    return [(e["row"], e["column"], e["code"]) for e in sales_import.errors]


# --- happy path -----------------------------------------------------------------------------------------


def test_lines_land_in_the_ledger(run):
    before = SalesLine.objects.count()
    sales_import = run(
        [
            row(),
            row(distributor=None, customer="C-E01", quantity=1, amount=2599),
            row(
                region="north", salesperson="rep_north", distributor="N01", product="A-200", amount="1,234.5"
            ),
        ]
    )
    assert sales_import.status == ImportStatus.DONE, sales_import.errors
    assert sales_import.errors == []
    assert (sales_import.total_rows, sales_import.done_rows, sales_import.percent) == (3, 3, 100)
    assert sales_import.finished_at is not None
    assert SalesLine.objects.count() == before + 3
    lines = list(imported(sales_import).order_by("id").select_related("product", "distributor", "customer"))
    first, second, third = lines
    assert (first.date, first.year, first.month) == (DAY, DAY.year, DAY.month)
    assert first.region.code == "east" and first.distributor.code == "E01" and first.customer is None
    assert first.salesperson.username == "rep_east"
    assert first.category_id == Product.objects.get(code="W-100").category_id
    assert (first.quantity, first.amount) == (2, Decimal("4938.10"))
    assert first.source == LedgerSource.IMPORT
    assert second.customer.code == "C-E01" and second.distributor is None
    assert second.amount == Decimal("2599.00")
    assert third.amount == Decimal("1234.50")


def test_headers_in_either_language_and_text_dates(run):
    for language in ("zh-hans", "en"):
        with translation.override(language):
            headers = [str(c.label) for c in COLUMNS]
        sales_import = run([row(date="2024-02-29"), row(date=f"{DAY:%Y/%m/%d}")], headers=headers)
        assert sales_import.status == ImportStatus.DONE, sales_import.errors
        assert sorted(imported(sales_import).values_list("date", flat=True)) == [date(2024, 2, 29), DAY]


def test_blank_rows_are_skipped_and_row_numbers_follow_the_sheet(run):
    sales_import = run([row(), [None] * len(HEADERS), row(product="NOPE")])
    assert codes(sales_import) == [(4, "product", "not_found")]
    assert sales_import.total_rows == 2


# --- all or nothing, every check ------------------------------------------------------------------------


def test_one_bad_row_saves_nothing_and_is_listed_with_its_reason(run):
    before = SalesLine.objects.count()
    sales_import = run([row(), row(), row(product="NOPE"), row()])
    assert sales_import.status == ImportStatus.FAILED
    assert SalesLine.objects.count() == before
    assert not imported(sales_import).exists()
    assert codes(sales_import) == [(4, "product", "not_found")]
    with translation.override("en"):
        assert error_text(sales_import.errors[0]) == "Product code: 'NOPE' does not exist."
    assert "NOPE" in sales_import.errors[0]["message"]  # a copy in the house language
    assert (sales_import.total_rows, sales_import.done_rows) == (4, 4)


TOMORROW = timezone.localdate() + timedelta(days=1)


@pytest.mark.parametrize(
    "cells, expected",
    [
        ({"date": "2025-13-45"}, ("date", "bad_date")),
        ({"date": None}, ("date", "required")),
        ({"date": TOMORROW}, ("date", "future_date")),
        ({"region": "nowhere"}, ("region", "not_found")),
        ({"region": None}, ("region", "required")),
        ({"salesperson": "ghost"}, ("salesperson", "not_found")),
        ({"distributor": "ZZZ"}, ("distributor", "not_found")),
        ({"distributor": None, "customer": "C-ZZZ"}, ("customer", "not_found")),
        ({"customer": "C-E01"}, ("", "both_buyers")),
        ({"distributor": None}, ("", "no_buyer")),
        ({"product": None}, ("product", "required")),
        ({"quantity": 0}, ("quantity", "not_positive")),
        ({"quantity": -3}, ("quantity", "not_positive")),
        ({"quantity": 1.5}, ("quantity", "not_integer")),
        ({"quantity": "many"}, ("quantity", "not_integer")),
        ({"amount": -1}, ("amount", "negative")),
        ({"amount": 10.125}, ("amount", "decimals")),
        ({"amount": "12.345"}, ("amount", "decimals")),
        ({"amount": "abc"}, ("amount", "not_number")),
        ({"amount": None}, ("amount", "required")),
        ({"amount": 1e15}, ("amount", "too_large")),
    ],
)
def test_each_check_names_its_column(run, cells, expected):
    sales_import = run([row(), row(**cells)])
    assert sales_import.status == ImportStatus.FAILED
    assert codes(sales_import) == [(3, *expected)]
    assert not imported(sales_import).exists()
    column = expected[0]
    if column:
        label = next(str(c.label) for c in COLUMNS if c.key == column)
        assert error_text(sales_import.errors[0]).startswith(f"{label}: ")


def test_every_error_of_a_row_is_reported(run):
    sales_import = run([row(region="nowhere", product="NOPE", quantity=0)])
    assert codes(sales_import) == [
        (2, "region", "not_found"),
        (2, "product", "not_found"),
        (2, "quantity", "not_positive"),
    ]


def test_zero_amount_and_float_noise_are_accepted(run):
    sales_import = run([row(amount=0), row(amount=0.1 + 0.2)])
    assert sales_import.status == ImportStatus.DONE, sales_import.errors
    assert sorted(imported(sales_import).values_list("amount", flat=True)) == [
        Decimal("0.00"),
        Decimal("0.30"),
    ]


def test_closed_month_refused(run, user):
    ClosedMonth.objects.create(year=DAY.year, month=DAY.month, closed_by=user("finance"))
    sales_import = run([row(), row(date=date(DAY.year - 1, 1, 5))])
    assert sales_import.status == ImportStatus.FAILED
    assert codes(sales_import) == [(2, "date", "closed_month")]
    assert f"{DAY.year}-{DAY.month:02d}" in error_text(sales_import.errors[0])
    assert not imported(sales_import).exists()


def test_month_closed_while_the_file_was_checked_refuses_everything(user, monkeypatch):
    original = imports._check_rows

    def close_then_check(*args, **kwargs):
        result = original(*args, **kwargs)
        ClosedMonth.objects.create(year=DAY.year, month=DAY.month, closed_by=user("finance"))
        return result

    monkeypatch.setattr(imports, "_check_rows", close_then_check)
    sales_import = start([row(), row()], user=user)
    assert sales_import.status == ImportStatus.FAILED
    assert codes(sales_import) == [(0, "date", "closed_month")]
    assert not imported(sales_import).exists()


def test_buyer_must_belong_to_the_rows_region(run):
    wrong = run([row(region="east", distributor="N01")])
    assert codes(wrong) == [(2, "distributor", "other_region")]
    with translation.override("en"):
        assert error_text(wrong.errors[0]) == "Distributor code: 'N01' works in region north, not in east."
    customer = run([row(region="west", salesperson="rep_west", distributor=None, customer="C-E02")])
    assert codes(customer) == [(2, "customer", "other_region")]
    # A distributor of the 片区 east-sh belongs to region east, whichever of the two the row names.
    ok = run([row(region="east"), row(region="east-sh"), row(region="EAST", distributor="e01")])
    assert ok.status == ImportStatus.DONE, ok.errors


def test_stored_errors_are_capped_but_all_counted(run, monkeypatch):
    monkeypatch.setattr(imports, "MAX_STORED_ERRORS", 3)
    sales_import = run([row(product="NOPE")] * 5)
    assert [e["row"] for e in sales_import.errors] == [2, 3, 4, 0]
    assert sales_import.errors[-1]["code"] == "more"
    assert error_total(sales_import) == 5


# --- the file -------------------------------------------------------------------------------------------


def test_missing_columns(run):
    sales_import = run([row()[:-1]], headers=HEADERS[:-1])
    assert codes(sales_import) == [(1, "", "missing_columns")]
    with translation.override("en"):
        assert error_text(sales_import.errors[0]) == "Missing columns: Amount"
    no_buyer_column = [h for h in HEADERS if h not in ("distributor", "customer")]
    sales_import = run([[1] * len(no_buyer_column)], headers=no_buyer_column)
    assert codes(sales_import) == [(1, "", "missing_columns")]


def test_no_data_rows(run):
    assert codes(run([])) == [(2, "", "no_rows")]


def test_not_a_workbook_is_refused_at_once(user):
    upload = ContentFile(b"date,region\n", name="sales.xlsx")
    with pytest.raises(ValidationError) as caught:
        sales_import_start(actor=user("finance"), file=upload)
    assert "file" in caught.value.message_dict
    assert not SalesImport.objects.exists()


def test_a_zip_that_is_not_a_workbook_fails_in_the_task(user):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    sales_import = sales_import_start(
        actor=user("finance"), file=ContentFile(buffer.getvalue(), name="x.xlsx")
    )
    sales_import.refresh_from_db()
    assert codes(sales_import) == [(0, "", "not_xlsx")]


def test_rows_of_a_sheet_without_dimension_are_counted():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    for i in range(1234):
        ws.append([i, "x"])
    buffer = io.BytesIO()
    wb.save(buffer)
    sheet = load_workbook(buffer, read_only=True).worksheets[0]
    assert sheet.max_row is None
    assert imports._count_rows(sheet) == 1234


# --- progress and the task ------------------------------------------------------------------------------


def test_progress_is_published_while_rows_are_checked(run, monkeypatch):
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    seen = []
    original = imports._progress

    def record(import_id, done, total):
        seen.append((done, total))
        original(import_id, done, total)

    monkeypatch.setattr(imports, "_progress", record)
    sales_import = run([row()] * 5)
    assert sales_import.status == ImportStatus.DONE
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]
    assert (sales_import.done_rows, sales_import.total_rows, sales_import.percent) == (5, 5, 100)


def test_the_task_runs_an_import_once(run):
    sales_import = run([row()])
    assert process_sales_import(sales_import.pk) == ImportStatus.DONE
    assert imported(sales_import).count() == 1


# --- permissions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["rep_east", "manager_east", "director", "president", testing.NOBODY])
def test_only_finance_and_admin_import(run, user, username):
    with pytest.raises(PermissionDenied):
        run([row()], actor=username)
    assert not sales_imports_for(user(username)).exists()


def test_admin_may_import(run):
    assert run([row()], actor="admin").status == ImportStatus.DONE


@pytest.mark.parametrize("username", ["rep_east", "director", testing.PORTAL])
def test_pages_refuse_others(client_as, run, username):
    sales_import = run([row()])
    client = client_as(username)
    assert client.get(reverse("sales:import_list")).status_code == 403
    upload = testing.xlsx_upload(HEADERS, [row()])
    assert client.post(reverse("sales:import_list"), {"file": upload}).status_code == 403
    assert client.get(reverse("sales:import_detail", args=[sales_import.pk])).status_code == 403
    assert client.get(reverse("sales:import_template")).status_code == 403
    assert SalesImport.objects.count() == 1


# --- pages ----------------------------------------------------------------------------------------------


def test_upload_page_runs_the_import_and_shows_it(client_as):
    client = client_as("finance")
    page = client.get(reverse("sales:import_list"))
    assert page.status_code == 200
    response = client.post(
        reverse("sales:import_list"), {"file": testing.xlsx_upload(HEADERS, [row(), row()])}
    )
    assert response.status_code == 302
    sales_import = SalesImport.objects.latest("id")
    assert response["Location"] == reverse("sales:import_detail", args=[sales_import.pk])
    detail = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' not in detail
    assert "progress-bar" in detail
    assert imported(sales_import).count() == 2
    listing = client.get(reverse("sales:import_list")).content.decode()
    assert reverse("sales:import_detail", args=[sales_import.pk]) in listing


def test_upload_page_refuses_a_file_that_is_not_a_workbook(client_as):
    client = client_as("finance")
    upload = ContentFile(b"plain text", name="sales.xlsx")
    response = client.post(reverse("sales:import_list"), {"file": upload})
    assert response.status_code == 400
    assert not SalesImport.objects.exists()
    response = client.post(reverse("sales:import_list"), {})
    assert response.status_code == 400


def test_failed_import_page_lists_rows_and_reasons(client_as):
    client = client_as("finance")
    client.cookies["django_language"] = "en"
    client.post(
        reverse("sales:import_list"), {"file": testing.xlsx_upload(HEADERS, [row(), row(quantity=0)])}
    )
    sales_import = SalesImport.objects.latest("id")
    page = client.get(reverse("sales:import_detail", args=[sales_import.pk])).content.decode()
    assert "Nothing was imported" in page
    assert "<td>3</td>" in page
    assert "Quantity: &#x27;0&#x27; must be greater than zero" in page


def test_a_running_import_polls_itself_every_second(client_as, user):
    sales_import = SalesImport(
        created_by=user("finance"), status=ImportStatus.RUNNING, total_rows=200, done_rows=50
    )
    sales_import.file.save("queued.xlsx", ContentFile(testing.xlsx_bytes(HEADERS, [row()])), save=True)
    url = reverse("sales:import_detail", args=[sales_import.pk])
    client = client_as("finance")
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page and f'hx-get="{url}"' in page
    assert 'style="width: 25%"' in page and 'aria-valuenow="25"' in page
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial
    assert 'hx-trigger="every 1s"' in partial and 'id="import-progress"' in partial
    # Once it is over, the partial stops polling.
    SalesImport.objects.filter(pk=sales_import.pk).update(status=ImportStatus.DONE, done_rows=200)
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial


def test_template_download_and_it_imports_as_is(client_as, user):
    response = client_as("finance").get(reverse("sales:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIME
    headers, rows = testing.read_xlsx(response.content)
    with translation.override("zh-hans"):
        assert headers == [str(c.label) for c in COLUMNS]
    assert len(rows) == 1
    upload = ContentFile(response.content, name="template.xlsx")
    sales_import = sales_import_start(actor=user("finance"), file=upload)
    sales_import.refresh_from_db()
    assert sales_import.status == ImportStatus.DONE, sales_import.errors
    assert imported(sales_import).count() == 1
