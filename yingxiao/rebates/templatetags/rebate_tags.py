"""Template filters of the rebates pages: `{% load rebate_tags %}`."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """A fraction as a percentage with up to two decimals: 0.035 → 3.5%; empty for None."""
    if value is None or value == "":
        return ""
    try:
        number = (Decimal(value) * 100).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    text = f"{number:f}".rstrip("0").rstrip(".") if "." in f"{number:f}" else f"{number:f}"
    return f"{text}%"


@register.filter
def number(value) -> str:
    """A base or amount with thousands separators and two decimals (27,211,997.98); empty for None."""
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


@register.filter
def base(value, basis) -> str:
    """A base in the policy's unit: money (¥1,234.50) for a purchase-amount basis, a number otherwise."""
    if basis == "amount":
        from yingxiao.core.templatetags.yx import money

        return money(value)
    return number(value)
