"""Sales rebates (销售返利, seed 四.4): the year's policy with its tiers → a calculation run over the sales
ledger (a line per purchase, a result per distributor) → a statement per distributor → one payout."""

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingxiao.catalog.models import ProductCategory
from yingxiao.core.models import TimeStamped
from yingxiao.core.money import MoneyField
from yingxiao.org.models import Region
from yingxiao.partners.models import Distributor
from yingxiao.sales.models import SalesLine
from yingxiao.workflow.models import WorkflowDocument

from .choices import (
    CalcStatus,
    PayoutMethod,
    PolicyScope,
    PolicyStatus,
    RebateBasis,
    RunStatus,
    StatementStatus,
    TierMode,
)

#: A rate such as 0.0350 (3.5 %): four decimal places.
RATE: dict[str, Any] = {"max_digits": 6, "decimal_places": 4}
#: A base is an amount in yuan or a quantity in units; both fit here.
BASE: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}


class RebatePolicy(WorkflowDocument):
    """返利政策: for one year, which distributors earn what rebate on what purchases. Drafted by the market
    department, approved by the director; then active and frozen (a change is a new revision)."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    name = models.CharField(_("name"), max_length=100)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1, editable=False)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisions",
        verbose_name=_("previous revision"),
        editable=False,
    )
    scope = models.CharField(_("scope"), max_length=16, choices=PolicyScope.choices, default=PolicyScope.ALL)
    regions = models.ManyToManyField(Region, blank=True, related_name="+", verbose_name=_("regions"))
    grades = models.JSONField(_("grades"), default=list, blank=True)  # DistributorGrade values
    distributors = models.ManyToManyField(
        Distributor, blank=True, related_name="+", verbose_name=_("distributors")
    )
    #: Canonical text of the scope ("all", "regions:1,4", "grades:A,B", "distributors:7,9"), so that
    #: "one active policy per scope and year" is a database constraint. Written by the services.
    scope_key = models.CharField(_("scope key"), max_length=500, default="all", editable=False)
    basis = models.CharField(
        _("basis"), max_length=8, choices=RebateBasis.choices, default=RebateBasis.AMOUNT
    )
    categories = models.ManyToManyField(
        ProductCategory,
        blank=True,
        related_name="+",
        verbose_name=_("product categories"),
        help_text=_("Leave empty for every category."),
    )
    tier_mode = models.CharField(
        _("tier mode"), max_length=12, choices=TierMode.choices, default=TierMode.RETROACTIVE
    )
    payment_speed_factor = models.BooleanField(
        _("payment-speed factor"),
        default=False,
        help_text=_("Scale the rebate by the distributor's average days to pay (bands below)."),
    )
    forfeit_cross_region = models.BooleanField(
        _("forfeit for cross-region selling"),
        default=False,
        help_text=_(
            "A distributor flagged for selling outside its region (窜货) in the year gets no rebate."
        ),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("rebate policy")
        verbose_name_plural = _("rebate policies")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "scope_key"],
                condition=Q(status=PolicyStatus.ACTIVE),
                name="rebate_policy_one_active_per_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_status_display(self) -> str:
        return str(PolicyStatus(self.status).label)


class RebateTier(models.Model):
    """One tier: from `threshold` (of the base, inclusive) the rate applies."""

    policy = models.ForeignKey(
        RebatePolicy, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("policy")
    )
    threshold = models.DecimalField(_("from (base)"), validators=[MinValueValidator(0)], **BASE)
    rate = models.DecimalField(_("rate"), validators=[MinValueValidator(0), MaxValueValidator(1)], **RATE)

    class Meta:
        verbose_name = _("rebate tier")
        verbose_name_plural = _("rebate tiers")
        ordering = ["policy", "threshold"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "threshold"], name="rebate_tier_unique_threshold"),
            models.CheckConstraint(name="rebate_tier_rate_range", condition=Q(rate__gte=0, rate__lte=1)),
            models.CheckConstraint(name="rebate_tier_threshold_positive", condition=Q(threshold__gte=0)),
        ]

    def __str__(self) -> str:
        return f"≥{self.threshold}: {self.rate:.2%}"


class PaymentSpeedBand(models.Model):
    """Payment-speed factor: a distributor whose average days to pay is at most `max_days` keeps `factor`
    of its rebate (the first band that fits); `max_days` empty means any slower payer."""

    policy = models.ForeignKey(
        RebatePolicy, on_delete=models.CASCADE, related_name="speed_bands", verbose_name=_("policy")
    )
    max_days = models.PositiveSmallIntegerField(_("paid within (days)"), null=True, blank=True)
    factor = models.DecimalField(_("factor"), validators=[MinValueValidator(0), MaxValueValidator(1)], **RATE)

    class Meta:
        verbose_name = _("payment-speed band")
        verbose_name_plural = _("payment-speed bands")
        ordering = ["policy", models.F("max_days").asc(nulls_last=True)]
        constraints = [
            models.CheckConstraint(name="speed_band_factor_range", condition=Q(factor__gte=0, factor__lte=1)),
        ]

    def __str__(self) -> str:
        return f"≤{self.max_days}: {self.factor:.0%}"


class CrossRegionFlag(TimeStamped):
    """窜货: a regional manager's finding, with evidence, that a distributor sold outside its region in a
    year. Policies with forfeiture give that distributor no rebate for the year unless the flag is lifted."""

    distributor = models.ForeignKey(
        Distributor,
        on_delete=models.PROTECT,
        related_name="cross_region_flags",
        verbose_name=_("distributor"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    evidence = models.TextField(_("evidence"))
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("flagged by")
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lifted by"),
    )

    class Meta:
        verbose_name = _("cross-region selling flag")
        verbose_name_plural = _("cross-region selling flags")
        ordering = ["-year", "-created_at"]

    def __str__(self) -> str:
        return f"{self.distributor} {self.year}"


class RebateAdvance(TimeStamped):
    """A rebate paid ahead during the year (预付返利); the run deducts it from the year's amount."""

    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, related_name="rebate_advances", verbose_name=_("distributor")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = MoneyField(_("amount"), validators=[MinValueValidator(0)])
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("rebate advance")
        verbose_name_plural = _("rebate advances")
        ordering = ["-paid_on", "-id"]
        constraints = [models.CheckConstraint(name="rebate_advance_positive", condition=Q(amount__gt=0))]

    def __str__(self) -> str:
        return f"{self.distributor} {self.year}: {self.amount}"


