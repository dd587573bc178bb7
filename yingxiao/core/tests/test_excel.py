"""Excel helpers: cell parsing for imports, header matching, row numbering, and money rounding."""

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
from yingxiao.core.money import to_money
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
