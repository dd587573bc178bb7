"""Shared builders for the sales-order tests (plain functions, no fixtures).

The demo company is in the test database (root conftest.py). These helpers make fresh orders on top of it
through the services and the engine, exactly as users would: rep_east takes an order for 上海恒信 (E01,
whose portal login is dist_e01), manager_east confirms it, the warehouse ships it from 华东区域仓 (WH-E),
finance invoices it and records the payment.
"""

from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Sum
from django.utils import timezone

from yingxiao.accounts.models import User
from yingxiao.catalog.models import Product
from yingxiao.inventory.choices import MovementKind
from yingxiao.inventory.models import StockLevel, StockMovement
from yingxiao.inventory.services import stock_move
from yingxiao.org.models import Warehouse
from yingxiao.partners.models import Customer, Distributor
from yingxiao.sales.choices import InvoiceStatus
from yingxiao.sales.models import (
    ClosedMonth,
    Delivery,
    Invoice,
    Payment,
    PaymentAllocation,
    SalesLine,
    SalesOrder,
    SalesOrderLine,
)
from yingxiao.sales.services import month_close, open_receivables, order_create, payment_record
from yingxiao.workflow.models import Event
from yingxiao.workflow.services import perform

D = Decimal

#: 上海恒信商贸 (华东·上海片区, active, 800,000 limit): the portal user dist_e01 belongs to it.
EAST = "E01"
#: 南京金桥家电 (华东, active): a second east distributor, not dist_e01's.
EAST_OTHER = "E03"
#: 无锡锦程商贸 (华东, suspended).
EAST_SUSPENDED = "E07"
#: 北京恒信科贸 (华北, active).
NORTH = "N01"
#: 上海瑞金酒店管理 (华东): a direct customer.
EAST_CUSTOMER = "C-E01"
NORTH_CUSTOMER = "C-N01"
#: The east warehouse every east order ships from.
EAST_WAREHOUSE = "WH-E"
#: A cheap, well-stocked product at WH-E (PP 棉复合滤芯, list price 129.00).
CHEAP = "F-402"
#: A second product (活性炭后置滤芯, 99.00).
CHEAP_2 = "F-403"


def person(username: str) -> User:
    """A fresh instance of a demo user (no cached scope or delegations from earlier calls)."""
    return User.objects.get(username=username)


def product(code: str) -> Product:
    return Product.objects.select_related("category").get(code=code)


def distributor(code: str) -> Distributor:
    return Distributor.objects.select_related("region").get(code=code)


def customer(code: str) -> Customer:
    return Customer.objects.select_related("region").get(code=code)


def warehouse(code: str) -> Warehouse:
    return Warehouse.objects.get(code=code)


def today() -> date:
    return timezone.localdate()


# --- stock -----------------------------------------------------------------------------------------------


def on_hand(item: Product | str, warehouse_code: str = EAST_WAREHOUSE) -> int:
    """Stock on hand of a product at a warehouse, re-read from the database (0 when there is no row)."""
    code = item if isinstance(item, str) else item.code
    level = StockLevel.objects.filter(product__code=code, warehouse__code=warehouse_code).first()
    return level.on_hand if level else 0


def restock(item: Product | str, quantity: int, warehouse_code: str = EAST_WAREHOUSE) -> None:
    """Make sure at least `quantity` is on hand (a receipt through the stock service)."""
    goods = product(item) if isinstance(item, str) else item
    missing = quantity - on_hand(goods, warehouse_code)
    if missing > 0:
        stock_move(
            actor=person("warehouse"),
            product=goods,
            warehouse=warehouse(warehouse_code),
            kind=MovementKind.RECEIPT,
            on_hand=missing,
            reference="TEST",
        )


# --- credit ----------------------------------------------------------------------------------------------


def set_credit_limit(code: str, limit: Decimal | int | str) -> None:
    """Master data arrangement: the distributor's credit limit (as an administrator would set it)."""
    Distributor.objects.filter(code=code).update(credit_limit=D(limit))


def roomy_credit(code: str = EAST) -> None:
    """A limit that comfortably covers whatever is open plus any test order."""
    set_credit_limit(code, open_receivables(distributor(code)) + D("10000000"))


def owes_nothing(code: str) -> None:
    """Arrangement: whatever the distributor owed before this test is settled (so allocations are exact)."""
    for invoice in Invoice.objects.filter(distributor__code=code, status=InvoiceStatus.OPEN):
        Invoice.objects.filter(pk=invoice.pk).update(paid_amount=invoice.amount, status=InvoiceStatus.PAID)


# --- orders ----------------------------------------------------------------------------------------------

LineSpec = tuple[str, int, str | Decimal, str | Decimal]  # product code, quantity, unit price, discount %


def lines_of(specs: list[LineSpec]) -> list[tuple]:
    """(product, quantity, unit price, discount) tuples for the services, from product codes."""
    return [
        (product(code), quantity, D(str(price)), D(str(discount)))
        for code, quantity, price, discount in specs
    ]


