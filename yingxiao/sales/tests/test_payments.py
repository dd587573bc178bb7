"""Payments (回款): allocation to the oldest due invoice first, partial payments, the automatic settlement of
a fully paid order, over-payments refused with nothing changed, the database's guard on paid amounts, and
only finance records money."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from yingxiao.sales.choices import InvoiceStatus
from yingxiao.sales.models import Invoice, PaymentAllocation, SalesOrder
from yingxiao.sales.services import open_receivables, payment_record

from .helpers import (
    CHEAP,
    CHEAP_2,
    EAST,
    EAST_CUSTOMER,
    EAST_OTHER,
    D,
    customer,
    distributor,
    events,
    invoice_of,
    order_in,
    owes_nothing,
    pay,
    person,
    today,
    world,
)

pytestmark = pytest.mark.django_db


def status_of(order) -> str:
    return SalesOrder.objects.get(pk=order.pk).status


def fresh(invoice) -> Invoice:
    return Invoice.objects.get(pk=invoice.pk)


# --- allocation ------------------------------------------------------------------------------------------


def test_a_payment_goes_to_the_oldest_due_invoice_first():
    owes_nothing(EAST)
    # invoiced in this order, but due in another: B (10 days) before C (30 days) before A (60 days)
    a = order_in("invoiced", terms=60)  # 258.00
    b = order_in("invoiced", terms=10, lines=[(CHEAP_2, 1, "99.00", "0")])  # 99.00
    c = order_in("invoiced", terms=30, lines=[(CHEAP, 3, "129.00", "0")])  # 387.00
    payment = pay("199.00")
    assert payment.number.startswith("HK-")
    assert (payment.region.code, payment.distributor.code, payment.amount) == ("east-sh", EAST, D("199.00"))
    allocations = PaymentAllocation.objects.filter(payment=payment).order_by("id")
    assert [(x.invoice.order_id, x.amount) for x in allocations] == [(b.pk, D("99.00")), (c.pk, D("100.00"))]
    paid = {o.pk: (fresh(invoice_of(o)).paid_amount, fresh(invoice_of(o)).status) for o in (a, b, c)}
    assert paid == {
        a.pk: (D("0.00"), InvoiceStatus.OPEN),
        b.pk: (D("99.00"), InvoiceStatus.PAID),
        c.pk: (D("100.00"), InvoiceStatus.OPEN),
    }
    assert (status_of(a), status_of(b), status_of(c)) == ("invoiced", "paid", "invoiced")
    assert open_receivables(distributor(EAST)) == D("258.00") + D("287.00")


def test_a_payment_can_be_aimed_at_given_invoices():
    owes_nothing(EAST)
    older = order_in("invoiced", terms=10)
    later = order_in("invoiced", terms=60)
    pay("258.00", invoices=[invoice_of(later)])
    assert (status_of(older), status_of(later)) == ("invoiced", "paid")
    assert fresh(invoice_of(older)).paid_amount == D("0.00")


def test_a_partial_payment_leaves_the_invoice_open_and_the_order_invoiced():
    order = order_in("invoiced")
    before = len(events(order))
    pay("100.00", invoices=[invoice_of(order)])
    invoice = fresh(invoice_of(order))
    assert (invoice.paid_amount, invoice.open_amount, invoice.status) == (
        D("100.00"),
        D("158.00"),
        InvoiceStatus.OPEN,
    )
    assert status_of(order) == "invoiced"
    assert len(events(order)) == before
    # the rest, later: now it is paid, and the order settles by itself
    pay("158.00", invoices=[invoice_of(order)])
    invoice = fresh(invoice_of(order))
    assert (invoice.paid_amount, invoice.open_amount, invoice.status) == (
        D("258.00"),
        D("0.00"),
        InvoiceStatus.PAID,
    )
    assert status_of(order) == "paid"


def test_full_payment_settles_the_order_automatically():
    owes_nothing(EAST)
    order = order_in("invoiced")
    payment = pay("258.00")
    assert status_of(order) == "paid"
    settle = events(order)[-1]
    assert (settle.action, settle.from_state, settle.to_state) == ("settle", "invoiced", "paid")
    assert (settle.actor.username, settle.comment) == ("finance", payment.number)
    assert fresh(invoice_of(order)).status == InvoiceStatus.PAID


def test_a_direct_customers_payment_settles_its_order():
    order = order_in("invoiced", buyer=EAST_CUSTOMER)
    payment = pay(order.total, buyer=EAST_CUSTOMER)
    assert (payment.customer.code, payment.distributor, payment.region.code) == (EAST_CUSTOMER, None, "east")
    assert status_of(order) == "paid"


# --- refusals --------------------------------------------------------------------------------------------


def test_a_payment_larger_than_the_open_amount_is_refused_and_nothing_changes():
    owes_nothing(EAST)
    order = order_in("invoiced")
    pay("8.00")
    before = world()
    with pytest.raises(ValidationError) as refused:
        pay("250.01")
    assert list(refused.value.message_dict) == ["amount"]
    message = refused.value.message_dict["amount"][0]
    assert "250.01" in message and "250.00" in message
    assert world() == before
    assert status_of(order) == "invoiced"


def test_a_payment_from_a_buyer_who_owes_nothing_is_refused():
    owes_nothing(EAST_OTHER)
    before = world()
    with pytest.raises(ValidationError) as refused:
        pay("1.00", buyer=EAST_OTHER)
    assert "amount" in refused.value.message_dict
    assert world() == before


@pytest.mark.parametrize("amount", ["0", "-5.00", "0.001"])
def test_a_payment_must_be_more_than_nothing(amount):
    order_in("invoiced")
    before = world()
    with pytest.raises(ValidationError) as refused:
        pay(amount)
    assert "amount" in refused.value.message_dict
    assert world() == before


@pytest.mark.parametrize("party", ["both", "neither"])
def test_a_payment_comes_from_one_buyer(party):
    order_in("invoiced")
    kwargs = (
        {"distributor": distributor(EAST), "customer": customer(EAST_CUSTOMER)} if party == "both" else {}
    )
    before = world()
    with pytest.raises(ValidationError) as refused:
        payment_record(actor=person("finance"), received_on=today(), amount=D("1.00"), **kwargs)
    assert "distributor" in refused.value.message_dict
    assert world() == before


@pytest.mark.parametrize(
    "username", ["rep_east", "manager_east", "director", "president", "warehouse", "admin", "dist_e01"]
)
def test_only_finance_records_payments(username):
    order_in("invoiced")
    before = world()
    with pytest.raises(PermissionDenied):
        pay("1.00", by=username)
    assert world() == before


# --- the database guards the paid amount -----------------------------------------------------------------


def test_the_database_refuses_more_paid_than_invoiced():
    invoice = invoice_of(order_in("invoiced"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(paid_amount=F("amount") + D("0.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(paid_amount=D("-0.01"))
    assert fresh(invoice).paid_amount == D("0.00")
    # exactly the amount is fine
    Invoice.objects.filter(pk=invoice.pk).update(paid_amount=F("amount"))
    assert fresh(invoice).paid_amount == invoice.amount


def test_paid_never_exceeds_the_amount_through_the_service():
    owes_nothing(EAST)
    order = order_in("invoiced")
    for part in ("100.00", "100.00", "58.00"):
        pay(part)
    invoice = fresh(invoice_of(order))
    assert invoice.paid_amount == invoice.amount == D("258.00")
    assert sum(x.amount for x in invoice.allocations.all()) == invoice.amount
    with pytest.raises(ValidationError):
        pay("0.01")
