"""The three rebate flows through the engine: the state × action × role matrices, and what each step
changes (supersession of a revised policy, disputed lines kept on a run sent back, statements issued on
the president's approval, dispute and reissue of a statement, the payout).

The expectation tables are written from the business rules (issue 6, seed 四.4), not read off the flow
tables: widening or narrowing a step's roles or reach makes them fail.
"""

import dataclasses
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from yingxiao.accounts.choices import Role
from yingxiao.accounts.services import membership_grant
from yingxiao.core.exceptions import Conflict
from yingxiao.org.models import Region
from yingxiao.partners.models import Distributor
from yingxiao.rebates.choices import PolicyStatus, RunStatus, StatementStatus
from yingxiao.rebates.models import RebatePayout, RebatePolicy, RebateResult, Statement
from yingxiao.rebates.services import policy_revise, run_recalculate
from yingxiao.rebates.workflow import POLICY_FLOW, RUN_FLOW, STATEMENT_FLOW
from yingxiao.workflow.models import Notification
from yingxiao.workflow.selectors import available_steps, events_of
from yingxiao.workflow.testing import assert_flow_matrix

from .builders import (
    DISPUTE,
    PAYOUT,
    RUN_PATHS,
    active_policy,
    bare_statement,
    last_year,
    last_year_run_issued,
    matrix_run,
    new_policy,
    new_run,
    person,
    run_in,
    statement_in,
    step_defaults,
    take,
    unchecked_run,
)

pytestmark = pytest.mark.django_db

PERSONAS = [
    "marketer",
    "market_manager",
    "director",
    "president",
    "finance",
    "service",
    "manager_east",
    "rep_east",
    "dist_e01",
    "dist_n01",
    "admin",
]


@pytest.fixture
def personas():
    return {name: person(name) for name in PERSONAS}


# Who may take which step of a policy drafted by the marketer (everybody else: 403 or 409).
POLICY_ALLOWED = {
    ("draft", "submit"): {"marketer", "market_manager"},  # the market department drafts policies
    ("draft", "withdraw"): {"marketer"},  # its writer may drop it
    ("director_review", "approve"): {"director"},  # 营销总监 approves …
    ("director_review", "reject"): {"director"},  # … or sends it back with comments
    ("director_review", "withdraw"): {"marketer"},
    # active: frozen. Superseded automatically when the director approves a newer revision (the engine lets
    # only the director's role take it, and only while a revision awaits approval). Withdrawn, superseded:
    # final.
    ("active", "supersede"): {"director"},
}


def revision_awaiting_approval(policy, action):
    """Before a supersede is tried: a revision of the policy waits for the director (as when he approves
    it); without one, the step is refused to everybody (409)."""
    policy = RebatePolicy.objects.get(pk=policy.pk)
    if action != "supersede" or policy.status != PolicyStatus.ACTIVE:
        return
    if policy.revisions.filter(status=PolicyStatus.DIRECTOR_REVIEW).exists():
        return
    revision = policy.revisions.filter(status=PolicyStatus.DRAFT).first() or policy_revise(
        actor=person("market_manager"), policy=policy
    )
    take(revision, "submit", "market_manager")


def test_policy_flow_matrix(personas):
    assert assert_flow_matrix(
        POLICY_FLOW,
        create=lambda: new_policy("marketer"),
        personas=personas,
        allowed=POLICY_ALLOWED,
        before_step=revision_awaiting_approval,
    )


# A run started by customer service.
RUN_ALLOWED = {
    ("calculated", "submit"): {"service"},  # 客服部 computes and submits
    ("director_review", "approve"): {"director"},  # 营销总监 reviews
    ("director_review", "reject"): {"director"},
    ("finance_review", "verify"): {"finance"},  # 财务部 checks the figures …
    ("finance_review", "send_back"): {"finance"},  # … or sends the run back with the disputed lines
    ("president_review", "approve"): {"president"},  # 总裁 approves: statements are issued
    ("president_review", "reject"): {"president"},
}


def test_run_flow_matrix(personas):
    assert assert_flow_matrix(RUN_FLOW, create=matrix_run, personas=personas, allowed=RUN_ALLOWED)


# A statement of 上海恒信 (E01), whose portal login is dist_e01; dist_n01 is another distributor's.
STATEMENT_ALLOWED = {
    ("issued", "confirm"): {"dist_e01"},  # only the distributor itself confirms …
    ("issued", "dispute"): {"dist_e01"},  # … or disputes
    ("disputed", "reissue"): {"finance"},  # finance answers the dispute
    ("confirmed", "pay"): {"finance"},  # and pays out a confirmed statement
}


def test_statement_flow_matrix(personas):
    with step_defaults(STATEMENT_FLOW, {"dispute": DISPUTE, "pay": PAYOUT}):
        assert assert_flow_matrix(
            STATEMENT_FLOW, create=bare_statement, personas=personas, allowed=STATEMENT_ALLOWED
        )


