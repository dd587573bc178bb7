"""The rebates demo: last year's policies have runs in every state, at most one open run per policy, and
every document that waits can really be taken further by the demo user whose inbox has it (the
president's approval issues statements; nothing is refused because another run already issued them).
Loading the demo again changes nothing."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from yingxiao.rebates.choices import PolicyStatus, RunStatus
from yingxiao.rebates.models import RebatePolicy, RebateRun, Statement
from yingxiao.rebates.workflow import POLICY_FLOW, RUN_FLOW, STATEMENT_FLOW
from yingxiao.workflow.permissions import users_waited_for
from yingxiao.workflow.selectors import available_steps

from .builders import DISPUTE, PAYOUT, last_year, person, take

pytestmark = pytest.mark.django_db

OPEN = [RunStatus.CALCULATED, RunStatus.DIRECTOR_REVIEW, RunStatus.FINANCE_REVIEW, RunStatus.PRESIDENT_REVIEW]


def demo_runs():
    return RebateRun.objects.filter(year=last_year(), policy__year=last_year())


def waits_for(flow, document, username: str, action: str) -> None:
    """The document is in the user's inbox and the step is among the user's buttons."""
    assert username in {u.username for u in users_waited_for(flow, document)}
    assert action in {s.action for s in available_steps(flow, document, person(username))}


def test_the_demo_has_runs_in_every_state_and_one_open_run_per_policy():
    assert set(demo_runs().values_list("status", flat=True)) == set(RunStatus.values)
    for state in OPEN:
        assert demo_runs().filter(status=state).count() == 1, state
    policies = RebatePolicy.objects.filter(year=last_year(), status=PolicyStatus.ACTIVE)
    assert len({p.scope_key for p in policies}) == policies.count() >= 5  # distinct scopes
    for policy in policies:
        assert policy.runs.filter(status__in=OPEN).count() + policy.runs.filter(status="issued").count() <= 1
    returned = demo_runs().get(status=RunStatus.RETURNED)
    assert returned.recalculations.get().status == RunStatus.ISSUED  # sent back, then recalculated
    draft = RebatePolicy.objects.get(year=timezone.localdate().year)
    assert draft.status == PolicyStatus.DIRECTOR_REVIEW


@pytest.mark.parametrize(
    ("state", "action", "username", "target"),
    [
        (RunStatus.CALCULATED, "submit", "service", RunStatus.DIRECTOR_REVIEW),
        (RunStatus.DIRECTOR_REVIEW, "approve", "director", RunStatus.FINANCE_REVIEW),
        (RunStatus.FINANCE_REVIEW, "verify", "finance", RunStatus.PRESIDENT_REVIEW),
        (RunStatus.PRESIDENT_REVIEW, "approve", "president", RunStatus.ISSUED),
    ],
)
def test_each_waiting_demo_run_is_taken_further_by_the_user_it_waits_for(state, action, username, target):
    run = demo_runs().get(status=state)
    waits_for(RUN_FLOW, run, username, action)
    run = take(run, action, username)
    assert run.status == target
    if target == RunStatus.ISSUED:
        assert Statement.objects.filter(run=run).count() == run.results.filter(amount__gt=0).count() > 0


@pytest.mark.parametrize(
    ("code", "state", "action", "username", "data", "target"),
    [
        ("E01", "issued", "confirm", "dist_e01", None, "confirmed"),
        ("E01", "issued", "dispute", "dist_e01", DISPUTE, "disputed"),
        ("N01", "disputed", "reissue", "finance", None, "issued"),
        ("S01", "confirmed", "pay", "finance", PAYOUT, "paid"),
    ],
)
def test_each_waiting_demo_statement_is_taken_further(code, state, action, username, data, target):
    statement = Statement.objects.get(year=last_year(), distributor__code=code)
    assert statement.status == state
    waits_for(STATEMENT_FLOW, statement, username, action)
    assert take(statement, action, username, data=data).status == target


def test_this_years_draft_is_approved_by_the_director():
    draft = RebatePolicy.objects.get(year=timezone.localdate().year)
    waits_for(POLICY_FLOW, draft, "director", "approve")
    assert take(draft, "approve", "director").status == PolicyStatus.ACTIVE


def test_loading_the_demo_again_changes_nothing():
    def counts():
        return (
            RebatePolicy.objects.count(),
            RebateRun.objects.count(),
            Statement.objects.count(),
            sorted(RebateRun.objects.values_list("status", flat=True)),
            sorted(Statement.objects.values_list("status", flat=True)),
        )

    before = counts()
    call_command("demo", quiet_logins=True)
    assert counts() == before


def test_the_demo_dispute_claims_more_than_was_issued():
    disputed = Statement.objects.get(year=last_year(), distributor__code="N01", status="disputed")
    assert disputed.disputed_amount > disputed.amount and disputed.dispute_reason
