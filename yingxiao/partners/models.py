"""Distributors (经销商) and direct customers (直接客户)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingxiao.core.models import Searchable, TimeStamped
from yingxiao.core.money import MoneyField
from yingxiao.org.models import Region, code_validator

from .choices import DistributorGrade, DistributorStatus


class Distributor(Searchable, TimeStamped):
    """A company that buys from us and resells in a region."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="distributors", verbose_name=_("region")
    )
    grade = models.CharField(
        _("grade"), max_length=1, choices=DistributorGrade.choices, default=DistributorGrade.B
    )
    credit_limit = MoneyField(_("credit limit"), default=0, validators=[MinValueValidator(0)])
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DistributorStatus.choices, default=DistributorStatus.CANDIDATE
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="distributors",
        verbose_name=_("responsible rep"),
    )

    search_fields = ("code", "name", "contact_name")

    class Meta:
        verbose_name = _("distributor")
        verbose_name_plural = _("distributors")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="distributor_credit_not_negative", condition=Q(credit_limit__gte=0)),
        ]

    def __str__(self) -> str:
        return self.name


class Customer(Searchable, TimeStamped):
    """A direct customer in a region, optionally served through one of its distributors."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="customers", verbose_name=_("region")
    )
    distributor = models.ForeignKey(
        Distributor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
        verbose_name=_("distributor"),
    )
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    search_fields = ("code", "name", "contact_name")

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.distributor and self.region_id and self.distributor.region.top_id != self.region.top_id:
            raise ValidationError({"distributor": _("The distributor works in another region.")})
