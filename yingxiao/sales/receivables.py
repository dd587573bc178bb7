"""Receivables (应收账款): aging of open invoices by region, salesperson or distributor, and the small
reads the collection (催收) pages and API share.

Aging is one set-based query over the invoices the user may see (`invoices_for`): conditional sums of the
open amount (amount − paid) per due-date bucket, grouped in the database by the invoice's foreign key;
the groups' names come from one more query on the related table (cheaper than a join on SQLite).
Sums are taken in whole fen (integers) so SQLite, which stores decimals as floating point, adds exactly;
PostgreSQL gives the same figures.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import BigIntegerField, Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, NullIf, Round
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingxiao.accounts.models import User
from yingxiao.core.money import to_money
from yingxiao.core.search import normalize_query
from yingxiao.org.models import Region
from yingxiao.partners.models import Distributor

from . import services
from .choices import CollectionStatus, InvoiceStatus
from .models import CollectionTask, Invoice
from .selectors import collection_tasks_for, invoices_for


@dataclass(frozen=True)
class Bucket:
    """Open amounts whose days overdue (today − due date) lie in [`first`, `last`]; None is unbounded."""

    key: str
    label: Promise
    first: int | None
    last: int | None

    @property
    def overdue(self) -> bool:
        """Whether the bucket holds overdue money (highlighted in pages)."""
        return self.first is not None

    def condition(self, today: date) -> Q:
        """The due dates of this bucket, as of `today`."""
        bounds: dict[str, date] = {}
        if self.last is not None:
            bounds["due_date__gte"] = today - timedelta(days=self.last)
        if self.first is not None:
            bounds["due_date__lte"] = today - timedelta(days=self.first)
        return Q(**bounds)


#: Not due: due today or later. Then 1–30, 31–60, 61–90 and more than 90 days past the due date.
BUCKETS: tuple[Bucket, ...] = (
    Bucket("not_due", gettext_lazy("Not due"), None, 0),
    Bucket("days_1_30", gettext_lazy("1–30 days"), 1, 30),
    Bucket("days_31_60", gettext_lazy("31–60 days"), 31, 60),
    Bucket("days_61_90", gettext_lazy("61–90 days"), 61, 90),
    Bucket("over_90", gettext_lazy("Over 90 days"), 91, None),
)
BUCKET_KEYS = tuple(b.key for b in BUCKETS)
AMOUNT_KEYS = (*BUCKET_KEYS, "overdue", "total")


@dataclass(frozen=True)
class Grouping:
    """How aging rows are grouped: the invoice's foreign key, and how the names of the groups are read
    (one query on the related table) and the rows ordered."""

    label: Promise
    key: str  # the invoice's foreign key
    names: Callable[[set[int]], QuerySet]  # ids → rows of (pk, code, name, parent)
    by_code: bool = False  # rows in code order, else the largest total first

    def resolve(self, ids: set[int]) -> dict[int, dict[str, str]]:
        """Code, name and parent name of each group, in one query."""
        return {row["pk"]: row for row in self.names(ids)} if ids else {}


def _region_names(ids: set[int]) -> QuerySet:
    return Region.objects.filter(pk__in=ids).values("pk", "code", "name", parent_name=F("parent__name"))


def _salesperson_names(ids: set[int]) -> QuerySet:
    # A user without a full name is shown by the username.
    name = Coalesce(NullIf(F("full_name"), Value("")), F("username"))
    return User.objects.filter(pk__in=ids).values("pk", code=F("username"), name=name)


def _distributor_names(ids: set[int]) -> QuerySet:
    return Distributor.objects.filter(pk__in=ids).values("pk", "code", "name")


GROUPINGS: dict[str, Grouping] = {
    # Few regions: in code order, so a 大区's 片区 follow it. The others: the largest debt first.
    "region": Grouping(gettext_lazy("Region"), "region_id", _region_names, by_code=True),
    "salesperson": Grouping(gettext_lazy("Salesperson"), "salesperson_id", _salesperson_names),
    "distributor": Grouping(gettext_lazy("Distributor"), "distributor_id", _distributor_names),
}
GROUP_BY_CHOICES = tuple(GROUPINGS)


def _open_fen():
    """The open amount of an invoice in whole fen (an integer, exact on every database)."""
    return Cast(Round((F("amount") - F("paid_amount")) * 100), BigIntegerField())


def _sums(today: date) -> dict[str, Any]:
    """Conditional aggregates: one sum per bucket, the total, and the number of invoices."""
    sums: dict[str, Any] = {b.key: Sum(_open_fen(), filter=b.condition(today)) for b in BUCKETS}
    sums["total"] = Sum(_open_fen())
    sums["invoices"] = Count("id")
    return sums


def _money(fen) -> Decimal:
    """Whole fen (or None for an empty bucket) as yuan with two places."""
    return to_money(Decimal(int(fen or 0)) / 100)


def _amounts(values: dict) -> dict[str, Any]:
    amounts: dict[str, Any] = {key: _money(values.get(key)) for key in (*BUCKET_KEYS, "total")}
    amounts["overdue"] = amounts["total"] - amounts["not_due"]
    amounts["invoices"] = values.get("invoices") or 0
    return amounts


def open_invoices_for(user: User, region: Region | None = None) -> QuerySet[Invoice]:
    """Open invoices the user may see, optionally in one region (a 大区 keeps its 片区)."""
    queryset = invoices_for(user).filter(status=InvoiceStatus.OPEN)
    if region is not None:
        queryset = queryset.filter(Q(region=region) | Q(region__parent=region))
    return queryset


def aging(
    *, user: User, group_by: str, today: date | None = None, region: Region | None = None
) -> list[dict]:
    """账龄分析: open amounts per due-date bucket, grouped by region, salesperson or distributor, over the
    invoices `user` may see. One aggregate query on the invoice table alone (no join: SQLite walks the
    foreign-key index in group order), and one for the names of the groups. Rows (regions by code, the
    others largest total first) are dicts with `key` (the id; None for direct customers when grouping by
    distributor), `code`, `name`, `parent` (the 大区 of a 片区, else ""), `invoices`, the bucket keys
    (`not_due`, `days_1_30`, `days_31_60`, `days_61_90`, `over_90`), `overdue` and `total` (Decimal yuan).
    """
    grouping = GROUPINGS.get(group_by)
    if grouping is None:
        raise ValueError(f"group_by must be one of {', '.join(GROUP_BY_CHOICES)}, not {group_by!r}")
    today = today or timezone.localdate()
    grouped = list(open_invoices_for(user, region).order_by().values(grouping.key).annotate(**_sums(today)))
    names = grouping.resolve({values[grouping.key] for values in grouped} - {None})
    rows = []
    for values in grouped:
        key = values[grouping.key]
        found = names.get(key, {})
        rows.append(
            {
                "key": key,
                "code": found.get("code") or "",
                # Invoices to direct customers have no distributor: one row for them.
                "name": found.get("name") or ("" if key else _("Direct customers")),
                "parent": found.get("parent_name") or "",
                **_amounts(values),
            }
        )
    if grouping.by_code:
        rows.sort(key=lambda row: row["code"])
    else:
        rows.sort(key=lambda row: (-row["total"], row["key"] is None, row["key"] or 0))
    return rows


def aging_totals(*, user: User, today: date | None = None, region: Region | None = None) -> dict:
    """The totals of `aging` over everything the user may see, in one query (no grouping)."""
    today = today or timezone.localdate()
    return _amounts(open_invoices_for(user, region).order_by().aggregate(**_sums(today)))


def aging_sum(rows: list[dict]) -> dict:
    """The total row of already computed aging rows (no query)."""
    total: dict[str, Any] = {key: sum((row[key] for row in rows), Decimal("0.00")) for key in AMOUNT_KEYS}
    total["invoices"] = sum(row["invoices"] for row in rows)
    return total


#: Collection tasks needing attention first: escalated, open, promised, then closed; oldest due first.
TASK_ORDER = (
    Case(
        When(status=CollectionStatus.ESCALATED, then=Value(0)),
        When(status=CollectionStatus.OPEN, then=Value(1)),
        When(status=CollectionStatus.PROMISED, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    ),
    "invoice__due_date",
    "pk",
)


def collection_tasks_ordered(user: User) -> QuerySet[CollectionTask]:
    """The user's collection tasks (`collection_tasks_for`), those needing attention first."""
    return collection_tasks_for(user).order_by(*TASK_ORDER)


def search_tasks(queryset: QuerySet[CollectionTask], q: str | None) -> QuerySet[CollectionTask]:
    """`?q=`: the invoice number, or the buyer's name or its pinyin (e.g. shhx for 上海恒信)."""
    needle = normalize_query(q)
    if not needle:
        return queryset
    return queryset.filter(
        Q(invoice__number__icontains=needle)
        | Q(invoice__distributor__search_text__contains=needle)
        | Q(invoice__customer__search_text__contains=needle)
    )


def days_overdue(due_date: date, today: date | None = None) -> int:
    """Days past the due date (0 when not yet due)."""
    return max(0, ((today or timezone.localdate()) - due_date).days)


def can_collect(user: User, task: CollectionTask) -> bool:
    """Whether the collection services accept `user` on `task` (logging contacts, recording promises):
    asks the services' own check, so pages show forms exactly to those who may use them."""
    try:
        services.require_collector(user, task)
    except PermissionDenied:
        return False
    return True
