"""After-sales pages: lists, documents and forms open for the roles that touch them (403 for others, 404
for documents out of scope); a case is filed through the two-step form; steps from the page; PDFs; the
overdue highlight; the quality report with its charts' data and Excel export."""

import re

import pytest
from django.urls import reverse

from yingxiao.aftersales.models import ExchangeCase, ReturnCase
from yingxiao.aftersales.workflow import RETURN_FLOW
from yingxiao.core.excel import XLSX_MIME
from yingxiao.core.testing import read_xlsx
from yingxiao.workflow.selectors import available_steps

from .helpers import case_in, delivered_line, ledger_row, new_case, new_ticket, person, take

pytestmark = pytest.mark.django_db

LISTS = ["aftersales:exchange_list", "aftersales:return_list", "aftersales:ticket_list"]
READERS = [
    "rep_east",
    "manager_east",
    "market_manager",
    "quality",
    "director",
    "warehouse",
    "finance",
    "service",
    "tech",
    "dist_e01",
]


@pytest.mark.parametrize("username", READERS)
def test_lists_open_for_every_role_that_touches_after_sales(client_as, username):
    client = client_as(username)
    for name in LISTS:
        assert client.get(reverse(name)).status_code == 200


def test_nobody_without_a_role_gets_403(client_as):
    client = client_as("nobody")
    for name in [*LISTS, "aftersales:quality_report", "aftersales:exchange_create"]:
        assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    "username, status",
    [
        ("rep_east", 200),
        ("manager_east", 200),
        ("quality", 200),
        ("director", 200),
        ("dist_e01", 200),
        ("rep_north", 404),
    ],
)
def test_document_pages_and_pdfs_follow_the_scope(client_as, username, status):
    exchange, refund = case_in("exchange", "received"), case_in("return", "refunded")
    client = client_as(username)
    for url in [
        reverse("aftersales:exchange_detail", args=[exchange.pk]),
        reverse("aftersales:return_detail", args=[refund.pk]),
    ]:
        assert client.get(url).status_code == status
    pdf = client.get(reverse("aftersales:return_pdf", args=[refund.pk]))
    assert pdf.status_code == status
    if status == 200:
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_creating_is_for_the_regions_filers(client_as):
    for name in ["aftersales:exchange_create", "aftersales:return_create"]:
        assert client_as("rep_east").get(reverse(name)).status_code == 200
        assert client_as("quality").get(reverse(name)).status_code == 403
        assert client_as("dist_e01").get(reverse(name)).status_code == 403
    assert client_as("dist_e01").get(reverse("aftersales:ticket_create")).status_code == 200
    assert client_as("finance").get(reverse("aftersales:ticket_create")).status_code == 403


def test_filing_a_return_through_the_form(client_as):
    row = ledger_row(quantity=5)
    client = client_as("rep_east")
    url = reverse("aftersales:return_create")
    page = client.get(url, {"distributor": row.distributor_id})
    assert page.status_code == 200 and f'name="qty_{row.pk}"' in page.content.decode()
    refused = client.post(
        url,
        {"distributor": row.distributor_id, "problem": "漏水", f"qty_{row.pk}": "6", f"batch_{row.pk}": "B1"},
    )
    assert refused.status_code == 400 and not ReturnCase.objects.filter(lines__sales_line=row).exists()
    saved = client.post(
        url,
        {"distributor": row.distributor_id, "problem": "漏水", f"qty_{row.pk}": "2", f"batch_{row.pk}": "B1"},
    )
    case = ReturnCase.objects.get(lines__sales_line=row)
    assert saved.status_code == 302 and saved["Location"] == reverse(
        "aftersales:return_detail", args=[case.pk]
    )
    assert (case.lines.get().quantity, case.lines.get().batch, case.problem) == (2, "B1", "漏水")
    edit = reverse("aftersales:return_edit", args=[case.pk])
    assert client.post(edit, {"problem": "漏水严重", f"qty_{row.pk}": "3"}).status_code == 302
    assert ReturnCase.objects.get(pk=case.pk).lines.get().quantity == 3
    assert client_as("manager_east").get(edit).status_code == 403


def test_the_document_page_shows_the_users_buttons_and_takes_steps(client_as):
    case = take(new_case("exchange"), "submit", "rep_east")
    detail = reverse("aftersales:exchange_detail", args=[case.pk])
    quality = client_as("quality").get(detail).content.decode()
    assert set(re.findall(r'data-bs-target="#step-([a-z_]+)"', quality)) == {"record_finding"}
    client_as("quality").post(
        reverse("workflow:step", args=["exchange", case.pk, "record_finding"]),
        {
            "version": case.version,
            "record_finding-is_quality_problem": "on",
            "record_finding-cause": "material",
        },
    )
    case.refresh_from_db()
    assert case.has_finding and case.is_quality_problem and case.cause == "material"
    html = client_as("market_manager").get(detail).content.decode()
    assert {"approve", "reject"} <= set(re.findall(r'data-bs-target="#step-([a-z_]+)"', html))


