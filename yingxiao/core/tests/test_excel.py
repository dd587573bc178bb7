"""Excel helpers: cell parsing for imports, header matching, row numbering, and money rounding."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from yingxiao.core.excel import (
    ImportColumn,
    ImportRejected,
    build_workbook,
    cell_bool,
    cell_choice,
    cell_decimal,
    cell_text,
    read_rows,
)
from yingxiao.core.money import format_money, to_money
from yingxiao.core.templatetags.yx import money
from yingxiao.core.testing import xlsx_file
from yingxiao.partners.choices import DistributorStatus

COLUMNS = [ImportColumn("code", "code"), ImportColumn("qty", "quantity", required=False)]


@pytest.mark.parametrize(
    ("value", "text"), [(None, ""), ("  a ", "a"), (12.0, "12"), (12.5, "12.5"), (7, "7"), ("", "")]
)
def test_cell_text(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize(
    ("value", "number"),
    [("1,234.50", Decimal("1234.50")), (99, Decimal("99")), (0.1, Decimal("0.1")), ("  8 ", Decimal("8"))],
)
def test_cell_decimal(value, number):
    assert cell_decimal(value, "price") == number


def test_cell_decimal_names_the_field_on_bad_input():
    with pytest.raises(ValidationError) as exc:
        cell_decimal("abc", "price")
    assert "price" in exc.value.message_dict
    with pytest.raises(ValidationError):
        cell_decimal("", "price")
    assert cell_decimal("", "price", default=Decimal(0)) == 0


@pytest.mark.parametrize(
    ("value", "result"), [("", True), ("是", True), (1, True), ("否", False), ("no", False)]
)
def test_cell_bool(value, result):
    assert cell_bool(value, "active") is result


def test_cell_bool_refuses_other_words():
    with pytest.raises(ValidationError) as exc:
        cell_bool("maybe", "active")
    assert "active" in exc.value.message_dict


def test_cell_choice_by_code_or_label():
    assert cell_choice("active", DistributorStatus, "status", "candidate") == "active"
    assert cell_choice("SUSPENDED", DistributorStatus, "status", "candidate") == "suspended"
    assert cell_choice("Terminated", DistributorStatus, "status", "candidate") == "terminated"
    assert cell_choice("", DistributorStatus, "status", "candidate") == "candidate"
    with pytest.raises(ValidationError):
        cell_choice("gone", DistributorStatus, "status", "candidate")


def test_read_rows_numbers_rows_as_excel_does():
    rows = read_rows(xlsx_file(["Code", "Quantity"], [["a", 1], [None, None], ["b", None]]), COLUMNS)
    assert rows == [(2, {"code": "a", "qty": 1}), (4, {"code": "b", "qty": None})]


def test_read_rows_ignores_unknown_columns_and_tolerates_short_rows():
    rows = read_rows(xlsx_file(["remark", "code"], [["x", "a"], ["y"]]), COLUMNS)
    assert rows == [(2, {"code": "a"}), (3, {"code": None})]


def test_read_rows_needs_the_required_columns():
    with pytest.raises(ImportRejected) as exc:
        read_rows(xlsx_file(["quantity"], [[1]]), COLUMNS)
    assert exc.value.errors[0].row == 1 and "code" in exc.value.errors[0].message


def test_build_workbook_writes_header_and_rows():
    wb = build_workbook("一个很长很长的工作表标题" * 4, ["编码", "数量"], [["a", 1], ["b", Decimal("2.50")]])
    ws = wb.active
    assert len(ws.title) <= 31
    assert [c.value for c in ws[1]] == ["编码", "数量"]
    assert ws["B3"].value == Decimal("2.50")
    assert ws.freeze_panes == "A2"


@pytest.mark.parametrize(
    ("value", "money"),
    [
        ("2.675", "2.68"),
        ("2.665", "2.67"),
        ("-2.675", "-2.68"),
        (3, "3.00"),
        ("0.005", "0.01"),
        ("0.004", "0.00"),
    ],
)
def test_money_rounds_half_up_to_the_fen(value, money):
    assert to_money(value) == Decimal(money)
    assert str(to_money(value)) == money


@pytest.mark.parametrize(
    "text", ["=1+2", '=HYPERLINK("http://x.test","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]
)
def test_exported_text_never_becomes_a_formula(text):
    ws = build_workbook("t", ["name"], [[text]]).active
    assert ws["A2"].data_type == "s"
    assert str(ws["A2"].value).endswith(text)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("3542.14"), "¥3,542.14"),
        (Decimal("4264.6"), "¥4,264.60"),
        (0, "¥0.00"),
        ("1234567.895", "¥1,234,567.90"),
    ],
)
def test_format_money_and_the_money_filter_agree(value, text):
    assert format_money(value) == text
    assert money(value) == text


def test_the_money_filter_leaves_empty_and_non_numbers_alone():
    assert money(None) == "" and money("") == "" and money("n/a") == "n/a"


def test_build_workbook_writes_local_times_real_dates_and_formatted_amounts():
    from datetime import UTC, date, datetime

    from yingxiao.core.testing import read_xlsx

    utc = datetime(2026, 11, 26, 23, 30, 15, 123456, tzinfo=UTC)  # 07:30 the next day in Shanghai
    ws = build_workbook(
        "t",
        ["at", "on", "amount", "float", "count"],
        [[utc, date(2026, 11, 26), Decimal("3542.145"), 497136965.999998, 7]],
    ).active
    at, on, amount, rounded, count = (ws.cell(row=2, column=i) for i in range(1, 6))
    assert at.value == datetime(2026, 11, 27, 7, 30, 15) and at.number_format == "yyyy-mm-dd hh:mm"
    assert on.value == date(2026, 11, 26) and on.number_format == "yyyy-mm-dd"
    assert amount.value == Decimal("3542.15") and amount.number_format == "#,##0.00"
    assert rounded.value == 497136966.0 and rounded.number_format == "#,##0.00"
    assert count.value == 7 and count.number_format == "General"
    # and they survive a round trip as real values, not text
    buffer = io.BytesIO()
    ws.parent.save(buffer)
    _headers, [row] = read_xlsx(buffer.getvalue())
    assert row[0] == datetime(2026, 11, 27, 7, 30, 15) and row[1] == datetime(2026, 11, 26)
    assert row[2] == 3542.15


@pytest.mark.django_db
def test_the_exchange_list_exports_real_dates_and_times(client_as):
    from datetime import datetime

    from django.urls import reverse
    from django.utils import timezone

    from yingxiao.aftersales.tests.helpers import new_case
    from yingxiao.core.testing import read_xlsx

    case = new_case("exchange")
    response = client_as("rep_east").get(reverse("aftersales:exchange_list"), {"export": "xlsx"})
    headers, rows = read_xlsx(response.content)
    row = next(r for r in rows if r[0] == case.number)
    created = row[headers.index("创建时间")]
    delivered = row[headers.index("发货日期")]
    assert isinstance(created, datetime) and isinstance(delivered, datetime)  # Excel holds dates as datetimes
    local = timezone.localtime(case.created_at).replace(tzinfo=None, second=0, microsecond=0)
    assert created.replace(second=0) == local
    assert delivered.date() == case.delivered_on