# --- policy --------------------------------------------------------------------------------------------


def test_approving_a_revision_supersedes_the_old_policy_in_the_same_step():
    old = active_policy()
    revision = policy_revise(actor=person("market_manager"), policy=old)
    assert (revision.revision, revision.previous_id, revision.status) == (2, old.pk, PolicyStatus.DRAFT)
    assert [(t.threshold, t.rate) for t in revision.tiers.all()] == [
        (t.threshold, t.rate) for t in old.tiers.all()
    ]
    revision = take(revision, "submit", "market_manager")
    old.refresh_from_db()
    assert old.status == PolicyStatus.ACTIVE  # still in force while the revision waits
    revision = take(revision, "approve", "director")
    old.refresh_from_db()
    assert (revision.status, old.status) == (PolicyStatus.ACTIVE, PolicyStatus.SUPERSEDED)
    supersede = [e for e in events_of(old) if e.action == "supersede"]
    assert len(supersede) == 1 and supersede[0].actor.username == "director"


def test_a_policy_is_never_superseded_by_hand():
    policy = active_policy()
    assert "supersede" not in [s.action for s in available_steps(POLICY_FLOW, policy, person("director"))]
    with pytest.raises(Conflict):
        take(policy, "supersede", "director")


def test_the_director_sends_a_policy_back_with_a_comment_and_it_can_be_changed_again():
    policy = take(new_policy(), "submit", "marketer")
    with pytest.raises(ValidationError) as error:
        take(policy, "reject", "director", comment="")
    assert "comment" in error.value.message_dict
    policy = take(policy, "reject", "director", comment="第二档比例过高")
    assert policy.status == PolicyStatus.DRAFT
    assert events_of(policy).last().comment == "第二档比例过高"


def test_a_second_policy_for_the_same_scope_cannot_be_approved():
    first = active_policy()
    second = take(new_policy(), "submit", "marketer")
    # drafted meanwhile for the same year and scope (before the first was approved)
    RebatePolicy.objects.filter(pk=second.pk).update(
        year=first.year, scope=first.scope, scope_key=first.scope_key
    )
    second.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        take(second, "approve", "director")
    assert "scope" in error.value.message_dict
    assert first.number in error.value.message_dict["scope"][0]
    second.refresh_from_db()
    assert second.status == PolicyStatus.DIRECTOR_REVIEW


def test_two_policies_for_one_scope_approved_at_once_the_constraint_answers_409_naming_the_scope():
    east = Region.objects.get(code="east")
    first = take(new_policy(year=2097, scope="regions", regions=[east]), "submit", "marketer")
    second = take(new_policy(year=2097, scope="regions", regions=[east]), "submit", "marketer")
    take(first, "approve", "director")
    # the second approval started at the same instant: its guard saw no active policy yet
    step = POLICY_FLOW.step(PolicyStatus.DIRECTOR_REVIEW, "approve")
    unguarded = dataclasses.replace(step, guard=None)
    steps = [unguarded if s is step else s for s in POLICY_FLOW.steps]
    with mock.patch.object(POLICY_FLOW, "steps", steps), pytest.raises(Conflict) as error:
        take(second, "approve", "director")
    assert error.value.code == "scope_taken"
    assert east.name in error.value.detail and second.number in error.value.detail
    second.refresh_from_db()
    assert (second.status, second.version) == (PolicyStatus.DIRECTOR_REVIEW, 2)
    assert [e.action for e in events_of(second)] == ["create", "submit"]


def test_the_drafter_cannot_approve_a_policy_he_submitted_even_as_director(personas):
    membership_grant(actor=None, user=personas["market_manager"], role=Role.MARKETING_DIRECTOR)
    policy = take(new_policy("market_manager"), "submit", "market_manager")
    with pytest.raises(PermissionDenied):
        take(policy, "approve", "market_manager")


def test_submitting_needs_tiers():
    policy = new_policy()
    policy.tiers.all().delete()
    with pytest.raises(ValidationError) as error:
        take(policy, "submit", "marketer")
    assert "tiers" in error.value.message_dict


# --- run -----------------------------------------------------------------------------------------------


def test_send_back_keeps_the_disputed_lines_and_a_recalculation_is_a_new_run():
    policy = active_policy(
        year=last_year(),
        scope="distributors",
        distributors=list(Distributor.objects.filter(code__in=["N01", "N02"])),
    )
    run = run_in("finance_review", policy)
    with pytest.raises(ValidationError) as error:
        take(run, "send_back", "finance", comment="N09 不在本次计算", data={"distributors": "N09"})
    assert "distributors" in error.value.message_dict
    run = take(
        run,
        "send_back",
        "finance",
        comment="核对回款",
        data={"distributors": "N02, N01", "note": "回款天数有误"},
    )
    assert run.status == RunStatus.RETURNED
    assert [(d["code"], d["note"]) for d in run.disputed] == [
        ("N02", "回款天数有误"),
        ("N01", "回款天数有误"),
    ]
    again = run_recalculate(actor=person("service"), run=run)
    assert (again.previous_id, again.status, again.calc_status) == (run.pk, RunStatus.CALCULATED, "done")
    run.refresh_from_db()
    assert run.status == RunStatus.RETURNED and run.results.count() == 2  # the old run stays readable
    with pytest.raises(Conflict):
        run_recalculate(actor=person("service"), run=run)  # one recalculation per returned run


