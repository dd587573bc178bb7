"""App configuration for partners."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """Distributors and customers."""

    name = "yingxiao.partners"
    label = "partners"
    verbose_name = _("Distributors and customers")
