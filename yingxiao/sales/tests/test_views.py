"""Sales pages: every page renders for each role that may see it (and is refused to the others), the
order form drafts orders and refuses bad input naming the field, steps from the order page, payments and
month closing from their forms, Excel exports, and north's users reach nothing of east's through any page;
a distributor's portal user sees only its own orders and invoices."""

import re
import time
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yingxiao.core.excel import XLSX_MIME
from yingxiao.core.testing import read_xlsx
from yingxiao.sales.choices import LedgerSource
from yingxiao.sales.models import ClosedMonth, SalesOrder
from yingxiao.sales.services import ledger_append, ledger_line, open_receivables
from yingxiao.sales.views import SalesLineList
from yingxiao.sales.workflow import ORDER_FLOW
from yingxiao.workflow.selectors import available_steps

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
    customer,
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
    today,
    world,
)

pytestmark = pytest.mark.django_db

STAFF = [
    "rep_east",
    "manager_east",
    "rep_north",
    "manager_north",
    "director",
    "warehouse",
    "finance",
    "president",
    "admin",
]
EVERYONE = [*STAFF, "dist_e01"]
NORTH_USERS = ["rep_north", "manager_north"]


def detail(order) -> str:
    return reverse("sales:order_detail", args=[order.pk])


def step_url(order, action) -> str:
    return reverse("workflow:step", args=["sales_order", order.pk, action])


def buttons(html: str) -> set[str]:
    return set(re.findall(r'data-bs-target="#step-([a-z_]+)"', html))


def message_levels(response) -> list[str]:
    return [m.level_tag for m in response.context["messages"]]


def shown(response) -> list:
    """The objects listed on a list page."""
    return [obj for obj, _cells in response.context["rows"]]


# --- every page, every role ------------------------------------------------------------------------------

