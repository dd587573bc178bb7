"""App configuration for sales."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    """Sales orders, deliveries, invoices, payments, the sales ledger, receivables and statistics."""

    name = "yingxiao.sales"
    label = "sales"
    verbose_name = _("Sales")
