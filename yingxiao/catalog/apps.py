"""App configuration for catalog."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    """Products."""

    name = "yingxiao.catalog"
    label = "catalog"
    verbose_name = _("Products")
