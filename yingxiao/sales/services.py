"""Writes of the sales app: orders and their flow effects (delivery, invoice), payments, the ledger,
month closing and collection tasks."""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yingxiao.accounts.choices import Role
from yingxiao.accounts.models import Membership, User
from yingxiao.accounts.selectors import scope_of
from yingxiao.catalog.models import Product
from yingxiao.core.money import to_money
from yingxiao.inventory.choices import MovementKind
from yingxiao.inventory.services import stock_move
from yingxiao.org.models import Warehouse
from yingxiao.partners.choices import DistributorStatus
from yingxiao.partners.models import Customer, Distributor
from yingxiao.workflow.services import document_start, next_number, notify

from .choices import CollectionStatus, InvoiceStatus, LedgerSource, OrderStatus
from .models import (
    ClosedMonth,
    CollectionNote,
    CollectionTask,
    Delivery,
    Invoice,
    Payment,
    PaymentAllocation,
    SalesLine,
    SalesOrder,
    SalesOrderLine,
)

OrderLineInput = tuple[Product, int, Decimal, Decimal]  # product, quantity, unit price, discount %
MAX_QUANTITY = 2_147_483_647  # what an integer column holds on every database
MAX_AMOUNT = Decimal("999999999999.99")  # what a MoneyField holds


# --- month closing ----------------------------------------------------------------------------------


def require_open_month(day: date, field: str = "date") -> None:
    """Refuse a ledger line dated in a month finance has closed."""
    if ClosedMonth.objects.filter(year=day.year, month=day.month).exists():
        raise ValidationError(
            {
                field: _("%(month)s is closed: no sales line can be added or changed in it.")
                % {"month": f"{day.year}-{day.month:02d}"}
            }
        )


@transaction.atomic
def month_close(*, actor: User, year: int, month: int) -> ClosedMonth:
    """Close a month (finance): its sales ledger is final."""
    if not scope_of(actor).has_role(Role.FINANCE):
        raise PermissionDenied(_("Only finance can close a month."))
    if not 1 <= month <= 12:
        raise ValidationError({"month": _("A month is between 1 and 12.")})
    if ClosedMonth.objects.filter(year=year, month=month).exists():
        raise ValidationError({"month": _("%(month)s is already closed.") % {"month": f"{year}-{month:02d}"}})
    return ClosedMonth.objects.create(year=year, month=month, closed_by=actor)


# --- the ledger -------------------------------------------------------------------------------------


def ledger_line(
    *,
    day: date,
    region_id: int,
    salesperson_id: int,
    product: Product,
    quantity: int,
    amount: Decimal,
    source: str,
    distributor_id: int | None = None,
    customer_id: int | None = None,
    order_line: SalesOrderLine | None = None,
    reference: str = "",
) -> SalesLine:
    """An unsaved ledger row with its year, month and category filled in."""
    return SalesLine(
        date=day,
        year=day.year,
        month=day.month,
        region_id=region_id,
        salesperson_id=salesperson_id,
        distributor_id=distributor_id,
        customer_id=customer_id,
        product=product,
        category_id=product.category_id,
        quantity=quantity,
        amount=to_money(amount),
        source=source,
        order_line=order_line,
        reference=reference,
    )


def ledger_append(lines: Iterable[SalesLine], batch_size: int = 5000) -> int:
    """Write ledger rows, refusing any dated in a closed month. Returns how many were written."""
    lines = list(lines)
    for month in {(line.date.year, line.date.month) for line in lines}:
        require_open_month(date(month[0], month[1], 1))
    SalesLine.objects.bulk_create(lines, batch_size=batch_size)
    return len(lines)


# --- orders -----------------------------------------------------------------------------------------


def line_amount(quantity: int, unit_price: Decimal, discount: Decimal) -> Decimal:
    """quantity × unit price × (1 − discount %), to the fen, half up."""
    return to_money(Decimal(quantity) * unit_price * (Decimal(100) - discount) / Decimal(100))


