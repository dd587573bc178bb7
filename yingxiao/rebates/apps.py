"""App configuration for rebates."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RebatesConfig(AppConfig):
    """Sales rebates (销售返利): policies, yearly calculation runs, statements and payouts."""

    name = "yingxiao.rebates"
    label = "rebates"
    verbose_name = _("Rebates")
