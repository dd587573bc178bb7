"""Search by code, name and pinyin: 北京恒信 is found by `bjhx` and by `beijinghengxin`."""

import re

from django.db.models import QuerySet
from pypinyin import Style, lazy_pinyin

_SPACES = re.compile(r"\s+")


def pinyin_keys(text: str) -> str:
    """Full pinyin and initials of the Chinese characters in `text`, e.g. 'beijinghengxin bjhx'."""
    if not text:
        return ""
    full = "".join(lazy_pinyin(text, errors="default"))
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default"))
    return f"{full} {initials}".lower()


def build_search_text(*parts: str | None) -> str:
    """The text a record is found by: each part as written, lowercased, plus its pinyin."""
    words = []
    for part in parts:
        if part:
            lowered = part.lower()
            words.append(lowered)
            if _SPACES.search(
                lowered
            ):  # queries lose their spaces (normalize_query), so store it that way too
                words.append(_SPACES.sub("", lowered))
            words.append(pinyin_keys(part))
    return " ".join(words)


def normalize_query(q: str | None) -> str:
    """Lowercase the query and drop inner spaces so `bei jing` finds 北京 as `beijing` does."""
    return _SPACES.sub("", (q or "").strip().lower())


def search(queryset: QuerySet, q: str | None, lookup: str = "search_text__contains") -> QuerySet:
    """Filter by the user's query (by default a `Searchable` model's pinyin text); empty keeps all."""
    needle = normalize_query(q)
    if not needle:
        return queryset
    return queryset.filter(**{lookup: needle})
