"""Import of sales history from Excel (a company moving in brings years of sales).

`sales_import_start` keeps the uploaded file and enqueues `run_sales_import` (Django's tasks framework;
`manage.py db_worker` runs it). The task streams the first sheet, checks every row against lookups
loaded once (regions, users, distributors, customers, products, closed months), records progress in
`done_rows`, and is all-or-nothing: any bad row fails the whole import with every error listed (the
first `MAX_STORED_ERRORS`), otherwise every line enters the sales ledger in one transaction.

Errors are stored as data (`row`, `column`, `code`, `params`, plus `message` in the house language for
API readers); `error_text` renders one in the reader's language.
"""

import logging
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from yingxiao.accounts.choices import Role
from yingxiao.accounts.models import User
from yingxiao.accounts.selectors import Scope, scope_of
from yingxiao.catalog.models import Product
from yingxiao.core.excel import ImportColumn
from yingxiao.org.models import Region
from yingxiao.partners.models import Customer, Distributor

from .choices import ImportStatus, LedgerSource
from .generate import large_page_cache
from .models import ClosedMonth, SalesImport
from .services import ledger_append, ledger_line

logger = logging.getLogger(__name__)

COLUMNS = [
    ImportColumn("date", gettext_lazy("Date"), example=date(2025, 3, 14)),
    ImportColumn("region", gettext_lazy("Region code"), example="east"),
    ImportColumn("salesperson", gettext_lazy("Salesperson username"), example="rep_east"),
    ImportColumn("distributor", gettext_lazy("Distributor code"), required=False, example="E01"),
    ImportColumn("customer", gettext_lazy("Customer code"), required=False, example=""),
    ImportColumn("product", gettext_lazy("Product code"), example="W-100"),
    ImportColumn("quantity", gettext_lazy("Quantity"), example=2),
    ImportColumn("amount", gettext_lazy("Amount"), example=Decimal("4938.10")),
]
LABELS = {c.key: c.label for c in COLUMNS}

#: At most this many errors are kept with a failed import (the total is always reported).
MAX_STORED_ERRORS = 1000
#: `done_rows` is written every this many rows.
PROGRESS_EVERY = 2500
#: Rows written per INSERT.
BATCH_SIZE = 5000
#: One file holds at most this many lines (split bigger histories into several files).
MAX_ROWS = 500_000
#: Uploads larger than this are refused before anything is stored.
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_QUANTITY = 2_147_483_647
MAX_AMOUNT = Decimal("999999999999.99")
CENT = Decimal("0.01")

#: What each error code says; `%(value)s` and the like come from the error's params.
MESSAGES = {
    "required": gettext_lazy("this cell is empty."),
    "not_found": gettext_lazy("'%(value)s' does not exist."),
    "bad_date": gettext_lazy("'%(value)s' is not a date (write it as YYYY-MM-DD)."),
    "future_date": gettext_lazy("%(value)s is in the future: history lines are past sales."),
    "closed_month": gettext_lazy("%(month)s is closed: no sales line can be added in it."),
    "other_region": gettext_lazy("'%(value)s' works in region %(region)s, not in %(row_region)s."),
    "no_buyer": gettext_lazy("Fill in the distributor code or the customer code."),
    "both_buyers": gettext_lazy("Fill in the distributor code or the customer code, not both."),
    "not_integer": gettext_lazy("'%(value)s' is not a whole number."),
    "not_positive": gettext_lazy("'%(value)s' must be greater than zero (history lines are sales)."),
    "not_number": gettext_lazy("'%(value)s' is not a number."),
    "negative": gettext_lazy("'%(value)s' must not be negative."),
    "decimals": gettext_lazy("'%(value)s' has more than 2 decimal places."),
    "too_large": gettext_lazy("'%(value)s' is too large."),
    "not_xlsx": gettext_lazy("The file is not an Excel workbook (.xlsx)."),
    "missing_columns": gettext_lazy("Missing columns: %(columns)s"),
    "no_rows": gettext_lazy("The file has no data rows."),
    "too_many_rows": gettext_lazy("Too many rows: at most %(max)d per file; split it into several files."),
    "more": gettext_lazy("… and %(count)d more errors not listed."),
    "unexpected": gettext_lazy("The import stopped on an unexpected error: %(error)s"),
}


