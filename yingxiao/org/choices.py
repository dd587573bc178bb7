"""Kinds used by the organisation app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WarehouseKind(models.TextChoices):
    """Where a warehouse sits in the supply chain."""

    HQ = "hq", _("Headquarters")  # 总部仓: central stock, supplies the regions
    REGIONAL = "regional", _("Regional")  # 区域仓: serves one sales region
    QUARANTINE = "quarantine", _("Quarantine")  # 隔离仓: goods returned by customers, not for sale
