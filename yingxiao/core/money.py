"""Money is Decimal in CNY with two places, rounded half up (rule 4 of DESIGN.md)."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models

CENT = Decimal("0.01")


def to_money(value: Decimal | int | str) -> Decimal:
    """Round an amount to the fen, half up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value: Decimal | int | str) -> str:
    """An amount as shown to people: ¥ and thousands separators, two places, half up (3542.1 → ¥3,542.10)."""
    return f"¥{to_money(value):,.2f}"


class MoneyField(models.DecimalField):
    """An amount in CNY: up to 999,999,999,999.99, two decimal places."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


# --- amounts in Chinese capitals (大写), as on cheques, statements and payment notices -----------------

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")
_SECTIONS = ("", "万", "亿")


def _four_digits(group: int) -> str:
    """1 ≤ group ≤ 9999 in capitals, inner zeros read once (1005 → 壹仟零伍)."""
    words, zero = "", False
    for place in (3, 2, 1, 0):
        digit = group // 10**place % 10
        if digit == 0:
            zero = bool(words)
            continue
        if zero:
            words += "零"
        words += _DIGITS[digit] + _PLACES[place]
        zero = False
    return words


def _yuan_in_words(yuan: int) -> str:
    groups = []
    while yuan:
        groups.append(yuan % 10_000)
        yuan //= 10_000
    words, gap = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            gap = bool(words)
            continue
        if words and (gap or group < 1000):
            words += "零"
        words += _four_digits(group) + _SECTIONS[index]
        gap = False
    return words


def amount_in_words(amount: Decimal | int | str) -> str:
    """An amount in yuan in Chinese capitals, rounded to the fen half up:
    12345.67 → 壹万贰仟叁佰肆拾伍元陆角柒分; 10 → 壹拾元整; 0.05 → 伍分; 1000000000.01 → 壹拾亿元零壹分.
    A negative amount, or one of a trillion yuan or more (beyond a MoneyField), is refused: ValueError."""
    value = to_money(amount)
    if value < 0:
        raise ValueError("a negative amount has no capitals")
    if value >= Decimal(10) ** 12:
        raise ValueError("amount too large")
    fen_total = int(value * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    words = _yuan_in_words(yuan)
    if yuan:
        words += "元"
    if jiao == 0 and fen == 0:
        return (words or "零元") + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    return words + (_DIGITS[fen] + "分" if fen else "整")
