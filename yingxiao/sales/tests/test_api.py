"""`/api/v1/sales-orders/` (drafts, steps, events), `/deliveries/`, `/invoices/`, `/payments/` and the
read-only ledger `/sales-lines/`: creation refused with a 400 naming the field (or 403) and nothing changed,
steps as JSON, north's users see nothing of east's, a distributor sees only its own, and every list costs
the same number of queries for 3 rows as for 30."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yingxiao.sales.choices import LedgerSource
from yingxiao.sales.models import SalesLine, SalesOrder
from yingxiao.sales.services import ledger_append, ledger_line, open_receivables

from .helpers import (
    CHEAP,
    CHEAP_2,
    EAST,
    EAST_CUSTOMER,
    EAST_OTHER,
    EAST_SUSPENDED,
    NORTH,
    D,
    close_this_month,
    distributor,
    invoice_of,
    new_order,
    order_in,
    owes_nothing,
    pay,
    person,
    product,
    restock,
    set_credit_limit,
    snapshot,
    take,
    today,
    world,
)

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/sales-orders/"
NORTH_USERS = ["rep_north", "manager_north"]


def url(document, suffix: str = "") -> str:
    return f"{ORDERS}{document.pk}/{suffix}"


def act(client, document, action, **body):
    return client.post(url(document, f"actions/{action}/"), body, format="json")


def payload(**overrides) -> dict:
    body = {
        "distributor": EAST,
        "order_date": today().isoformat(),
        "payment_terms_days": 45,
        "note": "API",
        "lines": [
            {"product": CHEAP, "quantity": 3, "unit_price": "19.99", "discount": "5"},
            {"product": CHEAP_2, "quantity": 2, "unit_price": "99.00"},
        ],
    }
    body.update(overrides)
    return body


def all_results(client, path, **params) -> list[dict]:
    response = client.get(path, {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- create ----------------------------------------------------------------------------------------------


def test_post_creates_a_draft_with_amounts_computed_by_the_server(api_as):
    response = api_as("rep_east").post(ORDERS, payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("XS-")
    assert (body["status"], body["version"], body["created_by"], body["submitted_by"]) == (
        "draft",
        1,
        "rep_east",
        None,
    )
    assert body["status_display"]
    assert set(body["available_actions"]) == {"submit", "cancel"}
    assert (body["region"], body["salesperson"], body["distributor"], body["customer"]) == (
        "east-sh",
        "rep_east",
        EAST,
        None,
    )
    assert (body["warehouse"], body["payment_terms_days"], body["total"]) == ("WH-E", 45, "254.97")
    assert [(ln["product"], ln["quantity"], ln["discount"], ln["amount"]) for ln in body["lines"]] == [
        (CHEAP, 3, "5.00", "56.97"),
        (CHEAP_2, 2, "0.00", "198.00"),
    ]
    assert SalesOrder.objects.get(pk=body["id"]).total == D("254.97")


def test_server_owned_fields_are_ignored_on_create(api_as):
    response = api_as("rep_east").post(
        ORDERS,
        payload(status="paid", total="1.00", region="north", salesperson="rep_north", version=9),
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["total"], body["region"], body["salesperson"], body["version"]) == (
        "draft",
        "254.97",
        "east-sh",
        "rep_east",
        1,
    )


def test_a_direct_customer_order(api_as):
    response = api_as("rep_east").post(
        ORDERS, payload(distributor=None, customer=EAST_CUSTOMER), format="json"
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["customer"], response.json()["region"]) == (EAST_CUSTOMER, "east")


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda b: b["lines"][0].update(quantity=0), "lines"),
        (lambda b: b["lines"][0].update(quantity=-2), "lines"),
        (lambda b: b["lines"][0].update(unit_price="-1.00"), "lines"),
        (lambda b: b["lines"][0].update(discount="100.01"), "lines"),
        (lambda b: b["lines"][0].update(product="NO-SUCH"), "lines"),
        (lambda b: b.update(lines=[]), "lines"),
        (lambda b: b.update(distributor=EAST_SUSPENDED), "distributor"),
        (lambda b: b.update(customer=EAST_CUSTOMER), "distributor"),  # both a distributor and a customer
        (lambda b: b.update(distributor=None), "distributor"),  # neither
        (lambda b: b.update(order_date="yesterday"), "order_date"),
    ],
    ids=[
        "quantity-0",
        "quantity-negative",
        "price-negative",
        "discount-over-100",
        "unknown-product",
        "no-lines",
        "suspended-distributor",
        "both-buyers",
        "no-buyer",
        "bad-date",
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_changes(api_as, change, field):
    body = payload()
    change(body)
    before = world()
    response = api_as("rep_east").post(ORDERS, body, format="json")
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert error["detail"]
    assert world() == before


@pytest.mark.parametrize(
    "change, line_field",
    [
        (lambda b: b["lines"][0].update(quantity=0), "quantity"),
        (lambda b: b["lines"][1].update(unit_price="-1.00"), "unit_price"),
        (lambda b: b["lines"][0].update(discount="120"), "discount"),
    ],
    ids=["quantity", "price", "discount"],
)
def test_a_bad_line_is_reported_in_words_not_as_python_reprs(api_as, change, line_field):
    """A rep reading the error must see which line and field is wrong and why, as text (or as JSON of
    texts), never the repr of DRF's internal objects."""
    body = payload()
    change(body)
    error = api_as("rep_east").post(ORDERS, body, format="json").json()

    def leaves(node, path=()):
        if isinstance(node, dict):
            for key, value in node.items():
                yield from leaves(value, (*path, str(key)))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from leaves(value, (*path, str(index)))
        else:
            yield path, node

    texts = [(path, text) for path, text in leaves(error["fields"])] + [((), error["detail"])]
    for path, text in texts:
        assert isinstance(text, str)
        assert "ErrorDetail(" not in text and not text.lstrip().startswith(("{", "[")), (path, text)
    assert any(line_field in " ".join(path) + " " + text for path, text in texts), texts


