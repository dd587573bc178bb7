"""Roles and membership scopes (the codes of DESIGN.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person does in the department; the code is what flows and permissions name."""

    REGIONAL_REP = "regional_rep", _("Regional rep")  # 区域人员: sells in one region
    REGIONAL_MANAGER = "regional_manager", _("Regional manager")  # 区域经理: leads one region
    MARKETING_ASSISTANT = "marketing_assistant", _("Marketing assistant")  # 市场部助理
    MARKETING_STAFF = "marketing_staff", _("Marketing specialist")  # 市场部专员: promotions, policies
    MARKET_MANAGER = "market_manager", _("Market manager")  # 市场部经理
    MARKETING_DIRECTOR = "marketing_director", _("Marketing director")  # 营销总监, also for 营销总部
    PRESIDENT = "president", _("President")  # 总裁
    FINANCE = "finance", _("Finance")  # 财务部
    WAREHOUSE = "warehouse", _("Warehouse")  # 仓储部: company or one warehouse
    CUSTOMER_SERVICE = "customer_service", _("Customer service")  # 客服部
    QUALITY = "quality", _("Quality")  # 质量部
    TECHNICAL_SUPPORT = "technical_support", _("Technical support")  # 技术部
    DISTRIBUTOR = "distributor", _("Distributor")  # 经销商 portal user: own distributor only
    ADMIN = "admin", _("System administrator")  # 系统管理员: master data and users, no approvals


#: Roles that work inside one sales region.
REGIONAL_ROLES = frozenset({Role.REGIONAL_REP, Role.REGIONAL_MANAGER})


class ScopeKind(models.TextChoices):
    """How far a membership reaches."""

    COMPANY = "company", _("Company-wide")  # every region
    REGION = "region", _("One region")  # one 大区 (and its 片区)
    DISTRIBUTOR = "distributor", _("One distributor")  # a distributor's portal user
    WAREHOUSE = "warehouse", _("One warehouse")  # a warehouse keeper of one site
