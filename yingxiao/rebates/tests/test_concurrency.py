"""Two finance users paying the same statement at the same moment pay it once (PostgreSQL: threads with
their own connections, released together; the winner holds its locks a moment so the loser is certainly
inside `perform` at the same time). With the same Idempotency-Key the loser replays the winner's answer.
Two policies for one scope approved at the same moment: one becomes active, the other gets 409.

These tests commit for real, so the database is emptied afterwards and the demo loaded again, as in
`workflow/tests/test_concurrency.py`.
"""

import dataclasses
import threading
import time
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from yingxiao.accounts.choices import Role
from yingxiao.accounts.models import User
from yingxiao.accounts.services import membership_grant, user_create
from yingxiao.org.models import Region
from yingxiao.rebates.models import RebatePayout, RebatePolicy, Statement
from yingxiao.rebates.workflow import POLICY_FLOW, STATEMENT_FLOW
from yingxiao.workflow.selectors import events_of

from .builders import PAYOUT, new_policy, statement_in, take

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

HOLD = 0.4


@pytest.fixture
def demo_restored_afterwards(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        call_command("demo", quiet_logins=True)


@pytest.fixture
def committed_demo(demo_restored_afterwards, transactional_db):
    if not User.objects.filter(username="finance").exists():
        call_command("demo", quiet_logins=True)


def slow_payout():
    """The pay step's effect holds its locks a moment (the flow's table is patched, not the code)."""
    step = next(s for s in STATEMENT_FLOW.steps if s.action == "pay")
    original = step.effect

    def held(document, actor, data):
        result = original(document, actor, data)
        time.sleep(HOLD)
        return result

    patched = dataclasses.replace(step, effect=held)
    return mock.patch.object(
        STATEMENT_FLOW, "steps", [patched if s is step else s for s in STATEMENT_FLOW.steps]
    )


def second_finance() -> User:
    user = user_create(actor=None, username="finance2", password="x-pass-12345", full_name="出纳二")
    membership_grant(actor=None, user=user, role=Role.FINANCE)
    return user


def race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return outcomes


def payer(username: str, pk: int, key: str | None = None):
    def call():
        client = APIClient()
        client.force_authenticate(User.objects.get(username=username))
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        response = client.post(
            f"/api/v1/rebate-statements/{pk}/actions/pay/", PAYOUT, format="json", **headers
        )
        return response.status_code

    return call


def test_two_finance_users_paying_at_once_pay_once(committed_demo):
    second_finance()
    statement = statement_in("confirmed")
    with slow_payout():
        outcomes = race(payer("finance", statement.pk), payer("finance2", statement.pk))
    assert sorted(outcomes) == [200, 409]
    assert RebatePayout.objects.filter(statement_id=statement.pk).count() == 1
    assert Statement.objects.get(pk=statement.pk).status == "paid"
    assert [e.action for e in events_of(statement)].count("pay") == 1


def test_the_same_request_sent_twice_at_once_with_one_key_pays_once(committed_demo):
    statement = statement_in("confirmed")
    with slow_payout():
        outcomes = race(payer("finance", statement.pk, "k-9"), payer("finance", statement.pk, "k-9"))
    assert outcomes == [200, 200]
    assert RebatePayout.objects.filter(statement_id=statement.pk).count() == 1
    assert [e.action for e in events_of(statement)].count("pay") == 1


def slow_activation():
    """The approve step's effect waits a moment before claiming the scope, so that both approvals are past
    the guard (which sees no active policy yet) before either commits."""
    step = next(s for s in POLICY_FLOW.steps if s.action == "approve")
    original = step.effect
    assert original is not None

    def held(document, actor, data):
        time.sleep(HOLD)
        return original(document, actor, data)

    patched = dataclasses.replace(step, effect=held)
    return mock.patch.object(POLICY_FLOW, "steps", [patched if s is step else s for s in POLICY_FLOW.steps])


def approver(pk: int):
    def call():
        client = APIClient()
        client.force_authenticate(User.objects.get(username="director"))
        response = client.post(f"/api/v1/rebate-policies/{pk}/actions/approve/", {}, format="json")
        return response.status_code, response.json()

    return call


def test_two_policies_for_one_scope_approved_at_once_one_activates_the_other_gets_409(committed_demo):
    east = Region.objects.get(code="east")
    first, second = (
        take(new_policy(year=2098, scope="regions", regions=[east]), "submit", "marketer") for _ in range(2)
    )
    with slow_activation():
        outcomes = race(approver(first.pk), approver(second.pk))
    assert all(isinstance(o, tuple) for o in outcomes), outcomes
    assert sorted(status for status, _body in outcomes) == [200, 409]
    refused = next(body for status, body in outcomes if status == 409)
    assert refused["code"] == "scope_taken" and east.name in refused["detail"]
    statuses = RebatePolicy.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    assert sorted(statuses) == ["active", "director_review"]
