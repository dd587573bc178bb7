"""Amounts in Chinese capitals (大写) for the statement and payout PDFs: `core.money.amount_in_words` and
the `|capitals` template filter."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from yingxiao.core.money import amount_in_words

CASES = [
    ("0", "零元整"),
    ("0.05", "伍分"),
    ("0.50", "伍角整"),
    ("1.05", "壹元零伍分"),
    ("10.00", "壹拾元整"),
    ("10.05", "壹拾元零伍分"),
    ("1005", "壹仟零伍元整"),
    ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
    ("100000", "壹拾万元整"),
    ("100010.50", "壹拾万零壹拾元伍角整"),
    ("1010000", "壹佰零壹万元整"),
    ("1000005", "壹佰万零伍元整"),
    ("100001000", "壹亿零壹仟元整"),
    ("1000000000.01", "壹拾亿元零壹分"),
    ("0.005", "壹分"),  # rounded to the fen, half up
    ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
]


@pytest.mark.parametrize(("amount", "words"), CASES)
def test_amount_in_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize("amount", ["-0.01", "-100", "1000000000000"])
def test_negative_and_too_large_amounts_are_refused(amount):
    with pytest.raises(ValueError):
        amount_in_words(Decimal(amount))


def test_the_capitals_filter():
    template = Template("{% load yx %}{{ a|capitals }}|{{ b|capitals }}")
    assert template.render(Context({"a": Decimal("12345.67"), "b": None})) == "壹万贰仟叁佰肆拾伍元陆角柒分|"