def _check_lines(lines: list[OrderLineInput]) -> None:
    if not lines:
        raise ValidationError({"lines": _("Add at least one product.")})
    seen = set()
    for product, quantity, unit_price, discount in lines:
        if product.pk in seen:
            raise ValidationError({"lines": _("%(product)s is listed twice.") % {"product": product}})
        seen.add(product.pk)
        if not product.active:
            raise ValidationError({"product": _("%(product)s is no longer sold.") % {"product": product}})
        if quantity is None or quantity <= 0:
            raise ValidationError(
                {
                    "quantity": _("The quantity of %(product)s must be greater than zero.")
                    % {"product": product}
                }
            )
        if unit_price is None or unit_price < 0:
            raise ValidationError(
                {"unit_price": _("The price of %(product)s cannot be negative.") % {"product": product}}
            )
        if quantity > MAX_QUANTITY:
            raise ValidationError(
                {"quantity": _("The quantity of %(product)s is too large.") % {"product": product}}
            )
        if discount is None or not Decimal(0) <= Decimal(discount) <= Decimal(100):
            raise ValidationError({"discount": _("A discount is between 0 and 100%.")})
        exponent = Decimal(discount).as_tuple().exponent
        if not isinstance(exponent, int) or exponent < -2:
            raise ValidationError({"discount": _("A discount has at most two decimals.")})


def _buyer_region(actor: User, distributor: Distributor | None, customer: Customer | None):
    if (distributor is None) == (customer is None):
        raise ValidationError({"distributor": _("Choose a distributor or a direct customer (one of them).")})
    if distributor is not None and distributor.status != DistributorStatus.ACTIVE:
        raise ValidationError(
            {"distributor": _("%(name)s is not an active distributor.") % {"name": distributor}}
        )
    if customer is not None and not customer.active:
        raise ValidationError({"customer": _("%(name)s is no longer served.") % {"name": customer}})
    buyer = distributor or customer
    assert buyer is not None  # checked above: one buyer
    region = buyer.region
    if not scope_of(actor).role_reaches(Role.REGIONAL_REP, region_id=region.pk):
        raise PermissionDenied(
            _("You can only take orders for your own region's distributors and customers.")
        )
    return region


def _default_warehouse(region) -> Warehouse | None:
    top = region.parent_id or region.pk
    return Warehouse.objects.filter(active=True, region_id__in=[region.pk, top]).order_by("code").first()


def _write_lines(order: SalesOrder, lines: list[OrderLineInput]) -> None:
    rows = [
        SalesOrderLine(
            order=order,
            product=p,
            quantity=q,
            unit_price=to_money(price),
            discount=d,
            amount=line_amount(q, to_money(price), d),
        )
        for p, q, price, d in lines
    ]
    for row in rows:
        if row.unit_price > MAX_AMOUNT or row.amount > MAX_AMOUNT:
            raise ValidationError(
                {
                    "unit_price": _("The amount of %(product)s is too large to book.")
                    % {"product": row.product}
                }
            )
    if sum((row.amount for row in rows), Decimal(0)) > MAX_AMOUNT:
        raise ValidationError({"lines": _("The order total is too large to book.")})
    SalesOrderLine.objects.bulk_create(rows)
    order.total = sum((row.amount for row in rows), Decimal(0))
    order.save(update_fields=["total"])


@transaction.atomic
def order_create(
    *,
    actor: User,
    order_date: date,
    lines: list[OrderLineInput],
    distributor: Distributor | None = None,
    customer: Customer | None = None,
    payment_terms_days: int = 30,
    warehouse: Warehouse | None = None,
    note: str = "",
) -> SalesOrder:
    """Draft a sales order for a distributor or direct customer of the rep's region."""
    from .workflow import ORDER_FLOW

    region = _buyer_region(actor, distributor, customer)
    _check_lines(lines)
    order = SalesOrder(
        region=region,
        salesperson=actor,
        distributor=distributor,
        customer=customer,
        order_date=order_date,
        payment_terms_days=payment_terms_days,
        warehouse=warehouse or _default_warehouse(region),
        note=note,
    )
    document_start(flow=ORDER_FLOW, document=order, actor=actor)
    _write_lines(order, lines)
    return order


@transaction.atomic
def order_update(
    *,
    actor: User,
    order: SalesOrder,
    order_date: date,
    lines: list[OrderLineInput],
    payment_terms_days: int = 30,
    warehouse: Warehouse | None = None,
    note: str = "",
) -> SalesOrder:
    """Change a draft order (its creator)."""
    order = SalesOrder.objects.select_for_update().get(pk=order.pk)
    if order.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the rep who wrote this order can change it."))
    if order.status != OrderStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft order can be changed.")})
    _check_lines(lines)
    order.order_date, order.payment_terms_days, order.note = order_date, payment_terms_days, note
    order.warehouse = warehouse or order.warehouse
    order.full_clean()
    order.save()
    order.lines.all().delete()
    _write_lines(order, lines)
    return order


