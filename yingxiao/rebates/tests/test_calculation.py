"""The rebate calculation engine: worked examples (one table), tier properties (Hypothesis), line shares
that add up, the set-based run against the naive line-by-line oracle, and the run's life (task,
progress, failure keeps nothing).

Everything is written in YEAR, a year the demo company has no ledger, invoice, flag or advance in, so
the only data a policy sees is the example's own."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import count

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from yingxiao.accounts.models import User
from yingxiao.catalog.models import Product
from yingxiao.org.models import Region
from yingxiao.partners.choices import DistributorGrade, DistributorStatus
from yingxiao.partners.models import Customer, Distributor
from yingxiao.rebates import calculation
from yingxiao.rebates.calculation import (
    Tier,
    compute_line_by_line,
    distributor_bases,
    line_share,
    payment_speed,
    run_compute,
    simulate,
    speed_factor,
    tier_rebate,
)
from yingxiao.rebates.choices import CalcStatus, PolicyScope, PolicyStatus, RebateBasis, TierMode
from yingxiao.rebates.models import (
    CrossRegionFlag,
    PaymentSpeedBand,
    RebateAdvance,
    RebateLine,
    RebatePolicy,
    RebateResult,
    RebateRun,
    RebateTier,
)
from yingxiao.rebates.tasks import compute_rebate_run
from yingxiao.sales.choices import InvoiceStatus, LedgerSource
from yingxiao.sales.models import Invoice, Payment, PaymentAllocation, SalesLine

YEAR = 2019
AS_OF = date(YEAR + 1, 1, 31)  # the calculation date of the examples: early in the next year
D = Decimal
RETRO, PROG = TierMode.RETROACTIVE, TierMode.PROGRESSIVE
TIERS = [("100000", "0.02"), ("500000", "0.03")]  # from 100,000: 2 %; from 500,000: 3 %

_numbers = count(1)


# --- building blocks ---------------------------------------------------------------------------------


class World:
    """Demo master data plus helpers that write the example's own distributors, ledger and payments."""

    def __init__(self):
        self.finance = User.objects.get(username="finance")
        self.rep = User.objects.get(username="rep_east")
        products = Product.objects.order_by("code")
        self.water = products.filter(category__code="water").first()
        self.air = products.filter(category__code="air").first()
        self.regions = {r.code: r for r in Region.objects.all()}

    def distributor(self, region="east", grade=DistributorGrade.B, status=DistributorStatus.ACTIVE):
        n = next(_numbers)
        d = Distributor(
            code=f"RT{n:05d}",
            name=f"返利测试{n}",
            region=self.regions[region],
            grade=grade,
            status=status,
        )
        d.refresh_search_text()
        d.save()
        return d

    def line(self, distributor, day, amount, quantity=1, source=LedgerSource.IMPORT, product=None):
        day = date.fromisoformat(day) if isinstance(day, str) else day
        product = product or self.water
        return SalesLine(
            date=day,
            year=day.year,
            month=day.month,
            region_id=distributor.region_id,
            salesperson=self.rep,
            distributor=distributor,
            product=product,
            category_id=product.category_id,
            quantity=quantity,
            amount=D(amount),
            source=source,
        )

    def ledger(self, lines):
        SalesLine.objects.bulk_create(lines)

    def policy(self, tiers=TIERS, mode=RETRO, bands=(), **fields):
        fields.setdefault("year", YEAR)
        policy = RebatePolicy.objects.create(
            number=f"RP-T-{next(_numbers):06d}",
            status=PolicyStatus.DRAFT,
            created_by=self.finance,
            name="测试政策",
            tier_mode=mode,
            **fields,
        )
        for threshold, rate in tiers:
            RebateTier.objects.create(policy=policy, threshold=D(threshold), rate=D(rate))
        for max_days, factor in bands:
            PaymentSpeedBand.objects.create(policy=policy, max_days=max_days, factor=D(factor))
        return policy

    def invoice(self, distributor, issued, amount, payments=()):
        """An invoice and its payments [(received_on, amount)]."""
        issued = date.fromisoformat(issued)
        paid = sum((D(a) for _, a in payments), D(0))
        n = next(_numbers)
        invoice = Invoice.objects.create(
            number=f"RT-INV-{n:06d}",
            region=distributor.region,
            salesperson=self.rep,
            distributor=distributor,
            issued_on=issued,
            due_date=issued + timedelta(days=30),
            amount=D(amount),
            paid_amount=paid,
            status=InvoiceStatus.PAID if paid == D(amount) else InvoiceStatus.OPEN,
        )
        for i, (received, part) in enumerate(payments):
            payment = Payment.objects.create(
                number=f"RT-PAY-{n:06d}-{i}",
                region=distributor.region,
                distributor=distributor,
                received_on=date.fromisoformat(received),
                amount=D(part),
                recorded_by=self.finance,
            )
            PaymentAllocation.objects.create(payment=payment, invoice=invoice, amount=D(part))
        return invoice

    def flag(self, distributor, lifted=False, year=YEAR):
        return CrossRegionFlag.objects.create(
            distributor=distributor,
            year=year,
            evidence="在华北区域销售",
            flagged_by=self.finance,
            lifted_at=timezone.now() if lifted else None,
            lifted_by=self.finance if lifted else None,
        )

    def advance(self, distributor, amount, year=YEAR):
        return RebateAdvance.objects.create(
            distributor=distributor,
            year=year,
            amount=D(amount),
            paid_on=date(year, 7, 1),
            recorded_by=self.finance,
        )

    def run(self, policy, year=YEAR):
        return RebateRun.objects.create(
            number=f"RR-T-{next(_numbers):06d}",
            status="calculated",
            created_by=self.finance,
            policy=policy,
            year=year,
        )


