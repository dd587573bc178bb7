"""Exchange and return cases (换货、退货) on sales-ledger lines, their refunds, and after-sales service
tickets (售后服务). Cases and tickets are workflow documents; photos are the engine's attachments."""

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _

from yingxiao.catalog.models import Product
from yingxiao.core.money import MoneyField
from yingxiao.org.models import Region, Warehouse
from yingxiao.partners.models import Customer, Distributor
from yingxiao.sales.models import BUYER_IS_ONE, SalesLine
from yingxiao.workflow.models import WorkflowDocument

from .choices import (
    ExchangeStatus,
    GoodsCondition,
    InformedBy,
    QualityCause,
    RefundMethod,
    ReturnStatus,
    ServiceKind,
    TicketStatus,
)


class Case(WorkflowDocument):
    """What exchanges and returns share: the buyer and region of the ledger lines, the problem, whether it
    was filed late (director's approval), quality's finding, the goods coming back, and the rejection."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("salesperson")
    )
    distributor = models.ForeignKey(
        Distributor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("distributor"),
    )
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("customer"),
    )
    problem = models.TextField(_("problem"))
    delivered_on = models.DateField(_("delivered on"), editable=False)
    late = models.BooleanField(_("filed late"), default=False, editable=False)
    quarantine_warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="+", verbose_name=_("goods come back to")
    )
    # quality department's finding (质量部)
    finding_at = models.DateTimeField(_("quality finding at"), null=True, blank=True, editable=False)
    finding_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("quality finding by"),
    )
    is_quality_problem = models.BooleanField(_("quality problem"), null=True, blank=True, editable=False)
    cause = models.CharField(
        _("cause"), max_length=16, choices=QualityCause.choices, blank=True, editable=False
    )
    finding_batch = models.CharField(_("batch (quality)"), max_length=40, blank=True, editable=False)
    finding_note = models.TextField(_("quality note"), blank=True, editable=False)
    # goods back at the warehouse
    received_at = models.DateTimeField(_("goods received at"), null=True, blank=True, editable=False)
    received_condition = models.CharField(
        _("condition"), max_length=16, choices=GoodsCondition.choices, blank=True, editable=False
    )
    # rejection
    customer_informed_via = models.CharField(
        _("customer informed by"), max_length=16, choices=InformedBy.choices, blank=True, editable=False
    )
    customer_informed_at = models.DateTimeField(
        _("customer informed at"), null=True, blank=True, editable=False
    )

    lines: Any  # ExchangeLine or ReturnLine rows (the reverse relation of the concrete class)

    class Meta:
        abstract = True

    @property
    def buyer(self):
        """The distributor or the direct customer."""
        return self.distributor or self.customer

    @property
    def has_finding(self) -> bool:
        """Quality has recorded its finding."""
        return self.finding_at is not None


class ExchangeCase(Case):
    """换货: goods with a quality problem come back and are replaced."""

    ship_warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="+", verbose_name=_("replacement ships from")
    )
    replacement_note = models.TextField(_("replacement request"), blank=True, editable=False)
    shipped_at = models.DateTimeField(_("replacement shipped at"), null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True, editable=False)
    acceptance_note = models.TextField(_("acceptance note"), blank=True, editable=False)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"),
        null=True,
        blank=True,
        editable=False,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    usage_notes = models.TextField(_("usage notes"), blank=True, editable=False)

    class Meta:
        verbose_name = _("exchange case")
        verbose_name_plural = _("exchange cases")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="exchange_one_buyer", condition=BUYER_IS_ONE),
            models.CheckConstraint(
                name="exchange_satisfaction_range",
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
            ),
        ]

    def get_status_display(self) -> str:
        return str(ExchangeStatus(self.status).label)


class ReturnCase(Case):
    """退货: goods with a quality problem come back and finance refunds what was paid for them."""

    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("return case")
        verbose_name_plural = _("return cases")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(name="return_one_buyer", condition=BUYER_IS_ONE)]

    def get_status_display(self) -> str:
        return str(ReturnStatus(self.status).label)

    @property
    def refunded(self):
        """What finance has refunded so far."""
        from yingxiao.core.money import to_money

        return to_money(self.refunds.aggregate(total=Sum("amount"))["total"] or 0)


class CaseLine(models.Model):
    """A sales-ledger line a case concerns: the product, its batch and how many units."""

    sales_line = models.ForeignKey(
        SalesLine, on_delete=models.PROTECT, related_name="+", verbose_name=_("sales ledger line")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    batch = models.CharField(_("batch"), max_length=40, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    received_quantity = models.PositiveIntegerField(_("received quantity"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


def _line_constraints(prefix: str) -> list:
    return [
        models.UniqueConstraint(fields=["case", "sales_line"], name=f"{prefix}_line_unique"),
        models.CheckConstraint(name=f"{prefix}_line_quantity_positive", condition=Q(quantity__gt=0)),
        models.CheckConstraint(
            name=f"{prefix}_line_received_within",
            condition=Q(received_quantity__isnull=True) | Q(received_quantity__lte=F("quantity")),
        ),
    ]


class ExchangeLine(CaseLine):
    """A ledger line on an exchange case."""

    case = models.ForeignKey(
        ExchangeCase, on_delete=models.CASCADE, related_name="lines", verbose_name=_("exchange case")
    )

    class Meta:
        verbose_name = _("exchange line")
        verbose_name_plural = _("exchange lines")
        ordering = ["id"]
        constraints = _line_constraints("exchange")


class ReturnLine(CaseLine):
    """A ledger line on a return case."""

    case = models.ForeignKey(
        ReturnCase, on_delete=models.CASCADE, related_name="lines", verbose_name=_("return case")
    )

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        ordering = ["id"]
        constraints = _line_constraints("return")


class Refund(models.Model):
    """退款: money finance paid back on a return (one case may be refunded in several payments)."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    case = models.ForeignKey(
        ReturnCase, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("return case")
    )
    amount = MoneyField(_("amount"))
    method = models.CharField(_("method"), max_length=16, choices=RefundMethod.choices)
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    paid_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["paid_at", "id"]
        constraints = [models.CheckConstraint(name="refund_positive", condition=Q(amount__gt=0))]

    def __str__(self) -> str:
        return f"{self.number}: {self.amount}"