def open_receivables(distributor: Distributor) -> Decimal:
    """What the distributor still owes on open invoices."""
    totals = Invoice.objects.filter(distributor=distributor, status=InvoiceStatus.OPEN).aggregate(
        owed=Sum(F("amount") - F("paid_amount"))
    )
    return to_money(totals["owed"] or 0)


def committed_orders(distributor: Distributor, *, excluding: SalesOrder | None = None) -> Decimal:
    """Orders already confirmed or delivered but not yet invoiced: owed soon, so they use up credit too."""
    orders = SalesOrder.objects.filter(
        distributor=distributor, status__in=[OrderStatus.CONFIRMED, OrderStatus.DELIVERED]
    )
    if excluding is not None:
        orders = orders.exclude(pk=excluding.pk)
    return to_money(orders.aggregate(total=Sum("total"))["total"] or 0)


def credit_position(order: SalesOrder) -> dict:
    """Open receivables, confirmed orders not yet invoiced, this order, and the limit; `over` when the three
    together exceed the limit."""
    distributor = order.distributor
    if distributor is None:
        return {"over": False}
    owed = open_receivables(distributor)
    committed = committed_orders(distributor, excluding=order)
    limit = distributor.credit_limit
    return {
        "open_receivables": str(owed),
        "committed_orders": str(committed),
        "order_total": str(order.total),
        "credit_limit": str(limit),
        "over": owed + committed + order.total > limit,
    }


# --- flow guards and effects ------------------------------------------------------------------------


def order_has_lines(order: SalesOrder, actor: User, data: dict) -> None:
    """Guard of submit."""
    if not order.lines.exists():
        raise ValidationError({"lines": _("Add at least one product.")})


def order_within_credit(order: SalesOrder, actor: User, data: dict) -> None:
    """Guard of confirm: open receivables, confirmed orders not yet invoiced and this order must stay within
    the distributor's credit limit."""
    position = credit_position(order)
    if position["over"]:
        owed = Decimal(position["open_receivables"]) + Decimal(position["committed_orders"])
        raise ValidationError(
            {
                "credit_limit": _(
                    "Over the credit limit: %(name)s owes %(owed)s and this order adds %(total)s, "
                    "the limit is %(limit)s. Ask the director for a credit exception."
                )
                % {
                    "name": order.distributor,
                    "owed": owed,
                    "total": position["order_total"],
                    "limit": position["credit_limit"],
                }
            }
        )


def order_over_credit(order: SalesOrder, actor: User, data: dict) -> dict:
    """Guard-and-record of the escalation: only an order over the limit needs an exception."""
    position = credit_position(order)
    if not position["over"]:
        raise ValidationError({"credit_limit": _("This order is within the credit limit: confirm it.")})
    return {"credit": position}


def order_record_exception(order: SalesOrder, actor: User, data: dict) -> dict:
    """Effect of the director's exception: the credit position is kept in the event."""
    return {"credit_exception": credit_position(order)}


def order_deliver(order: SalesOrder, actor: User, data: dict) -> dict:
    """Effect of deliver: ship from the order's warehouse (stock moves) and write the sales ledger."""
    today = timezone.localdate()
    require_open_month(today, "delivered_on")
    warehouse = order.warehouse
    if warehouse is None:
        raise ValidationError({"warehouse": _("Choose the warehouse to ship from.")})
    delivery = Delivery.objects.create(
        number=next_number("FH"), order=order, warehouse=warehouse, delivered_on=today, created_by=actor
    )
    ledger = []
    for line in order.lines.select_related("product"):
        stock_move(
            actor=actor,
            product=line.product,
            warehouse=warehouse,
            kind=MovementKind.ISSUE,
            on_hand=-line.quantity,
            reference=delivery.number,
        )
        ledger.append(
            ledger_line(
                day=today,
                region_id=order.region_id,
                salesperson_id=order.salesperson_id,
                distributor_id=order.distributor_id,
                customer_id=order.customer_id,
                product=line.product,
                quantity=line.quantity,
                amount=line.amount,
                source=LedgerSource.DELIVERY,
                order_line=line,
                reference=delivery.number,
            )
        )
    ledger_append(ledger)
    return {"delivery": delivery.number}


