"""Collection tasks (催收): the daily refresh opens tasks for overdue invoices (the distributor's rep) and
escalates broken promises to the region's manager with a notification; promises are validated; reps see
only their region (404 elsewhere, in pages and API); paying the invoice closes the task and an overpayment
changes nothing; list pages and the API cost a fixed number of queries."""

import io
import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yingxiao.accounts.models import User
from yingxiao.core.excel import XLSX_MIME
from yingxiao.core.testing import read_xlsx
from yingxiao.org.models import Region
from yingxiao.partners.choices import DistributorStatus
from yingxiao.partners.models import Customer, Distributor
from yingxiao.partners.services import distributor_create
from yingxiao.sales import services
from yingxiao.sales.choices import CollectionStatus, InvoiceStatus
from yingxiao.sales.models import CollectionNote, CollectionTask, Invoice, Payment
from yingxiao.workflow.models import Notification

pytestmark = pytest.mark.django_db

# --- helpers ------------------------------------------------------------------------------------------

_numbers = itertools.count(1)
TODAY = timezone.localdate


def person(username: str) -> User:
    return User.objects.get(username=username)


def new_distributor(region: str = "east", rep: str | None = "rep_east") -> Distributor:
    n = next(_numbers)
    return distributor_create(
        actor=person("admin"),
        code=f"T-COL-{n:04d}",
        name=f"测试催收经销商{n}",
        region=Region.objects.get(code=region),
        rep=person(rep) if rep else None,
        status=DistributorStatus.ACTIVE,
        credit_limit=Decimal("1000000"),
    )


def new_invoice(
    *,
    distributor: Distributor | None = None,
    customer: Customer | None = None,
    days_overdue: int = 10,
    amount: str = "1000.00",
    paid: str = "0.00",
    salesperson: str = "manager_east",
) -> Invoice:
    buyer = distributor or customer
    due = TODAY() - timedelta(days=days_overdue)
    return Invoice.objects.create(
        number=f"T-COL-FP-{next(_numbers):06d}",
        region=buyer.region,
        salesperson=person(salesperson),
        distributor=distributor,
        customer=customer,
        issued_on=due - timedelta(days=30),
        due_date=due,
        amount=Decimal(amount),
        paid_amount=Decimal(paid),
        status=InvoiceStatus.PAID if Decimal(paid) == Decimal(amount) else InvoiceStatus.OPEN,
    )


def task_for(invoice: Invoice, today=None) -> CollectionTask:
    """The invoice's task, after a refresh as of `today`."""
    services.collection_tasks_refresh(today=today or TODAY())
    return CollectionTask.objects.get(invoice=invoice)


def east_task(**kwargs) -> CollectionTask:
    return task_for(new_invoice(distributor=new_distributor(), **kwargs))


def north_task(**kwargs) -> CollectionTask:
    return task_for(
        new_invoice(distributor=new_distributor("north", "rep_north"), salesperson="rep_north", **kwargs)
    )


def detail(task) -> str:
    return reverse("sales:collection_task_detail", args=[task.pk])


API_BASE = "/api/v1/collection-tasks/"


# --- the daily refresh ----------------------------------------------------------------------------------


def test_refresh_opens_a_task_per_overdue_invoice_assigned_to_the_distributors_rep():
    dealer = new_distributor(rep="rep_east")
    overdue = new_invoice(distributor=dealer, days_overdue=1, salesperson="manager_east")
    due_today = new_invoice(distributor=dealer, days_overdue=0)
    not_due = new_invoice(distributor=dealer, days_overdue=-5)
    paid = new_invoice(distributor=dealer, days_overdue=40, amount="10.00", paid="10.00")

    result = services.collection_tasks_refresh(today=TODAY())

    task = CollectionTask.objects.get(invoice=overdue)
    assert task.assignee == person("rep_east")  # the distributor's rep, not the invoice's salesperson
    assert task.region == overdue.region
    assert task.status == CollectionStatus.OPEN
    assert not CollectionTask.objects.filter(invoice__in=[due_today, not_due, paid]).exists()
    assert result["created"] >= 1
    again = services.collection_tasks_refresh(today=TODAY())
    assert again["created"] == 0  # one task per invoice, whatever the number of runs
    assert CollectionTask.objects.filter(invoice=overdue).count() == 1


def test_without_a_rep_the_task_goes_to_the_invoices_salesperson():
    dealer = new_distributor(rep=None)
    invoice = new_invoice(distributor=dealer, salesperson="manager_east")
    customer = Customer.objects.filter(region__code="east").first()
    direct = new_invoice(customer=customer, salesperson="rep_east")
    assert task_for(invoice).assignee == person("manager_east")
    assert task_for(direct).assignee == person("rep_east")


