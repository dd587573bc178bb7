"""Demo rebates. Last year has several active policies with distinct scopes, each with runs at a
different step, so that every run that waits can really be taken further by the demo user who sees it
(one open run per policy; only one run of a policy issues statements):

- 年度经销商销售返利政策 (all distributors; tiers, payment-speed bands, forfeiture for cross-region
  selling, with a flag on W06 and an advance to E02): a run finance sent back (E02 disputed), and its
  recalculation, issued, with statements in every state for the four distributors with a portal login:
  E01 awaiting the distributor (dist_e01), N01 disputed (finance answers), S01 confirmed (finance pays),
  W01 paid out;
- A级经销商返利政策 (grade A): its run awaits the president;
- 华东区域返利政策 (region 华东): its run awaits finance's verification;
- 华南区域返利政策 (region 华南): its run awaits the director's review;
- 西南区域返利政策 (region 西南): just calculated, customer service submits it.

This year: a draft for grade A awaiting the director. Everything goes through the services and the
engine; each part is loaded only if the demo has none yet, so loading the demo again changes nothing.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from yingxiao.accounts.models import User
from yingxiao.org.models import Region
from yingxiao.partners.models import Distributor
from yingxiao.workflow.services import perform

from .calculation import run_compute
from .choices import CalcStatus, PayoutMethod, PolicyScope, RebateBasis, TierMode
from .models import CrossRegionFlag, RebateAdvance, RebatePolicy, RebateRun, Statement
from .services import advance_record, cross_region_flag, policy_create, run_recalculate, run_start

D = Decimal
TIERS = [(D("5000000"), D("0.0100")), (D("15000000"), D("0.0200")), (D("25000000"), D("0.0300"))]
BANDS = [(45, D("1.0000")), (75, D("0.8000")), (None, D("0.5000"))]
GRADE_A_TIERS = [(D("3000000"), D("0.0050")), (D("10000000"), D("0.0100"))]
REGION_TIERS = [(D("1000000"), D("0.0030")), (D("5000000"), D("0.0060"))]

#: (action, username, comment, data) of each step taken
Steps = list[tuple[str, str, str, Any]]

# The steps that bring a new run to the director, to finance, to the president.
TO_DIRECTOR: Steps = [("submit", "service", "请审核", None)]
TO_FINANCE: Steps = [*TO_DIRECTOR, ("approve", "director", "同意", None)]
TO_PRESIDENT: Steps = [*TO_FINANCE, ("verify", "finance", "核对无误", None)]


def _user(name: str) -> User:
    return User.objects.get(username=name)


def _computed(run: RebateRun) -> RebateRun:
    """The demo computes at once (no worker is running while the demo loads)."""
    run.refresh_from_db()
    if run.calc_status != CalcStatus.DONE:
        run = run_compute(run)
    return run


def _steps(document, steps: Steps):
    for action, username, comment, data in steps:
        document = perform(
            document=document, action=action, actor=_user(username), comment=comment, data=data
        )
    return document


def _start(policy: RebatePolicy, steps: Steps) -> RebateRun:
    run = _computed(run_start(actor=_user("service"), policy=policy))
    return _steps(run, steps)


def _policy(year: int, name: str, drafter: str, steps: Steps, **values) -> RebatePolicy:
    """The year's policy of that name, drafted and taken through `steps`, only if there is none yet."""
    existing = RebatePolicy.objects.filter(year=year, name=name).order_by("pk").first()
    if existing is not None:
        return existing
    return _steps(policy_create(actor=_user(drafter), year=year, name=name, **values), steps)


APPROVED: Steps = [("submit", "marketer", "请总监审批", None), ("approve", "director", "同意执行", None)]


def load_flag_and_advance(year: int, today: date) -> None:
    west_small = Distributor.objects.get(code="W06")
    if not CrossRegionFlag.objects.filter(distributor=west_small, year=year).exists():
        cross_region_flag(
            actor=_user("manager_west"),
            distributor=west_small,
            year=year,
            evidence=f"{year}年9月在华南区域市场发现该经销商低价销售的净水器（附照片与发票复印件），属窜货。",
        )
    east = Distributor.objects.get(code="E02")
    if not RebateAdvance.objects.filter(distributor=east, year=year).exists():
        advance_record(
            actor=_user("finance"),
            distributor=east,
            year=year,
            amount=D("50000.00"),
            paid_on=today.replace(month=1, day=15) - timedelta(days=365),
            reference="YF-DEMO-001",
        )


