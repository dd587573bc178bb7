"""Stock per product and warehouse, the movement ledger, market demand, stock checks and transfers."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from yingxiao.catalog.models import Product
from yingxiao.core.models import TimeStamped
from yingxiao.org.models import Region, Warehouse
from yingxiao.workflow.models import WorkflowDocument

from .choices import MovementKind, StockCheckStatus, TransferStatus


class StockLevel(models.Model):
    """Stock of one product in one warehouse. Changed only through movements (services.stock_move)."""

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="stock_levels", verbose_name=_("product")
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="stock_levels", verbose_name=_("warehouse")
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    in_transit = models.IntegerField(_("incoming in transit"), default=0)
    safety_stock = models.IntegerField(_("safety stock"), default=0, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["warehouse", "product"]
        constraints = [
            models.UniqueConstraint(fields=["product", "warehouse"], name="stock_level_unique"),
            # Stock can never go negative, and no more can be reserved than is on hand.
            models.CheckConstraint(name="stock_on_hand_not_negative", condition=Q(on_hand__gte=0)),
            models.CheckConstraint(name="stock_reserved_not_negative", condition=Q(reserved__gte=0)),
            models.CheckConstraint(
                name="stock_reserved_within_on_hand", condition=Q(reserved__lte=F("on_hand"))
            ),
            models.CheckConstraint(name="stock_in_transit_not_negative", condition=Q(in_transit__gte=0)),
            models.CheckConstraint(name="stock_safety_not_negative", condition=Q(safety_stock__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse} · {self.product}"

    @property
    def available(self) -> int:
        """On hand minus reserved."""
        return self.on_hand - self.reserved


class StockMovement(models.Model):
    """One change of a stock level: the ledger. Deltas for on hand, reserved and incoming in transit."""

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="movements", verbose_name=_("warehouse")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MovementKind.choices)
    on_hand_delta = models.IntegerField(_("on hand change"), default=0)
    reserved_delta = models.IntegerField(_("reserved change"), default=0)
    in_transit_delta = models.IntegerField(_("in transit change"), default=0)
    reference = models.CharField(_("reference"), max_length=40, blank=True, db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["warehouse", "product", "at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.kind} {self.product_id}@{self.warehouse_id}"


class Demand(TimeStamped):
    """Expected market demand for a product in a region and month (需求), recorded by regional staff."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="demands", verbose_name=_("region")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="demands", verbose_name=_("product")
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    quantity = models.PositiveIntegerField(_("quantity"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("market demand")
        verbose_name_plural = _("market demand")
        ordering = ["-period", "region", "product"]
        constraints = [
            models.UniqueConstraint(fields=["region", "product", "period"], name="demand_unique_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.product} {self.period:%Y-%m}: {self.quantity}"

    def clean(self) -> None:
        if self.period and self.period.day != 1:
            raise ValidationError({"period": _("Use the first day of the month.")})


class StockCheck(WorkflowDocument):
    """A count of a warehouse's stock (库存清查); approved differences become adjustment movements."""

    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="stock_checks", verbose_name=_("warehouse")
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    counted_on = models.DateField(_("counted on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("stock check")
        verbose_name_plural = _("stock checks")
        ordering = ["-created_at"]

    def get_status_display(self) -> str:
        return str(StockCheckStatus(self.status).label)


class StockCheckLine(models.Model):
    """A counted quantity; `system_quantity` is what the books said when the check was submitted."""

    check_doc = models.ForeignKey(
        StockCheck, on_delete=models.CASCADE, related_name="lines", verbose_name=_("stock check")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    counted = models.PositiveIntegerField(_("counted"))
    system_quantity = models.IntegerField(_("book quantity"), default=0)

    class Meta:
        verbose_name = _("stock check line")
        verbose_name_plural = _("stock check lines")
        constraints = [
            models.UniqueConstraint(fields=["check_doc", "product"], name="stock_check_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.product}: {self.counted}"

    @property
    def difference(self) -> int:
        """Counted minus book quantity."""
        return self.counted - self.system_quantity


class TransferRequest(WorkflowDocument):
    """调货申请单: stock asked from a source warehouse for a region's destination warehouse."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="transfer_requests", verbose_name=_("region")
    )
    source_warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="transfers_out", verbose_name=_("source warehouse")
    )
    destination_warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        related_name="transfers_in",
        verbose_name=_("destination warehouse"),
    )
    wanted_by = models.DateField(_("wanted by"))
    note = models.TextField(_("note"), blank=True)
    order_number = models.CharField(_("warehouse order"), max_length=32, blank=True, editable=False)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True, editable=False)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("transfer request")
        verbose_name_plural = _("transfer requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="transfer_source_not_destination",
                condition=~Q(source_warehouse=F("destination_warehouse")),
            ),
        ]

    def get_status_display(self) -> str:
        return str(TransferStatus(self.status).label)

    def clean(self) -> None:
        if self.source_warehouse_id and self.source_warehouse_id == self.destination_warehouse_id:
            raise ValidationError({"destination_warehouse": _("Source and destination must differ.")})


class TransferLine(models.Model):
    """A product and quantity on a transfer request; approvers may cut `approved_quantity`, never raise it."""

    request = models.ForeignKey(
        TransferRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("transfer request")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(_("requested quantity"), validators=[MinValueValidator(1)])
    approved_quantity = models.PositiveIntegerField(_("approved quantity"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("transfer line")
        verbose_name_plural = _("transfer lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "product"], name="transfer_line_unique_product"),
            models.CheckConstraint(name="transfer_line_quantity_positive", condition=Q(quantity__gt=0)),
            models.CheckConstraint(
                name="transfer_line_approved_within_requested",
                condition=Q(approved_quantity__isnull=True) | Q(approved_quantity__lte=F("quantity")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.effective_quantity}"

    @property
    def effective_quantity(self) -> int:
        """What will move: the approved quantity once an approver cut it, else the requested one."""
        return self.quantity if self.approved_quantity is None else self.approved_quantity