def error_text(entry: dict) -> str:
    """One stored error in the current language: `column label: reason`."""
    template = MESSAGES.get(entry.get("code", ""))
    if template is None:
        return str(entry.get("message", ""))
    params = dict(entry.get("params") or {})
    if "columns" in params:
        params["columns"] = ", ".join(str(LABELS.get(k, k)) for k in params["columns"])
    try:
        text = str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(entry.get("message", ""))
    column = entry.get("column")
    return f"{LABELS[column]}: {text}" if column in LABELS else text


def error_total(sales_import: SalesImport) -> int:
    """How many errors the import found (the stored list may stop at MAX_STORED_ERRORS)."""
    total = 0
    for entry in sales_import.errors or []:
        if entry.get("code") == "more":
            total += int((entry.get("params") or {}).get("count", 0))
        else:
            total += 1
    return total


# --- permissions and reads ----------------------------------------------------------------------------


def can_import(scope: Scope) -> bool:
    """Finance (the ledger is theirs) and system administrators (moving a company in) import history."""
    return scope.has_role(Role.FINANCE) or scope.is_admin


def sales_imports_for(user) -> QuerySet[SalesImport]:
    """Imports the user may see: all of them for those who may import, none for anyone else."""
    if not can_import(scope_of(user)):
        return SalesImport.objects.none()
    return SalesImport.objects.select_related("created_by")


def sales_import_get(*, user, pk: int) -> SalesImport:
    """One visible import, or 404."""
    return get_object_or_404(sales_imports_for(user), pk=pk)


# --- start --------------------------------------------------------------------------------------------