def test_a_broken_promise_is_escalated_to_the_regions_manager_with_a_notification():
    task = east_task(amount="500.00")
    services.collection_promise(
        actor=person("rep_east"), task=task, promised_on=TODAY(), promised_amount=Decimal("500.00")
    )
    # On the promised day the promise still stands.
    services.collection_tasks_refresh(today=TODAY())
    task.refresh_from_db()
    assert task.status == CollectionStatus.PROMISED

    result = services.collection_tasks_refresh(today=TODAY() + timedelta(days=1))

    task.refresh_from_db()
    assert result["escalated"] >= 1
    assert task.status == CollectionStatus.ESCALATED
    assert task.escalated_to == person("manager_east")
    assert Notification.objects.filter(
        user=person("manager_east"), text__contains=task.invoice.number
    ).exists()
    # Escalated once, not every day after.
    services.collection_tasks_refresh(today=TODAY() + timedelta(days=2))
    assert (
        Notification.objects.filter(user=person("manager_east"), text__contains=task.invoice.number).count()
        == 1
    )
    # The manager now follows the task up.
    services.collection_note_add(actor=person("manager_east"), task=task, text="已致电总经理")


def test_a_kept_promise_is_not_escalated():
    task = east_task(amount="300.00")
    services.collection_promise(
        actor=person("rep_east"), task=task, promised_on=TODAY(), promised_amount=Decimal("300.00")
    )
    services.payment_record(
        actor=person("finance"),
        received_on=TODAY(),
        amount=Decimal("300.00"),
        distributor=task.invoice.distributor,
    )
    services.collection_tasks_refresh(today=TODAY() + timedelta(days=1))
    task.refresh_from_db()
    assert task.status == CollectionStatus.CLOSED
    assert task.escalated_to is None


def test_the_command_runs_the_refresh_and_says_what_it_did():
    invoice = new_invoice(distributor=new_distributor())
    out = io.StringIO()
    call_command("refresh_collections", date=TODAY().isoformat(), verbosity=2, stdout=out)
    assert CollectionTask.objects.filter(invoice=invoice, assignee=person("rep_east")).exists()
    text = out.getvalue()
    assert invoice.number in text
    assert TODAY().isoformat() in text
    out = io.StringIO()
    call_command("refresh_collections", verbosity=2, stdout=out)  # nothing new for it today
    assert invoice.number not in out.getvalue()
    assert CollectionTask.objects.filter(invoice=invoice).count() == 1


# --- promises and notes (services) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "days, amount, field",
    [
        (-1, "100.00", "promised_on"),  # yesterday
        (3, "1000.01", "promised_amount"),  # more than is open
        (3, "0.00", "promised_amount"),
        (3, "-5.00", "promised_amount"),
    ],
)
def test_a_bad_promise_is_refused_naming_the_field(days, amount, field):
    task = east_task(amount="1000.00")
    with pytest.raises(ValidationError) as refused:
        services.collection_promise(
            actor=person("rep_east"),
            task=task,
            promised_on=TODAY() + timedelta(days=days),
            promised_amount=Decimal(amount),
        )
    assert field in refused.value.message_dict
    task.refresh_from_db()
    assert task.status == CollectionStatus.OPEN
    assert task.promised_on is None
    assert not task.notes.exists()


def test_the_promise_may_be_up_to_the_open_amount_after_a_partial_payment():
    task = east_task(amount="1000.00", paid="400.00")
    with pytest.raises(ValidationError) as refused:
        services.collection_promise(
            actor=person("rep_east"), task=task, promised_on=TODAY(), promised_amount=Decimal("600.01")
        )
    assert "promised_amount" in refused.value.message_dict
    services.collection_promise(
        actor=person("rep_east"), task=task, promised_on=TODAY(), promised_amount=Decimal("600.00")
    )
    task.refresh_from_db()
    assert (task.status, task.promised_amount) == (CollectionStatus.PROMISED, Decimal("600.00"))
    assert task.notes.count() == 1  # the promise is in the contact log


def test_only_the_assignee_the_regions_manager_and_finance_act_on_a_task():
    task = east_task()
    for username in ("rep_east", "manager_east", "finance"):
        services.collection_note_add(actor=person(username), task=task, text=f"{username} 联系了客户")
    for username in ("director", "rep_north", "manager_north", "warehouse"):
        with pytest.raises(PermissionDenied):
            services.collection_note_add(actor=person(username), task=task, text="不该记录")
    assert task.notes.count() == 3


