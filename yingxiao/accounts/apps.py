"""App configuration for accounts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Accounts and roles."""

    name = "yingxiao.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")
