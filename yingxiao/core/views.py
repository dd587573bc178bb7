"""The home page (per role) and the audit log."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingxiao.accounts.choices import Role
from yingxiao.accounts.selectors import scope_of
from yingxiao.catalog.selectors import products_for
from yingxiao.org.selectors import warehouses_for
from yingxiao.partners.choices import DistributorStatus
from yingxiao.partners.selectors import customers_for, distributors_for
from yingxiao.workflow.selectors import inbox_todo

from .models import AuditEntry
from .pages import Column, ListPage

#: The sentence under the greeting, by the user's main role (first match wins).
ROLE_TAGLINES = [
    (Role.PRESIDENT, gettext_lazy("The whole company at a glance.")),
    (Role.MARKETING_DIRECTOR, gettext_lazy("Your regions, distributors and the approvals waiting for you.")),
    (Role.MARKET_MANAGER, gettext_lazy("Market department: policies, promotions and quality cases.")),
    (Role.MARKETING_ASSISTANT, gettext_lazy("Plans and reports to review for the director.")),
    (Role.MARKETING_STAFF, gettext_lazy("Promotions and policies you are drafting.")),
    (Role.FINANCE, gettext_lazy("Receivables, refunds and rebate payouts.")),
    (Role.WAREHOUSE, gettext_lazy("Stock and the transfers to ship.")),
    (Role.CUSTOMER_SERVICE, gettext_lazy("Rebate calculations and customer requests.")),
    (Role.QUALITY, gettext_lazy("Quality findings on exchanges and returns.")),
    (Role.TECHNICAL_SUPPORT, gettext_lazy("Service tickets escalated to technical support.")),
    (Role.REGIONAL_MANAGER, gettext_lazy("Your region: distributors, customers and your team's requests.")),
    (Role.REGIONAL_REP, gettext_lazy("Your region's distributors and customers.")),
    (Role.DISTRIBUTOR, gettext_lazy("Your account with us.")),
    (Role.ADMIN, gettext_lazy("Master data, users and roles.")),
]


def _tagline(scope) -> str:
    for role, text in ROLE_TAGLINES:
        if role in scope.roles:
            return str(text)
    return _("You have no role yet. Ask a system administrator to give you one.")


@login_required
def home(request):
    """Greeting and the counts this user may see."""
    user = request.user
    scope = scope_of(user)
    distributors = distributors_for(user)
    cards = [
        {
            "label": _("Active distributors"),
            "value": distributors.filter(status=DistributorStatus.ACTIVE).count(),
            "url": "partners:distributor_list",
            "icon": "ti-building-store",
        },
        {
            "label": _("Products"),
            "value": products_for(user).filter(active=True).count(),
            "url": "catalog:product_list",
            "icon": "ti-package",
        },
    ]
    if scope.is_company_wide or scope.region_ids:
        cards.insert(
            1,
            {
                "label": _("Candidate distributors"),
                "value": distributors.filter(status=DistributorStatus.CANDIDATE).count(),
                "url": "partners:distributor_list",
                "icon": "ti-user-search",
            },
        )
        cards.insert(
            2,
            {
                "label": _("Customers"),
                "value": customers_for(user).count(),
                "url": "partners:customer_list",
                "icon": "ti-users",
            },
        )
        cards.append(
            {
                "label": _("Warehouses"),
                "value": warehouses_for(user).count(),
                "url": "org:warehouse_list",
                "icon": "ti-building-warehouse",
            }
        )
    todo = inbox_todo(user, limit=8)
    return render(request, "core/home.html", {"cards": cards, "tagline": _tagline(scope), "todo": todo})


class AuditList(ListPage):
    """Every master-data change, newest first (administrators)."""

    title = gettext_lazy("Audit log")
    allowed = staticmethod(lambda scope: scope.is_admin)
    selector = staticmethod(
        lambda user: (
            AuditEntry.objects.select_related("actor")
            if scope_of(user).is_admin
            else AuditEntry.objects.none()
        )
    )
    export_name = "audit-log"
    searchable = False
    columns = [
        Column("at", gettext_lazy("time")),
        Column("actor", gettext_lazy("by")),
        Column("action", gettext_lazy("action")),
        Column("model_label", gettext_lazy("record type")),
        Column("object_repr", gettext_lazy("record")),
        Column("changes_text", gettext_lazy("changes")),
    ]
