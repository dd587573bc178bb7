"""Excel in and out: every list exports what its selector returns; imports are all-or-nothing."""

import io
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .money import to_money

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT_ROWS = 20_000


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    """Send a workbook as a download."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_MIME)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response


DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"


def excel_cell(value: Any) -> tuple[Any, str | None]:
    """A value as Excel should hold it, with its number format: an aware datetime in local time
    (Asia/Shanghai) without tzinfo or microseconds (`yyyy-mm-dd hh:mm`), a date as a date (`yyyy-mm-dd`),
    a Decimal as a number with two places (`#,##0.00`); a float that is not whole is rounded to the fen
    (497136965.999998 → 497136966.0). Everything else unchanged, without a format."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(timezone.localtime(value))
        return value.replace(microsecond=0), DATETIME_FORMAT
    if isinstance(value, date):
        return value, DATE_FORMAT
    if isinstance(value, Decimal):
        return (to_money(value) if value.is_finite() else str(value)), MONEY_FORMAT
    if isinstance(value, float) and not value.is_integer() and math.isfinite(value):
        return round(value, 2), MONEY_FORMAT
    return value, None


def _width(value: Any) -> int:
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    return len(str(value))


def build_workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Workbook:
    """One sheet: a bold header row, then the rows (`excel_cell`: local times, real dates, amounts as
    numbers with thousands separators); columns sized to their content."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([str(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(str(h)) * 2 + 2 for h in headers]
    for row_index, row in enumerate(rows, start=2):
        converted = [excel_cell(value) for value in row]
        ws.append([value for value, _format in converted])
        for column, (value, number_format) in enumerate(converted, start=1):
            cell = ws.cell(row=row_index, column=column)
            if isinstance(value, str) and value.startswith("="):
                # text, never a live formula (spreadsheet formula injection)
                cell.data_type = "s"
            if number_format:
                cell.number_format = number_format
        for i, (value, _format) in enumerate(converted):
            widths[i] = min(60, max(widths[i], _width(value) + 2))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    return wb


@dataclass(frozen=True)
class ImportColumn:
    """A column of an import template: `key` is the field; `label` is shown (and accepted) as header."""

    key: str
    label: Any
    required: bool = True
    example: Any = ""

    def header_aliases(self) -> set[str]:
        """Headers accepted for this column: the key and the label in every language."""
        aliases = {self.key.lower()}
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                aliases.add(str(self.label).strip().lower())
        return aliases


@dataclass(frozen=True)
class RowError:
    """Why one row of an import was refused (row numbers count the header as row 1)."""

    row: int
    message: str


class ImportRejected(Exception):
    """Nothing was imported; `errors` lists every bad row with its reason."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


def template_workbook(title: str, columns: Sequence[ImportColumn]) -> Workbook:
    """A blank import template with the headers and one example row."""
    return build_workbook(title, [c.label for c in columns], [[c.example for c in columns]])


def read_rows(file, columns: Sequence[ImportColumn]) -> list[tuple[int, dict[str, Any]]]:
    """Read the first sheet into (row number, {key: value}); headers are matched by key or label."""
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise ImportRejected([RowError(0, _("The file is not an Excel workbook (.xlsx)."))]) from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions: dict[str, int] = {}
    normalized = [str(h).strip().lower() if h is not None else "" for h in header]
    for column in columns:
        aliases = column.header_aliases()
        for index, name in enumerate(normalized):
            if name in aliases:
                positions[column.key] = index
                break
    missing = [str(c.label) for c in columns if c.required and c.key not in positions]
    if missing:
        raise ImportRejected([RowError(1, _("Missing columns: %(cols)s") % {"cols": ", ".join(missing)})])
    result = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        record = {}
        for key, index in positions.items():
            value = values[index] if index < len(values) else None
            record[key] = value.strip() if isinstance(value, str) else value
        result.append((number, record))
        if len(result) > MAX_IMPORT_ROWS:
            raise ImportRejected(
                [RowError(number, _("Too many rows: at most %(n)d per file.") % {"n": MAX_IMPORT_ROWS})]
            )
    wb.close()
    if not result:
        raise ImportRejected([RowError(2, _("The file has no data rows."))])
    return result


def validation_message(error: ValidationError, labels: dict | None = None) -> str:
    """A ValidationError as one line: `label: message; label: message` (labels: field → shown name)."""
    labels = labels or {}
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{labels.get(field, field)}: {' '.join(msgs)}" if field != "__all__" else " ".join(msgs)
            for field, msgs in error.message_dict.items()
        )
    return " ".join(error.messages)


@transaction.atomic
def import_all_or_nothing(
    rows: list[tuple[int, dict]], save_row: Callable[[dict], Any], labels: dict | None = None
) -> int:
    """Save every row or none: each row runs in a savepoint so every bad row is found; errors roll back.
    `labels` maps field names to the column headers shown in the error list."""
    errors: list[RowError] = []
    for number, record in rows:
        try:
            with transaction.atomic():
                save_row(record)
        except ValidationError as exc:
            errors.append(RowError(number, validation_message(exc, labels)))
        except (ValueError, TypeError, LookupError) as exc:
            errors.append(RowError(number, str(exc)))
    if errors:
        raise ImportRejected(errors)
    return len(rows)


def cell_text(value) -> str:
    """A cell as trimmed text ('' for empty); whole numbers lose Excel's '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def cell_decimal(value, field: str, default: Decimal | None = None) -> Decimal:
    """A number from a cell, or a ValidationError naming the field."""
    text = cell_text(value).replace(",", "")
    if text == "" and default is not None:
        return default
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValidationError({field: _("'%(value)s' is not a number.") % {"value": text}}) from None


def cell_bool(value, field: str) -> bool:
    """Yes/no from a cell: empty, 1, yes, 是 → True; 0, no, 否 → False."""
    text = cell_text(value).lower()
    if text in {"", "1", "yes", "y", "true", "是", "启用"}:
        return True
    if text in {"0", "no", "n", "false", "否", "停用"}:
        return False
    raise ValidationError({field: _("'%(value)s' is not yes or no.") % {"value": text}})


def cell_choice(value, choices, field: str, default: str) -> str:
    """A choice by its code or its label in either language."""
    text = cell_text(value)
    if text == "":
        return default
    for code, label in choices.choices:
        with translation.override("en"):
            english = str(label)
        if text.lower() in {str(code).lower(), english.lower()} or text == str(label):
            return code
    raise ValidationError({field: _("'%(value)s' is not a valid choice.") % {"value": text}})


def cell_lookup(model, value, field: str, key: str = "code"):
    """The record whose `key` equals the cell, or a ValidationError naming the field."""
    text = cell_text(value)
    found = model.objects.filter(**{key: text}).first() if text else None
    if found is None:
        raise ValidationError({field: _("'%(value)s' does not exist.") % {"value": text}})
    return found