def test_overdue_tickets_are_highlighted(client_as):
    from datetime import timedelta

    from django.utils import timezone

    from yingxiao.aftersales.models import ServiceTicket

    ticket = new_ticket()
    ServiceTicket.objects.filter(pk=ticket.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    html = client_as("rep_east").get(reverse("aftersales:ticket_list"), {"q": ticket.number}).content.decode()
    assert "badge bg-red" in html
    detail = client_as("rep_east").get(reverse("aftersales:ticket_detail", args=[ticket.pk]))
    assert "alert-danger" in detail.content.decode()


def test_list_export(client_as):
    case = new_case("exchange")
    response = client_as("rep_east").get(reverse("aftersales:exchange_list"), {"export": "xlsx"})
    assert response["Content-Type"] == XLSX_MIME
    _headers, rows = read_xlsx(response.content)
    assert case.number in {row[0] for row in rows}


def test_quality_report_groups_findings_and_exports(client_as):
    case = case_in("exchange", "approved", quantity=3)
    response = client_as("quality").get(reverse("aftersales:quality_report"))
    assert response.status_code == 200
    tables = {t["key"]: t for t in response.context["tables"]}
    product = next(r for r in tables["product"]["rows"] if r["key"] == "F-402")
    assert product["exchange"] >= 1 and product["units"] >= 3
    assert any(r["key"] == "B-TEST-1" for r in tables["batch"]["rows"])
    assert set(response.context["charts"]) >= {"cause", "month", "product", "region", "labels"}
    export = client_as("quality").get(reverse("aftersales:quality_report"), {"export": "xlsx"})
    assert export["Content-Type"] == XLSX_MIME
    assert client_as("dist_e01").get(reverse("aftersales:quality_report")).status_code == 403
    # north sees only north's problems
    assert "华东" in {r["key"] for r in tables["region"]["rows"]}  # 上海片区 counts for 华东
    north = client_as("rep_north").get(reverse("aftersales:quality_report")).context["tables"]
    assert {r["key"] for r in next(t for t in north if t["key"] == "region")["rows"]} <= {"华北"}
    assert ExchangeCase.objects.filter(pk=case.pk).exists() and person("quality")


@pytest.mark.parametrize("paid", [False, True])
def test_finance_is_offered_refund_or_settling_without_one_as_the_money_says(client_as, paid):
    """A received return offers finance 退款 when something paid is refundable, else 未付款：不退款结案 —
    never a button whose guard can only refuse."""
    row = delivered_line(paid="129.00") if paid else delivered_line()  # invoiced; paid half, or nothing
    case = case_in("return", "received", row=row, quantity=1)
    html = client_as("finance").get(reverse("aftersales:return_detail", args=[case.pk])).content.decode()
    shown = set(re.findall(r'data-bs-target="#step-([a-z_]+)"', html))
    assert shown == ({"refund"} if paid else {"no_refund"})
    assert [s.action for s in available_steps(RETURN_FLOW, case, person("finance"))] == sorted(shown)


def test_a_refused_step_shows_the_fields_label_and_money_as_money(client_as):
    """The banner of a refused step names the form field by its label (金额, not `amount`), leaves out a
    guard's own key, and shows amounts as ¥1,234.56."""
    case = case_in("return", "received", row=delivered_line(paid="129.00"), quantity=2)
    client = client_as("finance")
    step = reverse("workflow:step", args=["return", case.pk, "refund"])
    response = client.post(step, {"version": case.version, "refund-amount": "5000"}, follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("金额: ") and "¥129.00" in message and "amount" not in message
    # a guard's own key (`refund`) is not a field of the step: only the message is shown
    response = client.post(
        reverse("workflow:step", args=["return", case.pk, "no_refund"]),
        {"version": case.version, "comment": "发票已红冲"},
        follow=True,
    )
    [message] = [str(m) for m in response.context["messages"]]
    assert "¥129.00" in message and "refund" not in message and ": " not in message


def test_the_ticket_list_shows_overdue_next_to_the_status_and_dates_one_way(client_as):
    from datetime import timedelta

    from django.utils import timezone

    from yingxiao.aftersales.choices import TicketStatus
    from yingxiao.aftersales.models import ServiceTicket

    late, on_time = new_ticket(), new_ticket()
    ServiceTicket.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    late.refresh_from_db()
    on_time.refresh_from_db()
    html = client_as("rep_east").get(reverse("aftersales:ticket_list")).content.decode()
    rows = {n: re.search(rf"{n}</a>.*?</tr>", html, re.S).group(0) for n in (late.number, on_time.number)}
    # the overdue badge is red and sits in the status cell, right after the number
    status_cell = re.findall(r"<td>(.*?)</td>", rows[late.number], re.S)[0]
    assert "badge bg-red" in status_cell and "bg-green" not in rows[late.number]
    assert "badge" not in rows[on_time.number]
    # one date format
    assert late.deadline.strftime("%Y-%m-%d") in rows[late.number]
    assert on_time.deadline.strftime("%Y-%m-%d") in rows[on_time.number] and "年" not in rows[on_time.number]
    # no product column (tickets seldom name one); the overdue filter says what it filters
    assert "<th>产品</th>" not in html and "<th>已逾期</th>" not in html
    select = re.search(r'<select name="overdue".*?</select>', html, re.S).group(0)
    assert 'aria-label="已逾期"' in select, select
    assert "已逾期: 全部" in html
    # 未结清 is an invoice's "Open", not a ticket's
    assert str(TicketStatus.OPEN.label) != "未结清"
    # the export still says which tickets are overdue
    _headers, export = read_xlsx(
        client_as("rep_east").get(reverse("aftersales:ticket_list"), {"export": "xlsx"}).content
    )
    assert {row[0]: row[-1] for row in export}[late.number] == "是"