@transaction.atomic
def sales_import_start(*, actor: User, file) -> SalesImport:
    """Keep the uploaded workbook and queue its import (finance or administrators only). A file that is
    not an .xlsx workbook is refused at once; the rows are checked by the background task."""
    if not can_import(scope_of(actor)):
        raise PermissionDenied(_("Only finance or an administrator imports sales history."))
    if file is None:
        raise ValidationError({"file": _("Choose an Excel file to upload.")})
    size = getattr(file, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise ValidationError(
            {"file": _("The file is too large: at most %(mb)d MB.") % {"mb": MAX_FILE_BYTES // 2**20}}
        )
    position = file.tell() if hasattr(file, "tell") else 0
    is_workbook = zipfile.is_zipfile(file)
    file.seek(position)
    if not is_workbook:
        raise ValidationError({"file": str(MESSAGES["not_xlsx"])})
    name = (getattr(file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = name[:-5] if name.lower().endswith(".xlsx") else name
    name = f"{stem[:60] or 'sales'}.xlsx"  # the stored path must fit the field (100 characters)
    sales_import = SalesImport(created_by=actor)
    sales_import.file.save(name, file if isinstance(file, File) else File(file, name=name), save=False)
    sales_import.full_clean()
    sales_import.save()
    run_sales_import.enqueue(sales_import.pk)
    return sales_import


# --- the task -----------------------------------------------------------------------------------------


@task
def run_sales_import(import_id: int) -> str:
    """Check and load one queued import; returns its final status."""
    return process_sales_import(import_id)


def process_sales_import(import_id: int) -> str:
    """The task's work (callable directly, e.g. by the benchmark). Only a queued import is run."""
    claimed = SalesImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, done_rows=0, updated_at=timezone.now()
    )
    if not claimed:
        return SalesImport.objects.filter(pk=import_id).values_list("status", flat=True).first() or ""
    sales_import = SalesImport.objects.get(pk=import_id)
    # Errors keep a copy in the house language for API readers; pages render them in the reader's.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            return _run(sales_import)
        except Exception as exc:
            logger.exception("sales import %s failed", import_id)
            error = _error(0, "", "unexpected", error=str(exc) or type(exc).__name__)
            _finish(sales_import, ImportStatus.FAILED, [error])
            raise


def _progress(import_id: int, done: int, total: int) -> None:
    """Publish progress (its own small write, outside any transaction, so pages see it at once)."""
    SalesImport.objects.filter(pk=import_id).update(
        done_rows=done, total_rows=max(total, done), updated_at=timezone.now()
    )


def _finish(sales_import: SalesImport, status: str, errors: list[dict], rows: int | None = None) -> None:
    fields: dict[str, Any] = {"status": status, "errors": errors, "finished_at": timezone.now()}
    if rows is not None:
        fields.update(total_rows=rows, done_rows=rows)
    fields["updated_at"] = fields["finished_at"]
    SalesImport.objects.filter(pk=sales_import.pk).update(**fields)


def _error(row: int, column: str, code: str, **params) -> dict:
    params = {k: (v if isinstance(v, int | float | list) else str(v)) for k, v in params.items()}
    entry = {"row": row, "column": column, "code": code, "params": params}
    entry["message"] = error_text(entry)
    return entry


class _Rejected(Exception):
    """The whole file is refused (not a workbook, missing columns …)."""

    def __init__(self, entry: dict):
        super().__init__(entry["message"])
        self.entry = entry


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


def _count_rows(ws) -> int | None:
    """Rows in the sheet's XML (header included), counted without parsing it; None if unknown."""
    try:
        source = ws._get_source()
    except Exception:  # only a progress estimate; openpyxl internals may change
        return None
    count, carry = 0, b""
    with source:
        while chunk := source.read(1 << 20):
            data = carry + chunk
            cut = data.rfind(b"<")
            if cut <= 0:
                carry = data
                continue
            count += len(_ROW_TAG.findall(data, 0, cut))
            carry = data[cut:]
    return count + len(_ROW_TAG.findall(carry))


def _open(sales_import: SalesImport):
    """(workbook, first sheet, header positions, estimated data rows)."""
    try:
        handle = sales_import.file.open("rb")
        wb = load_workbook(handle, read_only=True, data_only=True)
        ws = wb.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds of error for a file that is not a workbook
        raise _Rejected(_error(0, "", "not_xlsx")) from exc
    estimate = ws.max_row if ws.max_row and ws.max_row > 1 else _count_rows(ws)
    # Never trust the sheet's stated size (a wrong <dimension> would silently drop rows): read to the end.
    ws.reset_dimensions()
    return wb, ws, max((estimate or 1) - 1, 0)


def _header_positions(header: tuple) -> dict[str, int]:
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    positions: dict[str, int] = {}
    for column in COLUMNS:
        aliases = column.header_aliases()
        for index, name in enumerate(names):
            if name in aliases:
                positions[column.key] = index
                break
    missing = [c.key for c in COLUMNS if c.required and c.key not in positions]
    if "distributor" not in positions and "customer" not in positions:
        missing.append("distributor")
    if missing:
        raise _Rejected(_error(1, "", "missing_columns", columns=missing))
    return positions


def _code_map(pairs) -> dict[str, Any]:
    """code → value, plus case-insensitive spellings that are not ambiguous."""
    exact: dict[str, Any] = {}
    folded: dict[str, list] = {}
    for code, value in pairs:
        exact[code] = value
        folded.setdefault(code.casefold(), []).append(value)
    for key, values in folded.items():
        if len(values) == 1:
            exact.setdefault(key, values[0])
    return exact


@dataclass
class _Lookups:
    """Everything a row is checked against, loaded once (a few queries, whatever the row count)."""

    regions: dict  # code → (id, top id)
    region_codes: dict  # top id → code
    users: dict  # username → id
    distributors: dict  # code → (id, top region id)
    customers: dict  # code → (id, top region id)
    products: dict  # code → Product (id and category only)
    closed: set  # {(year, month)}

    @classmethod
    def load(cls) -> "_Lookups":
        regions = {
            pk: (code, parent_id or pk)
            for pk, code, parent_id in Region.objects.values_list("id", "code", "parent_id")
        }
        top = {pk: top_id for pk, (_code, top_id) in regions.items()}
        return cls(
            regions=_code_map((code, (pk, top_id)) for pk, (code, top_id) in regions.items()),
            region_codes={pk: code for pk, (code, top_id) in regions.items() if top_id == pk},
            users=_code_map(User.objects.values_list("username", "id")),
            distributors=_code_map(
                (code, (pk, top[region_id]))
                for pk, code, region_id in Distributor.objects.values_list("id", "code", "region_id")
            ),
            customers=_code_map(
                (code, (pk, top[region_id]))
                for pk, code, region_id in Customer.objects.values_list("id", "code", "region_id")
            ),
            products=_code_map(
                (code, Product(pk=pk, category_id=category_id))
                for pk, code, category_id in Product.objects.values_list("id", "code", "category_id")
            ),
            closed=set(ClosedMonth.objects.values_list("year", "month")),
        )


class _Line(NamedTuple):
    """A checked row: the keyword arguments of `ledger_line` (besides source and reference)."""

    day: date
    region_id: int
    salesperson_id: int
    distributor_id: int | None
    customer_id: int | None
    product: Product
    quantity: int
    amount: Decimal


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_date(value, cache: dict) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return from_excel(value).date() if 1 <= value < 2958466 else None  # Excel serial day numbers
        except (ValueError, OverflowError, AttributeError):
            return None
    text = _text(value)
    if text in cache:
        return cache[text]
    parsed = None
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()
            break
        except ValueError:
            continue
    cache[text] = parsed
    return parsed


def _parse_quantity(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _text(value).replace(",", "")
    try:
        return int(text)
    except ValueError:
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        return int(number) if number.is_finite() and number == number.to_integral_value() else None


def _parse_amount(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    try:
        if isinstance(value, float):
            # A float cell carries binary noise (0.1 + 0.2); Excel itself shows 15 significant digits.
            number = Decimal(repr(round(value, 9)))
        elif isinstance(value, Decimal):
            number = value
        else:
            number = Decimal(_text(value).replace(",", "").replace("¥", "").replace("￥", "").strip())
    except (InvalidOperation, OverflowError, ValueError):
        return None
    return number if number.is_finite() else None


def _check_rows(sales_import: SalesImport, rows, positions: dict[str, int], estimate: int, lookups: _Lookups):
    """Check every row; returns (the correct rows as `_Line`s, errors, rows checked)."""
    today = timezone.localdate()
    date_cache: dict[str, date | None] = {}
    lines: list[tuple] = []
    errors: list[dict] = []
    error_count = 0
    checked = 0
    width = max(positions.values()) + 1
    keys = list(positions.items())
    regions, users, distributors, customers, products = (
        lookups.regions,
        lookups.users,
        lookups.distributors,
        lookups.customers,
        lookups.products,
    )

    def add(row: int, column: str, code: str, **params) -> None:
        nonlocal error_count
        error_count += 1
        if len(errors) < MAX_STORED_ERRORS:
            errors.append(_error(row, column, code, **params))

    for number, values in enumerate(rows, start=2):
        if not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        checked += 1
        if checked > MAX_ROWS:
            raise _Rejected(_error(number, "", "too_many_rows", max=MAX_ROWS))
        if checked % PROGRESS_EVERY == 0:
            _progress(sales_import.pk, checked, estimate)
        if len(values) < width:
            values = tuple(values) + (None,) * (width - len(values))
        cell = {key: values[index] for key, index in keys}
        bad = error_count

        raw = cell["date"]
        day = None
        if _text(raw) == "":
            add(number, "date", "required")
        elif (day := _parse_date(raw, date_cache)) is None:
            add(number, "date", "bad_date", value=_text(raw))
        elif day > today:
            add(number, "date", "future_date", value=day.isoformat())
        elif (day.year, day.month) in lookups.closed:
            add(number, "date", "closed_month", month=f"{day.year}-{day.month:02d}")

        region = None
        code = _text(cell["region"])
        if not code:
            add(number, "region", "required")
        elif (region := regions.get(code) or regions.get(code.casefold())) is None:
            add(number, "region", "not_found", value=code)

        username = _text(cell["salesperson"])
        salesperson_id = None
        if not username:
            add(number, "salesperson", "required")
        elif (salesperson_id := users.get(username) or users.get(username.casefold())) is None:
            add(number, "salesperson", "not_found", value=username)

        distributor_code = _text(cell.get("distributor"))
        customer_code = _text(cell.get("customer"))
        buyer = None
        buyer_column = "distributor" if distributor_code else "customer"
        if distributor_code and customer_code:
            add(number, "", "both_buyers")
        elif not distributor_code and not customer_code:
            add(number, "", "no_buyer")
        else:
            buyer_code = distributor_code or customer_code
            table = distributors if distributor_code else customers
            buyer = table.get(buyer_code) or table.get(buyer_code.casefold())
            if buyer is None:
                add(number, buyer_column, "not_found", value=buyer_code)
            elif region is not None and buyer[1] != region[1]:
                add(
                    number,
                    buyer_column,
                    "other_region",
                    value=buyer_code,
                    region=lookups.region_codes.get(buyer[1], ""),
                    row_region=code,
                )

        product_code = _text(cell["product"])
        product = None
        if not product_code:
            add(number, "product", "required")
        elif (product := products.get(product_code) or products.get(product_code.casefold())) is None:
            add(number, "product", "not_found", value=product_code)

        raw = cell["quantity"]
        quantity = None
        if _text(raw) == "":
            add(number, "quantity", "required")
        elif (quantity := _parse_quantity(raw)) is None:
            add(number, "quantity", "not_integer", value=_text(raw))
        elif quantity <= 0:
            add(number, "quantity", "not_positive", value=quantity)
        elif quantity > MAX_QUANTITY:
            add(number, "quantity", "too_large", value=quantity)

        raw = cell["amount"]
        amount = None
        if _text(raw) == "":
            add(number, "amount", "required")
        elif (amount := _parse_amount(raw)) is None:
            add(number, "amount", "not_number", value=_text(raw))
        elif amount < 0:
            add(number, "amount", "negative", value=_text(raw))
        elif amount > MAX_AMOUNT:
            add(number, "amount", "too_large", value=_text(raw))
        elif amount != amount.quantize(CENT):
            add(number, "amount", "decimals", value=_text(raw))

        if error_count == bad:
            is_distributor = buyer_column == "distributor"
            lines.append(
                _Line(
                    day=day,
                    region_id=region[0],
                    salesperson_id=salesperson_id,
                    distributor_id=buyer[0] if is_distributor else None,
                    customer_id=None if is_distributor else buyer[0],
                    product=product,
                    quantity=quantity,
                    amount=amount,
                )
            )
    if error_count > len(errors):
        errors.append(_error(0, "", "more", count=error_count - len(errors)))
    return lines, errors, checked


def _run(sales_import: SalesImport) -> str:
    try:
        wb, ws, estimate = _open(sales_import)
    except _Rejected as rejected:
        _finish(sales_import, ImportStatus.FAILED, [rejected.entry], rows=0)
        return ImportStatus.FAILED
    try:
        _progress(sales_import.pk, 0, estimate)
        rows = ws.iter_rows(values_only=True)
        positions = _header_positions(next(rows, None) or ())
        lines, errors, checked = _check_rows(sales_import, rows, positions, estimate, _Lookups.load())
        if not checked:
            raise _Rejected(_error(2, "", "no_rows"))
    except _Rejected as rejected:
        _finish(sales_import, ImportStatus.FAILED, [rejected.entry], rows=0)
        return ImportStatus.FAILED
    finally:
        wb.close()
        sales_import.file.close()
    if errors:
        _finish(sales_import, ImportStatus.FAILED, errors, rows=checked)
        return ImportStatus.FAILED
    _progress(sales_import.pk, checked, checked)
    reference = f"IMP-{sales_import.pk}"
    try:
        with transaction.atomic(), large_page_cache():
            for start in range(0, len(lines), BATCH_SIZE):
                # ledger_append refuses a month closed since the rows were checked (inside this transaction).
                chunk = lines[start : start + BATCH_SIZE]
                ledger_append(
                    [
                        ledger_line(**line._asdict(), source=LedgerSource.IMPORT, reference=reference)
                        for line in chunk
                    ],
                    batch_size=BATCH_SIZE,
                )
            _finish(sales_import, ImportStatus.DONE, [], rows=checked)
    except ValidationError as exc:
        _finish(sales_import, ImportStatus.FAILED, [_error(0, "date", "closed_month", month=_month_of(exc))])
        return ImportStatus.FAILED
    return ImportStatus.DONE


def _month_of(exc: ValidationError) -> str:
    found = re.search(r"\d{4}-\d{2}", " ".join(exc.messages))
    return found.group(0) if found else ""
