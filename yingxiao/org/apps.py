"""App configuration for org."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    """Regions and warehouses."""

    name = "yingxiao.org"
    label = "org"
    verbose_name = _("Regions and warehouses")