@pytest.mark.parametrize(
    "quantity, price",
    [(10_000_000, "99999999.00"), (2_000_000_000, "999999.99"), (3_000_000_000, "1.00")],
    ids=["amount-beyond-the-books", "total-beyond-the-books", "quantity-beyond-an-integer"],
)
def test_amounts_too_large_to_book_are_a_400_not_a_server_error(api_as, quantity, price):
    client = api_as("rep_east")
    client.raise_request_exception = False
    before = world()
    body = payload(lines=[{"product": CHEAP, "quantity": quantity, "unit_price": price}])
    response = client.post(ORDERS, body, format="json")
    assert response.status_code == 400, response.content[:200]
    assert response.json()["fields"]
    assert world() == before


@pytest.mark.parametrize(
    "username, body",
    [
        ("rep_east", payload(distributor=NORTH)),  # another region's distributor
        ("rep_east", payload(distributor=None, customer="C-N01")),  # another region's customer
        ("rep_north", payload()),
        ("manager_east", payload()),  # managers confirm, they don't take orders
        ("director", payload()),
        ("finance", payload()),
        ("warehouse", payload()),
        ("dist_e01", payload()),  # the portal user orders through his rep
    ],
)
def test_only_the_regions_reps_create_orders(api_as, username, body):
    before = world()
    response = api_as(username).post(ORDERS, body, format="json")
    assert response.status_code == 403
    assert set(response.json()) == {"code", "detail"}
    assert world() == before


def test_the_api_needs_a_login_and_a_role(api_client, api_as, user):
    assert api_client.get(ORDERS).status_code in (401, 403)
    assert api_client.post(ORDERS, payload(), format="json").status_code in (401, 403)
    user("nobody")
    assert api_as("nobody").get(ORDERS).status_code == 403
    assert api_as("nobody").post(ORDERS, payload(), format="json").status_code == 403


