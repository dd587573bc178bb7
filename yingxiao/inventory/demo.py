"""Demo stock (some products below safety stock in every region), demand, stock checks, and transfer
requests in every state, each driven through the workflow engine by the demo users."""

import random
from datetime import timedelta

from django.utils import timezone

from yingxiao.accounts.models import User
from yingxiao.catalog.models import Product
from yingxiao.org.models import Region, Warehouse
from yingxiao.workflow.services import perform

from .models import Demand, StockCheck, StockLevel, TransferRequest
from .selectors import current_period
from .services import demand_record, safety_stock_set, stock_check_create, stock_receive, transfer_create

REGIONS = ["east", "north", "south", "west"]


def _user(name: str) -> User:
    return User.objects.get(username=name)


def load_stock(keeper: User) -> None:
    """HQ warehouses well stocked; regional ones with safety stock and a few products short."""
    rng = random.Random(20261127)
    products = list(Product.objects.filter(active=True).order_by("code"))
    for warehouse in Warehouse.objects.order_by("code"):
        for index, product in enumerate(products):
            if warehouse.region_id is None:
                stock_receive(
                    actor=keeper,
                    product=product,
                    warehouse=warehouse,
                    quantity=rng.randint(300, 900),
                    reference="期初",
                    note="期初库存",
                )
                continue
            safety = rng.choice([20, 30, 40, 50])
            short = index % 7 == (ord(warehouse.code[-1]) % 7)  # a few products short in every region
            on_hand = rng.randint(0, safety - 5) if short else rng.randint(safety + 20, safety * 3 + 40)
            if on_hand:
                stock_receive(
                    actor=keeper,
                    product=product,
                    warehouse=warehouse,
                    quantity=on_hand,
                    reference="期初",
                    note="期初库存",
                )
            safety_stock_set(actor=keeper, product=product, warehouse=warehouse, safety_stock=safety)


def load_demand() -> None:
    """This month's expected demand for some products in each region, by the region's rep."""
    rng = random.Random(7)
    products = list(Product.objects.filter(active=True).order_by("code")[:12])
    for code in REGIONS:
        rep = _user(f"rep_{code}")
        region = Region.objects.get(code=code)
        for product in rng.sample(products, 6):
            demand_record(
                actor=rep,
                region=region,
                product=product,
                period=current_period(),
                quantity=rng.choice([10, 20, 30, 40, 60]),
                note="",
            )


def _transfer(rep: User, destination: Warehouse, products: list[Product], qty: int) -> TransferRequest:
    return transfer_create(
        actor=rep,
        source_warehouse=Warehouse.objects.get(code="WH-HQ1"),
        destination_warehouse=destination,
        wanted_by=timezone.localdate() + timedelta(days=10),
        lines=[(p, qty + 5 * i, "补充安全库存") for i, p in enumerate(products)],
        note="月度补货",
    )


def load_transfers() -> None:
    """One request per state, spread over the regions: draft … received, withdrawn, recheck."""
    director, keeper = _user("director"), _user("warehouse")
    products = list(Product.objects.filter(active=True).order_by("code"))
    scenarios = [
        # region, steps to take after creation
        ("east", []),
        ("east", ["submit"]),
        ("east", ["submit", "approve_m"]),
        ("north", ["submit", "approve_m", "approve_hq"]),
        ("north", ["submit", "approve_m", "approve_hq", "ship"]),
        ("south", ["submit", "approve_m", "approve_hq", "ship", "receive"]),
        ("south", ["submit", "approve_m", "reject_hq"]),
        ("west", ["submit", "withdraw"]),
        ("west", ["submit", "reject_m"]),
    ]
    for index, (code, steps) in enumerate(scenarios):
        rep, manager = _user(f"rep_{code}"), _user(f"manager_{code}")
        destination = Warehouse.objects.get(region__code=code)
        transfer = _transfer(rep, destination, products[index * 2 : index * 2 + 2], 20)
        for step in steps:
            if step == "submit":
                transfer = perform(document=transfer, action="submit", actor=rep)
            elif step == "approve_m":
                transfer = perform(
                    document=transfer, action="approve", actor=manager, comment="同意，请总部审批"
                )
            elif step == "reject_m":
                perform(
                    document=transfer, action="reject", actor=manager, comment="数量偏大，请核实需求后再报"
                )
            elif step == "approve_hq":
                transfer = perform(document=transfer, action="approve", actor=director, comment="同意调货")
            elif step == "reject_hq":
                perform(
                    document=transfer,
                    action="reject",
                    actor=director,
                    comment="区域仓库存数据存疑，请重新清查",
                )
            elif step == "withdraw":
                transfer = perform(document=transfer, action="withdraw", actor=rep, comment="客户取消订单")
            elif step == "ship":
                transfer = perform(document=transfer, action="ship", actor=keeper, comment="已发物流")
            elif step == "receive":
                transfer = perform(document=transfer, action="receive", actor=keeper, comment="已验收入库")


def load_stock_checks() -> None:
    """A draft, a submitted and an approved stock check."""
    keeper = _user("warehouse")
    for code, submit, approve in [("east", False, False), ("north", True, False), ("west", True, True)]:
        rep = _user(f"rep_{code}")
        warehouse = Warehouse.objects.get(region__code=code)
        levels = (
            StockLevel.objects.filter(warehouse=warehouse).select_related("product").order_by("product")[:4]
        )
        lines = [(lv.product, max(0, lv.on_hand + (-2 if i % 2 else 1))) for i, lv in enumerate(levels)]
        check = stock_check_create(
            actor=rep, warehouse=warehouse, counted_on=timezone.localdate(), lines=lines, note="月末盘点"
        )
        if submit:
            check = perform(document=check, action="submit", actor=rep)
        if approve:
            perform(document=check, action="approve", actor=keeper, comment="差异已核实")


def load(admin: User) -> None:
    """Stock, demand, stock checks and transfers, each only if the demo has none yet."""
    if not StockLevel.objects.exists():
        load_stock(_user("warehouse"))
    if not Demand.objects.exists():
        load_demand()
    if not StockCheck.objects.exists():
        load_stock_checks()
    if not TransferRequest.objects.exists():
        load_transfers()
