"""The rebate API: `/api/v1/rebate-policies/` (+ simulate, revise), `/rebate-runs/` (+ results, lines,
recalculate), `/rebate-statements/` with their actions; scoping, bad input, and the payout exactly once
with an `Idempotency-Key`."""

from decimal import Decimal

import pytest
from django.utils import timezone

from yingxiao.partners.models import Distributor
from yingxiao.rebates.models import RebatePayout, RebatePolicy, RebateRun, Statement
from yingxiao.workflow.selectors import events_of

from .builders import PAYOUT, active_policy, last_year, statement_in

pytestmark = pytest.mark.django_db
POLICIES, RUNS, STATEMENTS = "/api/v1/rebate-policies/", "/api/v1/rebate-runs/", "/api/v1/rebate-statements/"


def demo_policy() -> RebatePolicy:
    return RebatePolicy.objects.get(status="active", year=last_year(), scope_key="all")


def policy_body(**overrides) -> dict:
    return {
        "year": 2090,
        "name": "API 政策",
        "scope": "grades",
        "grades": ["A", "B"],
        "basis": "amount",
        "tier_mode": "progressive",
        "tiers": [{"threshold": "0", "rate": "0.01"}, {"threshold": "1000000", "rate": "0.025"}],
        "payment_speed_factor": True,
        "speed_bands": [{"max_days": 30, "factor": "1"}, {"max_days": None, "factor": "0.6"}],
        **overrides,
    }


# --- policies ------------------------------------------------------------------------------------------


def test_the_market_department_drafts_a_policy_and_submits_it(api_as):
    client = api_as("marketer")
    response = client.post(POLICIES, policy_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["revision"], body["grades"], body["available_actions"]) == (
        "draft",
        1,
        ["A", "B"],
        ["submit", "withdraw"],
    )
    assert body["tiers"] == [
        {"threshold": "0.00", "rate": "0.0100"},
        {"threshold": "1000000.00", "rate": "0.0250"},
    ]
    changed = client.patch(f"{POLICIES}{body['id']}/", {"name": "改名"}, format="json")
    assert changed.status_code == 200 and changed.json()["name"] == "改名"
    assert len(changed.json()["tiers"]) == 2  # a partial update keeps the tiers
    submitted = client.post(f"{POLICIES}{body['id']}/actions/submit/", {"comment": "请审批"}, format="json")
    assert submitted.json()["status"] == "director_review"
    assert client.patch(f"{POLICIES}{body['id']}/", {"name": "x"}, format="json").status_code == 409


def test_bad_policies_are_refused_with_the_field(api_as):
    client = api_as("marketer")
    twice = client.post(
        POLICIES,
        policy_body(tiers=[{"threshold": "100", "rate": "0.01"}, {"threshold": "100", "rate": "0.02"}]),
        format="json",
    )
    assert twice.status_code == 400 and "threshold" in twice.json()["fields"]
    too_high = client.post(POLICIES, policy_body(tiers=[{"threshold": "0", "rate": "1.5"}]), format="json")
    assert too_high.status_code == 400 and "tiers" in too_high.json()["fields"]
    policy = demo_policy()
    second = client.post(POLICIES, policy_body(year=policy.year, scope="all", grades=[]), format="json")
    assert second.status_code == 400
    assert policy.number in second.json()["fields"]["scope"][0]
    unknown_grade = client.post(POLICIES, policy_body(grades=["Z"]), format="json")
    assert unknown_grade.status_code == 400 and "grades" in unknown_grade.json()["fields"]
    assert api_as("director").post(POLICIES, policy_body(), format="json").status_code == 403


def test_an_active_policy_is_revised_not_changed(api_as):
    policy = active_policy()
    client = api_as("marketer")
    assert client.patch(f"{POLICIES}{policy.pk}/", {"name": "x"}, format="json").status_code == 409
    revision = client.post(f"{POLICIES}{policy.pk}/revise/")
    assert revision.status_code == 201
    assert (revision.json()["revision"], revision.json()["previous"]) == (2, policy.number)


