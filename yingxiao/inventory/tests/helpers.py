"""Shared builders for the workflow-engine and stock-transfer tests (plain functions, no fixtures).

The demo company is in the test database (root conftest.py). These helpers create fresh documents on top
of it through the services and the engine, exactly as users would.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone

from yingxiao.accounts.models import User
from yingxiao.catalog.models import Product
from yingxiao.inventory.models import StockCheck, StockLevel, TransferRequest
from yingxiao.inventory.services import stock_check_create, transfer_create
from yingxiao.org.models import Warehouse
from yingxiao.workflow.models import Event
from yingxiao.workflow.services import perform


def person(username: str) -> User:
    """A fresh instance of a demo user (no cached scope or delegations from earlier calls)."""
    return User.objects.get(username=username)


def warehouse(code: str) -> Warehouse:
    return Warehouse.objects.get(code=code)


def level(product: Product, warehouse_code: str) -> StockLevel:
    """The stock level row, re-read from the database."""
    return StockLevel.objects.get(product=product, warehouse__code=warehouse_code)


def stocked_products(warehouse_code: str = "WH-HQ1", count: int = 2) -> list[Product]:
    """Active products with the most available stock at a warehouse (most first)."""
    levels = (
        StockLevel.objects.filter(warehouse__code=warehouse_code, product__active=True)
        .annotate(free=F("on_hand") - F("reserved"))
        .order_by("-free", "product__code")
        .select_related("product")[:count]
    )
    return [lv.product for lv in levels]


def new_transfer(
    rep: str = "rep_east",
    *,
    source: str = "WH-HQ1",
    destination: str = "WH-E",
    products: list[Product] | None = None,
    quantity: int = 3,
    lines: list[tuple[Product, int]] | None = None,
) -> TransferRequest:
    """A fresh draft 调货申请单 by `rep` (east by default) from an HQ warehouse, of products stocked there."""
    if lines is None:
        products = products or stocked_products(source)
        lines = [(p, quantity) for p in products]
    return transfer_create(
        actor=person(rep),
        source_warehouse=warehouse(source),
        destination_warehouse=warehouse(destination),
        wanted_by=timezone.localdate() + timedelta(days=14),
        lines=[(p, q, "测试") for p, q in lines],
        note="test",
    )


def take(document, action: str, username: str, comment: str = "ok", **kwargs):
    """Take a step as a demo user; returns the document as the engine left it."""
    return perform(document=document, action=action, actor=person(username), comment=comment, **kwargs)


#: How a fresh east request reaches each state (action, demo user), as the business runs it.
PATHS = {
    "draft": [],
    "manager_review": [("submit", "rep_east")],
    "hq_review": [("submit", "rep_east"), ("approve", "manager_east")],
    "recheck": [("submit", "rep_east"), ("approve", "manager_east"), ("reject", "director")],
    "at_warehouse": [("submit", "rep_east"), ("approve", "manager_east"), ("approve", "director")],
    "in_transit": [
        ("submit", "rep_east"),
        ("approve", "manager_east"),
        ("approve", "director"),
        ("ship", "warehouse"),
    ],
    "received": [
        ("submit", "rep_east"),
        ("approve", "manager_east"),
        ("approve", "director"),
        ("ship", "warehouse"),
        ("receive", "warehouse"),
    ],
    "withdrawn": [("withdraw", "rep_east")],
}


def transfer_in(state: str, **kwargs) -> TransferRequest:
    """A fresh east request driven to `state` by the right people."""
    document = new_transfer(**kwargs)
    for action, username in PATHS[state]:
        document = take(document, action, username)
    return TransferRequest.objects.get(pk=document.pk)


def recount(warehouse_code: str = "WH-E", by: str = "rep_east") -> StockCheck:
    """A submitted stock check of a warehouse (what HQ asks for before a resubmission)."""
    wh = warehouse(warehouse_code)
    lines = [
        (lv.product, lv.on_hand)
        for lv in StockLevel.objects.filter(warehouse=wh).select_related("product")[:2]
    ]
    check = stock_check_create(actor=person(by), warehouse=wh, counted_on=timezone.localdate(), lines=lines)
    return take(check, "submit", by)


def events(document) -> list[Event]:
    ct = ContentType.objects.get_for_model(type(document))
    return list(Event.objects.filter(content_type=ct, object_id=document.pk).order_by("at", "id"))


def snapshot(document) -> tuple:
    """Status, version and number of events: what a refused step must leave as it was."""
    fresh = type(document)._default_manager.get(pk=document.pk)
    return fresh.status, fresh.version, len(events(document))