def test_an_empty_note_is_refused():
    task = east_task()
    with pytest.raises(ValidationError) as refused:
        services.collection_note_add(actor=person("rep_east"), task=task, text="   ")
    assert "text" in refused.value.message_dict


# --- payments -----------------------------------------------------------------------------------------


def test_a_payment_that_closes_the_invoice_closes_the_task():
    task = east_task(amount="800.00", paid="300.00")
    invoice = task.invoice
    services.payment_record(
        actor=person("finance"),
        received_on=TODAY(),
        amount=Decimal("200.00"),
        distributor=invoice.distributor,
        invoices=[invoice],
    )
    task.refresh_from_db()
    assert task.status == CollectionStatus.OPEN  # 300.00 still open
    services.payment_record(
        actor=person("finance"),
        received_on=TODAY(),
        amount=Decimal("300.00"),
        distributor=invoice.distributor,
        invoices=[invoice],
    )
    task.refresh_from_db()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert task.status == CollectionStatus.CLOSED
    with pytest.raises(ValidationError) as refused:  # nothing more to promise
        services.collection_promise(
            actor=person("rep_east"), task=task, promised_on=TODAY(), promised_amount=Decimal("1.00")
        )
    assert "status" in refused.value.message_dict


def test_a_payment_larger_than_the_open_amount_is_refused_and_nothing_changes():
    task = east_task(amount="800.00", paid="300.00")
    invoice = task.invoice
    payments = Payment.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.payment_record(
            actor=person("finance"),
            received_on=TODAY(),
            amount=Decimal("500.01"),
            distributor=invoice.distributor,
            invoices=[invoice],
        )
    assert "amount" in refused.value.message_dict
    invoice.refresh_from_db()
    task.refresh_from_db()
    assert (invoice.paid_amount, invoice.status) == (Decimal("300.00"), InvoiceStatus.OPEN)
    assert task.status == CollectionStatus.OPEN
    assert Payment.objects.count() == payments


def test_only_finance_records_payments():
    task = east_task()
    with pytest.raises(PermissionDenied):
        services.payment_record(
            actor=person("rep_east"),
            received_on=TODAY(),
            amount=Decimal("1.00"),
            distributor=task.invoice.distributor,
        )


# --- pages --------------------------------------------------------------------------------------------


def listed(client, **query) -> str:
    """The task list's rows, among the tasks these tests made (the demo has its own)."""
    return client.get(reverse("sales:collection_task_list"), {"q": "T-COL-FP", **query}).content.decode()


def test_reps_list_only_their_regions_tasks(client_as):
    east, north = east_task(), north_task()
    html = listed(client_as("rep_east"))
    assert east.invoice.number in html
    assert north.invoice.number not in html
    html = listed(client_as("director"))
    assert east.invoice.number in html and north.invoice.number in html


def test_the_list_filters_by_status_and_region_and_searches_buyers(client_as):
    east, north = east_task(), north_task()
    services.collection_promise(
        actor=person("rep_east"), task=east, promised_on=TODAY(), promised_amount=Decimal("10.00")
    )
    client = client_as("director")
    promised = listed(client, status="promised")
    assert east.invoice.number in promised and north.invoice.number not in promised
    in_north = listed(client, region="north")
    assert north.invoice.number in in_north and east.invoice.number not in in_north
    url = reverse("sales:collection_task_list")
    by_name = client.get(url, {"q": north.invoice.distributor.name}).content.decode()
    assert north.invoice.number in by_name and east.invoice.number not in by_name


def test_the_list_exports_what_the_user_sees(client_as):
    east, north = east_task(), north_task()
    response = client_as("rep_east").get(reverse("sales:collection_task_list"), {"export": "xlsx"})
    assert response["Content-Type"] == XLSX_MIME
    _, rows = read_xlsx(response.content)
    numbers = {row[0] for row in rows}
    assert east.invoice.number in numbers
    assert north.invoice.number not in numbers


def test_the_list_costs_the_same_queries_for_3_and_30_tasks(client_as):
    def measure():
        client = client_as("director")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("sales:collection_task_list"))
        assert response.status_code == 200
        return len(captured)

    dealer = new_distributor()
    for _ in range(3):
        new_invoice(distributor=dealer)
    services.collection_tasks_refresh(today=TODAY())
    small = measure()
    for _ in range(27):
        new_invoice(distributor=new_distributor())
    services.collection_tasks_refresh(today=TODAY())
    assert measure() == small


