"""The inbox: 待办 (todo), 已办 (done), 我发起的 (mine) for the right people, at a fixed number of queries."""

import re
from dataclasses import replace

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yingxiao.inventory.models import StockCheck, TransferRequest
from yingxiao.inventory.tests.helpers import new_transfer, person, stocked_products, take, transfer_in
from yingxiao.inventory.workflow import TRANSFER_FLOW
from yingxiao.workflow.selectors import available_steps, inbox_counts, inbox_done, inbox_mine, inbox_todo

pytestmark = pytest.mark.django_db

EAST = Q(region__code="east") | Q(region__parent__code="east")


def numbers(items) -> set[str]:
    """Numbers of the inventory documents listed (these tests follow the transfer and stock-check flows;
    the demo's sales orders wait in the same inboxes)."""
    return {item.document.number for item in items if item.flow.name in ("transfer", "stock_check")}


def transfer_numbers(**filters) -> set[str]:
    return set(TransferRequest.objects.filter(**filters).values_list("number", flat=True))


@pytest.fixture
def north_waiting():
    """A north request waiting for the north manager."""
    return take(new_transfer("rep_north", destination="WH-N"), "submit", "rep_north")


@pytest.fixture
def east_waiting():
    return transfer_in("manager_review")


def test_manager_east_sees_east_requests_waiting_for_him_and_not_norths(east_waiting, north_waiting):
    todo = inbox_todo(person("manager_east"))
    expected = set(
        TransferRequest.objects.filter(EAST, status="manager_review").values_list("number", flat=True)
    )
    assert east_waiting.number in expected
    assert numbers(todo) == expected
    assert north_waiting.number not in numbers(todo)
    assert north_waiting.number in numbers(inbox_todo(person("manager_north")))


def test_the_director_sees_the_requests_waiting_for_hq():
    waiting = transfer_in("hq_review")
    todo = inbox_todo(person("director"))
    assert waiting.number in numbers(todo)
    assert numbers(todo) == transfer_numbers(status="hq_review")


def test_the_warehouse_sees_what_to_ship_and_receive_and_stock_checks_to_approve():
    to_ship, to_receive = transfer_in("at_warehouse"), transfer_in("in_transit")
    todo = numbers(inbox_todo(person("warehouse")))
    assert {to_ship.number, to_receive.number} <= todo
    expected = transfer_numbers(status__in=["at_warehouse", "in_transit"]) | set(
        StockCheck.objects.filter(status="submitted").values_list("number", flat=True)
    )
    assert todo == expected


def test_rep_east_has_his_drafts_in_todo_and_everything_he_started_in_mine():
    draft = new_transfer()
    received = transfer_in("received")
    rep = person("rep_east")
    todo = numbers(inbox_todo(rep))
    assert draft.number in todo
    assert received.number not in todo  # nothing left to do on it
    # what waits for him: his drafts, requests HQ sent back for a recheck, his draft stock checks; not the
    # requests waiting for others, although he may still withdraw them (an optional step); nobody else's
    expected = transfer_numbers(created_by=rep, status__in=["draft", "recheck"]) | set(
        StockCheck.objects.filter(created_by=rep, status="draft").values_list("number", flat=True)
    )
    assert todo == expected
    mine = numbers(inbox_mine(rep))
    assert {draft.number, received.number} <= mine
    assert mine == transfer_numbers(created_by=rep) | set(
        StockCheck.objects.filter(created_by=rep).values_list("number", flat=True)
    )
    assert not any(n in mine for n in transfer_numbers(region__code="north"))


def test_done_lists_what_the_user_acted_on(east_waiting):
    manager = person("manager_east")
    assert east_waiting.number not in numbers(inbox_done(manager))
    take(east_waiting, "approve", "manager_east")
    done = inbox_done(person("manager_east"))
    assert east_waiting.number in numbers(done)
    assert done[0].document.number == east_waiting.number  # most recent first
    assert east_waiting.number not in numbers(inbox_todo(person("manager_east")))
    assert east_waiting.number not in numbers(inbox_done(person("manager_north")))


def test_counts_match_the_todo_list():
    people = ("rep_east", "manager_east", "director", "warehouse", "president", "finance", "quality")
    for username in (*people, "service", "tech", "dist_e01", "dist_n01", "assistant"):
        assert inbox_counts(person(username)) == len(inbox_todo(person(username))), username
    assert inbox_counts(person("assistant")) == 0  # the marketing assistant takes no step of these processes
    assert inbox_counts(person("dist_n01")) == 0  # its statement is disputed: finance answers first


# --- fixed number of queries ----------------------------------------------------------------------------


