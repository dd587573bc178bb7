"""Refunds racing on PostgreSQL: threads with their own connections, started together by a barrier. The
winner holds its locks a moment after reading what may still be refunded, so the loser is certainly in the
same code at the same time: without the ledger-row locks in `refund_pay` (and the document lock in
`perform`) both would pay and the customer would get more than was paid.

These tests commit for real (`transactional_db`); the demo company is loaded again afterwards."""

import time
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection

from yingxiao.accounts.models import User
from yingxiao.aftersales import services
from yingxiao.aftersales.models import Refund, ReturnCase
from yingxiao.workflow.services import perform
from yingxiao.workflow.tests.test_concurrency import committed_demo, demo_restored_afterwards, race  # noqa: F401

from .helpers import case_in, delivered_line, ledger_row

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.usefixtures("committed_demo"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

HOLD = 0.4


def slow_refund_room():
    """Hold the locks a moment after computing what is left (a context manager, gone before the reload)."""
    original = services.refund_room

    def held(case):
        room = original(case)
        time.sleep(HOLD)
        return room

    return mock.patch.object(services, "refund_room", held)


def refund(pk: int, amount: str | None = None, **kwargs):
    def call():
        perform(
            document=ReturnCase.objects.get(pk=pk),
            action="refund",
            actor=User.objects.get(username="finance"),
            data={} if amount is None else {"amount": amount},
            **kwargs,
        )

    return call


def test_two_returns_on_the_same_sales_refunded_at_once_never_pay_more_than_was_paid():
    row = delivered_line(paid="129.00")  # 2 × 129.00 invoiced, 129.00 paid
    first = case_in("return", "received", row=row, quantity=1)
    second = case_in("return", "received", row=row, quantity=1)
    assert services.refundable(first) == services.refundable(second) == Decimal("129.00")
    with slow_refund_room():
        outcomes = race(refund(first.pk), refund(second.pk))
    assert outcomes == ["400", "ok"]
    paid_back = sum(r.amount for r in Refund.objects.filter(case__in=[first.pk, second.pk]))
    assert paid_back == Decimal("129.00")


def test_two_clerks_refunding_the_same_return_at_once_pay_once():
    case = case_in("return", "received", row=ledger_row(quantity=2, amount="300.00"), quantity=2)
    with slow_refund_room():
        outcomes = race(refund(case.pk, "200.00"), refund(case.pk, "200.00"))
    assert outcomes in (["400", "ok"], ["409", "ok"])
    assert [r.amount for r in Refund.objects.filter(case=case)] == [Decimal("200.00")]