@pytest.fixture
def world(db):
    return World()


def only_row(simulation, distributor):
    rows = [r for r in simulation.rows if r.distributor_id == distributor.pk]
    return rows[0] if rows else None


# --- worked examples ---------------------------------------------------------------------------------


@dataclass
class Example:
    """One distributor's year. `lines`: (date, amount, quantity, source, category "water"/"air");
    `expect`: fields of its result (None: no result at all)."""

    id: str
    lines: list = field(default_factory=list)
    expect: dict | None = None
    tiers: list = field(default_factory=lambda: TIERS)
    mode: str = RETRO
    policy: dict = field(default_factory=dict)
    bands: list = field(default_factory=list)
    invoices: list = field(default_factory=list)  # (issued, amount, [(received, amount)])
    flag: str | None = None  # "unlifted" / "lifted"
    advances: list = field(default_factory=list)
    category: str | None = None  # the policy's category filter


def buy(day, amount, quantity=1, category="water"):
    return (day, amount, quantity, LedgerSource.IMPORT, category)


def give_back(day, amount, quantity=-1, category="water"):
    return (day, f"-{amount}", quantity, LedgerSource.RETURN, category)


EXAMPLES = [
    Example(
        "base exactly on a threshold reaches it",
        [buy("2019-03-01", "300000.00"), buy("2019-09-01", "200000.00")],
        {"base": D("500000.00"), "tier_threshold": D("500000"), "rate": D("0.03"), "rebate": D("15000.00")},
    ),
    Example(
        "a fen below the threshold stays in the lower tier",
        [buy("2019-03-01", "499999.99")],
        {"tier_threshold": D("100000"), "rate": D("0.02"), "rebate": D("10000.00")},  # 9999.9998
    ),
    Example(
        "below the first threshold earns nothing",
        [buy("2019-03-01", "99999.99")],
        {"base": D("99999.99"), "tier_threshold": None, "rate": D(0), "rebate": D("0.00"), "amount": D(0)},
    ),
    Example(
        "retroactive: the reached rate on the whole base",
        [buy("2019-05-01", "600000.00")],
        {"rebate": D("18000.00"), "earned": D("18000.00"), "amount": D("18000.00")},
    ),
    Example(
        "progressive: each band at its own rate",
        [buy("2019-05-01", "600000.00")],
        {"rebate": D("11000.00"), "tier_threshold": D("500000"), "rate": D("0.03")},  # 400k×2 % + 100k×3 %
        mode=PROG,
    ),
    Example(
        "progressive on a threshold: only the lower band",
        [buy("2019-05-01", "500000.00")],
        {"rebate": D("8000.00")},
        mode=PROG,
    ),
    Example(
        "returns within the year lower the base (and can drop a tier)",
        [buy("2019-03-01", "110000.00"), give_back("2019-12-31", "20000.00")],
        {
            "gross_base": D("110000.00"),
            "returns_base": D("-20000.00"),
            "base": D("90000.00"),
            "sales": D("90000.00"),
            "line_count": 2,
            "tier_threshold": None,
            "rebate": D("0.00"),
        },
    ),
    Example(
        "returns after the cut-off do not touch the year",
        [buy("2019-03-01", "110000.00"), give_back("2020-01-05", "20000.00")],
        {"base": D("110000.00"), "returns_base": D("0.00"), "line_count": 1, "rebate": D("2200.00")},
    ),
    Example(
        "rounding to the fen half up (half-even would give 5.02)",
        [buy("2019-04-01", "100.50")],
        {"rebate": D("5.03")},  # 100.50 × 5 % = 5.025
        tiers=[("0", "0.05")],
    ),
    Example(
        "a distributor that started in July: no pro-rating",
        [buy("2019-07-15", "60000.00"), buy("2019-11-20", "40000.00")],
        {"base": D("100000.00"), "tier_threshold": D("100000"), "rebate": D("2000.00")},
    ),
    Example(
        "no purchases: no result",
        [buy("2018-12-31", "900000.00"), buy("2020-01-01", "900000.00")],
        None,
    ),
    Example(
        "quantity basis: tiers count units, the rate applies to the net amount",
        [buy("2019-02-01", "60000.00", quantity=120), give_back("2019-03-01", "10000.00", quantity=-20)],
        {"base": D("100"), "tier_threshold": D("100"), "rebate": D("2500.00"), "sales": D("50000.00")},
        tiers=[("100", "0.05")],
        policy={"basis": RebateBasis.QUANTITY},
    ),
    Example(
        "quantity basis, progressive: each band's rate on its share of the amount",
        [buy("2019-02-01", "30000.00", quantity=150)],
        {"base": D("150"), "rebate": D("800.00")},  # 30 000 × (50 × 2 % + 50 × 6 %) / 150
        tiers=[("50", "0.02"), ("100", "0.06")],
        mode=PROG,
        policy={"basis": RebateBasis.QUANTITY},
    ),
    Example(
        "payment-speed factor: amount-weighted 40 days → 80 %",
        [buy("2019-05-01", "200000.00")],
        {
            "rebate": D("4000.00"),
            "avg_days_to_pay": D("40.0"),
            "speed_factor": D("0.8"),
            "earned": D("3200.00"),
        },
        policy={"payment_speed_factor": True},
        bands=[(30, "1"), (60, "0.8"), (None, "0.5")],
        # 1,000 paid in 10 days and 3,000 in 50 days: (10 000 + 150 000) / 4 000 = 40
        invoices=[
            ("2019-05-01", "1000.00", [("2019-05-11", "1000.00")]),
            ("2019-06-01", "3000.00", [("2019-07-21", "3000.00")]),
        ],  # fmt: skip
    ),
    Example(
        "payment-speed factor: on the band's limit keeps that band",
        [buy("2019-05-01", "200000.00")],
        {"avg_days_to_pay": D("30.0"), "speed_factor": D("1"), "earned": D("4000.00")},
        policy={"payment_speed_factor": True},
        bands=[(30, "1"), (60, "0.8"), (None, "0.5")],
        invoices=[("2019-05-01", "1000.00", [("2019-05-31", "1000.00")])],
    ),
    Example(
        "payment-speed factor: unpaid invoices count until the calculation date",
        [buy("2019-05-01", "200000.00")],
        {"avg_days_to_pay": D("61.0"), "speed_factor": D("0.5"), "earned": D("2000.00")},
        policy={"payment_speed_factor": True},
        bands=[(30, "1"), (60, "0.8"), (None, "0.5")],
        invoices=[("2019-12-01", "500.00", [])],  # 1 Dec → 31 Jan
    ),
    Example(
        "payment-speed factor: no payment data → factor 1",
        [buy("2019-05-01", "200000.00")],
        {"avg_days_to_pay": None, "speed_factor": D("1"), "earned": D("4000.00")},
        policy={"payment_speed_factor": True},
        bands=[(30, "1"), (None, "0.5")],
    ),
    Example(
        "payment-speed factor: slower than every band and no catch-all → 0",
        [buy("2019-05-01", "200000.00")],
        {"avg_days_to_pay": D("90.0"), "speed_factor": D("0"), "earned": D("0.00")},
        policy={"payment_speed_factor": True},
        bands=[(30, "1"), (60, "0.8")],
        invoices=[("2019-03-01", "800.00", [("2019-05-30", "800.00")])],
    ),
    Example(
        "cross-region selling forfeits the rebate",
        [buy("2019-05-01", "200000.00")],
        {"rebate": D("4000.00"), "forfeited": True, "earned": D("0.00"), "amount": D("0.00")},
        policy={"forfeit_cross_region": True},
        flag="unlifted",
    ),
    Example(
        "a lifted flag forfeits nothing",
        [buy("2019-05-01", "200000.00")],
        {"forfeited": False, "earned": D("4000.00")},
        policy={"forfeit_cross_region": True},
        flag="lifted",
    ),
    Example(
        "a flag does nothing under a policy without forfeiture",
        [buy("2019-05-01", "200000.00")],
        {"forfeited": False, "earned": D("4000.00")},
        flag="unlifted",
    ),
    Example(
        "advances are deducted",
        [buy("2019-05-01", "200000.00")],
        {"earned": D("4000.00"), "advanced": D("1500.00"), "amount": D("2500.00")},
        advances=["1000.00", "500.00"],
    ),
    Example(
        "advances above the rebate: nothing owed, nothing clawed back",
        [buy("2019-05-01", "200000.00")],
        {"earned": D("4000.00"), "advanced": D("5000.00"), "amount": D("0.00")},
        advances=["5000.00"],
    ),
    Example(
        "an advance but no purchase: a zero result shows it",
        [],
        {"line_count": 0, "base": D(0), "earned": D(0), "advanced": D("800.00"), "amount": D(0)},
        advances=["800.00"],
    ),
    Example(
        "category filter: only the chosen category counts",
        [buy("2019-05-01", "150000.00", category="water"), buy("2019-05-02", "90000.00", category="air")],
        {"base": D("90000.00"), "sales": D("90000.00"), "line_count": 1, "rebate": D("0.00")},
        category="air",
    ),
]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_worked_example(world, example):
    d = world.distributor()
    products = {"water": world.water, "air": world.air}
    world.ledger(
        world.line(d, day, amount, quantity, source, products[category])
        for day, amount, quantity, source, category in example.lines
    )
    policy = world.policy(tiers=example.tiers, mode=example.mode, bands=example.bands, **example.policy)
    if example.category:
        policy.categories.set([products[example.category].category])
    for issued, amount, payments in example.invoices:
        world.invoice(d, issued, amount, payments)
    if example.flag:
        world.flag(d, lifted=example.flag == "lifted")
    for amount in example.advances:
        world.advance(d, amount)

    row = only_row(simulate(policy, YEAR, as_of=AS_OF), d)

    if example.expect is None:
        assert row is None
        return
    assert row is not None
    got = {name: getattr(row, name) for name in example.expect}
    assert got == example.expect
    # The written run says the same as the simulation, and the oracle agrees.
    run = run_compute(world.run(policy), as_of=AS_OF)
    result = RebateResult.objects.get(run=run, distributor=d)
    assert {name: getattr(result, name) for name in example.expect} == example.expect
    assert compute_line_by_line(policy, YEAR, as_of=AS_OF).rows[d.pk] == row