def east_requests_waiting(count: int) -> None:
    products = stocked_products("WH-HQ1", 1)
    for _ in range(count):
        take(new_transfer(products=products, quantity=1), "submit", "rep_east")


def queries(func, *args) -> int:
    with CaptureQueriesContext(connection) as captured:
        func(*args)
    return len(captured)


def test_inbox_selectors_cost_the_same_queries_for_3_and_30_documents():
    east_requests_waiting(3)
    small = {f.__name__: queries(f, person("manager_east")) for f in (inbox_todo, inbox_counts)}
    small_rows = len(inbox_todo(person("manager_east")))
    east_requests_waiting(27)
    large = {f.__name__: queries(f, person("manager_east")) for f in (inbox_todo, inbox_counts)}
    assert len(inbox_todo(person("manager_east"))) == small_rows + 27
    assert small == large


@pytest.mark.parametrize("tab", ["todo", "done", "mine"])
def test_the_inbox_api_costs_the_same_queries_for_3_and_30_documents(api_as, tab):
    # manager_east waits on them (todo); rep_east started them (mine); both acted on them (done)
    def measure():
        client = api_as("rep_east" if tab == "mine" else "manager_east")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("api-inbox"), {"tab": tab})
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    east_requests_waiting(3)
    if tab == "done":
        for doc in TransferRequest.objects.filter(status="manager_review", region__code="east")[:3]:
            take(doc, "approve", "manager_east")
    small, small_count = measure()
    east_requests_waiting(27)
    if tab == "done":
        for doc in TransferRequest.objects.filter(status="manager_review", region__code="east"):
            take(doc, "approve", "manager_east")
    large, large_count = measure()
    assert large_count >= small_count + 27
    assert small == large


def test_the_inbox_api_lists_documents_with_their_process(api_as, east_waiting):
    body = api_as("manager_east").get(reverse("api-inbox")).json()
    row = next(r for r in body["results"] if r["number"] == east_waiting.number)
    assert row == {
        "process": "transfer",
        "process_label": row["process_label"],
        "id": east_waiting.pk,
        "number": east_waiting.number,
        "status": "manager_review",
        "status_display": row["status_display"],
        "created_by": "rep_east",
        "status_changed_at": row["status_changed_at"],
    }
    assert body["count"] == len(body["results"]) == inbox_counts(person("manager_east"))


def test_the_inbox_api_needs_a_login(api_client):
    assert api_client.get(reverse("api-inbox")).status_code in (401, 403)


# --- pages ---------------------------------------------------------------------------------------------


def test_the_sidebar_shows_the_number_of_documents_waiting(client_as, east_waiting):
    html = client_as("manager_east").get(reverse("workflow:inbox")).content
    shown = re.search(rb"data-inbox-count>\s*(\d+)\s*<", html)
    assert shown, "no inbox count in the sidebar"
    assert int(shown.group(1)) == inbox_counts(person("manager_east")) >= 1
    # nothing waiting → no badge
    html = client_as("assistant").get(reverse("workflow:inbox")).content
    assert b"data-inbox-count" not in html


def test_the_inbox_page_tabs(client_as, east_waiting, north_waiting):
    client = client_as("manager_east")
    todo = client.get(reverse("workflow:inbox")).content.decode()
    assert east_waiting.number in todo
    assert north_waiting.number not in todo
    assert reverse("inventory:transfer_detail", args=[east_waiting.pk]) in todo
    mine = client_as("rep_east").get(reverse("workflow:inbox"), {"tab": "mine"}).content.decode()
    assert east_waiting.number in mine and north_waiting.number not in mine
    take(east_waiting, "approve", "manager_east")
    done = client.get(reverse("workflow:inbox"), {"tab": "done"}).content.decode()
    assert east_waiting.number in done


def test_offered_hides_a_step_from_the_buttons_but_not_from_the_inbox_or_the_engine(
    monkeypatch, east_waiting
):
    """`Step.offered` filters `available_steps` only: the inbox still lists the document (its query knows
    nothing of `offered`) and the guard, not `offered`, decides when the step is taken."""
    manager = person("manager_east")
    before = {s.action for s in available_steps(TRANSFER_FLOW, east_waiting, manager)}
    assert "approve" in before
    seen = []

    def never(document) -> bool:
        seen.append(document.pk)
        return False

    hidden = [replace(s, offered=never) if s.action == "approve" else s for s in TRANSFER_FLOW.steps]
    monkeypatch.setattr(TRANSFER_FLOW, "steps", hidden)
    assert {s.action for s in available_steps(TRANSFER_FLOW, east_waiting, manager)} == before - {"approve"}
    assert seen == [east_waiting.pk]
    assert east_waiting.number in numbers(inbox_todo(manager))
    assert take(east_waiting, "approve", "manager_east").status == "hq_review"