def test_the_presidents_approval_issues_one_statement_per_distributor_owed_something():
    run = last_year_run_issued("E01")
    result = RebateResult.objects.get(run=run)
    statement = Statement.objects.get(run=run)
    assert result.amount > 0
    assert (statement.distributor.code, statement.amount, statement.status) == (
        "E01",
        result.amount,
        "issued",
    )
    assert statement.result_id == result.pk and statement.number.startswith("DZD-")


def test_results_of_zero_get_no_statement():
    run = run_in("issued")  # an empty year: nobody bought anything
    assert run.status == RunStatus.ISSUED
    assert not Statement.objects.filter(run=run).exists()


def test_the_presidents_approval_still_refuses_a_second_issue_of_a_policy():
    first = run_in("president_review")
    # run_start refuses a second open run; a run that got past it meets the president's guard (backstop)
    second = unchecked_run(first.policy)
    for action, username in RUN_PATHS["president_review"]:
        second = take(second, action, username)
    take(first, "approve", "president")
    with pytest.raises(Conflict):
        take(second, "approve", "president")
    second.refresh_from_db()
    assert second.status == RunStatus.PRESIDENT_REVIEW


def test_a_run_cannot_be_submitted_before_its_computation_is_done():
    run = new_run()
    type(run).objects.filter(pk=run.pk).update(calc_status="running", progress=40)
    run.refresh_from_db()
    with pytest.raises(Conflict):
        take(run, "submit", "service")


# --- statement -----------------------------------------------------------------------------------------


def test_a_dispute_records_the_reason_and_claimed_amount_and_finance_may_adjust_the_amount():
    statement = bare_statement(amount="12345.67")
    with pytest.raises(ValidationError):
        take(statement, "dispute", "dist_e01", data={"reason": "", "claimed_amount": "1"})
    statement = take(statement, "dispute", "dist_e01", data=DISPUTE)
    statement.refresh_from_db()
    assert (statement.dispute_reason, statement.disputed_amount) == ("退货应计入次年", Decimal("13000.00"))
    with pytest.raises(ValidationError):
        take(statement, "reissue", "finance", comment="")  # finance must answer
    statement = take(statement, "reissue", "finance", comment="同意调整", data={"amount": "12800.00"})
    statement.refresh_from_db()
    assert (statement.status, statement.amount, statement.disputed_amount) == (
        "issued",
        Decimal("12800.00"),
        None,
    )
    # recorded in the language active at the time (the house language once translated)
    change = gettext("amount %(old)s → %(new)s") % {"old": "¥12,345.67", "new": "¥12,800.00"}
    assert events_of(statement).last().data["changes"] == [change]


def test_paying_out_creates_the_one_payout_and_a_second_payout_is_refused():
    statement = statement_in("confirmed")
    statement = take(statement, "pay", "finance", data=PAYOUT)
    payout = RebatePayout.objects.get(statement=statement)
    assert (payout.amount, payout.method, payout.paid_by.username) == (statement.amount, "payment", "finance")
    assert statement.status == StatementStatus.PAID
    with pytest.raises(Conflict):
        take(Statement.objects.get(pk=statement.pk), "pay", "finance", data=PAYOUT)
    assert RebatePayout.objects.filter(statement=statement).count() == 1


def test_a_payout_needs_a_method_and_no_future_date():
    statement = statement_in("confirmed")
    with pytest.raises(ValidationError) as error:
        take(statement, "pay", "finance", data={"paid_on": str(timezone.localdate())})
    assert "method" in error.value.message_dict
    tomorrow = str(timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        take(statement, "pay", "finance", data={"method": "payment", "paid_on": tomorrow})
    assert "paid_on" in error.value.message_dict
    assert not RebatePayout.objects.filter(statement=statement).exists()


def test_issuing_tells_each_distributors_portal_user(django_capture_on_commit_callbacks):
    policy = active_policy(
        year=last_year(), scope="distributors", distributors=[Distributor.objects.get(code="E01")]
    )
    run = run_in("president_review", policy)
    before = Notification.objects.filter(user__username="dist_e01").count()
    with django_capture_on_commit_callbacks(execute=True):
        take(run, "approve", "president")
    statement = Statement.objects.get(run=run)
    notes = Notification.objects.filter(user__username="dist_e01").order_by("-id")
    assert notes.count() == before + 1 and statement.number in notes.first().text
