"""Demo sales: two years of ledger history with seasonality and growth, orders in every state (through
the engine), open and overdue invoices with payments, and collection tasks in several states."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from yingxiao.accounts.models import User
from yingxiao.catalog.models import Product
from yingxiao.partners.choices import DistributorStatus
from yingxiao.partners.models import Distributor
from yingxiao.workflow.services import next_number, perform

from .choices import CollectionStatus
from .models import CollectionTask, Invoice, SalesLine, SalesOrder
from .services import collection_promise, collection_tasks_refresh, order_create, payment_record

HISTORY_LINES = 24_000


def _user(name: str) -> User:
    return User.objects.get(username=name)


def load_history() -> None:
    """24,000 ledger lines over the last 24 months (the company's history, as if imported)."""
    from .generate import generate_history

    today = timezone.localdate()
    start = date(today.year - 2, today.month, 1) + timedelta(days=32)
    generate_history(
        lines=HISTORY_LINES, start=start.replace(day=1), end=today - timedelta(days=1), seed=2026
    )


def _order(region: str, distributor_index: int, product_codes: list[str], quantity: int) -> SalesOrder:
    rep = _user(f"rep_{region}")
    distributor = Distributor.objects.filter(
        region__code__startswith=region, status=DistributorStatus.ACTIVE
    ).order_by("code")[distributor_index]
    products = Product.objects.filter(code__in=product_codes)
    lines = [(p, quantity, p.list_price, Decimal("5")) for p in products]
    return order_create(
        actor=rep,
        distributor=distributor,
        order_date=timezone.localdate(),
        lines=lines,
        payment_terms_days=30,
        note="演示订单",
    )


def load_orders() -> None:
    """One order per state, driven through the engine by the demo users."""
    keeper, finance = _user("warehouse"), _user("finance")
    scenarios = [
        ("east", 0, ["W-100", "F-400"], 5, []),
        ("east", 1, ["A-200"], 3, ["submit"]),
        ("north", 0, ["W-101", "F-401"], 4, ["submit", "confirm"]),
        ("north", 1, ["K-300"], 2, ["submit", "confirm", "deliver"]),
        ("south", 0, ["A-201", "F-404"], 6, ["submit", "confirm", "deliver", "invoice"]),
        ("south", 1, ["W-102"], 10, ["submit", "confirm", "deliver", "invoice", "pay"]),
        ("west", 0, ["K-302"], 3, ["submit", "cancel"]),
        ("west", 5, ["W-104"], 40, ["submit", "escalate"]),  # a small distributor's big order: over the limit
    ]
    for region, index, codes, quantity, steps in scenarios:
        rep, manager = _user(f"rep_{region}"), _user(f"manager_{region}")
        order = _order(region, index, codes, quantity)
        for step in steps:
            if step == "submit":
                order = perform(document=order, action="submit", actor=rep)
            elif step == "confirm":
                order = perform(document=order, action="confirm", actor=manager, comment="信用额度内，确认")
            elif step == "escalate":
                order = perform(
                    document=order, action="escalate", actor=manager, comment="超信用额度，请总监审批"
                )
            elif step == "deliver":
                order = perform(document=order, action="deliver", actor=keeper, comment="已发货")
            elif step == "invoice":
                order = perform(document=order, action="invoice", actor=finance)
            elif step == "cancel":
                order = perform(document=order, action="cancel", actor=rep, comment="客户取消")
            elif step == "pay":
                payment_record(
                    actor=finance,
                    distributor=order.distributor,
                    received_on=timezone.localdate(),
                    amount=order.total,
                    method="银行转账",
                    reference="DEMO",
                )


def load_receivables() -> None:
    """Older invoices of active distributors: some paid, some partly paid, some overdue; then collection
    tasks opened for the overdue ones, a promise, and a broken promise escalated."""
    today = timezone.localdate()
    finance = _user("finance")
    distributors = list(
        Distributor.objects.filter(status=DistributorStatus.ACTIVE)
        .select_related("region", "rep")
        .order_by("code")
    )
    for i, distributor in enumerate(distributors):
        for k, days_ago in enumerate((150, 95, 65, 40, 20, 5)):
            if (i + k) % 3 == 0:
                continue
            issued = today - timedelta(days=days_ago)
            amount = Decimal(20_000 + 7_919 * ((i * 7 + k * 3) % 11))
            Invoice.objects.create(
                number=next_number("FP", issued.year),
                region=distributor.region,
                salesperson=distributor.rep or _user("rep_east"),
                distributor=distributor,
                issued_on=issued,
                due_date=issued + timedelta(days=30),
                amount=amount,
            )
        if i % 4 == 0:
            owed = sum(
                inv.open_amount for inv in Invoice.objects.filter(distributor=distributor, status="open")
            )
            if owed:
                payment_record(
                    actor=finance,
                    distributor=distributor,
                    received_on=today - timedelta(days=3),
                    amount=(owed * Decimal("0.4")).quantize(Decimal("0.01")),
                    method="银行转账",
                    reference=f"DEMO-{distributor.code}",
                )
    collection_tasks_refresh(today=today)
    tasks = list(
        CollectionTask.objects.filter(status=CollectionStatus.OPEN)
        .select_related("invoice", "assignee")
        .order_by("id")
    )
    for n, task in enumerate(tasks[:8]):
        amount = min(task.invoice.open_amount, Decimal("10000"))
        collection_promise(
            actor=task.assignee,
            task=task,
            promised_on=today + timedelta(days=3 + n % 3),
            promised_amount=amount,
            note="客户承诺月底前付款" if n % 2 else "财务已安排付款",
        )
    # Time passes for the first three promises: broken, so escalated to the regional manager.
    CollectionTask.objects.filter(pk__in=[t.pk for t in tasks[:3]]).update(
        promised_on=today - timedelta(days=1)
    )
    collection_tasks_refresh(today=today)


def load(admin: User) -> None:
    """History, orders and receivables, each only if the demo has none yet."""
    if not SalesLine.objects.filter(source="import").exists():
        load_history()
    if not SalesOrder.objects.exists():
        load_orders()
    if not Invoice.objects.filter(order__isnull=True).exists():
        load_receivables()