def test_quantity_basis_rates_apply_to_money():
    tiers = [Tier(D(100), D("0.05"))]
    assert tier_rebate(D(100), tiers, RETRO, amount=D("50000.00")) == (D(100), D("0.05"), D("2500.00"))
    assert tier_rebate(D(100), tiers, RETRO, amount=D("-10.00"))[2] == D(0)  # never negative


def test_half_up_and_half_even_differ_on_the_rounding_example():
    exact = D("100.50") * D("0.05")
    assert exact == D("5.025")
    assert exact.quantize(D("0.01"), rounding=ROUND_HALF_EVEN) == D("5.02")
    assert tier_rebate(D("100.50"), [Tier(D(0), D("0.05"))], RETRO)[2] == D("5.03")


SCOPES = [
    # id, scope, what the policy names, which of the distributors (by key) it covers
    ("all distributors", PolicyScope.ALL, None, {"sh", "east", "north_a", "north_c"}),
    ("a region covers its districts", PolicyScope.REGIONS, ["east"], {"sh", "east"}),
    ("a district alone", PolicyScope.REGIONS, ["east-sh"], {"sh"}),
    ("grades", PolicyScope.GRADES, ["A"], {"north_a"}),
    ("named distributors", PolicyScope.DISTRIBUTORS, ["sh", "north_c"], {"sh", "north_c"}),
]


