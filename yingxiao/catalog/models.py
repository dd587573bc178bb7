"""Product categories and products."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingxiao.core.models import Searchable, TimeStamped
from yingxiao.core.money import MoneyField
from yingxiao.org.models import code_validator


class ProductCategory(Searchable, TimeStamped):
    """A product line (品类) used by reports, rebate filters and targets."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Product(Searchable, TimeStamped):
    """A product the company sells: code, name, specification, unit and list price."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    category = models.ForeignKey(
        ProductCategory, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    specification = models.CharField(_("specification"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=16)
    list_price = MoneyField(_("list price"), validators=[MinValueValidator(0)])
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="product_price_not_negative", condition=Q(list_price__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
