"""Users, their role memberships with a scope, and delegations of authority."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import REGIONAL_ROLES, Role, ScopeKind


class User(AbstractUser):
    """A person who logs in: staff of the company or a distributor's portal user."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        """The name shown in pages: the Chinese full name when there is one."""
        return str(self)


class Membership(models.Model):
    """A user holds a role within a scope: the whole company, one region, one distributor or warehouse."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "org.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("region"),
    )
    distributor = models.ForeignKey(
        "partners.Distributor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("distributor"),
    )
    warehouse = models.ForeignKey(
        "org.Warehouse",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("warehouse"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role membership")
        verbose_name_plural = _("role memberships")
        ordering = ["user", "role"]
        constraints = [
            # A scope is one thing at most: the company (nothing set), a region, a distributor or a warehouse.
            models.CheckConstraint(
                name="membership_single_scope",
                condition=~Q(region__isnull=False, distributor__isnull=False)
                & ~Q(region__isnull=False, warehouse__isnull=False)
                & ~Q(distributor__isnull=False, warehouse__isnull=False),
            ),
            # A distributor portal user always belongs to exactly one distributor.
            models.CheckConstraint(
                name="membership_distributor_scope",
                condition=Q(role=Role.DISTRIBUTOR, distributor__isnull=False)
                | (~Q(role=Role.DISTRIBUTOR) & Q(distributor__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"

    @property
    def scope_kind(self) -> str:
        """Which kind of scope this membership has."""
        if self.distributor_id:
            return ScopeKind.DISTRIBUTOR
        if self.region_id:
            return ScopeKind.REGION
        if self.warehouse_id:
            return ScopeKind.WAREHOUSE
        return ScopeKind.COMPANY

    @property
    def scope_label(self) -> str:
        """The scope in words, e.g. 华东 or 全公司."""
        target = self.distributor or self.region or self.warehouse
        return str(target) if target else str(ScopeKind.COMPANY.label)

    def clean(self) -> None:
        errors = {}
        if self.role in REGIONAL_ROLES and not self.region_id:
            errors["region"] = _("A regional role needs a region.")
        if self.role == Role.DISTRIBUTOR and not self.distributor_id:
            errors["distributor"] = _("A distributor portal user needs a distributor.")
        if self.role != Role.DISTRIBUTOR and self.distributor_id:
            errors["distributor"] = _("Only the distributor role is scoped to a distributor.")
        if self.region_id and self.role not in REGIONAL_ROLES:
            errors["region"] = _("Only regional roles are scoped to a region.")
        if self.warehouse_id and self.role != Role.WAREHOUSE:
            errors["warehouse"] = _("Only the warehouse role is scoped to a warehouse.")
        if errors:
            raise ValidationError(errors)


class Delegation(models.Model):
    """From `start` to `end` (inclusive), `to_user` may act for `from_user` in the workflow engine."""

    from_user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="delegations_given", verbose_name=_("delegated by")
    )
    to_user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="delegations_received", verbose_name=_("delegated to")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(name="delegation_end_after_start", condition=Q(end__gte=F("start"))),
            models.CheckConstraint(name="delegation_not_to_self", condition=~Q(from_user=F("to_user"))),
        ]

    def __str__(self) -> str:
        return f"{self.from_user} → {self.to_user} ({self.start} – {self.end})"

    def is_active(self, on=None) -> bool:
        """Whether the delegation covers the given day (today by default)."""
        day = on or timezone.localdate()
        return self.revoked_at is None and self.start <= day <= self.end

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end date cannot be before the start date.")})
        if self.from_user_id and self.from_user_id == self.to_user_id:
            raise ValidationError({"to_user": _("A user cannot delegate to themselves.")})
