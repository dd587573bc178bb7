"""The state × action × role matrix of the stock-transfer and stock-check flows, with the demo personas.

The expectation tables are written from the business rules (seed 四.1 and the issue), not read off the
flow declarations: if someone widens or narrows a Step's roles or reach, these tests fail.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from yingxiao.inventory.models import StockLevel
from yingxiao.inventory.services import stock_check_create, transfer_create
from yingxiao.inventory.workflow import STOCK_CHECK_FLOW, TRANSFER_FLOW
from yingxiao.workflow.selectors import available_steps
from yingxiao.workflow.testing import assert_flow_matrix

from .helpers import new_transfer, person, recount, stocked_products, warehouse

pytestmark = pytest.mark.django_db

PERSONAS = [
    "rep_east",
    "manager_east",
    "rep_north",
    "manager_north",
    "director",
    "warehouse",
    "president",
    "finance",
    "dist_e01",
    "admin",
]

# Who may take which step of an east request raised by rep_east (everybody else: 403 or 409).
TRANSFER_ALLOWED = {
    ("draft", "submit"): {"rep_east"},  # the requester submits his own draft
    ("draft", "withdraw"): {"rep_east"},
    ("manager_review", "approve"): {"manager_east"},  # that region's manager, nobody else's
    ("manager_review", "reject"): {"manager_east"},
    ("manager_review", "withdraw"): {"rep_east"},  # the requester may withdraw before approval
    ("hq_review", "approve"): {"director"},  # 营销总部 = the marketing director
    ("hq_review", "reject"): {"director"},
    ("hq_review", "withdraw"): {"rep_east"},
    ("recheck", "resubmit"): {"rep_east"},  # after a fresh stock check
    ("recheck", "withdraw"): {"rep_east"},
    ("at_warehouse", "ship"): {"warehouse"},  # 仓储部 ships and receives
    ("in_transit", "receive"): {"warehouse"},
    # received and withdrawn are final: nobody may do anything
}

# A stock check of the east warehouse counted by rep_east: he submits; the warehouse department decides.
STOCK_CHECK_ALLOWED = {
    ("draft", "submit"): {"rep_east"},
    ("submitted", "approve"): {"warehouse"},
    ("submitted", "reject"): {"warehouse"},
}


@pytest.fixture
def personas():
    return {name: person(name) for name in PERSONAS}


def test_transfer_flow_matrix(personas):
    products = stocked_products("WH-HQ1", 2)
    rep, source, destination = personas["rep_east"], warehouse("WH-HQ1"), warehouse("WH-E")
    wanted_by = timezone.localdate() + timedelta(days=14)

    def create():
        # a fresh east request by rep_east from WH-HQ1 to WH-E, of products in stock at WH-HQ1
        return transfer_create(
            actor=rep,
            source_warehouse=source,
            destination_warehouse=destination,
            wanted_by=wanted_by,
            lines=[(p, 1, "matrix") for p in products],
        )

    def before_step(document, action):
        # HQ sent it back for a stock recheck: the requester records a fresh count before resubmitting.
        if action == "resubmit" and document.status == "recheck":
            recount("WH-E", "rep_east")

    attempts = assert_flow_matrix(
        TRANSFER_FLOW, create=create, personas=personas, allowed=TRANSFER_ALLOWED, before_step=before_step
    )
    assert attempts == len(TRANSFER_FLOW.states.choices) * len(TRANSFER_FLOW.actions()) * len(PERSONAS)


def test_stock_check_flow_matrix(personas):
    wh = warehouse("WH-E")
    levels = list(StockLevel.objects.filter(warehouse=wh).select_related("product")[:2])

    def create():
        # one count matches the books, one is 1 short: approval books a -1 adjustment
        lines = [(levels[0].product, levels[0].on_hand), (levels[1].product, max(levels[1].on_hand - 1, 0))]
        return stock_check_create(
            actor=personas["rep_east"], warehouse=wh, counted_on=timezone.localdate(), lines=lines
        )

    attempts = assert_flow_matrix(
        STOCK_CHECK_FLOW, create=create, personas=personas, allowed=STOCK_CHECK_ALLOWED
    )
    assert attempts == 4 * 3 * len(PERSONAS)


def test_the_matrix_helper_catches_a_wrong_expectation(personas):
    """The helper itself is honest: claim that manager_north may approve east's request and it fails."""
    products = stocked_products("WH-HQ1", 1)
    wrong = {
        ("draft", "submit"): {"rep_east"},
        ("manager_review", "approve"): {"manager_east", "manager_north"},
    }
    subset = {name: personas[name] for name in ("rep_east", "manager_east", "manager_north")}
    with pytest.raises(AssertionError) as failure:
        assert_flow_matrix(
            TRANSFER_FLOW,
            create=lambda: new_transfer("rep_east", products=products, quantity=1),
            personas=subset,
            allowed=wrong,
        )
    assert "manager_review × approve × manager_north: refused" in str(failure.value)


@pytest.mark.parametrize("username", ["rep_east", "manager_east"])
def test_whoever_may_draft_a_request_can_also_submit_or_withdraw_it(username):
    """A draft nobody can submit or withdraw would stay open forever and, being an open request, would hide
    its products from the shortfall suggestions. Either the user may not draft it, or he can move it on."""
    try:
        draft = new_transfer(username)
    except PermissionDenied:
        return
    actions = {s.action for s in available_steps(TRANSFER_FLOW, draft, person(username))}
    assert {"submit", "withdraw"} <= actions, (
        f"{username} drafted {draft.number} but can only {actions or 'look'}"
    )