@pytest.mark.parametrize(("scope", "named", "covered"), [s[1:] for s in SCOPES], ids=[s[0] for s in SCOPES])
def test_scope(world, scope, named, covered):
    ds = {
        "sh": world.distributor(region="east-sh", grade=DistributorGrade.B),
        "east": world.distributor(region="east", grade=DistributorGrade.C),
        "north_a": world.distributor(region="north", grade=DistributorGrade.A),
        "north_c": world.distributor(
            region="north", grade=DistributorGrade.C, status=DistributorStatus.TERMINATED
        ),
    }
    world.ledger(world.line(d, "2019-06-01", "200000.00") for d in ds.values())
    policy = world.policy(scope=scope, grades=named if scope == PolicyScope.GRADES else [])
    if scope == PolicyScope.REGIONS:
        policy.regions.set([world.regions[code] for code in named])
    if scope == PolicyScope.DISTRIBUTORS:
        policy.distributors.set([ds[key] for key in named])
    sim = simulate(policy, YEAR, as_of=AS_OF)
    assert {r.distributor_id for r in sim.rows} == {ds[k].pk for k in covered}
    assert set(distributor_bases(policy, YEAR)) == {ds[k].pk for k in covered}
    assert sim.total_sales == D("200000.00") * len(covered)
    assert sim.total_cost == D("4000.00") * len(covered)
    assert sim.ratio == D("0.0200")


