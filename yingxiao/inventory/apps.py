"""App configuration for inventory."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    """Stock, demand, stock checks and stock transfers (调货)."""

    name = "yingxiao.inventory"
    label = "inventory"
    verbose_name = _("Stock and transfers")
