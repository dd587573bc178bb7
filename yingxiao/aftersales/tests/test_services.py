"""The rules of exchanges, returns and tickets, through the services and the engine: quantities never
exceed what was delivered; quality's finding comes before the decision; late cases go to the director;
goods back into quarantine and the replacement out of stock; an approved return writes negative ledger rows
(refused in a closed month); refunds never exceed what was paid; ticket deadlines in working days."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from yingxiao.aftersales.models import ExchangeCase, Refund, ReturnCase
from yingxiao.aftersales.services import add_working_days, exchange_update, refundable, return_update
from yingxiao.core.exceptions import Conflict
from yingxiao.inventory.choices import MovementKind
from yingxiao.inventory.models import StockMovement
from yingxiao.sales.choices import LedgerSource
from yingxiao.sales.models import SalesLine
from yingxiao.sales.tests.helpers import close_this_month, on_hand, pay

from .helpers import (
    D,
    case_in,
    delivered_line,
    events,
    ledger_row,
    new_case,
    new_ticket,
    person,
    record_finding,
    refunded_total,
    take,
)

pytestmark = pytest.mark.django_db


# --- quantities ---------------------------------------------------------------------------------------


def test_returned_plus_exchanged_never_exceeds_delivered():
    row = ledger_row(quantity=5)
    new_case("exchange", row=row, quantity=3)
    with pytest.raises(ValidationError) as refused:
        new_case("return", row=row, quantity=3)
    assert "at most 2" in str(refused.value) or "2" in str(refused.value.messages)
    new_case("return", row=row, quantity=2)
    with pytest.raises(ValidationError):
        new_case("exchange", row=row, quantity=1)
    assert ExchangeCase.objects.filter(lines__sales_line=row).count() == 1
    assert ReturnCase.objects.filter(lines__sales_line=row).count() == 1


def test_withdrawn_and_rejected_cases_release_their_quantity():
    row = ledger_row(quantity=4)
    first = new_case("exchange", row=row, quantity=4)
    with pytest.raises(ValidationError):
        new_case("return", row=row, quantity=1)
    take(first, "withdraw", "rep_east", "客户撤回")
    second = new_case("return", row=row, quantity=4)
    second = take(second, "submit", "rep_east")
    record_finding(second, quality_problem=False)
    take(ReturnCase.objects.get(pk=second.pk), "reject", "market_manager", "使用不当")
    assert new_case("exchange", row=row, quantity=4).lines.get().quantity == 4


def test_editing_a_draft_does_not_count_its_own_quantity_twice():
    row = ledger_row(quantity=3)
    case = new_case("exchange", row=row, quantity=3)
    case = exchange_update(actor=person("rep_east"), case=case, problem="改", lines=[(row, 2, "B2")])
    assert case.lines.get().quantity == 2 and case.problem == "改"
    with pytest.raises(ValidationError):
        exchange_update(actor=person("rep_east"), case=case, problem="改", lines=[(row, 4, "B2")])
    with pytest.raises(PermissionDenied):
        exchange_update(actor=person("manager_east"), case=case, problem="改", lines=[(row, 1, "")])


def test_only_delivered_sales_of_one_buyer_in_the_filers_region():
    row, other = ledger_row(), ledger_row(buyer="E03")
    with pytest.raises(ValidationError):
        new_case("exchange", lines=[(row, 1, ""), (other, 1, "")])  # two buyers
    with pytest.raises(ValidationError):
        new_case("exchange", lines=[(row, 1, ""), (row, 1, "")])  # the same line twice
    with pytest.raises(ValidationError):
        new_case("exchange", lines=[(row, 0, "")])
    with pytest.raises(PermissionDenied):
        new_case("exchange", row=ledger_row(buyer="N01"))  # rep_east files for east only
    returned = SalesLine.objects.filter(source=LedgerSource.RETURN).first() or ledger_row(quantity=-1)
    with pytest.raises((ValidationError, PermissionDenied)):
        new_case("return", lines=[(returned, 1, "")])


def test_a_case_takes_buyer_region_and_salesperson_from_the_ledger():
    row = ledger_row(days_ago=30)
    case = new_case("return", row=row)
    assert (case.distributor_id, case.customer_id, case.region_id) == (
        row.distributor_id,
        None,
        row.region_id,
    )
    assert case.salesperson_id == row.salesperson_id and case.delivered_on == row.date
    assert case.number.startswith("TH-") and not case.late
    assert new_case("exchange").number.startswith("HH-")


# --- the decision ------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_the_decision_needs_qualitys_finding_first(action):
    case = take(new_case("exchange"), "submit", "rep_east")
    assert case.status == "quality_review"
    before = (case.status, case.version, len(events(case)))
    with pytest.raises(Conflict):  # not the market manager's turn yet
        take(case, action, "market_manager", "决定")
    case.refresh_from_db()
    assert (case.status, case.version, len(events(case))) == before
    case = record_finding(case)
    assert case.status == "review"
    assert case.has_finding and case.cause == "material" and case.finding_by == person("quality")
    case = take(case, action, "market_manager", "决定")
    assert case.status == ("approved" if action == "approve" else "rejected")


@pytest.mark.parametrize("action", ["approve", "refer", "reject"])
def test_the_decision_steps_still_refuse_a_case_without_a_finding(action):
    case = case_in("exchange", "review")
    ExchangeCase.objects.filter(pk=case.pk).update(finding_at=None)  # e.g. a finding withdrawn by hand
    case.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        take(case, action, "market_manager", "决定")
    assert "finding" in refused.value.message_dict
    assert ExchangeCase.objects.get(pk=case.pk).status == "review"


def test_quality_revises_its_finding_before_the_decision():
    case = case_in("return", "review")
    first = case.finding_at
    case = take(
        case, "record_finding", "quality", "复检后更正", data={"is_quality_problem": False, "cause": "misuse"}
    )
    assert case.status == "review" and case.cause == "misuse" and not case.is_quality_problem
    assert case.finding_at >= first
    assert [e.action for e in events(case)][-2:] == ["record_finding", "record_finding"]
    with pytest.raises(PermissionDenied):
        take(case, "record_finding", "market_manager", "改")
    assert take(case, "reject", "market_manager", "非质量问题").status == "rejected"


def test_the_case_can_be_withdrawn_while_quality_looks_at_it():
    case = case_in("exchange", "quality_review")
    assert take(case, "withdraw", "rep_east", "客户自行解决").status == "withdrawn"


def test_a_rejection_needs_a_reason_and_records_that_the_customer_was_told():
    case = record_finding(take(new_case("return"), "submit", "rep_east"), quality_problem=False)
    with pytest.raises(ValidationError):
        take(case, "reject", "market_manager", comment="")
    case = take(case, "reject", "market_manager", "经检测非质量问题", data={"informed_by": "visit"})
    assert case.customer_informed_via == "visit" and case.customer_informed_at is not None
    assert events(case)[-1].data == {"customer_informed": "visit"}


@override_settings(AFTERSALES_APPROVAL_DAYS=5)
def test_a_late_case_needs_the_directors_approval():
    late = record_finding(take(new_case("exchange", row=ledger_row(days_ago=10)), "submit", "rep_east"))
    assert late.late
    with pytest.raises(ValidationError) as refused:
        take(late, "approve", "market_manager")
    assert "late" in refused.value.message_dict
    late = take(late, "refer", "market_manager", "超期，请总监审批")
    assert late.status == "director_review"
    with pytest.raises(PermissionDenied):
        take(late, "approve", "market_manager")
    assert take(late, "approve", "director", "同意").status == "approved"
    timely = record_finding(take(new_case("exchange", row=ledger_row(days_ago=2)), "submit", "rep_east"))
    with pytest.raises(ValidationError):
        take(timely, "refer", "market_manager", "超期")


def test_the_submitter_cannot_decide_even_as_market_manager():
    case = take(new_case("exchange"), "submit", "rep_east")
    with pytest.raises((PermissionDenied, Conflict)):
        take(case, "approve", "rep_east")


# --- goods back and the replacement ------------------------------------------------------------------


def test_goods_come_back_into_quarantine_and_the_replacement_leaves_stock():
    case = case_in("exchange", "approved", quantity=3)
    quarantine = case.quarantine_warehouse.code
    before = on_hand("F-402", quarantine)
    with pytest.raises(ValidationError):
        take(case, "receive", "warehouse", data={f"qty_{case.lines.get().pk}": 4})
    case = take(case, "receive", "warehouse", data={f"qty_{case.lines.get().pk}": 2, "condition": "damaged"})
    assert on_hand("F-402", quarantine) == before + 2
    assert case.lines.get().received_quantity == 2 and case.received_condition == "damaged"
    assert StockMovement.objects.filter(
        reference=case.number, kind=MovementKind.RETURN_IN, on_hand_delta=2
    ).exists()
    source = case.ship_warehouse.code
    stock = on_hand("F-402", source)
    case = take(case, "request_replacement", "rep_east", "申请换新")
    case = take(case, "approve_replacement", "director")
    case = take(case, "ship", "warehouse")
    assert on_hand("F-402", source) == stock - 2  # only what came back is replaced
    case = take(case, "accept", "rep_east")
    with pytest.raises(ValidationError):
        take(case, "feedback", "rep_east", data={"satisfaction": 6})
    case = take(case, "feedback", "rep_east", data={"satisfaction": 5, "usage_notes": "正常"})
    assert (case.status, case.satisfaction, case.usage_notes) == ("closed", 5, "正常")


def test_nothing_back_means_nothing_to_replace():
    case = case_in("exchange", "approved", quantity=1)
    case = take(case, "receive", "warehouse", data={f"qty_{case.lines.get().pk}": 0})
    with pytest.raises(ValidationError):
        take(case, "request_replacement", "rep_east", "申请")


# --- returns: the ledger and refunds ------------------------------------------------------------------


def test_an_approved_return_writes_negative_ledger_rows_at_the_original_net_price():
    row = ledger_row(quantity=4, amount="1000.00")
    case = record_finding(take(new_case("return", row=row, quantity=3), "submit", "rep_east"))
    assert not SalesLine.objects.filter(reference=case.number).exists()
    case = take(case, "approve", "market_manager")
    [negative] = SalesLine.objects.filter(reference=case.number)
    assert (negative.source, negative.quantity, negative.amount) == (LedgerSource.RETURN, -3, D("-750.00"))
    assert (negative.distributor_id, negative.region_id, negative.product_id) == (
        row.distributor_id,
        row.region_id,
        row.product_id,
    )


def test_a_return_cannot_be_approved_into_a_closed_month():
    case = record_finding(take(new_case("return"), "submit", "rep_east"))
    close_this_month()
    with pytest.raises(ValidationError) as refused:
        take(case, "approve", "market_manager")
    assert "closed" in str(refused.value) or "关" in str(refused.value) or refused.value.message_dict
    case.refresh_from_db()
    assert case.status == "review" and not SalesLine.objects.filter(reference=case.number).exists()


def test_refunds_never_exceed_the_received_goods_value_for_imported_history():
    case = case_in("return", "received", row=ledger_row(quantity=4, amount="400.00"), quantity=2)
    assert refundable(case) == D("200.00")
    with pytest.raises(ValidationError):
        take(case, "refund", "finance", data={"amount": "200.01"})
    case = take(case, "refund", "finance", data={"amount": "150.00", "method": "bank", "reference": "B1"})
    assert case.status == "refunded" and refundable(case) == D("50.00")
    with pytest.raises(ValidationError):
        take(case, "refund", "finance", data={"amount": "50.01"})
    case = take(case, "refund", "finance")  # the default is what is left
    assert refunded_total(case) == D("200.00") and refundable(case) == 0
    with pytest.raises(ValidationError):
        take(case, "refund", "finance", data={"amount": "0.01"})
    case = take(case, "complete", "rep_east", "客户已收到")
    assert case.status == "closed" and case.completed_at


def test_refund_is_capped_at_what_was_paid_on_the_invoice():
    unpaid = case_in("return", "received", row=delivered_line(), quantity=1)
    assert refundable(unpaid) == 0
    with pytest.raises(ValidationError):
        take(unpaid, "refund", "finance", data={"amount": "1.00"})
    # 2 × 129.00 invoiced 258.00, 129.00 paid: half of each unit is paid
    row = delivered_line(paid="129.00")
    case = case_in("return", "received", row=row, quantity=2)
    assert refundable(case) == D("129.00")
    take(case, "refund", "finance")
    assert refunded_total(case) == D("129.00")


def test_two_returns_on_one_line_share_what_was_paid():
    """2 × 129.00 invoiced, 129.00 paid: two returns of one unit each may refund 129.00 together, not more."""
    row = delivered_line(paid="129.00")
    first = case_in("return", "received", row=row, quantity=1)
    second = case_in("return", "received", row=row, quantity=1)
    assert refundable(first) == refundable(second) == D("129.00")
    take(first, "refund", "finance", data={"amount": "100.00"})
    assert refundable(second) == D("29.00")
    with pytest.raises(ValidationError):
        take(second, "refund", "finance", data={"amount": "29.01"})
    take(second, "refund", "finance")
    assert refundable(first) == refundable(second) == 0
    assert sum(r.amount for r in Refund.objects.filter(case__in=[first, second])) == D("129.00")


def test_completion_needs_a_refund():
    case = case_in("return", "refunded")
    Refund.objects.filter(case=case).delete()
    with pytest.raises(ValidationError):
        take(case, "complete", "rep_east")


def test_finance_settles_an_unpaid_return_without_a_refund_and_the_rep_completes():
    case = case_in("return", "received", row=delivered_line(), quantity=1)  # invoiced, nothing paid
    assert refundable(case) == 0
    with pytest.raises(ValidationError):
        take(case, "no_refund", "finance", comment="")  # finance says how the receivable was settled
    with pytest.raises(PermissionDenied):
        take(case, "no_refund", "rep_east", "发票已红冲")
    case = take(case, "no_refund", "finance", "未付款，发票已红冲")
    assert case.status == "refunded" and refunded_total(case) == 0
    assert events(case)[-1].comment == "未付款，发票已红冲"
    case = take(case, "complete", "rep_east", "已与客户确认")
    assert case.status == "closed" and case.completed_at


@pytest.mark.parametrize("paid", ["invoice", "imported"])
def test_a_return_with_something_paid_cannot_be_settled_without_a_refund(paid):
    row = delivered_line(paid="129.00") if paid == "invoice" else ledger_row(quantity=2, amount="200.00")
    case = case_in("return", "received", row=row, quantity=1)
    before = (case.status, case.version, len(events(case)))
    with pytest.raises(ValidationError) as refused:
        take(case, "no_refund", "finance", "发票已红冲")
    message = refused.value.message_dict["refund"][0]
    assert ("129.00" if paid == "invoice" else "100.00") in message
    case.refresh_from_db()
    assert (case.status, case.version, len(events(case))) == before
    case = take(case, "refund", "finance")
    assert case.status == "refunded" and refundable(case) == 0


def test_a_payment_after_settling_without_a_refund_is_refunded_before_completion():
    row = delivered_line()
    case = take(case_in("return", "received", row=row, quantity=1), "no_refund", "finance", "发票已红冲")
    order = row.order_line.order
    pay("258.00", buyer=order.distributor, invoices=[order.invoice])  # the customer paid after all
    with pytest.raises(ValidationError):
        take(case, "complete", "rep_east")
    case = take(case, "refund", "finance")
    assert refunded_total(case) == D("129.00")
    assert take(case, "complete", "rep_east").status == "closed"


def test_only_drafts_can_be_edited():
    case = take(new_case("return"), "submit", "rep_east")
    with pytest.raises(ValidationError):
        return_update(actor=person("rep_east"), case=case, problem="x", lines=[])


# --- service tickets ---------------------------------------------------------------------------------


def test_deadlines_count_working_days_of_the_chinese_calendar():
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)  # National Day week
    assert add_working_days(date(2025, 10, 9), 2) == date(2025, 10, 11)  # a make-up Saturday
    ticket = new_ticket(kind="question")
    assert ticket.working_days == 2 and ticket.deadline > ticket.created_at.date()
    assert ticket.number.startswith("FW-") and ticket.region_id == ticket.distributor.region_id


def test_tickets_escalate_to_technical_support_and_are_resolved_with_notes():
    ticket = take(new_ticket(), "escalate", "rep_east", "请技术部协助")
    assert ticket.status == "escalated"
    with pytest.raises(PermissionDenied):
        take(ticket, "resolve", "rep_east", "已修好")
    with pytest.raises(ValidationError):
        take(ticket, "resolve", "tech", "")
    ticket = take(ticket, "resolve", "tech", "远程指导更换温控器")
    assert ticket.status == "resolved" and ticket.resolved_by == person("tech")


def test_tickets_only_for_own_region_or_distributor():
    with pytest.raises(PermissionDenied):
        new_ticket(by="rep_north")
    assert new_ticket(by="dist_e01").created_by == person("dist_e01")
    with pytest.raises(PermissionDenied):
        new_ticket(by="dist_e01", buyer="E03")
    assert new_ticket(by="service", buyer="N01").region_id


def test_refund_amounts_are_money():
    case = case_in("return", "received", row=ledger_row(quantity=3, amount="100.00"), quantity=1)
    assert refundable(case) == D("33.33")
    take(case, "refund", "finance")
    assert Refund.objects.get(case=case).amount == Decimal("33.33")
