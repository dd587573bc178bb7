"""The state × action × role matrix of the exchange, return and service-ticket flows with the demo
personas. The expectations are written from the seed (四.2, 四.3, 一.2.6) and the issue, not read off the
flow tables: widening or narrowing a step's roles or reach makes these tests fail."""

import pytest

from yingxiao.aftersales.models import ExchangeCase, Refund, ReturnCase, ReturnLine
from yingxiao.aftersales.workflow import EXCHANGE_FLOW, RETURN_FLOW, TICKET_FLOW
from yingxiao.sales.tests.helpers import restock
from yingxiao.workflow.selectors import inbox_todo
from yingxiao.workflow.testing import assert_flow_matrix

from .helpers import ledger_row, new_case, new_ticket, person, record_finding, take

pytestmark = pytest.mark.django_db

PERSONAS = [
    "rep_east",
    "manager_east",
    "rep_north",
    "market_manager",
    "quality",
    "director",
    "warehouse",
    "finance",
    "dist_e01",
]

# A case of an east distributor filed by rep_east (both opinions before the decision, seed 四.2.4).
OPENING_ALLOWED = {
    ("draft", "submit"): {"rep_east"},  # the region files the written report
    ("draft", "withdraw"): {"rep_east"},
    ("quality_review", "record_finding"): {"quality"},  # 质量部 records its finding first
    ("quality_review", "withdraw"): {"rep_east"},
    ("review", "record_finding"): {"quality"},  # quality may revise its finding until the decision
    ("review", "approve"): {"market_manager"},  # 市场部经理 decides
    ("review", "refer"): {"market_manager"},  # a late case goes to the director
    ("review", "reject"): {"market_manager"},
    ("review", "withdraw"): {"rep_east"},
    ("director_review", "approve"): {"director"},
    ("director_review", "reject"): {"director"},
    ("director_review", "withdraw"): {"rep_east"},
    ("approved", "receive"): {"warehouse"},  # goods come back into quarantine
}
EXCHANGE_ALLOWED = {
    **OPENING_ALLOWED,
    ("received", "request_replacement"): {"rep_east"},  # 营销人员写出换货的书面申请
    ("replacement_review", "approve_replacement"): {"director"},  # 报营销总监审批
    ("replacement_review", "send_back"): {"director"},
    ("to_ship", "ship"): {"warehouse"},
    ("shipped", "accept"): {"rep_east"},
    ("accepted", "feedback"): {"rep_east"},
}
RETURN_ALLOWED = {
    **OPENING_ALLOWED,
    ("received", "refund"): {"finance"},  # 财务部协助将货款退回给客户
    ("received", "no_refund"): {"finance"},  # nothing was paid: the receivable is settled otherwise
    ("refunded", "refund"): {"finance"},  # a further part of the refund
    ("refunded", "complete"): {"rep_east"},  # 营销人员确认客户收到退货款
}
TICKET_ALLOWED = {
    ("open", "escalate"): {"rep_east", "manager_east", "service"},
    ("open", "resolve"): {"rep_east", "manager_east", "service"},
    ("open", "cancel"): {"rep_east"},  # whoever opened it
    ("escalated", "resolve"): {"tech"},  # 技术部
    ("escalated", "hand_back"): {"tech"},
    ("escalated", "cancel"): {"rep_east"},
}


@pytest.fixture
def personas():
    return {name: person(name) for name in PERSONAS}


def prepare(document, action: str) -> None:
    """Arrange what a step's guard needs, as the business would have (written to the rows directly, so the
    document's version and timeline stay as the matrix saw them): a late case for `refer`, a timely one for
    `approve` (quality's finding is recorded on the way to the decision); something left to refund; nothing
    to refund for `no_refund` (no goods came back)."""
    model = type(document)
    fresh = model.objects.get(pk=document.pk)
    if fresh.status == "review" and action in ("approve", "refer"):
        model.objects.filter(pk=document.pk).update(late=action == "refer")
    if fresh.status == "refunded" and action == "refund":
        Refund.objects.filter(case=fresh).delete()  # as if the first part left the rest to pay
    if fresh.status == "received" and action == "no_refund":
        ReturnLine.objects.filter(case=fresh).update(received_quantity=0)


def test_exchange_flow_matrix(personas):
    row = ledger_row(quantity=100_000, amount="1000000.00")
    restock("F-402", 10_000, "WH-E")

    def create():
        return new_case("exchange", lines=[(row, 1, "B1")])

    attempts = assert_flow_matrix(
        EXCHANGE_FLOW, create=create, personas=personas, allowed=EXCHANGE_ALLOWED, before_step=prepare
    )
    assert attempts == len(EXCHANGE_FLOW.states.choices) * len(EXCHANGE_FLOW.actions()) * len(PERSONAS)
    assert ExchangeCase.objects.filter(status="closed").exists()


def test_return_flow_matrix(personas):
    row = ledger_row(quantity=100_000, amount="1000000.00")

    def create():
        return new_case("return", lines=[(row, 1, "B1")])

    attempts = assert_flow_matrix(
        RETURN_FLOW, create=create, personas=personas, allowed=RETURN_ALLOWED, before_step=prepare
    )
    assert attempts > 0
    assert ReturnCase.objects.filter(status="closed").exists()


def test_service_ticket_flow_matrix():
    personas = {
        name: person(name)
        for name in ["rep_east", "manager_east", "rep_north", "service", "tech", "dist_e01"]
    }
    assert_flow_matrix(TICKET_FLOW, create=new_ticket, personas=personas, allowed=TICKET_ALLOWED)


def test_a_case_of_another_region_cannot_be_filed_by_a_rep():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        new_case("exchange", by="rep_north")


def waiting_for(username: str) -> set[tuple[str, int]]:
    """(process, document id) of the user's 待办 inbox."""
    return {(item.flow.name, item.document.pk) for item in inbox_todo(person(username))}


@pytest.mark.parametrize("kind", ["exchange", "return"])
def test_after_the_finding_the_case_leaves_qualitys_inbox(kind):
    case = take(new_case(kind), "submit", "rep_east")
    assert case.status == "quality_review"
    assert (kind, case.pk) in waiting_for("quality")
    assert (kind, case.pk) not in waiting_for("market_manager")
    case = record_finding(case)
    assert case.status == "review"
    assert (kind, case.pk) not in waiting_for("quality")  # revising the finding is optional
    assert (kind, case.pk) in waiting_for("market_manager")
    case = take(case, "record_finding", "quality", data={"is_quality_problem": False, "cause": "misuse"})
    assert (kind, case.pk) not in waiting_for("quality")
    assert (kind, case.pk) in waiting_for("market_manager")
