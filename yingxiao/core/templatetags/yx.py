"""Template filters shared by every app: `{% load yx %}`."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def money(value) -> str:
    """¥1,234,567.89 — two decimals, thousands separators; empty for None."""
    if value is None or value == "":
        return ""
    from yingxiao.core.money import format_money

    try:
        return format_money(Decimal(value))
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


@register.filter
def capitals(value) -> str:
    """The amount in Chinese capitals (大写): 壹万贰仟叁佰肆拾伍元陆角柒分; empty for None."""
    from yingxiao.core.money import amount_in_words

    if value is None or value == "":
        return ""
    try:
        return amount_in_words(Decimal(value))
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