def test_direct_customers_earn_no_rebate(world):
    d = world.distributor()
    line = world.line(d, "2019-06-01", "900000.00")
    line.distributor, line.customer = None, Customer.objects.first()
    world.ledger([line])
    assert simulate(world.policy(), YEAR, as_of=AS_OF).rows == []


def test_simulation_totals_and_ratio(world):
    a, b = world.distributor(), world.distributor()
    world.ledger([world.line(a, "2019-01-10", "600000.00"), world.line(b, "2019-02-10", "50000.00")])
    world.advance(a, "3000.00")
    sim = simulate(world.policy(), YEAR, as_of=AS_OF)
    assert sim.total_sales == D("650000.00")
    assert sim.total_cost == D("18000.00")  # b is below the first tier
    assert sim.total_owed == D("15000.00")
    assert sim.ratio == D("0.0277")  # 18 000 / 650 000 = 0.027692…
    assert not RebateResult.objects.filter(distributor__in=[a, b]).exists()  # nothing written


def test_simulation_of_an_empty_year_has_no_ratio(world):
    sim = simulate(world.policy(), YEAR, as_of=AS_OF)
    assert (sim.rows, sim.total_cost, sim.ratio) == ([], D(0), None)


# --- pure helpers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("average", "factor"),
    [
        (None, "1"),
        (D("0"), "1"),
        (D("30.0"), "1"),
        (D("30.1"), "0.8"),
        (D("60.0"), "0.8"),
        (D("60.1"), "0.5"),
    ],
    ids=["no data", "cash", "on 30", "just over 30", "on 60", "slower than 60"],
)
def test_speed_band_choice(average, factor):
    bands = [
        PaymentSpeedBand(max_days=None, factor=D("0.5")),  # listed first on purpose: order by max_days
        PaymentSpeedBand(max_days=60, factor=D("0.8")),
        PaymentSpeedBand(max_days=30, factor=D("1")),
    ]
    assert speed_factor(average, bands) == D(factor)
    assert speed_factor(average, []) == D(1)


@pytest.mark.parametrize(
    ("base", "earned", "net", "share"),
    [
        ("1.00", "0.01", "2.00", "0.01"),  # 0.005 → half up
        ("-1.00", "0.01", "2.00", "-0.01"),  # a return's share, half away from zero
        ("3.00", "10.00", "9.00", "3.33"),
        ("6.00", "10.00", "9.00", "6.67"),
        ("5.00", "0.00", "9.00", "0.00"),
        ("5.00", "10.00", "-9.00", "0.00"),
    ],
)
def test_line_share(base, earned, net, share):
    assert line_share(D(base), D(earned), D(net)) == D(share)