def test_the_simulation_runs_the_policy_over_a_years_ledger(api_as):
    policy = demo_policy()
    response = api_as("director").get(f"{POLICIES}{policy.pk}/simulate/", {"year": last_year()})
    assert response.status_code == 200
    body = response.json()
    rows = body["distributors"]
    assert body["year"] == last_year() and len(rows) > 10
    assert Decimal(body["total_cost"]) == sum(Decimal(r["earned"]) for r in rows) > 0
    assert Decimal(body["ratio"]) == (Decimal(body["total_cost"]) / Decimal(body["total_sales"])).quantize(
        Decimal("0.0001")
    )
    assert rows[0]["distributor"] and rows[0]["distributor_name"]
    posted = api_as("director").post(f"{POLICIES}{policy.pk}/simulate/", {"year": last_year()}, format="json")
    assert posted.json()["total_cost"] == body["total_cost"]
    assert api_as("director").get(f"{POLICIES}{policy.pk}/simulate/", {"year": "x"}).status_code == 400


def test_portal_users_see_no_policy_and_no_run(api_as):
    client = api_as("dist_e01")
    assert client.get(POLICIES).json()["count"] == 0
    assert client.get(f"{POLICIES}{demo_policy().pk}/").status_code == 404
    assert client.get(RUNS).json()["count"] == 0
    assert api_as("rep_east").get(RUNS).json()["count"] == 0  # runs hold every distributor's figures


# --- runs ----------------------------------------------------------------------------------------------


def test_customer_service_starts_a_run_and_reads_its_results_and_lines(api_as):
    policy = active_policy(
        year=last_year(),
        scope="distributors",
        distributors=list(Distributor.objects.filter(code__in=["E01", "N01"])),
    )
    assert api_as("finance").post(RUNS, {"policy": policy.pk}, format="json").status_code == 403
    response = api_as("service").post(RUNS, {"policy": policy.pk}, format="json")
    assert response.status_code == 201, response.json()
    run = response.json()
    assert (run["status"], run["calc_status"], run["distributor_count"]) == ("calculated", "done", 2)
    client = api_as("finance")
    results = client.get(f"{RUNS}{run['id']}/results/").json()
    assert results["count"] == 2 and {r["distributor"] for r in results["results"]} == {"E01", "N01"}
    only = client.get(f"{RUNS}{run['id']}/results/", {"distributor": "E01"}).json()
    assert [r["distributor"] for r in only["results"]] == ["E01"]
    lines = client.get(f"{RUNS}{run['id']}/lines/", {"distributor": "N01", "page_size": 5}).json()
    assert lines["count"] > 5 and len(lines["results"]) == 5
    assert {line["distributor"] for line in lines["results"]} == {"N01"}
    total = sum(Decimal(r["earned"]) for r in results["results"])
    assert Decimal(client.get(f"{RUNS}{run['id']}/").json()["total_earned"]) == total