class RebateRun(WorkflowDocument):
    """返利计算: one computation of a policy over its year's sales ledger, then its approvals. A
    recalculation is a new run; earlier runs stay readable."""

    policy = models.ForeignKey(
        RebatePolicy, on_delete=models.PROTECT, related_name="runs", verbose_name=_("policy")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recalculations",
        verbose_name=_("recalculation of"),
    )
    calc_status = models.CharField(
        _("computation"), max_length=8, choices=CalcStatus.choices, default=CalcStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    line_count = models.PositiveIntegerField(_("purchase lines"), default=0)
    distributor_count = models.PositiveIntegerField(_("distributors"), default=0)
    total_base = models.DecimalField(_("total base"), default=0, **BASE)
    total_sales = MoneyField(_("total sales"), default=0)
    total_earned = MoneyField(_("total rebate earned"), default=0)  # Σ results' earned
    total_amount = MoneyField(_("total rebate"), default=0)  # Σ results' amount owed (after advances)
    #: Lines finance disputes when sending the run back: [{"distributor": id, "note": "..."}].
    disputed = models.JSONField(_("disputed lines"), default=list, blank=True)

    class Meta:
        verbose_name = _("rebate run")
        verbose_name_plural = _("rebate runs")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.number

    def get_status_display(self) -> str:
        return str(RunStatus(self.status).label)


class RebateResult(models.Model):
    """A distributor's outcome in a run: base, tier reached, rate, deductions and the amount owed."""

    run = models.ForeignKey(
        RebateRun, on_delete=models.CASCADE, related_name="results", verbose_name=_("run")
    )
    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, related_name="+", verbose_name=_("distributor")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    line_count = models.PositiveIntegerField(_("purchase lines"), default=0)
    sales = MoneyField(_("net purchases"), default=0)
    gross_base = models.DecimalField(_("purchases (base)"), default=0, **BASE)
    returns_base = models.DecimalField(_("returns (base)"), default=0, **BASE)  # ≤ 0
    base = models.DecimalField(_("net base"), default=0, **BASE)
    tier_threshold = models.DecimalField(_("tier reached"), null=True, blank=True, **BASE)
    rate = models.DecimalField(_("rate"), default=0, **RATE)  # the reached tier's rate
    rebate = MoneyField(_("rebate by tiers"), default=0)
    avg_days_to_pay = models.DecimalField(
        _("average days to pay"), null=True, blank=True, max_digits=7, decimal_places=1
    )
    speed_factor = models.DecimalField(_("payment-speed factor"), default=1, **RATE)
    forfeited = models.BooleanField(_("forfeited (cross-region selling)"), default=False)
    #: rebate × speed factor to the fen, 0 when forfeited: what the year earned; the lines share it out.
    earned = MoneyField(_("rebate earned"), default=0)
    advanced = MoneyField(_("already advanced"), default=0)
    amount = MoneyField(_("amount owed"), default=0)  # max(0, earned − advanced)

    class Meta:
        verbose_name = _("rebate result")
        verbose_name_plural = _("rebate results")
        ordering = ["run", "region", "distributor"]
        constraints = [
            models.UniqueConstraint(fields=["run", "distributor"], name="rebate_result_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.distributor}: {self.amount}"


class RebateLine(models.Model):
    """One purchase (or return) line of the run's year: its base and its share of the rebate. Written in
    bulk by the calculation (INSERT … SELECT), never loaded row by row."""

    # No single-column indexes (the (run, distributor) index below serves both lookups) and no database
    # foreign keys: each costs seconds on the bulk INSERT … SELECT of a million lines (PostgreSQL checks
    # deferred keys row by row at commit). The calculation writes only ids it has just read.
    run = models.ForeignKey(
        RebateRun,
        on_delete=models.CASCADE,
        related_name="lines",
        db_constraint=False,
        db_index=False,
        verbose_name=_("run"),
    )
    sales_line = models.ForeignKey(
        SalesLine,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("ledger line"),
    )
    distributor = models.ForeignKey(
        Distributor,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("distributor"),
    )
    base = models.DecimalField(_("base"), **BASE)
    rebate = MoneyField(_("rebate"), default=0)

    class Meta:
        verbose_name = _("rebate line")
        verbose_name_plural = _("rebate lines")
        indexes = [models.Index(fields=["run", "distributor"], name="rebate_line_run_distributor")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.sales_line_id}: {self.rebate}"


class Statement(WorkflowDocument):
    """对账单: what the run owes one distributor, for the distributor to confirm or dispute."""

    run = models.ForeignKey(
        RebateRun, on_delete=models.PROTECT, related_name="statements", verbose_name=_("run")
    )
    result = models.OneToOneField(
        RebateResult, on_delete=models.PROTECT, related_name="statement", verbose_name=_("result")
    )
    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, related_name="rebate_statements", verbose_name=_("distributor")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"))
    amount = MoneyField(_("amount"), validators=[MinValueValidator(0)])
    disputed_amount = MoneyField(_("amount claimed by the distributor"), null=True, blank=True)
    dispute_reason = models.TextField(_("dispute reason"), blank=True)

    class Meta:
        verbose_name = _("rebate statement")
        verbose_name_plural = _("rebate statements")
        ordering = ["-year", "region", "distributor"]

    def __str__(self) -> str:
        return f"{self.number} {self.distributor}"

    def get_status_display(self) -> str:
        return str(StatementStatus(self.status).label)


class RebatePayout(models.Model):
    """The payout of a confirmed statement, exactly once: the one-to-one is the database's guarantee."""

    statement = models.OneToOneField(
        Statement, on_delete=models.PROTECT, related_name="payout", verbose_name=_("statement")
    )
    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, related_name="rebate_payouts", verbose_name=_("distributor")
    )
    amount = MoneyField(_("amount"), validators=[MinValueValidator(0)])
    method = models.CharField(_("method"), max_length=12, choices=PayoutMethod.choices)
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    paid_on = models.DateField(_("paid on"))
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("paid by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rebate payout")
        verbose_name_plural = _("rebate payouts")
        ordering = ["-paid_on", "-id"]
        constraints = [models.CheckConstraint(name="rebate_payout_not_negative", condition=Q(amount__gte=0))]

    def __str__(self) -> str:
        return f"{self.statement}: {self.amount}"