def test_payment_speed_only_counts_invoices_of_the_year(world):
    d = world.distributor()
    world.invoice(d, "2018-12-31", "1000.00", [("2019-06-30", "1000.00")])  # last year's invoice
    world.invoice(d, "2019-01-01", "1000.00", [("2019-01-11", "600.00"), ("2019-01-21", "400.00")])
    assert payment_speed(YEAR, AS_OF)[d.pk] == D("14.0")  # (600×10 + 400×20) / 1000


# --- properties of the tiers -------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)


@st.composite
def tier_sets(draw, increasing=False):
    thresholds = sorted(draw(st.sets(money, min_size=1, max_size=5)))
    chosen = draw(st.lists(rates, min_size=len(thresholds), max_size=len(thresholds)))
    if increasing:
        chosen = sorted(chosen)
    return [Tier(t, r) for t, r in zip(thresholds, chosen, strict=True)]


@given(tiers=tier_sets(increasing=True), base=money)
def test_progressive_never_exceeds_retroactive_when_rates_rise(tiers, base):
    """With rates non-decreasing in the threshold (the usual policy), for any base ≥ 0."""
    assert tier_rebate(base, tiers, PROG)[2] <= tier_rebate(base, tiers, RETRO)[2]


@given(tiers=tier_sets(), a=money, b=money)
def test_progressive_never_falls_as_the_base_grows(tiers, a, b):
    """Any rates ≥ 0: progressive is non-decreasing in the base."""
    low, high = sorted((a, b))
    assert tier_rebate(low, tiers, PROG)[2] <= tier_rebate(high, tiers, PROG)[2]


@given(tiers=tier_sets(), a=money, b=money)
def test_retroactive_changes_direction_only_at_thresholds(tiers, a, b):
    """Any rates ≥ 0: between two thresholds (same tier reached) retroactive is non-decreasing; it may
    jump — down too, when a higher tier has a lower rate — only where a threshold is crossed."""
    low, high = sorted((a, b))
    t_low, _, r_low = tier_rebate(low, tiers, RETRO)
    t_high, _, r_high = tier_rebate(high, tiers, RETRO)
    if t_low == t_high:
        assert r_low <= r_high


@given(tiers=tier_sets(increasing=True), a=money, b=money)
def test_retroactive_never_falls_when_rates_rise(tiers, a, b):
    """With rates non-decreasing in the threshold, retroactive is non-decreasing everywhere (its jumps
    at thresholds are upward)."""
    low, high = sorted((a, b))
    assert tier_rebate(low, tiers, RETRO)[2] <= tier_rebate(high, tiers, RETRO)[2]


@given(tiers=tier_sets(), base=money)
def test_tier_reached_is_the_highest_threshold_not_above_the_base(tiers, base):
    threshold, rate, amount = tier_rebate(base, tiers, RETRO)
    below = [t for t in tiers if t.threshold <= base]
    assert threshold == (max(t.threshold for t in below) if below else None)
    assert amount == (base * rate).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert tier_rebate(base, tiers, PROG)[:2] == (threshold, rate)


# --- generated ledgers: lines add up, the set-based run equals the naive one -------------------------

days = st.integers(min_value=-20, max_value=385).map(lambda n: date(YEAR, 1, 1) + timedelta(days=n))
cents = st.integers(min_value=1, max_value=50_000_000)  # up to 500,000.00 a line


@st.composite
def scenarios(draw):
    n = draw(st.integers(min_value=1, max_value=5))
    lines = draw(
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                days,
                cents,
                st.integers(1, 80),
                st.integers(0, 3).map(lambda r: r == 0),  # about 1 in 4 a return
                st.sampled_from(["water", "air"]),
            ),
            max_size=40,
        )
    )
    thresholds = sorted(draw(st.sets(st.integers(0, 1000), min_size=1, max_size=4)))  # scaled in _build
    tier_rates = draw(st.lists(st.integers(0, 800), min_size=len(thresholds), max_size=len(thresholds)))
    return {
        "n": n,
        "lines": lines,
        "tiers": [(D(t), D(r).scaleb(-4)) for t, r in zip(thresholds, tier_rates, strict=True)],
        "mode": draw(st.sampled_from([RETRO, PROG])),
        "basis": draw(st.sampled_from([RebateBasis.AMOUNT, RebateBasis.QUANTITY])),
        "category": draw(st.sampled_from([None, "water"])),
        "scope": draw(st.sampled_from([PolicyScope.ALL, PolicyScope.GRADES, PolicyScope.REGIONS])),
        "speed": draw(st.booleans()),
        "invoices": draw(
            st.lists(
                st.tuples(st.integers(0, n - 1), days, cents, st.integers(0, 120), st.integers(0, 100)),
                max_size=6,
            )
        ),  # fmt: skip
        "flags": draw(st.lists(st.tuples(st.integers(0, n - 1), st.booleans()), max_size=2)),
        "advances": draw(st.lists(st.tuples(st.integers(0, n - 1), cents), max_size=3)),
    }


