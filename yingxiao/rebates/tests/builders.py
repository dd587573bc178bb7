"""Shared builders for the rebate flow tests (plain functions, no fixtures).

The demo company is in the test database, with last year's active policy for all distributors, its runs
(one issued) and statements. Tests that need a policy of their own give it a year nobody else uses
(`fresh_year()`), so "one active policy per year and scope" never gets in their way.
"""

import dataclasses
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.utils import timezone

from yingxiao.accounts.models import User
from yingxiao.partners.models import Distributor
from yingxiao.rebates.calculation import run_compute
from yingxiao.rebates.choices import PolicyScope, RunStatus, TierMode
from yingxiao.rebates.models import RebatePolicy, RebateResult, RebateRun, Statement
from yingxiao.rebates.services import policy_create, run_start
from yingxiao.rebates.workflow import RUN_FLOW, STATEMENT_FLOW
from yingxiao.workflow.services import document_start, perform

D = Decimal
TIERS = [(D("100000"), D("0.0100")), (D("1000000"), D("0.0200"))]


def person(username: str) -> User:
    """A fresh instance of a demo user (no cached scope)."""
    return User.objects.get(username=username)


def last_year() -> int:
    return timezone.localdate().year - 1


GRADE_SETS = [[], ["A"], ["B"], ["C"], ["A", "B"], ["A", "C"], ["B", "C"], ["A", "B", "C"]]


def fresh_slot(before: int = 2100) -> dict:
    """A year (before `before`, with an empty ledger) and a scope (all, or some grades) for which no policy
    is active or awaiting approval, as policy_create's keyword arguments."""
    busy = set(
        RebatePolicy.objects.filter(status__in=["active", "director_review"]).values_list("year", "scope_key")
    )
    for year in range(2001, before):
        for grades in GRADE_SETS:
            key = "grades:" + ",".join(grades) if grades else "all"
            if (year, key) not in busy:
                scope = (
                    {"scope": PolicyScope.GRADES, "grades": grades} if grades else {"scope": PolicyScope.ALL}
                )
                return {"year": year, **scope}
    raise AssertionError("no free year and scope left")


def fresh_year() -> int:
    """A year in which no policy for all distributors is active or awaiting approval."""
    busy = set(
        RebatePolicy.objects.filter(status__in=["active", "director_review"], scope_key="all").values_list(
            "year", flat=True
        )
    )
    return next(year for year in range(2001, 2100) if year not in busy)


def take(document, action: str, username: str, comment: str = "ok", **kwargs):
    """Take a step as a demo user."""
    return perform(document=document, action=action, actor=person(username), comment=comment, **kwargs)


def new_policy(by: str = "marketer", **overrides) -> RebatePolicy:
    """A draft for a free year and scope: retroactive tiers 1 % from 100,000 and 2 % from 1,000,000."""
    values = {
        **({} if "year" in overrides else fresh_slot()),
        "name": "测试返利政策",
        "tier_mode": TierMode.RETROACTIVE,
        "tiers": TIERS,
        **overrides,
    }
    return policy_create(actor=person(by), **values)


def active_policy(**kwargs) -> RebatePolicy:
    """A policy submitted by the marketer and approved by the director."""
    policy = new_policy(**kwargs)
    policy = take(policy, "submit", "marketer")
    return take(policy, "approve", "director")


def new_run(policy: RebatePolicy | None = None) -> RebateRun:
    """A run started by customer service (computed at once: the test task backend is immediate), of
    `policy` or of a policy of a past year with no run in progress or issued (only sent back, if any)."""
    if policy is None:
        policy = (
            RebatePolicy.objects.filter(
                status="active", year__lt=timezone.localdate().year, name="测试返利政策"
            )
            .exclude(runs__status__in=[s for s in RunStatus.values if s != RunStatus.RETURNED])
            .order_by("-pk")
            .first()
        ) or active_policy(**fresh_slot(before=timezone.localdate().year))
    return run_start(actor=person("service"), policy=policy)


