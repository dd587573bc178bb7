"""Shared builders for the after-sales tests (plain functions, no fixtures).

The demo company is in the test database (root conftest.py). Cases are filed on fresh ledger rows made for
each test (so quantities are exact): by default 5 units of F-402 (PP 棉复合滤芯) sold to 上海恒信 (E01, whose
portal login is dist_e01) ten days ago, as imported history (no invoice: the whole amount counts as paid).
`delivered_line` makes a real order → delivery → invoice (→ payment) instead.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from yingxiao.accounts.models import User
from yingxiao.aftersales.models import ExchangeCase, Refund, ReturnCase, ServiceTicket
from yingxiao.aftersales.services import exchange_create, return_create, ticket_create
from yingxiao.sales.choices import LedgerSource
from yingxiao.sales.models import SalesLine
from yingxiao.sales.services import ledger_append, ledger_line
from yingxiao.sales.tests.helpers import distributor, order_in, pay, product, restock
from yingxiao.workflow.models import Event
from yingxiao.workflow.services import perform

D = Decimal
EAST = "E01"
NORTH = "N01"
GOODS = "F-402"


def person(username: str) -> User:
    return User.objects.get(username=username)


def ledger_row(
    *, buyer: str = EAST, code: str = GOODS, quantity: int = 5, amount: str = "500.00", days_ago: int = 10
) -> SalesLine:
    """A fresh imported ledger line (no order, no invoice) for a distributor."""
    party = distributor(buyer)
    day = timezone.localdate() - timedelta(days=days_ago)
    row = ledger_line(
        day=day,
        region_id=party.region_id,
        salesperson_id=(party.rep_id or person("rep_east").pk),
        distributor_id=party.pk,
        product=product(code),
        quantity=quantity,
        amount=D(amount),
        source=LedgerSource.IMPORT,
        reference="TEST",
    )
    ledger_append([row])
    return SalesLine.objects.filter(reference="TEST", distributor=party).latest("id")


def delivered_line(paid: str | None = None) -> SalesLine:
    """The ledger line of a real east order (2 × F-402 at 129.00 = 258.00), invoiced; `paid` pays part."""
    order = order_in("invoiced")
    if paid is not None:
        pay(paid, buyer=order.distributor, invoices=[order.invoice])
    return SalesLine.objects.get(order_line__order=order)


def new_case(kind: str = "exchange", *, lines=None, by: str = "rep_east", quantity: int = 2, row=None):
    """A draft case by `by` on `row` (a fresh ledger line by default)."""
    if lines is None:
        row = row or ledger_row()
        lines = [(row, quantity, "B-TEST-1")]
    create = exchange_create if kind == "exchange" else return_create
    return create(actor=person(by), problem="出水有异味", lines=lines)


def take(document, action: str, username: str, comment: str = "ok", **kwargs):
    return perform(document=document, action=action, actor=person(username), comment=comment, **kwargs)


def record_finding(case, quality_problem: bool = True):
    return take(
        case,
        "record_finding",
        "quality",
        data={"is_quality_problem": quality_problem, "cause": "material", "batch": "B-TEST-1"},
    )


OPENING = [("submit", "rep_east"), ("finding", "quality"), ("approve", "market_manager")]
EXCHANGE_PATHS = {
    "draft": [],
    "quality_review": [("submit", "rep_east")],
    "review": [("submit", "rep_east"), ("finding", "quality")],
    "approved": OPENING,
    "received": [*OPENING, ("receive", "warehouse")],
    "replacement_review": [*OPENING, ("receive", "warehouse"), ("request_replacement", "rep_east")],
    "to_ship": [
        *OPENING,
        ("receive", "warehouse"),
        ("request_replacement", "rep_east"),
        ("approve_replacement", "director"),
    ],
}
EXCHANGE_PATHS["shipped"] = [*EXCHANGE_PATHS["to_ship"], ("ship", "warehouse")]
EXCHANGE_PATHS["closed"] = [*EXCHANGE_PATHS["shipped"], ("accept", "rep_east"), ("feedback", "rep_east")]
RETURN_PATHS = {
    "draft": [],
    "quality_review": [("submit", "rep_east")],
    "review": [("submit", "rep_east"), ("finding", "quality")],
    "approved": OPENING,
    "received": [*OPENING, ("receive", "warehouse")],
    "refunded": [*OPENING, ("receive", "warehouse"), ("refund", "finance")],
    "closed": [*OPENING, ("receive", "warehouse"), ("refund", "finance"), ("complete", "rep_east")],
}


def case_in(kind: str, state: str, **kwargs):
    """A fresh case driven to `state` by the right people (quality's finding recorded on the way)."""
    case = new_case(kind, **kwargs)
    if kind == "exchange":
        for line in case.lines.select_related("product"):
            restock(line.product, 50, case.ship_warehouse.code)
    for action, username in (EXCHANGE_PATHS if kind == "exchange" else RETURN_PATHS)[state]:
        case = record_finding(case) if action == "finding" else take(case, action, username)
    model = ExchangeCase if kind == "exchange" else ReturnCase
    return model.objects.get(pk=case.pk)


def new_ticket(by: str = "rep_east", buyer: str = EAST, kind: str = "repair") -> ServiceTicket:
    return ticket_create(actor=person(by), kind=kind, description="漏水", distributor=distributor(buyer))


def events(document) -> list[Event]:
    ct = ContentType.objects.get_for_model(type(document))
    return list(Event.objects.filter(content_type=ct, object_id=document.pk).order_by("at", "id"))


def refunded_total(case) -> Decimal:
    return sum((r.amount for r in Refund.objects.filter(case=case)), D(0))