def _build(world, s):
    regions = ["east", "east-sh", "north"]
    grades = [DistributorGrade.A, DistributorGrade.B, DistributorGrade.C]
    ds = [world.distributor(region=regions[i % 3], grade=grades[i % 3]) for i in range(s["n"])]
    products = {"water": world.water, "air": world.air}
    lines = []
    for i, day, fen, quantity, is_return, category in s["lines"]:
        amount = D(fen).scaleb(-2)
        if is_return:
            amount, quantity = -amount, -quantity
        source = LedgerSource.RETURN if is_return else LedgerSource.IMPORT
        lines.append(world.line(ds[i], day, amount, quantity, source, products[category]))
    world.ledger(lines)
    scale = D(500) if s["basis"] == RebateBasis.AMOUNT else D("0.5")  # up to 500,000 yuan or 500 units
    tiers = [(str(t * scale), str(r)) for t, r in s["tiers"]]
    policy = world.policy(
        tiers=tiers,
        mode=s["mode"],
        basis=s["basis"],
        scope=s["scope"],
        grades=["A", "C"] if s["scope"] == PolicyScope.GRADES else [],
        payment_speed_factor=s["speed"],
        forfeit_cross_region=True,
        bands=[(30, "1"), (60, "0.85"), (None, "0.6")],
    )
    if s["scope"] == PolicyScope.REGIONS:
        policy.regions.set([world.regions["east"]])
    if s["category"]:
        policy.categories.set([products[s["category"]].category])
    for i, issued, fen, after, paid_percent in s["invoices"]:
        amount = D(fen).scaleb(-2)
        paid = (amount * paid_percent / 100).quantize(D("0.01"))
        payments = [((issued + timedelta(days=after)).isoformat(), str(paid))] if paid > 0 else []
        world.invoice(ds[i], issued.isoformat(), str(amount), payments)
    for i, lifted in s["flags"]:
        world.flag(ds[i], lifted=lifted)
    for i, fen in s["advances"]:
        world.advance(ds[i], D(fen).scaleb(-2))
    return policy


class _Rollback(Exception):
    pass


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(s=scenarios())
def test_set_based_run_equals_line_by_line_and_lines_add_up(world, s):
    try:
        with transaction.atomic():
            policy = _build(world, s)
            run = run_compute(world.run(policy), as_of=AS_OF)
            oracle = compute_line_by_line(policy, YEAR, as_of=AS_OF)
            results = {r.distributor_id: r for r in RebateResult.objects.filter(run=run)}
            assert set(results) == set(oracle.rows)
            for pk, expected in oracle.rows.items():
                got = results[pk]
                for name, value in expected.__dict__.items():
                    assert getattr(got, name) == value, (name, pk)
            lines = {
                line.sales_line_id: (line.distributor_id, line.base, line.rebate)
                for line in RebateLine.objects.filter(run=run)
            }
            assert lines == oracle.lines
            for pk, result in results.items():
                shares = [rebate for d_pk, _, rebate in lines.values() if d_pk == pk]
                assert len(shares) == result.line_count
                assert abs(sum(shares, D(0)) - result.earned) <= D("0.005") * len(shares)
            assert run.line_count == len(lines)
            assert run.total_earned == sum((r.earned for r in results.values()), D(0))
            raise _Rollback
    except _Rollback:
        pass