def matrix_run() -> RebateRun:
    """`new_run()` for the flow matrix, which needs hundreds of runs: the runs earlier attempts left in
    progress on the test policy are marked sent back first (a test arrangement: one open run per policy),
    so the policy can be calculated again."""
    policy = (
        RebatePolicy.objects.filter(status="active", year__lt=timezone.localdate().year, name="测试返利政策")
        .exclude(runs__status=RunStatus.ISSUED)
        .order_by("-pk")
        .first()
    )
    if policy is not None:
        RebateRun.objects.filter(policy=policy).exclude(
            status__in=[RunStatus.RETURNED, RunStatus.ISSUED]
        ).update(status=RunStatus.RETURNED)
    return new_run(policy)


def unchecked_run(policy: RebatePolicy) -> RebateRun:
    """A computed run of `policy` made directly, past `run_start`'s checks (test arrangement: as a run
    started before the one-open-run rule, or by two starts the checks let through)."""
    run = RebateRun(policy=policy, year=policy.year)
    document_start(flow=RUN_FLOW, document=run, actor=person("service"))
    return run_compute(run)


RUN_PATHS = {
    "calculated": [],
    "director_review": [("submit", "service")],
    "finance_review": [("submit", "service"), ("approve", "director")],
    "president_review": [("submit", "service"), ("approve", "director"), ("verify", "finance")],
    "issued": [
        ("submit", "service"),
        ("approve", "director"),
        ("verify", "finance"),
        ("approve", "president"),
    ],
}


def run_in(state: str, policy: RebatePolicy | None = None) -> RebateRun:
    run = new_run(policy)
    for action, username in RUN_PATHS[state]:
        run = take(run, action, username)
    return RebateRun.objects.get(pk=run.pk)


def last_year_run_issued(code: str = "E01") -> RebateRun:
    """An issued run over last year's ledger for one distributor (a policy scoped to it)."""
    policy = active_policy(
        year=last_year(), scope=PolicyScope.DISTRIBUTORS, distributors=[Distributor.objects.get(code=code)]
    )
    return run_in("issued", policy)


def bare_statement(code: str = "E01", amount: str = "12345.67") -> Statement:
    """A statement in its initial state without a computation: a run and a result made directly (test
    arrangement), the statement started by the engine as the president's approval does."""
    distributor = Distributor.objects.select_related("region").get(code=code)
    policy = RebatePolicy.objects.filter(status="active").first()
    run = RebateRun(policy=policy, year=policy.year)
    document_start(flow=RUN_FLOW, document=run, actor=person("service"))
    result = RebateResult.objects.create(
        run=run, distributor=distributor, region=distributor.region, amount=D(amount), earned=D(amount)
    )
    statement = Statement(
        run=run,
        result=result,
        distributor=distributor,
        region=distributor.region,
        year=run.year,
        amount=D(amount),
    )
    return document_start(flow=STATEMENT_FLOW, document=statement, actor=person("president"))


def statement_in(state: str, code: str = "E01", portal: str = "dist_e01") -> Statement:
    statement = bare_statement(code)
    paths = {
        "issued": [],
        "disputed": [("dispute", portal, DISPUTE)],
        "confirmed": [("confirm", portal, None)],
        "paid": [("confirm", portal, None), ("pay", "finance", PAYOUT)],
    }
    for action, username, data in paths[state]:
        statement = take(statement, action, username, data=data)
    return Statement.objects.get(pk=statement.pk)


DISPUTE = {"reason": "退货应计入次年", "claimed_amount": "13000.00"}
PAYOUT = {"method": "payment", "reference": "BANK-1", "paid_on": str(timezone.localdate())}


@contextmanager
def step_defaults(flow, defaults: dict[str, dict]):
    """Give the named steps' forms default input (the flow matrix posts none)."""

    def prefilled(form_class, values):
        def make(*args, data=None, **kwargs):
            return form_class(*args, data={**values, **(data or {})}, **kwargs)

        return make

    steps = [
        dataclasses.replace(s, form=prefilled(s.form, defaults[s.action])) if s.action in defaults else s
        for s in flow.steps
    ]
    with mock.patch.object(flow, "steps", steps):
        yield
