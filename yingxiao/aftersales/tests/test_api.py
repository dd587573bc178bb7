"""`/api/v1/exchanges/`, `/returns/`, `/service-tickets/`: filing through the API, steps with their form
fields as JSON, a refund repeated with the same `Idempotency-Key` pays once, north's rep gets 404 on east's
cases, a distributor's portal user sees only its own."""

import pytest

from yingxiao.aftersales.models import ExchangeCase, Refund, ReturnCase, ServiceTicket

from .helpers import D, case_in, ledger_row, new_case, new_ticket

pytestmark = pytest.mark.django_db


def action_url(resource: str, pk: int, action: str) -> str:
    return f"/api/v1/{resource}/{pk}/actions/{action}/"


def test_filing_an_exchange_takes_buyer_and_region_from_the_ledger(api_as):
    row = ledger_row(quantity=5)
    api = api_as("rep_east")
    response = api.post(
        "/api/v1/exchanges/",
        {
            "problem": "显示屏不亮",
            "lines": [{"sales_line": row.pk, "quantity": 2, "batch": "B7"}],
            "region": "north",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("HH-") and body["status"] == "draft"
    assert body["distributor"] == "E01" and body["region"] == row.region.code
    assert body["lines"][0]["product"] == "F-402" and body["lines"][0]["quantity"] == 2
    assert set(body["available_actions"]) == {"submit", "withdraw"}
    too_many = api.post(
        "/api/v1/returns/", {"problem": "x", "lines": [{"sales_line": row.pk, "quantity": 4}]}, format="json"
    )
    assert too_many.status_code == 400 and "quantity" in too_many.json()["fields"]


def test_steps_with_their_fields_as_json(api_as):
    case = take_to_review(new_case("exchange"))
    manager = api_as("market_manager")
    refused = manager.post(action_url("exchanges", case.pk, "approve"), {"comment": "同意"}, format="json")
    assert refused.status_code == 409  # quality's finding comes first
    finding = api_as("quality").post(
        action_url("exchanges", case.pk, "record_finding"),
        {"is_quality_problem": True, "cause": "design", "batch": "B9", "note": "同批次抽检"},
        format="json",
    )
    assert finding.status_code == 200 and finding.json()["cause"] == "design"
    assert finding.json()["status"] == "review"
    assert "approve" not in finding.json()["available_actions"]  # quality only sees its own revision
    approved = manager.post(action_url("exchanges", case.pk, "approve"), {"comment": "同意"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = manager.post(action_url("exchanges", case.pk, "approve"), {"comment": "同意"}, format="json")
    assert again.status_code == 409
    events = api_as("rep_east").get(f"/api/v1/exchanges/{case.pk}/events/").json()
    assert [e["action"] for e in events] == ["create", "submit", "record_finding", "approve"]


def take_to_review(case):
    from .helpers import take

    return take(case, "submit", "rep_east")


def test_a_refund_repeated_with_the_same_idempotency_key_pays_once(api_as):
    case = case_in("return", "received", row=ledger_row(quantity=4, amount="400.00"), quantity=4)
    finance = api_as("finance")
    body = {"amount": "150.00", "method": "bank", "reference": "BANK-1", "comment": "退款"}
    first = finance.post(
        action_url("returns", case.pk, "refund"), body, format="json", HTTP_IDEMPOTENCY_KEY="refund-1"
    )
    assert first.status_code == 200, first.content
    assert first.json()["refunded"] == "150.00" and first.json()["status"] == "refunded"
    repeat = finance.post(
        action_url("returns", case.pk, "refund"), body, format="json", HTTP_IDEMPOTENCY_KEY="refund-1"
    )
    assert repeat.status_code == 200 and repeat["Idempotent-Replayed"] == "true"
    assert repeat.json() == first.json()
    assert Refund.objects.filter(case=case).count() == 1
    assert ReturnCase.objects.get(pk=case.pk).refunded == D("150.00")
    # a new key is a new refund (of what is left), and never more than was paid
    second = finance.post(
        action_url("returns", case.pk, "refund"), body, format="json", HTTP_IDEMPOTENCY_KEY="refund-2"
    )
    assert second.status_code == 200 and second.json()["refunded"] == "300.00"
    over = finance.post(
        action_url("returns", case.pk, "refund"), body, format="json", HTTP_IDEMPOTENCY_KEY="refund-3"
    )
    assert over.status_code == 400 and "amount" in over.json()["fields"]
    assert Refund.objects.filter(case=case).count() == 2
    assert over.json()["fields"]["amount"]
    reused = finance.post(
        action_url("returns", case.pk, "refund"),
        {**body, "amount": "1.00"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="refund-1",
    )
    assert reused.status_code == 422


def test_the_refund_step_is_finances(api_as):
    case = case_in("return", "received")
    response = api_as("rep_east").post(action_url("returns", case.pk, "refund"), {}, format="json")
    assert response.status_code == 403
    assert not Refund.objects.filter(case=case).exists()


def test_another_regions_rep_gets_404(api_as):
    case = new_case("return")
    north = api_as("rep_north")
    assert north.get(f"/api/v1/returns/{case.pk}/").status_code == 404
    assert north.post(action_url("returns", case.pk, "submit"), {}, format="json").status_code == 404
    assert case.number not in [
        r["number"] for r in north.get("/api/v1/returns/?page_size=500").json()["results"]
    ]
    assert api_as("rep_east").get(f"/api/v1/returns/{case.pk}/").status_code == 200


def test_a_distributors_portal_user_sees_only_its_own(api_as):
    own = new_case("exchange")  # 上海恒信 (E01): dist_e01's
    other = new_case("exchange", row=ledger_row(buyer="E03"))
    portal = api_as("dist_e01")
    listed = portal.get("/api/v1/exchanges/?page_size=500").json()["results"]
    assert own.number in {r["number"] for r in listed}
    assert {r["distributor"] for r in listed} == {"E01"}
    assert portal.get(f"/api/v1/exchanges/{other.pk}/").status_code == 404
    assert portal.get(f"/api/v1/exchanges/{own.pk}/").json()["available_actions"] == []
    assert portal.post("/api/v1/exchanges/", {"problem": "x", "lines": []}, format="json").status_code == 400


def test_service_tickets_through_the_api(api_as):
    portal = api_as("dist_e01")
    created = portal.post(
        "/api/v1/service-tickets/",
        {"distributor": "E01", "kind": "installation", "description": "请上门安装"},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"].startswith("FW-") and body["working_days"] == 5 and not body["is_overdue"]
    refused = portal.post(
        "/api/v1/service-tickets/",
        {"distributor": "E03", "kind": "repair", "description": "x"},
        format="json",
    )
    assert refused.status_code == 403
    escalated = api_as("service").post(
        action_url("service-tickets", body["id"], "escalate"), {"comment": "请技术部协助"}, format="json"
    )
    assert escalated.status_code == 200 and escalated.json()["status"] == "escalated"
    resolved = api_as("tech").post(
        action_url("service-tickets", body["id"], "resolve"), {"comment": "已远程解决"}, format="json"
    )
    assert resolved.json()["status"] == "resolved" and resolved.json()["resolved_by"] == "tech"
    assert api_as("rep_north").get(f"/api/v1/service-tickets/{body['id']}/").status_code == 404
    assert ServiceTicket.objects.get(pk=body["id"]).created_by.username == "dist_e01"


def test_overdue_filter(api_as):
    from datetime import timedelta

    from django.utils import timezone

    ticket = new_ticket()
    ServiceTicket.objects.filter(pk=ticket.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    rows = api_as("rep_east").get("/api/v1/service-tickets/?overdue=true&page_size=500").json()["results"]
    assert ticket.number in {r["number"] for r in rows} and all(r["is_overdue"] for r in rows)
    assert ExchangeCase.objects.exists()
