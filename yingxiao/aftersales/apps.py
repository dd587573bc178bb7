"""App configuration for aftersales."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    """Exchanges (换货), returns (退货) and after-sales service (售后服务)."""

    name = "yingxiao.aftersales"
    label = "aftersales"
    verbose_name = _("After-sales")
