"""The sidebar: groups follow the seed's chapters; only processes that are built appear (no dead links).

An app adds its entries here when its pages exist. `visible(scope)` decides who sees an entry.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yingxiao.accounts.selectors import Scope


def _staff(scope: Scope) -> bool:
    return scope.is_company_wide or bool(scope.region_ids)


def _anyone(scope: Scope) -> bool:
    return bool(scope.roles)


def _reads_statistics(scope: Scope) -> bool:
    from yingxiao.sales.statistics import reads_statistics

    return reads_statistics(scope)


def _imports(scope: Scope) -> bool:
    from yingxiao.sales.imports import can_import

    return can_import(scope)


def _rebate_process(scope: Scope) -> bool:
    from yingxiao.rebates.selectors import reads_all_rebates

    return reads_all_rebates(scope)


def _admin(scope: Scope) -> bool:
    return scope.is_admin


@dataclass(frozen=True)
class Entry:
    """One link of the sidebar."""

    label: str | Promise
    url_name: str
    icon: str
    visible: Callable[[Scope], bool] = _anyone


@dataclass(frozen=True)
class Group:
    """A heading of the sidebar, usually one chapter of the process document."""

    label: str | Promise
    entries: list[Entry] = field(default_factory=list)


MENU: list[Group] = [
    # 一 部门职责 … 五 营销控制: entries are added as their processes are built.
    Group(
        _("Department duties"),
        [
            Entry(_("Sales orders"), "sales:order_list", "ti-shopping-cart"),
            Entry(_("Invoices"), "sales:invoice_list", "ti-file-invoice"),
            Entry(_("Payments"), "sales:payment_list", "ti-cash"),
            Entry(_("Sales ledger"), "sales:ledger", "ti-list-details", _staff),
            Entry(_("Sales statistics"), "sales:statistics", "ti-chart-bar", _reads_statistics),
            Entry(_("Receivables aging"), "sales:aging", "ti-report-money", _staff),
            Entry(_("Collection tasks"), "sales:collection_task_list", "ti-phone-call", _staff),
            Entry(_("Deliveries"), "sales:delivery_list", "ti-truck-delivery", _staff),
            Entry(_("Import sales history"), "sales:import_list", "ti-file-import", _imports),
            Entry(_("Month closing"), "sales:month_closing", "ti-lock", _staff),
        ],
    ),
    Group(_("Marketing plans")),
    Group(_("Promotions")),
    Group(
        _("Marketing processes"),
        [
            Entry(_("Shortfalls"), "inventory:shortfalls", "ti-alert-triangle", _staff),
            Entry(_("Transfer requests"), "inventory:transfer_list", "ti-truck", _staff),
            Entry(_("Stock checks"), "inventory:stock_check_list", "ti-clipboard-check", _staff),
            Entry(_("Stock"), "inventory:stock_list", "ti-stack-2", _staff),
            Entry(_("Stock movements"), "inventory:movement_list", "ti-arrows-exchange", _staff),
            Entry(_("Market demand"), "inventory:demand_list", "ti-chart-line", _staff),
        ],
    ),
    Group(
        _("Exchanges, returns and service"),
        [
            Entry(_("Exchanges"), "aftersales:exchange_list", "ti-replace"),
            Entry(_("Returns"), "aftersales:return_list", "ti-receipt-refund"),
            Entry(_("Service tickets"), "aftersales:ticket_list", "ti-tool"),
            Entry(_("Quality report"), "aftersales:quality_report", "ti-report-analytics", _staff),
        ],
    ),
    Group(
        _("Sales rebates"),
        [
            Entry(_("Rebate policies"), "rebates:policy_list", "ti-discount", _staff),
            Entry(_("Rebate calculations"), "rebates:run_list", "ti-calculator", _rebate_process),
            Entry(_("Rebate statements"), "rebates:statement_list", "ti-file-dollar"),
            Entry(_("Rebate report"), "rebates:report", "ti-report-money", _staff),
            Entry(_("Cross-region selling flags"), "rebates:flag_list", "ti-flag", _staff),
            Entry(_("Rebate advances"), "rebates:advance_list", "ti-coin", _staff),
        ],
    ),
    Group(_("Marketing control")),
    Group(
        _("Master data"),
        [
            Entry(_("Distributors"), "partners:distributor_list", "ti-building-store"),
            Entry(_("Customers"), "partners:customer_list", "ti-users", _staff),
            Entry(_("Products"), "catalog:product_list", "ti-package"),
            Entry(_("Product categories"), "catalog:category_list", "ti-category", _staff),
            Entry(_("Warehouses"), "org:warehouse_list", "ti-building-warehouse", _staff),
            Entry(_("Regions"), "org:region_list", "ti-map-2", _staff),
            Entry(_("Departments"), "org:department_list", "ti-sitemap", _staff),
        ],
    ),
    Group(
        _("System"),
        [
            Entry(_("Audit log"), "core:audit_list", "ti-history", _admin),
            Entry(_("Users and roles"), "admin:accounts_user_changelist", "ti-user-cog", _admin),
            Entry(_("API documentation"), "api-docs", "ti-api", _staff),
        ],
    ),
]


def menu_for(scope: Scope, current_path: str = "") -> list[dict]:
    """The groups and entries this user may see, with the active entry marked."""
    groups = []
    for group in MENU:
        entries = []
        for entry in group.entries:
            if entry.visible(scope):
                url = reverse(entry.url_name)
                entries.append(
                    {
                        "label": entry.label,
                        "url": url,
                        "icon": entry.icon,
                        "active": current_path.startswith(url),
                    }
                )
        if entries:
            groups.append({"label": group.label, "entries": entries})
    return groups