def order_invoice(order: SalesOrder, actor: User, data: dict) -> dict:
    """Effect of invoice: the receivable, due after the payment terms."""
    today = timezone.localdate()
    invoice = Invoice.objects.create(
        number=next_number("FP"),
        order=order,
        region=order.region,
        salesperson=order.salesperson,
        distributor=order.distributor,
        customer=order.customer,
        issued_on=today,
        due_date=today + timedelta(days=order.payment_terms_days),
        amount=order.total,
    )
    if order.total == 0:  # free of charge: nothing to collect, so the order is settled once this commits
        invoice.status = InvoiceStatus.PAID
        invoice.save(update_fields=["status"])
        transaction.on_commit(lambda: _settle(order, actor))
    return {"invoice": invoice.number, "due_date": str(invoice.due_date)}


def _settle(order: SalesOrder, actor: User) -> None:
    from yingxiao.workflow.services import perform

    perform(document=order, action="settle", actor=actor, comment=_("Free of charge"))


def order_fully_paid(order: SalesOrder, actor: User, data: dict) -> None:
    """Guard of settle: the invoice is paid in full."""
    invoice = getattr(order, "invoice", None)
    if invoice is None or invoice.status != InvoiceStatus.PAID:
        raise ValidationError({"invoice": _("The invoice is not fully paid yet.")})


# --- payments ---------------------------------------------------------------------------------------


def _require_finance(actor: User) -> None:
    if not scope_of(actor).has_role(Role.FINANCE):
        raise PermissionDenied(_("Only finance records payments."))


@transaction.atomic
def payment_record(
    *,
    actor: User,
    received_on: date,
    amount: Decimal,
    distributor: Distributor | None = None,
    customer: Customer | None = None,
    method: str = "",
    reference: str = "",
    invoices: list[Invoice] | None = None,
) -> Payment:
    """Record money received and allocate it to the buyer's open invoices (the given ones, else the oldest
    due first). A payment larger than what is open is refused; settled orders move to paid."""
    from yingxiao.workflow.services import perform

    _require_finance(actor)
    if (distributor is None) == (customer is None):
        raise ValidationError({"distributor": _("Choose the distributor or the customer who paid.")})
    amount = to_money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be greater than zero.")})
    buyer = {"distributor": distributor} if distributor else {"customer": customer}
    open_invoices = Invoice.objects.select_for_update().filter(status=InvoiceStatus.OPEN, **buyer)
    if invoices is not None:
        open_invoices = open_invoices.filter(pk__in=[i.pk for i in invoices])
    oldest_first = list(open_invoices.order_by("due_date", "id"))
    owed = sum((i.open_amount for i in oldest_first), Decimal(0))
    if amount > owed:
        raise ValidationError(
            {
                "amount": _("The payment (%(amount)s) is larger than the open amount (%(owed)s).")
                % {"amount": amount, "owed": owed}
            }
        )
    payer = distributor or customer
    assert payer is not None  # checked above: one payer
    region = payer.region
    payment = Payment.objects.create(
        number=next_number("HK"),
        region=region,
        received_on=received_on,
        amount=amount,
        method=method,
        reference=reference,
        recorded_by=actor,
        **buyer,
    )
    left = amount
    for invoice in oldest_first:
        if left <= 0:
            break
        part = min(left, invoice.open_amount)
        PaymentAllocation.objects.create(payment=payment, invoice=invoice, amount=part)
        invoice.paid_amount += part
        left -= part
        if invoice.paid_amount == invoice.amount:
            invoice.status = InvoiceStatus.PAID
        invoice.save(update_fields=["paid_amount", "status", "updated_at"])
        if invoice.status == InvoiceStatus.PAID:
            CollectionTask.objects.filter(invoice=invoice).exclude(status=CollectionStatus.CLOSED).update(
                status=CollectionStatus.CLOSED, updated_at=timezone.now()
            )
            order = invoice.order
            if order is not None and order.status == OrderStatus.INVOICED:
                perform(document=order, action="settle", actor=actor, comment=payment.number)
    return payment


# --- collection (催收) ------------------------------------------------------------------------------