def test_a_draft_is_changed_by_its_rep_until_submitted(api_as):
    order = new_order()
    client = api_as("rep_east")
    response = client.patch(
        url(order),
        {"lines": [{"product": CHEAP_2, "quantity": 4, "unit_price": "99.00", "discount": "10"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["total"] == "356.40"
    assert api_as("manager_east").patch(url(order), {"note": "not mine"}, format="json").status_code == 403
    assert act(client, order, "submit").status_code == 200
    response = client.patch(url(order), {"note": "late"}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()["fields"]


# --- steps -----------------------------------------------------------------------------------------------


def test_submit_returns_the_order_with_status_and_available_actions(api_as):
    order = new_order()
    response = act(api_as("rep_east"), order, "submit", comment="请确认", version=1)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["version"], body["submitted_by"]) == ("manager_review", 2, "rep_east")
    assert body["status_display"]
    assert body["available_actions"] == ["cancel"]
    assert set(api_as("manager_east").get(url(order)).json()["available_actions"]) == {
        "confirm",
        "escalate",
        "reject",
    }
    assert api_as("director").get(url(order)).json()["available_actions"] == []


def test_the_whole_order_through_the_api(api_as):
    restock(CHEAP, 10)
    restock(CHEAP_2, 10)
    owes_nothing(EAST)
    response = api_as("rep_east").post(ORDERS, payload(), format="json")
    order = SalesOrder.objects.get(pk=response.json()["id"])
    for username, action in [
        ("rep_east", "submit"),
        ("manager_east", "confirm"),
        ("warehouse", "deliver"),
        ("finance", "invoice"),
    ]:
        client = api_as(username)
        current = client.get(url(order)).json()
        assert action in current["available_actions"], (username, action, current["available_actions"])
        response = act(client, order, action, version=current["version"])
        assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["available_actions"]) == ("invoiced", [])  # settle is no button
    invoice = invoice_of(order)
    response = api_as("finance").post(
        "/api/v1/payments/",
        {"distributor": EAST, "received_on": today().isoformat(), "amount": "254.97", "reference": "BANK-1"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["allocations"] == [{"invoice": invoice.number, "amount": "254.97"}]
    assert api_as("rep_east").get(url(order)).json()["status"] == "paid"
    history = api_as("rep_east").get(url(order, "events/")).json()
    assert [(h["action"], h["actor"]) for h in history] == [
        ("create", "rep_east"),
        ("submit", "rep_east"),
        ("confirm", "manager_east"),
        ("deliver", "warehouse"),
        ("invoice", "finance"),
        ("settle", "finance"),
    ]


def test_confirm_over_the_credit_limit_is_a_400_naming_credit_limit(api_as):
    order = order_in("manager_review")
    set_credit_limit(EAST, open_receivables(distributor(EAST)) + order.total - D("0.01"))
    before = snapshot(order)
    response = act(api_as("manager_east"), order, "confirm")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["credit_limit"]
    assert snapshot(order) == before
    # the exception, recorded in the events
    assert act(api_as("manager_east"), order, "escalate", comment="请特批").status_code == 200
    response = act(api_as("director"), order, "approve_exception", comment="同意")
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    last = api_as("rep_east").get(url(order, "events/")).json()[-1]
    assert last["action"] == "approve_exception"
    assert last["data"]["credit_exception"]["over"] is True
    assert last["data"]["credit_exception"]["order_total"] == "258.00"


def test_step_errors_are_json(api_as):
    order = order_in("manager_review")
    manager = api_as("manager_east")
    wrong_state = act(api_as("warehouse"), order, "deliver")
    assert wrong_state.status_code == 409 and wrong_state.json()["code"] == "wrong_state"
    stale = act(manager, order, "confirm", version=1)
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    assert act(api_as("director"), order, "reject", comment="x").status_code == 403
    no_reason = act(manager, order, "reject", comment=" ")
    assert no_reason.status_code == 400 and "comment" in no_reason.json()["fields"]
    assert act(manager, order, "fly").status_code == 400
    assert snapshot(order)[0] == "manager_review"


def test_settle_by_hand_is_refused_until_the_invoice_is_paid(api_as):
    order = order_in("invoiced")
    response = act(api_as("finance"), order, "settle")
    assert response.status_code == 400
    assert "invoice" in response.json()["fields"]
    assert act(api_as("rep_east"), order, "settle").status_code == 403
    assert snapshot(order)[0] == "invoiced"


def test_deliver_in_a_closed_month_is_a_400_and_nothing_changes(api_as):
    order = order_in("confirmed")
    close_this_month()
    before = world()
    response = act(api_as("warehouse"), order, "deliver")
    assert response.status_code == 400
    assert "delivered_on" in response.json()["fields"]
    assert world() == before


def test_a_get_on_an_action_changes_nothing(api_as):
    order = new_order()
    assert api_as("rep_east").get(url(order, "actions/submit/")).status_code == 405
    assert snapshot(order)[0] == "draft"


# --- deliveries and invoices -----------------------------------------------------------------------------


def test_deliveries_and_invoices(api_as):
    order = order_in("invoiced", terms=20)
    delivery = all_results(api_as("warehouse"), "/api/v1/deliveries/", q=order.delivery.number)
    assert [(d["number"], d["order"], d["warehouse"]) for d in delivery] == [
        (order.delivery.number, order.number, "WH-E")
    ]
    invoice = invoice_of(order)
    body = api_as("finance").get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert (body["number"], body["order"], body["distributor"], body["region"], body["salesperson"]) == (
        invoice.number,
        order.number,
        EAST,
        "east-sh",
        "rep_east",
    )
    assert (body["amount"], body["paid_amount"], body["open_amount"], body["status"]) == (
        "258.00",
        "0.00",
        "258.00",
        "open",
    )
    assert body["due_date"] == (today() + timedelta(days=20)).isoformat()
    assert api_as("finance").post("/api/v1/invoices/", {}, format="json").status_code == 405
    assert api_as("finance").post("/api/v1/deliveries/", {}, format="json").status_code == 405


# --- payments --------------------------------------------------------------------------------------------


def test_finance_posts_a_payment_and_it_is_allocated(api_as):
    owes_nothing(EAST)
    older = order_in("invoiced", terms=10)
    later = order_in("invoiced", terms=40)
    response = api_as("finance").post(
        "/api/v1/payments/",
        {"distributor": EAST, "received_on": today().isoformat(), "amount": "300.00", "method": "银行转账"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("HK-") and body["region"] == "east-sh"
    assert body["allocations"] == [
        {"invoice": invoice_of(older).number, "amount": "258.00"},
        {"invoice": invoice_of(later).number, "amount": "42.00"},
    ]
    # aimed at a given invoice
    response = api_as("finance").post(
        "/api/v1/payments/",
        {
            "distributor": EAST,
            "received_on": today().isoformat(),
            "amount": "16.00",
            "invoices": [invoice_of(later).number],
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["allocations"] == [{"invoice": invoice_of(later).number, "amount": "16.00"}]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"amount": "258.01"}, "amount"),  # more than is open
        ({"amount": "0"}, "amount"),
        ({"amount": "-1"}, "amount"),
        ({"customer": EAST_CUSTOMER}, "distributor"),  # both
        ({"distributor": None}, "distributor"),  # neither
        ({"received_on": "soon"}, "received_on"),
    ],
    ids=["over", "zero", "negative", "both", "neither", "bad-date"],
)
def test_a_bad_payment_is_a_400_naming_the_field_and_nothing_changes(api_as, body, field):
    owes_nothing(EAST)
    order_in("invoiced")
    data = {"distributor": EAST, "received_on": today().isoformat(), "amount": "10.00", **body}
    before = world()
    response = api_as("finance").post("/api/v1/payments/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"], response.json()
    assert world() == before


@pytest.mark.parametrize(
    "username", ["rep_east", "manager_east", "director", "warehouse", "dist_e01", "admin"]
)
def test_only_finance_posts_payments(api_as, username):
    order_in("invoiced")
    before = world()
    response = api_as(username).post(
        "/api/v1/payments/",
        {"distributor": EAST, "received_on": today().isoformat(), "amount": "1.00"},
        format="json",
    )
    assert response.status_code == 403
    assert world() == before


# --- the ledger: read-only, filterable ------------------------------------------------------------------


def _ledger(day: date, code: str, product_code: str, quantity: int = 1) -> SalesLine:
    buyer = distributor(code)
    return ledger_line(
        day=day,
        region_id=buyer.region_id,
        salesperson_id=buyer.rep_id,
        distributor_id=buyer.pk,
        product=product(product_code),
        quantity=quantity,
        amount=D("10.00") * quantity,
        source=LedgerSource.IMPORT,
        reference="API-TEST",
    )


def test_the_ledger_is_read_only(api_as):
    take(order_in("confirmed"), "deliver", "warehouse")
    client = api_as("director")
    line = all_results(client, "/api/v1/sales-lines/")[0]
    assert set(line) == {
        "id",
        "date",
        "region",
        "salesperson",
        "distributor",
        "customer",
        "product",
        "category",
        "quantity",
        "amount",
        "source",
        "reference",
    }
    before = world()
    path = f"/api/v1/sales-lines/{line['id']}/"
    assert client.post("/api/v1/sales-lines/", line, format="json").status_code == 405
    assert client.put(path, line, format="json").status_code == 405
    assert client.patch(path, {"quantity": 99}, format="json").status_code == 405
    assert client.delete(path).status_code == 405
    assert api_as("finance").post("/api/v1/sales-lines/", line, format="json").status_code == 405
    assert world() == before


def test_the_ledger_filters_by_year_region_distributor_and_product(api_as):
    ledger_append(
        [
            _ledger(date(2019, 5, 3), EAST, CHEAP),
            _ledger(date(2019, 6, 3), EAST, CHEAP_2, 2),
            _ledger(date(2019, 7, 3), EAST_OTHER, CHEAP),
            _ledger(date(2018, 5, 3), EAST, CHEAP),
            _ledger(date(2019, 5, 3), NORTH, CHEAP),
        ]
    )
    client = api_as("director")

    def ids(**params) -> set[int]:
        return {r["id"] for r in all_results(client, "/api/v1/sales-lines/", **params)}

    def expected(**lookups) -> set[int]:
        return set(SalesLine.objects.filter(**lookups).values_list("id", flat=True))

    by_year = ids(year=2019)
    assert by_year == expected(year=2019) and len(by_year) >= 4
    assert not by_year & expected(year=2018)
    assert ids(year=2019, region="north") and ids(year=2019, region="east")
    assert not ids(year=2019, region="north") & ids(year=2019, region="east")
    assert ids(year=2019, distributor=EAST) == expected(year=2019, distributor__code=EAST)
    assert ids(year=2019, region="north") == expected(year=2019, region__code__startswith="north")
    assert ids(year=2019, region="east") == expected(year=2019, region__code__startswith="east")
    assert ids(year=2019, product=CHEAP_2) == expected(year=2019, product__code=CHEAP_2)
    assert ids(year=2019, product=CHEAP_2, distributor=EAST_OTHER) == set()
    assert ids(date_from="2019-06-01", date_to="2019-07-31") == expected(
        date__range=("2019-06-01", "2019-07-31")
    )
    rows = all_results(client, "/api/v1/sales-lines/", year=2019, product=CHEAP_2, distributor=EAST)
    assert [(r["date"], r["quantity"], r["amount"], r["region"], r["category"]) for r in rows] == [
        ("2019-06-03", 2, "20.00", "east-sh", product(CHEAP_2).category.code)
    ]


# --- scoping ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", NORTH_USERS)
def test_north_cannot_see_or_act_on_easts_orders_through_the_api(api_as, username):
    order = order_in("invoiced")
    pending = order_in("manager_review")
    payment = pay("8.00", invoices=[invoice_of(order)])
    restock("S-500", 5, "WH-N")
    north = order_in("invoiced", rep="rep_north", buyer=NORTH, lines=[("S-500", 1, "59.00", "0")])
    before = (snapshot(order), snapshot(pending), world())
    client = api_as(username)
    # lists and search
    orders = all_results(client, ORDERS)
    assert north.pk in {r["id"] for r in orders}
    assert not {order.pk, pending.pk} & {r["id"] for r in orders}
    assert all(r["region"].startswith("north") for r in orders)
    assert client.get(ORDERS, {"q": order.number}).json()["count"] == 0
    assert client.get(ORDERS, {"region": "east"}).json()["count"] == 0
    invoices = all_results(client, "/api/v1/invoices/")
    assert invoice_of(north).pk in {r["id"] for r in invoices}
    assert all(r["region"].startswith("north") for r in invoices)
    assert client.get("/api/v1/invoices/", {"q": invoice_of(order).number}).json()["count"] == 0
    assert all(r["region"].startswith("north") for r in all_results(client, "/api/v1/sales-lines/"))
    assert all(r["region"].startswith("north") for r in all_results(client, "/api/v1/payments/"))
    deliveries = {r["number"] for r in all_results(client, "/api/v1/deliveries/")}
    assert north.delivery.number in deliveries and order.delivery.number not in deliveries
    # one by one: 404, as if it did not exist
    for path in (
        url(order),
        url(order, "events/"),
        f"/api/v1/invoices/{invoice_of(order).pk}/",
        f"/api/v1/payments/{payment.pk}/",
        f"/api/v1/deliveries/{order.delivery.pk}/",
        f"/api/v1/sales-lines/{SalesLine.objects.filter(order_line__order=order).first().pk}/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert set(response.json()) == {"code", "detail"}
    for action in ("confirm", "escalate", "reject", "cancel", "submit"):
        assert act(client, pending, action, comment="x").status_code == 404, action
    assert client.patch(url(pending), {"note": "x"}, format="json").status_code == 404
    assert (snapshot(order), snapshot(pending), world()) == before


def test_a_distributor_sees_only_its_own_orders_invoices_and_lines(api_as):
    own = order_in("invoiced")
    other = order_in("invoiced", buyer=EAST_OTHER)
    client = api_as("dist_e01")
    orders = all_results(client, ORDERS)
    assert own.pk in {r["id"] for r in orders} and other.pk not in {r["id"] for r in orders}
    assert {r["distributor"] for r in orders} == {EAST}
    assert all(r["available_actions"] == [] for r in orders)
    invoices = all_results(client, "/api/v1/invoices/")
    assert invoice_of(own).pk in {r["id"] for r in invoices}
    assert {r["distributor"] for r in invoices} == {EAST}
    assert {r["distributor"] for r in all_results(client, "/api/v1/sales-lines/")} == {EAST}
    assert client.get(url(other)).status_code == 404
    assert client.get(f"/api/v1/invoices/{invoice_of(other).pk}/").status_code == 404
    assert act(client, own, "settle").status_code == 403


# --- a fixed number of queries per list ------------------------------------------------------------------


def _measure(username: str, path: str, **params) -> tuple[int, int]:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(person(username))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, {"page_size": 100, **params})
    assert response.status_code == 200
    return len(captured), response.json()["count"]


@pytest.mark.parametrize(
    "path, username, make",
    [
        (ORDERS, "manager_east", lambda: order_in("manager_review")),  # submitted: submitter shown
        (ORDERS, "director", lambda: order_in("credit_review")),
        ("/api/v1/invoices/", "finance", lambda: order_in("invoiced")),
        ("/api/v1/deliveries/", "warehouse", lambda: order_in("delivered")),
        ("/api/v1/payments/", "finance", lambda: pay("1.00")),
        ("/api/v1/sales-lines/", "director", lambda: ledger_append([_ledger(date(2024, 1, 2), EAST, CHEAP)])),
    ],
    ids=["orders", "orders-director", "invoices", "deliveries", "payments", "sales-lines"],
)
def test_a_list_costs_the_same_queries_for_3_and_30_rows(path, username, make):
    restock(CHEAP, 70)
    owes_nothing(EAST)
    if "payments" in path:
        for _ in range(6):
            order_in("invoiced")  # 1,548.00 open to pay in 1.00 instalments
    for _ in range(3):
        make()
    _measure(username, path)  # warm-up: lazy imports and per-process caches are not per-row costs
    small, small_count = _measure(username, path)
    for _ in range(27):
        make()
    large, large_count = _measure(username, path)
    assert large_count == small_count + 27
    assert small == large, f"{small} queries for {small_count} rows, {large} for {large_count}"


def test_an_order_cannot_ship_from_the_quarantine_warehouse(api_as, client_as):
    """Goods returned by customers wait in quarantine; they are not for sale."""
    response = api_as("rep_east").post(ORDERS, payload(warehouse="WH-QC"), format="json")
    assert response.status_code == 400
    assert "warehouse" in response.json()["fields"]
    form = client_as("rep_east").get("/sales/orders/new/").context["form"]
    assert "WH-QC" not in {w.code for w in form.fields["warehouse"].queryset}
