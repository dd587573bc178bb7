"""`/api/v1/transfer-requests/` and friends: create drafts (400 naming the field), steps through
`…/actions/{action}/` (200 / 409 / 403 / 404 / 400 as JSON), events, available_actions, and north's users
can neither see nor act on east's requests; plus the issue's walk-through by API."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yingxiao.inventory.models import TransferRequest
from yingxiao.inventory.selectors import shortfalls_for

from .helpers import level, new_transfer, person, snapshot, stocked_products, transfer_in

pytestmark = pytest.mark.django_db

BASE = "/api/v1/transfer-requests/"
WANTED = (timezone.localdate() + timedelta(days=7)).isoformat()


def url(document, suffix: str = "") -> str:
    return f"{BASE}{document.pk}/{suffix}"


def act(client, document, action, **body):
    return client.post(url(document, f"actions/{action}/"), body, format="json")


def payload(**overrides) -> dict:
    a, b = stocked_products("WH-HQ1", 2)
    body = {
        "source_warehouse": "WH-HQ1",
        "destination_warehouse": "WH-E",
        "wanted_by": WANTED,
        "note": "API",
        "lines": [{"product": a.code, "quantity": 5, "reason": "补货"}, {"product": b.code, "quantity": 2}],
    }
    body.update(overrides)
    return body


# --- create ---------------------------------------------------------------------------------------------


def test_post_creates_a_draft_for_the_reps_region(api_as):
    response = api_as("rep_east").post(BASE, payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["number"].startswith("DH-")
    assert body["region"] == "east"
    assert body["created_by"] == "rep_east"
    assert body["version"] == 1
    assert set(body["available_actions"]) == {"submit", "withdraw"}
    assert [(ln["quantity"], ln["approved_quantity"]) for ln in body["lines"]] == [(5, None), (2, None)]
    assert TransferRequest.objects.get(pk=body["id"]).created_by.username == "rep_east"


def test_server_owned_fields_are_ignored_on_create(api_as):
    response = api_as("rep_east").post(
        BASE, payload(status="received", region="north", version=99, order_number="CK-X"), format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["region"], body["version"], body["order_number"]) == ("draft", "east", 1, "")


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda b: b["lines"][0].update(quantity=0), "lines"),
        (lambda b: b["lines"][0].update(product="NO-SUCH-CODE"), "lines"),
        (lambda b: b.update(destination_warehouse="WH-HQ1"), "destination_warehouse"),
        (lambda b: b.update(lines=[]), "lines"),
        (lambda b: b.update(source_warehouse="WH-NOPE"), "source_warehouse"),
        (lambda b: b.update(wanted_by="tomorrow"), "wanted_by"),
    ],
    ids=["quantity-0", "unknown-product", "same-warehouse", "no-lines", "unknown-warehouse", "bad-date"],
)
def test_bad_input_is_a_400_naming_the_field(api_as, change, field):
    body = payload()
    change(body)
    count = TransferRequest.objects.count()
    response = api_as("rep_east").post(BASE, body, format="json")
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert error["detail"]
    assert TransferRequest.objects.count() == count


def test_a_rep_cannot_request_stock_for_another_region(api_as):
    response = api_as("rep_east").post(BASE, payload(destination_warehouse="WH-N"), format="json")
    assert response.status_code == 403
    assert set(response.json()) == {"code", "detail"}


def test_a_draft_can_be_changed_by_its_requester_until_submitted(api_as):
    document = new_transfer()
    [c] = stocked_products("WH-HQ2", 1)
    client = api_as("rep_east")
    response = client.patch(
        url(document),
        {"lines": [{"product": c.code, "quantity": 4}], "source_warehouse": "WH-HQ2"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert [(ln["product"], ln["quantity"]) for ln in response.json()["lines"]] == [(c.code, 4)]
    assert act(client, document, "submit").status_code == 200
    assert client.patch(url(document), {"note": "late"}, format="json").status_code == 400
    assert api_as("manager_east").patch(url(document), {"note": "not mine"}, format="json").status_code in (
        400,
        403,
    )


# --- steps -----------------------------------------------------------------------------------------------


def test_submit_returns_the_document_with_status_and_available_actions(api_as):
    document = new_transfer()
    response = act(api_as("rep_east"), document, "submit", comment="请审批", version=1)
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["version"], body["submitted_by"]) == ("manager_review", 2, "rep_east")
    assert body["status_display"]
    assert body["available_actions"] == ["withdraw"]
    # and the manager now sees his steps
    assert set(api_as("manager_east").get(url(document)).json()["available_actions"]) == {"approve", "reject"}


def test_wrong_state_is_a_409_json_and_changes_nothing(api_as):
    document = new_transfer()
    before = snapshot(document)
    response = act(api_as("rep_east"), document, "resubmit")
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_state"
    assert set(response.json()) == {"code", "detail"}
    assert snapshot(document) == before


def test_a_stale_version_is_a_409(api_as):
    document = transfer_in("manager_review")
    response = act(api_as("manager_east"), document, "approve", version=1)
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert snapshot(document)[0] == "manager_review"


def test_a_step_the_user_may_not_take_is_a_403(api_as):
    document = transfer_in("manager_review")
    response = act(api_as("director"), document, "approve")  # visible to him, not his step yet
    assert response.status_code == 403
    assert set(response.json()) == {"code", "detail"}
    assert snapshot(document)[0] == "manager_review"


def test_a_missing_comment_is_a_400_naming_comment(api_as):
    document = transfer_in("hq_review")
    response = act(api_as("director"), document, "reject", comment="  ")
    assert response.status_code == 400
    assert "comment" in response.json()["fields"]


def test_cuts_through_the_api_and_raising_is_a_400(api_as):
    document = transfer_in("manager_review")
    line = document.lines.first()
    client = api_as("manager_east")
    # step fields travel as top-level keys of the body, next to comment and version
    response = act(client, document, "approve", **{f"qty_{line.pk}": line.quantity + 1})
    assert response.status_code == 400
    assert f"qty_{line.pk}" in response.json()["fields"]
    assert snapshot(document)[0] == "manager_review"
    response = act(client, document, "approve", **{f"qty_{line.pk}": 1})
    assert response.status_code == 200
    cut = next(ln for ln in response.json()["lines"] if ln["id"] == line.pk)
    assert (cut["quantity"], cut["approved_quantity"], cut["effective_quantity"]) == (line.quantity, 1, 1)
    event = api_as("rep_east").get(url(document, "events/")).json()[-1]
    assert event["data"] == {"changes": [f"{line.product.code}: {line.quantity} → 1"]}


def test_approving_more_than_is_available_is_a_400_and_changes_nothing(api_as):
    [a] = stocked_products("WH-HQ1", 1)
    document = transfer_in("hq_review", lines=[(a, level(a, "WH-HQ1").available + 1)])
    before, reserved = snapshot(document), level(a, "WH-HQ1").reserved
    response = act(api_as("director"), document, "approve")
    assert response.status_code == 400
    assert "quantity" in response.json()["fields"]
    assert snapshot(document) == before
    assert level(a, "WH-HQ1").reserved == reserved


def test_events_are_the_documents_history(api_as):
    document = transfer_in("hq_review")
    response = api_as("rep_east").get(url(document, "events/"))
    assert response.status_code == 200
    rows = response.json()
    assert [(r["action"], r["from_state"], r["to_state"], r["actor"]) for r in rows] == [
        ("create", "", "draft", "rep_east"),
        ("submit", "draft", "manager_review", "rep_east"),
        ("approve", "manager_review", "hq_review", "manager_east"),
    ]
    assert set(rows[0]) == {
        "id",
        "action",
        "from_state",
        "to_state",
        "actor",
        "on_behalf_of",
        "comment",
        "data",
        "at",
    }


def test_a_get_changes_nothing_and_actions_need_post(api_as):
    document = new_transfer()
    response = api_as("rep_east").get(url(document, "actions/submit/"))
    assert response.status_code == 405
    assert snapshot(document)[0] == "draft"


def test_the_api_needs_a_login_and_a_role(api_client, api_as):
    assert api_client.get(BASE).status_code in (401, 403)
    assert api_as("dist_e01").get(BASE).json()["count"] == 0


def test_token_auth_works_for_steps(api_client):
    response = api_client.post("/api/v1/auth/token/", {"username": "rep_east", "password": "yingxiao-demo"})
    assert response.status_code == 200, response.content
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    document = new_transfer()
    assert act(api_client, document, "submit").status_code == 200


# --- cross-region --------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["rep_north", "manager_north"])
def test_north_cannot_see_or_act_on_easts_requests_through_the_api(api_as, username):
    document = transfer_in("manager_review")
    before = snapshot(document)
    client = api_as(username)
    listed = client.get(BASE, {"page_size": 500}).json()
    assert document.pk not in {r["id"] for r in listed["results"]}
    assert all(r["region"] == "north" for r in listed["results"])
    assert client.get(BASE, {"q": document.number}).json()["count"] == 0
    for path in ("", "events/"):
        response = client.get(url(document, path))
        assert response.status_code == 404, path
        assert set(response.json()) == {"code", "detail"}
    for action in ("approve", "reject", "withdraw", "submit"):
        assert act(client, document, action, comment="x").status_code == 404, action
    assert client.patch(url(document), {"note": "x"}, format="json").status_code == 404
    inbox = (
        client.get("/api/v1/inbox/").json()["results"]
        + client.get("/api/v1/inbox/?tab=done").json()["results"]
    )
    assert document.number not in {r["number"] for r in inbox}
    assert snapshot(document) == before


# --- the walk-through ---------------------------------------------------------------------------------


def test_done_when_through_the_api(api_as):
    row = shortfalls_for(person("rep_east"))[0]
    rep = api_as("rep_east")
    response = rep.post(
        BASE,
        payload(lines=[{"product": row.level.product.code, "quantity": row.suggested}]),
        format="json",
    )
    assert response.status_code == 201
    document = TransferRequest.objects.get(pk=response.json()["id"])
    src, dst = level(row.level.product, "WH-HQ1"), level(row.level.product, "WH-E")
    for username, action in [
        ("rep_east", "submit"),
        ("manager_east", "approve"),
        ("director", "approve"),
        ("warehouse", "ship"),
        ("warehouse", "receive"),
    ]:
        client = api_as(username)
        current = client.get(url(document)).json()
        assert action in current["available_actions"], (username, action)
        response = act(client, document, action, version=current["version"])
        assert response.status_code == 200, response.json()
    assert response.json()["status"] == "received"
    assert response.json()["available_actions"] == []
    assert level(row.level.product, "WH-E").on_hand == dst.on_hand + row.suggested
    assert level(row.level.product, "WH-HQ1").on_hand == src.on_hand - row.suggested
    history = rep.get(url(document, "events/")).json()
    assert [h["action"] for h in history] == ["create", "submit", "approve", "approve", "ship", "receive"]
    moves = api_as("warehouse").get("/api/v1/stock-movements/", {"reference": document.number}).json()
    assert moves["count"] == 4  # reserve, out, in transit, in
    stock = api_as("rep_east").get(
        "/api/v1/stock-levels/", {"warehouse": "WH-E", "product": row.level.product.code}
    )
    assert stock.json()["results"][0]["on_hand"] == dst.on_hand + row.suggested


# --- stock checks ----------------------------------------------------------------------------------------


def test_a_stock_check_through_the_api_books_the_differences_when_the_warehouse_approves(api_as):
    [a, b] = stocked_products("WH-E", 2)
    on_hand_a, on_hand_b = level(a, "WH-E").on_hand, level(b, "WH-E").on_hand
    rep = api_as("rep_east")
    response = rep.post(
        "/api/v1/stock-checks/",
        {
            "warehouse": "WH-E",
            "counted_on": timezone.localdate().isoformat(),
            "lines": [
                {"product": a.code, "counted": on_hand_a - 3},
                {"product": b.code, "counted": on_hand_b},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    check = response.json()
    assert (check["status"], check["available_actions"]) == ("draft", ["submit"])
    submitted = rep.post(f"/api/v1/stock-checks/{check['id']}/actions/submit/", {}, format="json").json()
    assert {ln["product"]: ln["difference"] for ln in submitted["lines"]} == {a.code: -3, b.code: 0}
    assert act_on_check(api_as("rep_east"), check["id"], "approve").status_code == 403  # not the counter
    assert api_as("rep_north").get(f"/api/v1/stock-checks/{check['id']}/").status_code == 404
    assert act_on_check(api_as("warehouse"), check["id"], "approve").status_code == 200
    assert level(a, "WH-E").on_hand == on_hand_a - 3
    assert level(b, "WH-E").on_hand == on_hand_b


def act_on_check(client, pk, action, **body):
    return client.post(f"/api/v1/stock-checks/{pk}/actions/{action}/", body, format="json")


def test_the_list_costs_the_same_queries_for_3_and_30_requests(api_as):
    products = stocked_products("WH-HQ1", 2)

    def measure():
        client = api_as("manager_east")
        with CaptureQueriesContext(connection) as captured:
            body = client.get(BASE, {"region": "east", "page_size": 100}).json()
        return len(captured), body["count"]

    for _ in range(3):
        new_transfer(products=products, quantity=1)
    small, small_count = measure()
    for _ in range(27):
        new_transfer(products=products, quantity=1)
    large, large_count = measure()
    assert large_count == small_count + 27
    assert small == large


@pytest.mark.parametrize("field", ["source_warehouse", "destination_warehouse"])
def test_the_quarantine_warehouse_is_no_transfer_source_or_destination(api_as, field):
    count = TransferRequest.objects.count()
    response = api_as("rep_east").post(BASE, payload(**{field: "WH-QC"}), format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"], response.json()
    assert TransferRequest.objects.count() == count