def _regional_manager(region) -> User | None:
    top = region.parent_id or region.pk
    membership = (
        Membership.objects.filter(
            role=Role.REGIONAL_MANAGER, region_id__in=[region.pk, top], user__is_active=True
        )
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def _collector(invoice: Invoice):
    """Who chases an overdue invoice: the distributor's active rep, else the invoice's salesperson."""
    rep = invoice.distributor.rep if invoice.distributor is not None else None
    return rep if rep is not None and rep.is_active else invoice.salesperson


@transaction.atomic
def collection_tasks_refresh(*, today: date | None = None) -> dict:
    """Daily: open a task for each overdue invoice (assigned to the distributor's rep), close the tasks of
    invoices paid meanwhile, and escalate tasks whose promised date passed with the invoice still open to
    the region's manager (notified in the house language, with a link to the task)."""
    today = today or timezone.localdate()
    overdue = Invoice.objects.filter(status=InvoiceStatus.OPEN, due_date__lt=today, collection__isnull=True)
    new_tasks = [
        CollectionTask(invoice=invoice, region=invoice.region, assignee=_collector(invoice))
        for invoice in overdue.select_related("distributor__rep", "region", "salesperson")
    ]
    CollectionTask.objects.bulk_create(new_tasks, batch_size=2000)
    closed = (
        CollectionTask.objects.filter(invoice__status=InvoiceStatus.PAID)
        .exclude(status=CollectionStatus.CLOSED)
        .update(status=CollectionStatus.CLOSED, updated_at=timezone.now())
    )
    managers: dict[int, User | None] = {}
    broken = CollectionTask.objects.filter(
        status=CollectionStatus.PROMISED, promised_on__lt=today, invoice__status=InvoiceStatus.OPEN
    ).select_related("region", "invoice")
    escalated = 0
    with translation.override(settings.LANGUAGE_CODE):
        for task in broken:
            if task.region_id not in managers:
                managers[task.region_id] = _regional_manager(task.region)
            manager = managers[task.region_id]
            task.status, task.escalated_to = CollectionStatus.ESCALATED, manager
            task.save(update_fields=["status", "escalated_to", "updated_at"])
            if manager:
                notify(
                    [manager],
                    _("Collection: the promise to pay %(invoice)s by %(date)s was broken")
                    % {"invoice": task.invoice.number, "date": task.promised_on},
                    reverse("sales:collection_task_detail", args=[task.pk]),
                )
            escalated += 1
    return {"created": len(new_tasks), "closed": closed, "escalated": escalated}


def require_collector(actor: User, task: CollectionTask) -> None:
    scope = scope_of(actor)
    if not (
        task.assignee_id == actor.pk
        or task.escalated_to_id == actor.pk
        or scope.role_reaches(Role.REGIONAL_MANAGER, region_id=task.region_id)
        or scope.has_role(Role.FINANCE)
    ):
        raise PermissionDenied(_("This collection task is not yours."))


@transaction.atomic
def collection_note_add(*, actor: User, task: CollectionTask, text: str) -> CollectionNote:
    """Log a contact with the buyer."""
    require_collector(actor, task)
    if not (text or "").strip():
        raise ValidationError({"text": _("Write what was said.")})
    return CollectionNote.objects.create(task=task, author=actor, text=text.strip())


@transaction.atomic
def collection_promise(
    *, actor: User, task: CollectionTask, promised_on: date, promised_amount: Decimal, note: str = ""
) -> CollectionTask:
    """Record the buyer's promise to pay an amount by a date."""
    task = CollectionTask.objects.select_for_update().select_related("invoice").get(pk=task.pk)
    require_collector(actor, task)
    if promised_on is None:
        raise ValidationError({"promised_on": _("Give the promised payment date.")})
    if promised_amount is None:
        raise ValidationError({"promised_amount": _("Give the promised amount.")})
    promised_amount = to_money(promised_amount)
    if task.status == CollectionStatus.CLOSED:
        raise ValidationError({"status": _("The invoice is paid; the task is closed.")})
    if promised_on < timezone.localdate():
        raise ValidationError({"promised_on": _("A promise is for a date from today on.")})
    if promised_amount <= 0 or promised_amount > task.invoice.open_amount:
        raise ValidationError(
            {
                "promised_amount": _("Between 0 and the open amount (%(open)s).")
                % {"open": task.invoice.open_amount}
            }
        )
    task.status, task.promised_on, task.promised_amount = (
        CollectionStatus.PROMISED,
        promised_on,
        promised_amount,
    )
    task.save(update_fields=["status", "promised_on", "promised_amount", "updated_at"])
    CollectionNote.objects.create(
        task=task,
        author=actor,
        text=note or _("Promised %(amount)s by %(date)s") % {"amount": promised_amount, "date": promised_on},
    )
    return task