def new_order(
    rep: str = "rep_east",
    *,
    buyer: str = EAST,
    lines: list[LineSpec] | None = None,
    terms: int = 30,
    ship_from: str | None = None,
) -> SalesOrder:
    """A fresh draft by `rep` for a distributor (or, with a `C-` code, a direct customer); by default two
    PP cotton filters at list price for 上海恒信 (258.00), shipped from the region's warehouse."""
    specs = lines if lines is not None else [(CHEAP, 2, "129.00", "0")]
    party = {"customer": customer(buyer)} if buyer.startswith("C-") else {"distributor": distributor(buyer)}
    return order_create(
        actor=person(rep),
        order_date=today(),
        lines=lines_of(specs),
        payment_terms_days=terms,
        warehouse=warehouse(ship_from) if ship_from else None,
        note="test",
        **party,
    )


def take(document, action: str, username: str, comment: str = "ok", **kwargs):
    """Take a step as a demo user; returns the document as the engine left it."""
    return perform(document=document, action=action, actor=person(username), comment=comment, **kwargs)


#: How a fresh order reaches each state (action, who), as the business runs it: "rep" is the order's rep,
#: "manager" his region's manager.
_TO_CONFIRMED = [("submit", "rep"), ("confirm", "manager")]
PATHS = {
    "draft": [],
    "manager_review": [("submit", "rep")],
    "credit_review": [("submit", "rep"), ("escalate", "manager")],
    "confirmed": _TO_CONFIRMED,
    "delivered": [*_TO_CONFIRMED, ("deliver", "warehouse")],
    "invoiced": [*_TO_CONFIRMED, ("deliver", "warehouse"), ("invoice", "finance")],
    "cancelled": [("cancel", "rep")],
}


def order_in(state: str, rep: str = "rep_east", **kwargs) -> SalesOrder:
    """A fresh order by `rep` (east by default) driven to `state` by the right people. The ship-from
    warehouse is stocked first; for `credit_review` the distributor's limit is lowered below what it would
    owe, otherwise it comfortably covers the order; `paid` is reached by finance recording the payment."""
    order = new_order(rep, **kwargs)
    for line in order.lines.select_related("product"):
        restock(line.product, line.quantity, order.warehouse.code)
    code = order.distributor.code if order.distributor_id else None
    if code and state == "credit_review":
        set_credit_limit(code, 0)
    elif code:
        roomy_credit(code)
    who = {"rep": rep, "manager": rep.replace("rep_", "manager_")}
    for action, username in PATHS["invoiced" if state == "paid" else state]:
        order = take(order, action, who.get(username, username))
    if state == "paid":
        pay(order.total, buyer=order.buyer, invoices=[invoice_of(order)])
    return SalesOrder.objects.get(pk=order.pk)


def invoice_of(order: SalesOrder) -> Invoice:
    return Invoice.objects.get(order=order)


def pay(amount, *, buyer: Distributor | Customer | str = EAST, by: str = "finance", **kwargs) -> Payment:
    """Finance records money received from a buyer (allocated oldest due first unless `invoices=`)."""
    if isinstance(buyer, str):
        buyer = customer(buyer) if buyer.startswith("C-") else distributor(buyer)
    party = {"customer": buyer} if isinstance(buyer, Customer) else {"distributor": buyer}
    return payment_record(
        actor=person(by), received_on=today(), amount=D(str(amount)), method="银行转账", **party, **kwargs
    )


def close_this_month(by: str = "finance") -> ClosedMonth:
    return month_close(actor=person(by), year=today().year, month=today().month)


# --- what a refusal must leave as it was -----------------------------------------------------------------


def events(document) -> list[Event]:
    ct = ContentType.objects.get_for_model(type(document))
    return list(Event.objects.filter(content_type=ct, object_id=document.pk).order_by("at", "id"))


def snapshot(document) -> tuple:
    """Status, version and number of events of a document."""
    fresh = type(document)._default_manager.get(pk=document.pk)
    return fresh.status, fresh.version, len(events(document))


def world() -> dict:
    """Counts and sums of everything a sales step or service may write: compare before and after a refusal."""
    paid = Invoice.objects.aggregate(paid=Sum("paid_amount"))["paid"] or D(0)
    return {
        "orders": SalesOrder.objects.count(),
        "order_lines": SalesOrderLine.objects.count(),
        "statuses": sorted(SalesOrder.objects.values_list("id", "status", "version")),
        "events": Event.objects.count(),
        "deliveries": Delivery.objects.count(),
        "ledger": SalesLine.objects.count(),
        "movements": StockMovement.objects.count(),
        "stock": sorted(StockLevel.objects.values_list("id", "on_hand", "reserved")),
        "invoices": Invoice.objects.count(),
        "paid": paid,
        "payments": Payment.objects.count(),
        "allocations": PaymentAllocation.objects.count(),
        "closed_months": ClosedMonth.objects.count(),
    }