def test_finance_sends_a_run_back_naming_distributors_and_customer_service_recalculates(api_as):
    policy = active_policy(
        year=last_year(),
        scope="distributors",
        distributors=list(Distributor.objects.filter(code__in=["S01", "S02"])),
    )
    run = api_as("service").post(RUNS, {"policy": policy.pk}, format="json").json()
    api_as("service").post(f"{RUNS}{run['id']}/actions/submit/", {}, format="json")
    api_as("director").post(f"{RUNS}{run['id']}/actions/approve/", {}, format="json")
    response = api_as("finance").post(
        f"{RUNS}{run['id']}/actions/send_back/",
        {"comment": "回款系数有误", "distributors": ["S02"], "note": "回款天数"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "returned"
    assert [d["code"] for d in response.json()["disputed"]] == ["S02"]
    again = api_as("service").post(f"{RUNS}{run['id']}/recalculate/")
    assert again.status_code == 201 and again.json()["previous"] == run["number"]
    assert api_as("service").post(f"{RUNS}{run['id']}/recalculate/").status_code == 409


def test_a_run_is_refused_with_409_while_another_is_in_progress_or_once_one_is_issued(api_as):
    policy = active_policy(
        year=last_year(), scope="distributors", distributors=[Distributor.objects.get(code="W03")]
    )
    client = api_as("service")
    first = client.post(RUNS, {"policy": policy.pk}, format="json")
    assert first.status_code == 201
    second = client.post(RUNS, {"policy": policy.pk}, format="json")
    assert second.status_code == 409
    assert second.json()["code"] == "run_in_progress" and first.json()["number"] in second.json()["detail"]
    issued = client.post(RUNS, {"policy": demo_policy().pk}, format="json")
    assert issued.status_code == 409 and issued.json()["code"] == "already_issued"
    assert RebateRun.objects.filter(policy=policy).count() == 1


# --- statements ----------------------------------------------------------------------------------------


def test_a_distributor_sees_only_its_own_statements(api_as):
    mine = statement_in("issued", "E01")
    other = statement_in("issued", "N01", portal="dist_n01")
    listed = api_as("dist_e01").get(STATEMENTS, {"page_size": 500}).json()
    assert {s["distributor"] for s in listed["results"]} == {"E01"}
    assert mine.pk in [s["id"] for s in listed["results"]]
    north = api_as("dist_n01")
    assert north.get(f"{STATEMENTS}{mine.pk}/").status_code == 404
    assert north.post(f"{STATEMENTS}{mine.pk}/actions/confirm/", {}, format="json").status_code == 404
    assert north.get(f"{STATEMENTS}{other.pk}/").json()["available_actions"] == ["confirm", "dispute"]
    assert api_as("rep_north").get(f"{STATEMENTS}{mine.pk}/").status_code == 404  # another region's


def test_the_distributor_disputes_and_finance_reissues_with_a_new_amount(api_as):
    statement = statement_in("issued")
    url = f"{STATEMENTS}{statement.pk}/actions/"
    bad = api_as("dist_e01").post(f"{url}dispute/", {"reason": "有误"}, format="json")
    assert bad.status_code == 400 and "claimed_amount" in bad.json()["fields"]
    disputed = api_as("dist_e01").post(
        f"{url}dispute/", {"reason": "有误", "claimed_amount": "20000.00"}, format="json"
    )
    assert disputed.json()["status"] == "disputed" and disputed.json()["disputed_amount"] == "20000.00"
    assert api_as("finance").post(f"{url}reissue/", {"amount": "15000"}, format="json").status_code == 400
    reissued = api_as("finance").post(
        f"{url}reissue/", {"comment": "部分同意", "amount": "15000"}, format="json"
    )
    assert (reissued.json()["status"], reissued.json()["amount"]) == ("issued", "15000.00")
    confirmed = api_as("dist_e01").post(f"{url}confirm/", {}, format="json")
    assert confirmed.json()["status"] == "confirmed"


def test_a_repeated_payout_with_the_same_key_replays_the_answer_and_pays_once(api_as):
    statement = statement_in("confirmed")
    client = api_as("finance")
    url = f"{STATEMENTS}{statement.pk}/actions/pay/"
    first = client.post(url, PAYOUT, format="json", HTTP_IDEMPOTENCY_KEY="payout-1")
    again = client.post(url, PAYOUT, format="json", HTTP_IDEMPOTENCY_KEY="payout-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert first.json()["payout"]["amount"] == str(statement.amount)
    assert RebatePayout.objects.filter(statement=statement).count() == 1
    assert [e.action for e in events_of(statement)].count("pay") == 1
    assert client.post(url, PAYOUT, format="json", HTTP_IDEMPOTENCY_KEY="payout-2").status_code == 409
    assert client.post(url, PAYOUT, format="json").status_code == 409
    assert RebatePayout.objects.filter(statement=statement).count() == 1


def test_only_finance_pays_and_only_confirmed_statements(api_as):
    issued = statement_in("issued")
    url = f"{STATEMENTS}{issued.pk}/actions/pay/"
    assert api_as("finance").post(url, PAYOUT, format="json").status_code == 409
    confirmed = statement_in("confirmed")
    url = f"{STATEMENTS}{confirmed.pk}/actions/pay/"
    assert api_as("director").post(url, PAYOUT, format="json").status_code == 403
    assert api_as("dist_e01").post(url, PAYOUT, format="json").status_code == 403
    assert not RebatePayout.objects.filter(statement__in=[issued, confirmed]).exists()


def test_the_demo_has_statements_in_every_state_and_runs_in_every_state():
    statuses = set(Statement.objects.values_list("status", flat=True))
    assert statuses == {"issued", "disputed", "confirmed", "paid"}
    assert set(RebateRun.objects.values_list("status", flat=True)) >= {
        "calculated",
        "director_review",
        "finance_review",
        "president_review",
        "issued",
        "returned",
    }
    assert timezone.localdate().year - 1 == demo_policy().year


def test_statement_lists_cost_the_same_queries_whatever_their_length(api_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as("finance")
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(STATEMENTS, {"page_size": 2}).json()["results"]) == 2
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(STATEMENTS, {"page_size": 20}).json()["results"]) == 20
    assert len(many.captured_queries) == len(few.captured_queries)