class RefundLine(models.Model):
    """The part of a refund paid for one return line (so what a ledger line has refunded is known)."""

    refund = models.ForeignKey(
        Refund, on_delete=models.CASCADE, related_name="lines", verbose_name=_("refund")
    )
    line = models.ForeignKey(
        ReturnLine, on_delete=models.PROTECT, related_name="refund_lines", verbose_name=_("return line")
    )
    amount = MoneyField(_("amount"))

    class Meta:
        verbose_name = _("refund line")
        verbose_name_plural = _("refund lines")
        constraints = [models.CheckConstraint(name="refund_line_positive", condition=Q(amount__gt=0))]

    def __str__(self) -> str:
        return f"{self.refund} → {self.line_id}: {self.amount}"


class ServiceTicket(WorkflowDocument):
    """售后服务: a customer's request for installation, repair or help, handled in its region with technical
    support when needed, due within a number of working days."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    distributor = models.ForeignKey(
        Distributor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("distributor"),
    )
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("customer"),
    )
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ServiceKind.choices)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    description = models.TextField(_("request"))
    working_days = models.PositiveSmallIntegerField(
        _("working days to resolve"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    deadline = models.DateField(_("deadline"), db_index=True)
    resolution = models.TextField(_("resolution"), blank=True, editable=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, editable=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("resolved by"),
    )

    class Meta:
        verbose_name = _("service ticket")
        verbose_name_plural = _("service tickets")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(name="service_ticket_one_buyer", condition=BUYER_IS_ONE)]

    def get_status_display(self) -> str:
        return str(TicketStatus(self.status).label)

    @property
    def buyer(self):
        """The distributor or the direct customer."""
        return self.distributor or self.customer

    @property
    def is_overdue(self) -> bool:
        """Still open after its deadline."""
        from django.utils import timezone

        return (
            self.status in (TicketStatus.OPEN, TicketStatus.ESCALATED)
            and self.deadline < timezone.localdate()
        )
