"""Sales regions (大区 and their 片区), departments and warehouses."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingxiao.core.models import Searchable, TimeStamped

from .choices import WarehouseKind

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    _("Use letters, digits, '-', '_' or '.', starting with a letter or digit."),
)


class Region(Searchable, TimeStamped):
    """A sales region (大区); a region with a parent is a district (片区) inside it."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="districts",
        verbose_name=_("parent region"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_district(self) -> bool:
        """A 片区 (district) rather than a 大区."""
        return self.parent_id is not None

    @property
    def top_id(self) -> int:
        """The id of the 大区 this region belongs to (itself when it is one)."""
        return self.parent_id or self.pk

    def clean(self) -> None:
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A region cannot be its own parent.")})
        if self.parent and self.parent.parent_id:
            raise ValidationError(
                {"parent": _("Districts cannot be split further: choose a top-level region.")}
            )
        if self.parent_id and self.pk and Region.objects.filter(parent_id=self.pk).exists():
            raise ValidationError({"parent": _("This region has districts, so it cannot become a district.")})


class Department(Searchable, TimeStamped):
    """A department of the company (市场部, 财务部, 仓储部 …) with an optional head."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("head"),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Warehouse(Searchable, TimeStamped):
    """A place that holds stock: a headquarters warehouse or one serving a region."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=WarehouseKind.choices)
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warehouses",
        verbose_name=_("region"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                name="warehouse_regional_has_region",
                condition=~Q(kind=WarehouseKind.REGIONAL) | Q(region__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == WarehouseKind.REGIONAL and not self.region_id:
            raise ValidationError({"region": _("A regional warehouse needs its region.")})