PAGES = {
    # page: who may open it (everybody else with a role: 403)
    "sales:order_list": EVERYONE,
    "sales:order_create": ["rep_east", "rep_north"],  # reps take orders
    "sales:invoice_list": EVERYONE,
    "sales:payment_list": EVERYONE,
    "sales:payment_create": ["finance"],
    "sales:ledger": STAFF,  # not the portal
    "sales:delivery_list": STAFF,
    "sales:month_closing": STAFF,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_opens_for_exactly_the_roles_that_may_see_it(client_as, user, name):
    order_in("invoiced")
    user("nobody")
    for username in [*EVERYONE, "nobody"]:
        response = client_as(username).get(reverse(name))
        expected = 200 if username in PAGES[name] else 403
        assert response.status_code == expected, (name, username, response.status_code)


def test_pages_need_a_login(client):
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response.url, name


@pytest.mark.parametrize(
    "username",
    ["rep_east", "manager_east", "director", "warehouse", "finance", "president", "admin", "dist_e01"],
)
def test_the_order_page_renders_for_everyone_who_sees_the_order(client_as, username):
    order = order_in("invoiced", lines=[(CHEAP, 3, "19.99", "5"), (CHEAP_2, 1, "99.00", "0")])
    response = client_as(username).get(detail(order))
    assert response.status_code == 200
    html = response.content.decode()
    assert order.number in html
    assert "56.97" in html and "155.97" in html  # a line amount and the total
    assert order.delivery.number in html and invoice_of(order).number in html
    assert buttons(html) == set()  # invoiced: the rest is automatic


@pytest.mark.parametrize(
    "state, expected",
    [
        ("draft", {"rep_east": {"submit", "cancel"}, "manager_east": set(), "dist_e01": set()}),
        ("manager_review", {"rep_east": {"cancel"}, "manager_east": {"confirm", "escalate", "reject"}}),
        (
            "credit_review",
            {"rep_east": {"cancel"}, "manager_east": set(), "director": {"approve_exception", "reject"}},
        ),
        ("confirmed", {"rep_east": {"cancel"}, "warehouse": {"deliver"}, "finance": set()}),
        ("delivered", {"rep_east": set(), "warehouse": set(), "finance": {"invoice"}}),
        ("invoiced", {"finance": set(), "director": set()}),  # settle is automatic: no button
        ("paid", {"finance": set(), "rep_east": set()}),
    ],
)
def test_the_buttons_are_exactly_the_users_available_steps(client_as, state, expected):
    order = order_in(state)
    for username, actions in expected.items():
        response = client_as(username).get(detail(order))
        assert response.status_code == 200
        html = response.content.decode()
        assert buttons(html) == actions, username
        assert actions == {s.action for s in available_steps(ORDER_FLOW, order, person(username))}


def test_the_manager_sees_the_credit_warning_over_the_limit(client_as):
    order = order_in("manager_review")
    html = client_as("manager_east").get(detail(order)).content.decode()
    set_credit_limit(EAST, 100)
    warned = client_as("manager_east").get(detail(order)).content.decode()
    assert warned.count("alert alert-warning") == html.count("alert alert-warning") + 1
    assert "¥100.00" in warned and "¥258.00" in warned


# --- the order form --------------------------------------------------------------------------------------


def form_data(**overrides) -> dict:
    """What the order page posts: a header and a formset of product rows."""
    data = {
        "distributor": distributor(EAST).pk,
        "customer": "",
        "order_date": today().isoformat(),
        "payment_terms_days": "30",
        "warehouse": "",
        "note": "页面",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product": product(CHEAP).pk,
        "lines-0-quantity": "3",
        "lines-0-unit_price": "19.99",
        "lines-0-discount": "5",
        "lines-1-product": product(CHEAP_2).pk,
        "lines-1-quantity": "2",
        "lines-1-unit_price": "",  # the list price
        "lines-1-discount": "",
    }
    data.update(overrides)
    return data


def test_the_order_form_drafts_an_order(client_as):
    client = client_as("rep_east")
    page = client.get(reverse("sales:order_create"))
    assert page.status_code == 200
    offered = set(page.context["form"].fields["distributor"].queryset.values_list("code", flat=True))
    assert EAST in offered and NORTH not in offered and EAST_SUSPENDED not in offered
    response = client.post(reverse("sales:order_create"), form_data())
    assert response.status_code == 302
    order = SalesOrder.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    assert response.url == detail(order)
    assert (order.status, order.created_by.username, order.region.code, order.warehouse.code) == (
        "draft",
        "rep_east",
        "east-sh",
        "WH-E",
    )
    assert [(ln.product.code, ln.quantity, ln.unit_price, ln.amount) for ln in order.lines.all()] == [
        (CHEAP, 3, D("19.99"), D("56.97")),
        (CHEAP_2, 2, product(CHEAP_2).list_price, product(CHEAP_2).list_price * 2),
    ]


def test_the_order_form_for_a_direct_customer(client_as):
    response = client_as("rep_east").post(
        reverse("sales:order_create"), form_data(distributor="", customer=customer(EAST_CUSTOMER).pk)
    )
    assert response.status_code == 302
    assert SalesOrder.objects.order_by("-id").first().customer.code == EAST_CUSTOMER


@pytest.mark.parametrize(
    "overrides, form, field",
    [
        ({"lines-0-quantity": "0"}, "line", "quantity"),
        ({"lines-0-quantity": "-1"}, "line", "quantity"),
        ({"lines-0-unit_price": "-0.01"}, "line", "unit_price"),
        ({"lines-0-discount": "100.5"}, "line", "discount"),
        ({"lines-0-quantity": ""}, "line", "quantity"),
        ({"distributor": "NORTH"}, "header", "distributor"),  # another region's (not offered)
        ({"distributor": "SUSPENDED"}, "header", "distributor"),  # suspended (not offered)
        ({"customer": "EAST_CUSTOMER"}, "header", None),  # both
        ({"distributor": ""}, "header", None),  # neither
        ({"order_date": "someday"}, "header", "order_date"),
    ],
    ids=[
        "quantity-0",
        "quantity-negative",
        "price-negative",
        "discount-over-100",
        "quantity-missing",
        "north-distributor",
        "suspended-distributor",
        "both",
        "neither",
        "bad-date",
    ],
)
def test_the_order_form_refuses_bad_input_naming_the_field(client_as, overrides, form, field):
    pks = {
        "NORTH": distributor(NORTH).pk,
        "SUSPENDED": distributor(EAST_SUSPENDED).pk,
        "EAST_CUSTOMER": customer(EAST_CUSTOMER).pk,
    }
    data = form_data(**{k: pks.get(v, v) for k, v in overrides.items()})
    before = world()
    response = client_as("rep_east").post(reverse("sales:order_create"), data)
    assert response.status_code == 400
    if form == "line":
        errors = response.context["formset"].forms[0].errors
    else:
        errors = response.context["form"].errors
    key = field or "__all__"
    assert key in errors and all(str(e).strip() for e in errors[key]), errors
    assert world() == before


def test_the_order_form_with_no_product_is_refused(client_as):
    data = form_data(
        **{"lines-0-product": "", "lines-0-quantity": "", "lines-1-product": "", "lines-1-quantity": ""}
    )
    before = world()
    response = client_as("rep_east").post(reverse("sales:order_create"), data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert world() == before


def test_only_the_writer_edits_a_draft(client_as):
    order = new_order()
    client = client_as("rep_east")
    edit = reverse("sales:order_edit", args=[order.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        form_data(
            **{
                "lines-0-quantity": "1",
                "lines-0-unit_price": "10",
                "lines-0-discount": "0",
                "lines-1-product": "",
                "lines-1-quantity": "",
            }
        ),
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.total == D("10.00")
    assert client_as("manager_east").get(edit).status_code == 403
    assert client_as("rep_north").get(edit).status_code == 404


# --- steps from the page ---------------------------------------------------------------------------------


def test_a_step_from_the_page(client_as):
    order = new_order()
    response = client_as("rep_east").post(step_url(order, "submit"), {"version": order.version}, follow=True)
    assert response.redirect_chain == [(detail(order), 302)]
    assert message_levels(response) == ["success"]
    assert snapshot(order)[0] == "manager_review"


def test_confirming_over_the_limit_from_the_page_shows_why_and_changes_nothing(client_as):
    order = order_in("manager_review")
    set_credit_limit(EAST, open_receivables(distributor(EAST)) + order.total - D("0.01"))
    before = world()
    response = client_as("manager_east").post(
        step_url(order, "confirm"), {"version": order.version}, follow=True
    )
    assert message_levels(response) == ["error"]
    assert world() == before


def test_delivering_in_a_closed_month_from_the_page_shows_why_and_changes_nothing(client_as):
    order = order_in("confirmed")
    close_this_month()
    before = world()
    response = client_as("warehouse").post(
        step_url(order, "deliver"), {"version": order.version}, follow=True
    )
    assert message_levels(response) == ["error"]
    text = " ".join(str(m) for m in response.context["messages"])
    assert f"{today().year}-{today().month:02d}" in text
    assert world() == before


# --- payments --------------------------------------------------------------------------------------------


def test_finance_records_a_payment_from_the_page(client_as):
    owes_nothing(EAST)
    order = order_in("invoiced")
    response = client_as("finance").post(
        reverse("sales:payment_create"),
        {
            "distributor": distributor(EAST).pk,
            "received_on": today().isoformat(),
            "amount": "258.00",
            "method": "转账",
        },
    )
    assert response.status_code == 302 and response.url == reverse("sales:payment_list")
    assert SalesOrder.objects.get(pk=order.pk).status == "paid"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"amount": "258.01"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"distributor": ""}, None),
        ({"customer": "C"}, None),
    ],
    ids=["over", "zero", "neither", "both"],
)
def test_a_bad_payment_from_the_page_is_refused_naming_the_field(client_as, overrides, field):
    owes_nothing(EAST)
    order_in("invoiced")
    data = {"distributor": distributor(EAST).pk, "received_on": today().isoformat(), "amount": "1.00"}
    data.update({k: customer(EAST_CUSTOMER).pk if v == "C" else v for k, v in overrides.items()})
    before = world()
    response = client_as("finance").post(reverse("sales:payment_create"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert (field or "__all__") in errors, errors
    assert world() == before


def test_only_finance_may_post_a_payment(client_as):
    order_in("invoiced")
    before = world()
    for username in ("rep_east", "director", "warehouse", "dist_e01"):
        response = client_as(username).post(
            reverse("sales:payment_create"),
            {"distributor": distributor(EAST).pk, "received_on": today().isoformat(), "amount": "1.00"},
        )
        assert response.status_code == 403, username
    assert world() == before


# --- month closing ---------------------------------------------------------------------------------------


def test_finance_closes_a_month_from_the_page(client_as):
    client = client_as("finance")
    page = client.get(reverse("sales:month_closing"))
    assert page.status_code == 200 and page.context["form"] is not None
    response = client.post(reverse("sales:month_closing"), {"year": "2026", "month": "3"})
    assert response.status_code == 302
    closed = ClosedMonth.objects.get(year=2026, month=3)
    assert closed.closed_by.username == "finance"
    assert "2026-03" in client.get(reverse("sales:month_closing")).content.decode()
    again = client.post(reverse("sales:month_closing"), {"year": "2026", "month": "3"})
    assert again.status_code == 400
    assert "month" in again.context["form"].errors
    assert ClosedMonth.objects.filter(year=2026, month=3).count() == 1
    bad = client.post(reverse("sales:month_closing"), {"year": "2026", "month": "13"})
    assert bad.status_code == 400 and "month" in bad.context["form"].errors


@pytest.mark.parametrize(
    "username", ["rep_east", "manager_east", "director", "warehouse", "president", "admin"]
)
def test_others_see_the_closed_months_but_cannot_close_one(client_as, username):
    client = client_as(username)
    page = client.get(reverse("sales:month_closing"))
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(reverse("sales:month_closing"), {"year": "2026", "month": "3"}).status_code == 403
    assert not ClosedMonth.objects.exists()


def test_the_portal_user_gets_no_month_closing(client_as):
    client = client_as("dist_e01")
    assert client.get(reverse("sales:month_closing")).status_code == 403
    assert client.post(reverse("sales:month_closing"), {"year": "2026", "month": "3"}).status_code == 403
    assert not ClosedMonth.objects.exists()


# --- Excel -----------------------------------------------------------------------------------------------

EXPORTS = [
    "sales:order_list",
    "sales:invoice_list",
    "sales:payment_list",
    "sales:ledger",
    "sales:delivery_list",
]


@pytest.mark.parametrize("name", EXPORTS)
def test_each_list_exports_to_excel_what_it_lists(client_as, name):
    order = order_in("invoiced")
    pay("8.00", invoices=[invoice_of(order)])
    # narrowed to this test's rows (the demo's two years of ledger are exported elsewhere)
    filters = {"distributor": EAST} if name != "sales:delivery_list" else {"q": order.delivery.number}
    if name == "sales:ledger":
        filters["source"] = "delivery"
    client = client_as("director")
    page = client.get(reverse(name), filters)
    response = client.get(reverse(name), {**filters, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(XLSX_MIME)
    assert "attachment" in response["Content-Disposition"]
    header, rows = read_xlsx(response.content)
    view = response.wsgi_request.resolver_match.func.view_class
    assert len(header) == len(view.columns)
    assert len(rows) == page.context["page"].paginator.count > 0


def test_a_large_ledger_export_takes_linear_time(client_as):
    """The ledger is the biggest list there is (two demo years are 24,000 lines; a real company has
    millions). Four times the rows may cost about four times the time, not sixteen: measured on 500 and
    2,000 lines (best of three, so a busy machine doesn't decide)."""
    east = distributor(EAST)
    goods = product(CHEAP)
    rep = person("rep_east")
    ledger_append(
        ledger_line(
            day=date(2017, 1 + i % 4, 1 + i % 28),
            region_id=east.region_id,
            salesperson_id=rep.pk,
            distributor_id=east.pk,
            product=goods,
            quantity=1,
            amount=D("129.00"),
            source=LedgerSource.IMPORT,
            reference=f"BIG-{i}",
        )
        for i in range(2000)
    )
    client = client_as("director")

    def seconds(params) -> float:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            response = client.get(reverse("sales:ledger"), {"export": "xlsx", "distributor": EAST, **params})
            best = min(best, time.perf_counter() - started)
        assert response.status_code == 200
        return best

    small = seconds({"year": 2017, "month": 1})  # 500 lines
    large = seconds({"year": 2017})  # 2,000 lines
    assert large < 6 * small, f"500 lines: {small:.2f} s, 2,000 lines: {large:.2f} s"


def test_the_export_lists_only_what_the_user_sees(client_as):
    east = order_in("invoiced")
    restock("S-500", 5, "WH-N")
    north = order_in("invoiced", rep="rep_north", buyer=NORTH, lines=[("S-500", 1, "59.00", "0")])
    response = client_as("manager_north").get(reverse("sales:order_list"), {"export": "xlsx"})
    numbers = {row[0] for row in read_xlsx(response.content)[1]}
    assert north.number in numbers and east.number not in numbers
    response = client_as("manager_north").get(reverse("sales:invoice_list"), {"export": "xlsx"})
    numbers = {row[0] for row in read_xlsx(response.content)[1]}
    assert invoice_of(north).number in numbers and invoice_of(east).number not in numbers
    response = client_as("manager_north").get(
        reverse("sales:ledger"), {"export": "xlsx", "source": "delivery"}
    )
    region = [c.key for c in SalesLineList.columns].index("region.name")
    assert {row[region] for row in read_xlsx(response.content)[1]} == {"华北"}
    response = client_as("director").get(reverse("sales:order_list"), {"export": "xlsx"})
    assert {row[0] for row in read_xlsx(response.content)[1]} == set(
        SalesOrder.objects.values_list("number", flat=True)
    )


# --- scoping ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", NORTH_USERS)
def test_north_cannot_see_or_act_on_easts_orders_through_pages(client_as, username):
    order = order_in("invoiced")
    payment = pay("8.00", invoices=[invoice_of(order)])
    pending = order_in("manager_review")
    before = (snapshot(order), snapshot(pending), world())
    client = client_as(username)
    listing = client.get(reverse("sales:order_list"))
    assert not {order, pending} & set(shown(listing))
    assert all(o.region.code.startswith("north") for o in shown(listing))
    assert shown(client.get(reverse("sales:order_list"), {"q": order.number})) == []
    assert all(
        o.region.code.startswith("north")
        for o in shown(client.get(reverse("sales:order_list"), {"region": "east"}))
    )
    invoices = client.get(reverse("sales:invoice_list"))
    assert invoice_of(order) not in shown(invoices)
    assert shown(client.get(reverse("sales:invoice_list"), {"q": invoice_of(order).number})) == []
    assert payment not in shown(client.get(reverse("sales:payment_list")))
    ledger = shown(client.get(reverse("sales:ledger"), {"q": CHEAP}))
    assert not [row for row in ledger if row.region.code.startswith("east")]
    assert shown(client.get(reverse("sales:ledger"), {"distributor": EAST})) == [] or all(
        row.region.code.startswith("north")
        for row in shown(client.get(reverse("sales:ledger"), {"distributor": EAST}))
    )
    deliveries = shown(client.get(reverse("sales:delivery_list")))
    assert order.delivery not in deliveries
    assert client.get(detail(order)).status_code == 404
    assert client.get(detail(pending)).status_code == 404
    assert client.get(reverse("sales:order_edit", args=[pending.pk])).status_code == 404
    for action in ("confirm", "escalate", "reject", "cancel"):
        response = client.post(step_url(pending, action), {"version": pending.version, "comment": "x"})
        assert response.status_code == 404, action
    assert (
        client.post(reverse("workflow:comment", args=["sales_order", pending.pk]), {"text": "x"}).status_code
        == 404
    )
    assert pending.number not in client.get(reverse("workflow:inbox")).content.decode()
    assert (snapshot(order), snapshot(pending), world()) == before


def test_the_portal_user_sees_only_his_distributors_orders_and_invoices(client_as):
    own = order_in("invoiced")
    other = order_in("invoiced", buyer=EAST_OTHER)
    client = client_as("dist_e01")
    orders = shown(client.get(reverse("sales:order_list")))
    assert own in orders and other not in orders
    assert {o.distributor.code for o in orders} == {EAST}
    invoices = shown(client.get(reverse("sales:invoice_list")))
    assert invoice_of(own) in invoices and invoice_of(other) not in invoices
    assert client.get(detail(own)).status_code == 200
    assert client.get(detail(other)).status_code == 404
    assert client.get(reverse("sales:ledger")).status_code == 403
    assert client.get(reverse("sales:delivery_list")).status_code == 403


# --- a fixed number of queries per list page -------------------------------------------------------------


@pytest.mark.parametrize(
    "name, username, make, filters",
    [
        (
            "sales:order_list",
            "manager_east",
            lambda: order_in("manager_review"),
            {"status": "manager_review"},
        ),
        ("sales:invoice_list", "finance", lambda: order_in("invoiced"), {"distributor": EAST}),
        (
            "sales:ledger",
            "director",
            lambda: order_in("delivered"),
            {"distributor": EAST, "source": "delivery"},
        ),
    ],
    ids=["orders", "invoices", "ledger"],
)
def test_a_list_page_costs_the_same_queries_for_3_and_30_rows(client_as, name, username, make, filters):
    restock(CHEAP, 70)
    owes_nothing(EAST)

    def measure():
        client = client_as(username)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(name), filters)
        assert response.status_code == 200
        return len(captured), len(response.context["rows"])

    for _ in range(3):
        make()
    measure()  # warm-up: lazy imports and per-process caches are not per-row costs
    small, small_rows = measure()
    for _ in range(27):
        make()
    large, large_rows = measure()
    assert large_rows > small_rows
    assert small == large