@settings(max_examples=40, deadline=None)
@given(
    earned_share=st.integers(0, 1000),
    parts=st.lists(st.integers(-(10**9), 10**9).filter(bool), min_size=1, max_size=30),
)
def test_line_shares_add_up_within_rounding(earned_share, parts):
    """Any split of a net base into lines (returns included): Σ shares is within n × 0.005 of earned."""
    assume(sum(parts) > 0)
    total = sum(parts)
    earned = (D(total) * earned_share / 1000).scaleb(-2).quantize(D("0.01"))
    shares = [line_share(D(p).scaleb(-2), earned, D(total).scaleb(-2)) for p in parts]
    assert abs(sum(shares, D(0)) - earned) <= D("0.005") * len(parts)


# --- the run's life ----------------------------------------------------------------------------------


def test_the_task_computes_a_queued_run_and_leaves_others(world):
    d = world.distributor()
    world.ledger([world.line(d, "2019-03-01", "150000.00"), world.line(d, "2019-04-01", "50000.00")])
    run = world.run(world.policy())
    assert compute_rebate_run.call(run.pk) == CalcStatus.DONE
    run.refresh_from_db()
    assert (run.calc_status, run.progress, run.error) == (CalcStatus.DONE, 100, "")
    assert run.computed_at is not None
    assert (run.line_count, run.distributor_count) == (2, 1)
    assert (run.total_sales, run.total_base, run.total_earned, run.total_amount) == (
        D("200000.00"), D("200000.00"), D("4000.00"), D("4000.00")
    )  # fmt: skip
    assert sorted(RebateLine.objects.filter(run=run).values_list("rebate", flat=True)) == [
        D("1000.00"),
        D("3000.00"),
    ]
    assert compute_rebate_run.call(run.pk) == CalcStatus.DONE  # not queued: left alone
    assert RebateLine.objects.filter(run=run).count() == 2


def test_a_failed_run_keeps_nothing_and_says_why(world, monkeypatch):
    d = world.distributor()
    world.ledger([world.line(d, "2019-03-01", "150000.00")])
    run = world.run(world.policy())

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(calculation, "_insert_lines", broken)
    compute_rebate_run.enqueue(run.pk)  # the immediate backend of the tests records the failure
    run.refresh_from_db()
    assert (run.calc_status, run.error) == (CalcStatus.FAILED, "disk full")
    assert not RebateResult.objects.filter(run=run).exists()
    assert not RebateLine.objects.filter(run=run).exists()
    monkeypatch.undo()
    run_compute(run, as_of=AS_OF)  # started again, it completes
    run.refresh_from_db()
    assert run.calc_status == CalcStatus.DONE
    assert RebateResult.objects.filter(run=run).count() == 1


def test_a_ledger_change_during_the_run_fails_it(world, monkeypatch):
    d = world.distributor()
    world.ledger([world.line(d, "2019-03-01", "150000.00")])
    run = world.run(world.policy())
    real = calculation._insert_lines
    monkeypatch.setattr(calculation, "_insert_lines", lambda *a: real(*a) + 1)
    with pytest.raises(calculation.LedgerChanged) as error:
        run_compute(run, as_of=AS_OF)
    run.refresh_from_db()
    assert run.calc_status == CalcStatus.FAILED
    assert run.error == str(error.value)  # the message, in the language active at the time
    assert not RebateResult.objects.filter(run=run).exists()


def test_a_recalculation_is_a_new_run_and_the_old_one_stays(world):
    d = world.distributor()
    world.ledger([world.line(d, "2019-03-01", "150000.00")])
    policy = world.policy()
    first = run_compute(world.run(policy), as_of=AS_OF)
    world.ledger([world.line(d, "2019-12-01", "400000.00")])
    second = run_compute(world.run(policy), as_of=AS_OF)
    assert RebateResult.objects.get(run=first).earned == D("3000.00")
    assert RebateResult.objects.get(run=second).earned == D("16500.00")  # 550 000 × 3 %
    assert RebateLine.objects.filter(run=first).count() == 1
    assert RebateLine.objects.filter(run=second).count() == 2


def test_the_run_reads_the_ledger_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    ds = [world.distributor() for _ in range(6)]
    world.ledger(world.line(d, f"2019-0{m}-01", "30000.00") for d in ds for m in range(1, 10))
    policy = world.policy(payment_speed_factor=True, forfeit_cross_region=True, bands=[(None, "1")])
    run = world.run(policy)
    with django_assert_max_num_queries(25):
        run_compute(run, as_of=AS_OF)
    assert RebateLine.objects.filter(run=run).count() == 54
