"""Transfer pages: detail with timeline, flowchart and exactly the user's buttons; steps from the page;
PDF and Excel; the shortfall page; north's users can't reach east's requests through any page; and the
whole story of the issue's "Done when", in the pages."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yingxiao.core.excel import XLSX_MIME
from yingxiao.core.testing import read_xlsx
from yingxiao.inventory.models import StockCheck, TransferRequest
from yingxiao.inventory.selectors import shortfalls_for
from yingxiao.inventory.views import TransferList
from yingxiao.inventory.workflow import TRANSFER_FLOW
from yingxiao.org.models import Warehouse
from yingxiao.workflow.selectors import available_steps

from .helpers import events, level, new_transfer, person, snapshot, stocked_products, transfer_in

pytestmark = pytest.mark.django_db

NORTH_USERS = ["rep_north", "manager_north"]


def detail(document):
    return reverse("inventory:transfer_detail", args=[document.pk])


def step_url(document, action):
    return reverse("workflow:step", args=["transfer", document.pk, action])


def buttons(html: str) -> set[str]:
    return set(re.findall(r'data-bs-target="#step-([a-z_]+)"', html))


def message_levels(response) -> list[str]:
    """The messages shown on the page a step redirected to."""
    return [m.level_tag for m in response.context["messages"]]


def chart(html: str) -> str:
    found = re.search(r'<pre class="mermaid[^"]*">(.*?)</pre>', html, re.S)
    assert found, "no Mermaid flowchart on the page"
    return found.group(1)


# --- the document page ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state, expected",
    [
        ("draft", {"rep_east": {"submit", "withdraw"}, "manager_east": set(), "director": set()}),
        (
            "manager_review",
            {"rep_east": {"withdraw"}, "manager_east": {"approve", "reject"}, "director": set()},
        ),
        ("hq_review", {"rep_east": {"withdraw"}, "manager_east": set(), "director": {"approve", "reject"}}),
        ("at_warehouse", {"rep_east": set(), "warehouse": {"ship"}, "director": set()}),
        ("received", {"rep_east": set(), "warehouse": set(), "director": set()}),
    ],
)
def test_the_buttons_are_exactly_the_users_available_steps(client_as, state, expected):
    document = transfer_in(state)
    for username, actions in expected.items():
        response = client_as(username).get(detail(document))
        assert response.status_code == 200
        shown = buttons(response.content.decode())
        assert shown == actions, username
        assert shown == {s.action for s in available_steps(TRANSFER_FLOW, document, person(username))}


def test_the_detail_page_has_the_timeline_and_the_flowchart_with_the_current_state_lit(client_as):
    document = transfer_in("hq_review")
    html = client_as("director").get(detail(document)).content.decode()
    assert document.number in html
    for user in ("rep_east", "manager_east"):
        assert person(user).display_name in html  # who acted, in the timeline
    assert html.count('class="timeline-event"') == len(events(document)) == 3
    mermaid = chart(html)
    assert mermaid.lstrip().startswith("flowchart LR")
    assert re.search(r"^\s*class hq_review current\s*$", mermaid, re.M)
    assert re.search(r"^\s*class draft,manager_review visited\s*$", mermaid, re.M)  # the path taken
    assert mermaid.count("linkStyle") == 2  # two transitions taken, drawn thick
    assert "mermaid.min.js" in html and "cdn" not in html.lower()  # served locally (intranet)


def test_the_approval_dialog_offers_a_cut_per_line_and_a_confirmation_for_rejections(client_as):
    document = transfer_in("manager_review")
    html = client_as("manager_east").get(detail(document)).content.decode()
    for line in document.lines.all():
        assert f'name="approve-qty_{line.pk}"' in html
        assert f'max="{line.quantity}"' in html
    reject_dialog = html[html.index('id="step-reject"') :]
    assert (
        'name="comment"' in reject_dialog
        and "required" in reject_dialog[: reject_dialog.index("</textarea>")]
    )
    assert 'class="alert alert-warning"' in reject_dialog


def test_a_step_from_the_page_with_a_cut(client_as):
    document = transfer_in("manager_review")
    line = document.lines.first()
    client = client_as("manager_east")
    response = client.post(
        step_url(document, "approve"),
        {"version": document.version, "comment": "同意", f"approve-qty_{line.pk}": line.quantity - 1},
    )
    assert response.status_code == 302 and response.url == detail(document)
    document.refresh_from_db()
    assert document.status == "hq_review"
    line.refresh_from_db()
    assert line.approved_quantity == line.quantity - 1
    assert events(document)[-1].comment == "同意"


def test_a_refused_step_from_the_page_shows_why_and_changes_nothing(client_as):
    document = transfer_in("manager_review")
    before = snapshot(document)
    client = client_as("manager_east")
    # stale version (someone else acted on the page meanwhile)
    response = client.post(step_url(document, "approve"), {"version": document.version - 1}, follow=True)
    assert response.redirect_chain == [(detail(document), 302)]
    assert message_levels(response) == ["error"]
    # reject without a reason
    response = client.post(
        step_url(document, "reject"), {"version": document.version, "comment": ""}, follow=True
    )
    assert message_levels(response) == ["error"]
    # somebody else's step
    client_as("director").post(step_url(document, "approve"), {"version": document.version})
    assert snapshot(document) == before


def test_a_malformed_version_from_the_page_is_refused_not_a_server_error(client_as):
    document = transfer_in("manager_review")
    client = client_as("manager_east")
    client.raise_request_exception = False
    response = client.post(step_url(document, "approve"), {"version": "abc"})
    assert response.status_code in (302, 400)
    assert snapshot(document)[0] == "manager_review"


def test_a_get_on_a_step_url_changes_nothing(client_as):
    document = new_transfer()
    response = client_as("rep_east").get(step_url(document, "submit"))
    assert response.status_code == 405
    assert snapshot(document)[0] == "draft"


def test_the_pdf(client_as):
    document = transfer_in("at_warehouse")
    response = client_as("rep_east").get(reverse("inventory:transfer_pdf", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert document.number in response["Content-Disposition"]


def test_the_excel_export_lists_what_the_user_sees(client_as):
    east_request = transfer_in("manager_review")
    response = client_as("manager_north").get(reverse("inventory:transfer_list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(XLSX_MIME)
    header, rows = read_xlsx(response.content)
    numbers = {row[0] for row in rows}
    status_column = [row[header.index(str(TransferList.columns[1].label))] for row in rows]
    codes = {value for value, _label in TRANSFER_FLOW.states.choices}
    assert status_column and not set(status_column) & codes  # status labels, not codes
    assert numbers == set(
        TransferRequest.objects.filter(region__code="north").values_list("number", flat=True)
    )
    assert east_request.number not in numbers
    response = client_as("director").get(reverse("inventory:transfer_list"), {"export": "xlsx"})
    assert {row[0] for row in read_xlsx(response.content)[1]} == set(
        TransferRequest.objects.values_list("number", flat=True)
    )


def test_the_list_filters_by_status(client_as):
    waiting = transfer_in("manager_review")
    draft = new_transfer()
    html = (
        client_as("manager_east")
        .get(reverse("inventory:transfer_list"), {"status": "manager_review"})
        .content
    )
    assert waiting.number.encode() in html and draft.number.encode() not in html


def test_the_create_page_drafts_a_request(client_as):
    [a] = stocked_products("WH-HQ1", 1)
    client = client_as("rep_east")
    assert client.get(reverse("inventory:transfer_create")).status_code == 200
    response = client.post(
        reverse("inventory:transfer_create"),
        {
            "source_warehouse": level(a, "WH-HQ1").warehouse_id,
            "destination_warehouse": level(a, "WH-E").warehouse_id,
            "wanted_by": (timezone.localdate() + timezone.timedelta(days=5)).isoformat(),
            "note": "页面",
            "lines-TOTAL_FORMS": "3",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": a.pk,
            "lines-0-quantity": "8",
            "lines-0-reason": "缺货",
        },
    )
    assert response.status_code == 302
    created = TransferRequest.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    assert (created.status, created.created_by.username, created.region.code) == ("draft", "rep_east", "east")
    assert [(ln.product, ln.quantity) for ln in created.lines.all()] == [(a, 8)]


def test_the_create_page_refuses_the_same_warehouse_twice(client_as):
    [a] = stocked_products("WH-E", 1)
    count = TransferRequest.objects.count()
    wh_e = level(a, "WH-E").warehouse_id
    response = client_as("rep_east").post(
        reverse("inventory:transfer_create"),
        {
            "source_warehouse": wh_e,
            "destination_warehouse": wh_e,
            "wanted_by": "2099-01-01",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": a.pk,
            "lines-0-quantity": "1",
        },
    )
    assert response.status_code == 400
    assert TransferRequest.objects.count() == count


# --- north's users can't reach east's requests through any page ----------------------------------------


@pytest.mark.parametrize("username", NORTH_USERS)
def test_north_cannot_see_or_act_on_easts_requests_through_pages(client_as, username):
    document = transfer_in("manager_review")
    before = snapshot(document)
    client = client_as(username)
    listing = client.get(reverse("inventory:transfer_list")).content.decode()
    assert document.number not in listing
    searched = client.get(reverse("inventory:transfer_list"), {"q": document.number})
    assert searched.context["rows"] == []
    assert client.get(reverse("inventory:transfer_list"), {"region": "east"}).context["rows"] == []
    assert client.get(detail(document)).status_code == 404
    assert client.get(reverse("inventory:transfer_pdf", args=[document.pk])).status_code == 404
    assert client.get(reverse("inventory:transfer_edit", args=[document.pk])).status_code == 404
    for action in ("approve", "reject", "withdraw"):
        response = client.post(step_url(document, action), {"version": document.version, "comment": "x"})
        assert response.status_code == 404, action
    assert (
        client.post(reverse("workflow:comment", args=["transfer", document.pk]), {"text": "x"}).status_code
        == 404
    )
    assert document.number not in client.get(reverse("workflow:inbox")).content.decode()
    assert snapshot(document) == before


def test_a_portal_user_gets_no_transfer_pages(client_as):
    document = transfer_in("manager_review")
    client = client_as("dist_e01")
    assert client.get(reverse("inventory:transfer_list")).status_code == 403
    assert client.get(detail(document)).status_code in (403, 404)
    assert client.get(reverse("inventory:shortfalls")).status_code == 403


# --- the shortfall page ----------------------------------------------------------------------------------


def test_the_shortfall_page_shows_only_the_users_region(client_as):
    html = client_as("rep_east").get(reverse("inventory:shortfalls")).content.decode()
    assert "华东区域仓" in html
    for other in ("华北区域仓", "华南区域仓", "西南区域仓"):
        assert other not in html
    rows = shortfalls_for(person("rep_east"))
    assert html.count('name="level"') == len(rows) > 0


def test_posting_shortfalls_creates_a_prefilled_draft(client_as):
    rows = shortfalls_for(person("rep_east"))[:2]
    hq1 = level(rows[0].level.product, "WH-HQ1").warehouse
    response = client_as("rep_east").post(
        reverse("inventory:shortfalls"), {"level": [r.level.pk for r in rows], "source": hq1.pk}
    )
    assert response.status_code == 302
    created = TransferRequest.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    assert (created.status, created.created_by.username) == ("draft", "rep_east")
    assert (created.source_warehouse.code, created.destination_warehouse.code) == ("WH-HQ1", "WH-E")
    assert {(ln.product_id, ln.quantity) for ln in created.lines.all()} == {
        (r.level.product_id, r.suggested) for r in rows
    }
    # asked once: those products are no longer short
    left = {s.level.pk for s in shortfalls_for(person("rep_east"))}
    assert not left & {r.level.pk for r in rows}


def test_posting_another_regions_shortfall_creates_nothing(client_as):
    north_row = shortfalls_for(person("rep_north"))[0]
    hq1 = level(north_row.level.product, "WH-HQ1").warehouse
    count = TransferRequest.objects.count()
    response = client_as("rep_east").post(
        reverse("inventory:shortfalls"), {"level": [north_row.level.pk], "source": hq1.pk}
    )
    assert response.status_code == 302 and response.url == reverse("inventory:shortfalls")
    assert TransferRequest.objects.count() == count


def test_only_regional_staff_raise_requests_from_shortfalls(client_as):
    row = shortfalls_for(person("director"))[0]
    count = TransferRequest.objects.count()
    response = client_as("director").post(reverse("inventory:shortfalls"), {"level": [row.level.pk]})
    assert response.status_code == 403
    assert TransferRequest.objects.count() == count


# --- the story of the issue, in the pages ----------------------------------------------------------------


def test_done_when_in_the_pages(client_as, django_capture_on_commit_callbacks):
    """rep_east sees a shortfall, raises a request, and it goes through manager_east, director and warehouse
    to received stock, with the flowchart and the timeline showing every step."""
    rep = client_as("rep_east")
    row = shortfalls_for(person("rep_east"))[0]
    assert row.level.product.code in rep.get(reverse("inventory:shortfalls")).content.decode()
    hq1 = level(row.level.product, "WH-HQ1").warehouse
    response = rep.post(reverse("inventory:shortfalls"), {"level": [row.level.pk], "source": hq1.pk})
    document = TransferRequest.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    before_dest = level(row.level.product, "WH-E").on_hand
    before_src = level(row.level.product, "WH-HQ1").on_hand

    def act(username, action, **extra):
        document.refresh_from_db()
        client = client_as(username)
        assert action in buttons(client.get(detail(document)).content.decode())
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                step_url(document, action), {"version": document.version, **extra}, follow=True
            )
        assert message_levels(response) == ["success"], action

    act("rep_east", "submit")
    act("manager_east", "approve", comment="同意")
    act("director", "approve", comment="总部同意")
    act("warehouse", "ship")
    act("warehouse", "receive")
    document.refresh_from_db()
    assert document.status == "received"
    assert level(row.level.product, "WH-E").on_hand == before_dest + row.suggested
    assert level(row.level.product, "WH-HQ1").on_hand == before_src - row.suggested
    html = rep.get(detail(document)).content.decode()
    assert html.count('class="timeline-event"') == 6
    mermaid = chart(html)
    assert re.search(r"^\s*class received current\s*$", mermaid, re.M)
    assert mermaid.count("linkStyle") == 5
    assert buttons(html) == set()
    assert not StockCheck.objects.filter(
        created_by=person("rep_east"), created_at__gte=document.created_at
    ).exists()


def test_the_list_page_costs_the_same_queries_for_3_and_30_requests(client_as):
    products = stocked_products("WH-HQ1", 2)

    def measure():
        client = client_as("manager_east")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("inventory:transfer_list"))
        return len(captured), len(response.context["rows"])

    for _ in range(3):
        new_transfer(products=products, quantity=1)
    small, small_rows = measure()
    for _ in range(27):
        new_transfer(products=products, quantity=1)
    large, large_rows = measure()
    assert large_rows > small_rows
    assert small == large


# --- the quarantine warehouse (returned goods, not for sale) ---------------------------------------------


def test_the_quarantine_warehouse_is_offered_neither_as_source_nor_on_the_shortfall_page(client_as):
    quarantine = Warehouse.objects.get(code="WH-QC")
    client = client_as("rep_east")
    form = client.get(reverse("inventory:transfer_create")).context["form"]
    sources = set(form.fields["source_warehouse"].queryset.values_list("code", flat=True))
    assert "WH-HQ1" in sources and "WH-QC" not in sources
    assert "WH-QC" not in set(form.fields["destination_warehouse"].queryset.values_list("code", flat=True))
    [a] = stocked_products("WH-E", 1)
    count = TransferRequest.objects.count()
    response = client.post(
        reverse("inventory:transfer_create"),
        {
            "source_warehouse": quarantine.pk,
            "destination_warehouse": level(a, "WH-E").warehouse_id,
            "wanted_by": "2099-01-01",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": a.pk,
            "lines-0-quantity": "1",
        },
    )
    assert response.status_code == 400 and "source_warehouse" in response.context["form"].errors
    shortfalls = client.get(reverse("inventory:shortfalls"))
    assert quarantine.name not in shortfalls.content.decode()
    assert "WH-QC" not in {w.code for w in shortfalls.context["sources"]}
    rows = shortfalls_for(person("rep_east"))[:1]
    posted = client.post(
        reverse("inventory:shortfalls"), {"level": [rows[0].level.pk], "source": quarantine.pk}
    )
    assert posted.status_code == 302 and posted.url == reverse("inventory:shortfalls")
    assert TransferRequest.objects.count() == count