def load_company_policy(year: int, today: date) -> None:
    """The company-wide policy: a run sent back by finance, its recalculation issued, statements in
    every state."""
    policy = _policy(
        year,
        f"{year}年度经销商销售返利政策",
        "marketer",
        APPROVED,
        scope=PolicyScope.ALL,
        basis=RebateBasis.AMOUNT,
        tier_mode=TierMode.RETROACTIVE,
        payment_speed_factor=True,
        forfeit_cross_region=True,
        note="按年度进货金额（扣除退货）全额累进；按回款速度系数调整；窜货取消当年返利。",
        tiers=TIERS,
        speed_bands=BANDS,
    )
    if policy.runs.exists():
        return
    returned = _start(
        policy,
        [
            *TO_FINANCE,
            (
                "send_back",
                "finance",
                "E02 预付返利需核对",
                {"distributors": "E02", "note": "预付返利5万元需核对到账日期"},
            ),
        ],
    )
    recalculation = _computed(run_recalculate(actor=_user("service"), run=returned))
    recalculation = _steps(
        recalculation,
        [
            ("submit", "service", "已按财务意见重新计算", None),
            ("approve", "director", "同意", None),
            ("verify", "finance", "核对无误", None),
            ("approve", "president", "同意发放", None),
        ],
    )
    statements = {
        s.distributor.code: s
        for s in Statement.objects.filter(run=recalculation).select_related("distributor")
    }
    # A distributor disputes to claim more: N01 says a delivery is missing from its base (its claim is the
    # issued amount plus 2 % of that delivery's ¥1,800,000).
    n01 = statements.get("N01")
    claimed = (n01.amount + Decimal("36000.00")) if n01 else Decimal(0)
    reconciliation: dict[str, Steps] = {
        "N01": [
            (
                "dispute",
                "dist_n01",
                "",
                {
                    "reason": "12月28日到货的一批（货款¥1,800,000，发货单 FH-1228）未计入进货基数，返利少算",
                    "claimed_amount": str(claimed),
                },
            )
        ],
        "S01": [("confirm", "dist_s01", "确认无误", None)],
        "W01": [
            ("confirm", "dist_w01", "", None),
            (
                "pay",
                "finance",
                "",
                {"method": PayoutMethod.CREDIT_NOTE, "reference": "HZ-DEMO-001", "paid_on": str(today)},
            ),
        ],
    }
    for code, steps in reconciliation.items():
        if code in statements:
            _steps(statements[code], steps)


def _region_policy(year: int, code: str) -> RebatePolicy:
    region = Region.objects.get(code=code)
    return _policy(
        year,
        f"{year}年度{region.name}区域返利政策",
        "marketer",
        APPROVED,
        scope=PolicyScope.REGIONS,
        regions=[region],
        basis=RebateBasis.AMOUNT,
        tier_mode=TierMode.PROGRESSIVE,
        note=f"{region.name}区域市场拓展奖励，超额累进。",
        tiers=REGION_TIERS,
    )


def load_scoped_policies(year: int) -> None:
    """Last year's policies for a grade or a region, each with one run waiting for somebody else."""
    grade_a = _policy(
        year,
        f"{year}年度A级经销商返利政策",
        "market_manager",
        [("submit", "market_manager", "A级经销商专项返利", None), ("approve", "director", "同意", None)],
        scope=PolicyScope.GRADES,
        grades=["A"],
        basis=RebateBasis.AMOUNT,
        tier_mode=TierMode.PROGRESSIVE,
        note="A级经销商专项奖励，超额累进。",
        tiers=GRADE_A_TIERS,
    )
    waiting: list[tuple[RebatePolicy, Steps]] = [
        (grade_a, TO_PRESIDENT),
        (_region_policy(year, "east"), TO_FINANCE),  # 华东
        (_region_policy(year, "south"), TO_DIRECTOR),  # 华南
        (_region_policy(year, "west"), []),  # 西南: calculated, customer service submits it
    ]
    for policy, steps in waiting:
        if not policy.runs.exists():
            _start(policy, steps)


def load(admin: User) -> None:
    """Each policy (with its runs) and this year's draft, only if the demo has none yet."""
    today = timezone.localdate()
    year = today.year - 1
    load_flag_and_advance(year, today)
    load_company_policy(year, today)
    load_scoped_policies(year)
    _policy(
        today.year,
        f"{today.year}年度A级经销商返利政策",
        "market_manager",
        [("submit", "market_manager", "草案，请审阅", None)],
        scope=PolicyScope.GRADES,
        grades=["A"],
        basis=RebateBasis.AMOUNT,
        tier_mode=TierMode.PROGRESSIVE,
        tiers=[(D("10000000"), D("0.0150")), (D("20000000"), D("0.0250"))],
    )
