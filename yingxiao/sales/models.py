"""Sales orders → deliveries → invoices → payments; the sales ledger every report reads; month closing;
collection tasks (催收) and background imports of history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from yingxiao.catalog.models import Product, ProductCategory
from yingxiao.core.models import TimeStamped
from yingxiao.core.money import MoneyField
from yingxiao.org.models import Region, Warehouse
from yingxiao.partners.models import Customer, Distributor
from yingxiao.workflow.models import WorkflowDocument

from .choices import CollectionStatus, ImportStatus, InvoiceStatus, LedgerSource

BUYER_IS_ONE = Q(distributor__isnull=False, customer__isnull=True) | Q(
    distributor__isnull=True, customer__isnull=False
)


class SalesOrder(WorkflowDocument):
    """销售订单 to a distributor or a direct customer of a region."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="sales_orders", verbose_name=_("region")
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sales_orders",
        verbose_name=_("salesperson"),
    )
    distributor = models.ForeignKey(
        Distributor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sales_orders",
        verbose_name=_("distributor"),
    )
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sales_orders",
        verbose_name=_("customer"),
    )
    order_date = models.DateField(_("order date"))
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"), default=30, validators=[MaxValueValidator(365)]
    )
    total = MoneyField(_("total"), default=0, editable=False)
    warehouse = models.ForeignKey(
        Warehouse,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ship from"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(name="sales_order_one_buyer", condition=BUYER_IS_ONE)]

    @property
    def buyer(self):
        """The distributor or the direct customer."""
        return self.distributor or self.customer


class SalesOrderLine(models.Model):
    """A product on an order: quantity × unit price, less a discount in percent."""

    order = models.ForeignKey(
        SalesOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = MoneyField(_("unit price"), validators=[MinValueValidator(0)])
    discount = models.DecimalField(
        _("discount %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    amount = MoneyField(_("amount"), editable=False)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(name="sales_line_quantity_positive", condition=Q(quantity__gt=0)),
            models.CheckConstraint(name="sales_line_price_not_negative", condition=Q(unit_price__gte=0)),
            models.CheckConstraint(
                name="sales_line_discount_range", condition=Q(discount__gte=0, discount__lte=100)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class Delivery(TimeStamped):
    """发货单: an order shipped from a warehouse; its lines moved stock and entered the sales ledger."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    order = models.OneToOneField(
        SalesOrder, on_delete=models.PROTECT, related_name="delivery", verbose_name=_("order")
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="+", verbose_name=_("warehouse")
    )
    delivered_on = models.DateField(_("delivered on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-delivered_on", "-id"]

    def __str__(self) -> str:
        return self.number


class Invoice(TimeStamped):
    """发票: what the buyer owes for a delivered order, due after the payment terms."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    order = models.OneToOneField(
        SalesOrder,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoice",
        verbose_name=_("order"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("region")
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("salesperson"),
    )
    distributor = models.ForeignKey(
        Distributor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("distributor"),
    )
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("customer"),
    )
    issued_on = models.DateField(_("issued on"))
    due_date = models.DateField(_("due date"), db_index=True)
    amount = MoneyField(_("amount"), validators=[MinValueValidator(0)])
    paid_amount = MoneyField(_("paid"), default=0)
    status = models.CharField(
        _("status"), max_length=8, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN
    )

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["status", "due_date", "region", "amount", "paid_amount"])]
        constraints = [
            models.CheckConstraint(name="invoice_one_buyer", condition=BUYER_IS_ONE),
            # Never more paid than invoiced, and never negative.
            models.CheckConstraint(
                name="invoice_paid_within_amount",
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=F("amount")),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def open_amount(self):
        """What is still to be paid."""
        return self.amount - self.paid_amount

    @property
    def buyer(self):
        """The distributor or the direct customer."""
        return self.distributor or self.customer


class Payment(TimeStamped):
    """回款: money received from a buyer, allocated to one or more of its invoices."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="payments", verbose_name=_("region")
    )
    distributor = models.ForeignKey(
        Distributor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("distributor"),
    )
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("customer"),
    )
    received_on = models.DateField(_("received on"))
    amount = MoneyField(_("amount"), validators=[MinValueValidator(0)])
    method = models.CharField(_("method"), max_length=32, blank=True)
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(name="payment_one_payer", condition=BUYER_IS_ONE),
            models.CheckConstraint(name="payment_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return self.number


class PaymentAllocation(models.Model):
    """The part of a payment that settles one invoice."""

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("payment")
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("invoice")
    )
    amount = MoneyField(_("amount"))

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        constraints = [models.CheckConstraint(name="allocation_positive", condition=Q(amount__gt=0))]

    def __str__(self) -> str:
        return f"{self.payment} → {self.invoice}: {self.amount}"


class SalesLine(models.Model):
    """The sales ledger: one row per delivered (or imported, or returned) line. The single source of sales
    statistics, targets, rebates and promotion evaluation. Written only by services; read-only elsewhere.
    Year, month and category are copied in so reports group without joins (covering indexes below)."""

    date = models.DateField(_("date"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
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
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    category = models.ForeignKey(
        ProductCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    quantity = models.IntegerField(_("quantity"))
    amount = MoneyField(_("amount"))
    source = models.CharField(_("source"), max_length=8, choices=LedgerSource.choices)
    order_line = models.ForeignKey(
        SalesOrderLine,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("order line"),
    )
    reference = models.CharField(_("reference"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("sales ledger line")
        verbose_name_plural = _("sales ledger")
        ordering = ["-date", "-id"]
        indexes = [
            # Statistics: one covering index per grouping, so a year is read from the index alone.
            models.Index(
                fields=[
                    "year",
                    "month",
                    "region",
                    "salesperson",
                    "product",
                    "category",
                    "quantity",
                    "amount",
                ],
                name="sales_line_stats",
            ),
            models.Index(
                fields=["year", "distributor", "customer", "region", "quantity", "amount"],
                name="sales_line_party",
            ),
            # Rebates: a year's rows per distributor, with what the calculation reads (issue 6).
            models.Index(
                fields=["year", "distributor", "category", "source", "quantity", "amount"],
                name="sales_line_rebate",
            ),
            models.Index(fields=["date", "region"], name="sales_line_date"),
            models.Index(fields=["distributor", "date"], name="sales_line_distributor"),
            models.Index(fields=["product", "date"], name="sales_line_product"),
        ]
        constraints = [
            models.CheckConstraint(name="sales_line_one_buyer", condition=BUYER_IS_ONE),
            models.CheckConstraint(name="sales_line_month_range", condition=Q(month__gte=1, month__lte=12)),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.product_id} × {self.quantity}"


class ClosedMonth(models.Model):
    """A month finance has closed: its ledger accepts no new or changed lines."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("closed by")
    )
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("closed month")
        verbose_name_plural = _("closed months")
        ordering = ["-year", "-month"]
        constraints = [models.UniqueConstraint(fields=["year", "month"], name="closed_month_unique")]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


class CollectionTask(TimeStamped):
    """催收: follow-up of an overdue invoice by the distributor's rep, escalated when a promise is broken."""

    invoice = models.OneToOneField(
        Invoice, on_delete=models.PROTECT, related_name="collection", verbose_name=_("invoice")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="collections",
        verbose_name=_("assignee"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CollectionStatus.choices,
        default=CollectionStatus.OPEN,
        db_index=True,
    )
    promised_on = models.DateField(_("promised payment date"), null=True, blank=True)
    promised_amount = MoneyField(_("promised amount"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("escalated to"),
    )

    class Meta:
        verbose_name = _("collection task")
        verbose_name_plural = _("collection tasks")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.invoice} ({self.get_status_display()})"


class CollectionNote(models.Model):
    """One contact with the buyer about an overdue invoice (call, visit, message)."""

    task = models.ForeignKey(
        CollectionTask, on_delete=models.CASCADE, related_name="notes", verbose_name=_("task")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    text = models.TextField(_("contact log"))
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("collection note")
        verbose_name_plural = _("collection notes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class SalesImport(TimeStamped):
    """An Excel import of sales history, run in the background with its progress and per-row errors."""

    file = models.FileField(_("file"), upload_to="imports/sales/")
    status = models.CharField(
        _("status"), max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    done_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sales import")
        verbose_name_plural = _("sales imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file.name} ({self.status})"

    @property
    def percent(self) -> int:
        """Progress for the progress bar."""
        return int(100 * self.done_rows / self.total_rows) if self.total_rows else 0

    def clean(self) -> None:
        if self.done_rows > self.total_rows:
            raise ValidationError({"done_rows": _("More rows done than there are.")})