def test_the_task_page_shows_the_invoice_the_log_and_the_state(client_as):
    task = east_task(amount="1234.50", paid="234.50", days_overdue=45)
    services.collection_note_add(actor=person("rep_east"), task=task, text="客户说月底付款")
    html = client_as("rep_east").get(detail(task)).content.decode()
    assert task.invoice.distributor.name in html
    assert "1,234.50" in html and "1,000.00" in html  # amount, open amount
    assert task.invoice.due_date.isoformat() in html
    assert "data-days-overdue>45<" in html
    assert "客户说月底付款" in html
    assert 'name="form" value="note"' in html and 'name="form" value="promise"' in html


def test_contacts_and_promises_are_recorded_from_the_task_page(client_as):
    task = east_task(amount="900.00")
    client = client_as("rep_east")
    response = client.post(detail(task), {"form": "note", "note-text": "电话联系财务王经理"})
    assert response.status_code == 302
    assert task.notes.filter(text="电话联系财务王经理", author=person("rep_east")).exists()
    day = TODAY() + timedelta(days=5)
    response = client.post(
        detail(task),
        {"form": "promise", "promise-promised_on": day.isoformat(), "promise-promised_amount": "900.00"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.promised_on, task.promised_amount) == (
        CollectionStatus.PROMISED,
        day,
        Decimal("900.00"),
    )


@pytest.mark.parametrize(
    "days, amount, field",
    [(-1, "100.00", "promised_on"), (3, "900.01", "promised_amount")],
)
def test_a_bad_promise_on_the_page_is_shown_on_its_field(client_as, days, amount, field):
    task = east_task(amount="900.00")
    response = client_as("rep_east").post(
        detail(task),
        {
            "form": "promise",
            "promise-promised_on": (TODAY() + timedelta(days=days)).isoformat(),
            "promise-promised_amount": amount,
        },
    )
    assert response.status_code == 400
    assert f'data-error-for="{field}"' in response.content.decode()
    task.refresh_from_db()
    assert task.status == CollectionStatus.OPEN


def test_who_may_not_act_sees_no_forms_and_is_refused(client_as):
    task = east_task()
    client = client_as("director")
    html = client.get(detail(task)).content.decode()
    assert 'name="form" value="note"' not in html
    assert client.post(detail(task), {"form": "note", "note-text": "x"}).status_code == 403
    assert not task.notes.exists()


def test_a_north_rep_can_neither_see_nor_act_on_an_east_task(client_as):
    task = east_task()
    client = client_as("rep_north")
    assert client.get(detail(task)).status_code == 404
    assert client.post(detail(task), {"form": "note", "note-text": "越权"}).status_code == 404
    day = TODAY().isoformat()
    response = client.post(
        detail(task), {"form": "promise", "promise-promised_on": day, "promise-promised_amount": "1.00"}
    )
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == CollectionStatus.OPEN and not task.notes.exists()


@pytest.mark.parametrize("username, status", [("dist_e01", 403), ("nobody", 403)])
def test_portal_users_and_users_without_a_role_are_refused(client_as, username, status):
    task = east_task()
    client = client_as(username)
    assert client.get(reverse("sales:collection_task_list")).status_code == status
    assert client.get(detail(task)).status_code == status


def test_a_paid_invoice_shows_a_closed_task_without_the_promise_form(client_as):
    task = east_task(amount="50.00")
    services.payment_record(
        actor=person("finance"),
        received_on=TODAY(),
        amount=Decimal("50.00"),
        distributor=task.invoice.distributor,
    )
    html = client_as("rep_east").get(detail(task)).content.decode()
    assert 'data-status="closed"' in html
    assert 'name="form" value="promise"' not in html


# --- API ----------------------------------------------------------------------------------------------


def test_the_api_lists_and_reads_only_visible_tasks(api_as):
    east, north = east_task(amount="700.00", paid="100.00"), north_task()
    body = api_as("rep_east").get(API_BASE, {"page_size": 500}).json()
    ids = {row["id"] for row in body["results"]}
    assert east.pk in ids and north.pk not in ids
    row = next(r for r in body["results"] if r["id"] == east.pk)
    assert row["invoice"] == east.invoice.number
    assert row["open_amount"] == "600.00"
    assert row["status"] == "open" and row["status_display"]
    assert row["assignee"] == "rep_east"
    assert row["days_overdue"] == 10
    assert api_as("rep_north").get(f"{API_BASE}{east.pk}/").status_code == 404
    read = api_as("manager_east").get(f"{API_BASE}{east.pk}/").json()
    assert read["notes"] == []


def test_the_api_logs_contacts_and_records_promises(api_as):
    task = east_task(amount="400.00")
    client = api_as("rep_east")
    created = client.post(f"{API_BASE}{task.pk}/notes/", {"text": "上门拜访"}, format="json")
    assert created.status_code == 201
    assert created.json()["author"] == "rep_east"
    assert client.get(f"{API_BASE}{task.pk}/notes/").json()[0]["text"] == "上门拜访"
    day = (TODAY() + timedelta(days=3)).isoformat()
    promised = client.post(
        f"{API_BASE}{task.pk}/promise/", {"promised_on": day, "promised_amount": "400.00"}, format="json"
    )
    assert promised.status_code == 200
    body = promised.json()
    assert (body["status"], body["promised_on"], body["promised_amount"]) == ("promised", day, "400.00")
    assert len(body["notes"]) == 2


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"promised_on": "2000-01-01", "promised_amount": "1.00"}, "promised_on"),
        ({"promised_amount": "400.01"}, "promised_amount"),
        ({"promised_amount": "abc"}, "promised_amount"),
        ({"promised_on": "tomorrow", "promised_amount": "1.00"}, "promised_on"),
    ],
)
def test_the_api_refuses_a_bad_promise_with_the_field(api_as, payload, field):
    task = east_task(amount="400.00")
    payload = {"promised_on": TODAY().isoformat(), **payload}
    response = api_as("rep_east").post(f"{API_BASE}{task.pk}/promise/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]
    task.refresh_from_db()
    assert task.status == CollectionStatus.OPEN


def test_the_api_answers_403_404_and_400_per_the_house_conventions(api_as, api_client):
    task = east_task()
    note = {"text": "越权"}
    assert api_as("rep_north").post(f"{API_BASE}{task.pk}/notes/", note, format="json").status_code == 404
    promise = {"promised_on": TODAY().isoformat(), "promised_amount": "1.00"}
    assert (
        api_as("rep_north").post(f"{API_BASE}{task.pk}/promise/", promise, format="json").status_code == 404
    )
    refused = api_as("director").post(f"{API_BASE}{task.pk}/notes/", note, format="json")
    assert refused.status_code == 403
    assert set(refused.json()) == {"code", "detail"}
    empty = api_as("rep_east").post(f"{API_BASE}{task.pk}/notes/", {"text": " "}, format="json")
    assert empty.status_code == 400 and "text" in empty.json()["fields"]
    assert api_as("nobody").get(API_BASE).status_code == 403
    assert api_as("dist_e01").get(API_BASE).status_code == 403
    assert api_client.get(API_BASE).status_code in (401, 403)
    assert api_as("rep_east").put(f"{API_BASE}{task.pk}/", {}, format="json").status_code == 405
    assert not CollectionNote.objects.filter(task=task).exists()


def test_the_api_filters_by_status_region_and_mine_and_searches(api_as):
    east, north = east_task(), north_task()

    def ids(username="director", **query):
        body = api_as(username).get(API_BASE, {"page_size": 500, **query}).json()
        return {row["id"] for row in body["results"]}

    assert north.pk in ids(region="north") and east.pk not in ids(region="north")
    services.collection_promise(
        actor=person("rep_east"), task=east, promised_on=TODAY(), promised_amount=Decimal("1.00")
    )
    assert east.pk in ids(status="promised") and north.pk not in ids(status="promised")
    assert east.pk in ids("rep_east", mine="true")
    assert east.pk not in ids("rep_east", mine="false")
    assert east.pk not in ids(mine="true")  # the director is nobody's collector
    assert ids(q=east.invoice.number) == {east.pk}
    assert east.pk in ids(q=east.invoice.distributor.name)


def test_the_api_list_costs_the_same_queries_for_3_and_30_tasks(api_as):
    def measure():
        client = api_as("director")
        with CaptureQueriesContext(connection) as captured:
            body = client.get(API_BASE, {"page_size": 500}).json()
        return len(captured), body["count"]

    for _ in range(3):
        new_invoice(distributor=new_distributor())
    services.collection_tasks_refresh(today=TODAY())
    small, small_count = measure()
    for _ in range(27):
        new_invoice(distributor=new_distributor())
    services.collection_tasks_refresh(today=TODAY())
    large, large_count = measure()
    assert large_count == small_count + 27
    assert small == large


def test_the_schema_documents_the_endpoints(api_as):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    assert "/api/v1/receivables/aging/" in paths
    assert "post" in paths["/api/v1/collection-tasks/{id}/promise/"]
    assert {"get", "post"} <= set(paths["/api/v1/collection-tasks/{id}/notes/"])
    group_by = next(
        p for p in paths["/api/v1/receivables/aging/"]["get"]["parameters"] if p["name"] == "group_by"
    )
    assert set(group_by["schema"]["enum"]) == {"region", "salesperson", "distributor"}
