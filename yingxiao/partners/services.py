"""Writes for distributors and customers, including the all-or-nothing distributor import."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from yingxiao.accounts.models import User
from yingxiao.accounts.services import require_admin
from yingxiao.core.excel import ImportColumn, cell_choice, cell_decimal, cell_lookup, cell_text
from yingxiao.core.services import import_by_code, record_create, record_update
from yingxiao.org.models import Region

from .choices import DistributorGrade, DistributorStatus
from .models import Customer, Distributor

DISTRIBUTOR_IMPORT_COLUMNS = [
    ImportColumn("code", _("code"), example="D-E-001"),
    ImportColumn("name", _("name"), example="上海恒信商贸有限公司"),
    ImportColumn("region", _("region code"), example="east"),
    ImportColumn("grade", _("grade"), required=False, example="A"),
    ImportColumn("credit_limit", _("credit limit"), required=False, example="500000"),
    ImportColumn("contact_name", _("contact"), required=False, example="王建国"),
    ImportColumn("contact_phone", _("contact phone"), required=False, example="13800000000"),
    ImportColumn("address", _("address"), required=False, example="上海市浦东新区"),
    ImportColumn("status", _("status"), required=False, example="active"),
    ImportColumn("rep", _("responsible rep (username)"), required=False, example="rep_east"),
]


def distributor_create(*, actor, **fields) -> Distributor:
    """Create a distributor."""
    require_admin(actor)
    return record_create(actor=actor, model=Distributor, data=fields)


def distributor_update(*, actor, distributor: Distributor, **fields) -> Distributor:
    """Change a distributor's fields."""
    require_admin(actor)
    return record_update(actor=actor, instance=distributor, data=fields)


def customer_create(*, actor, **fields) -> Customer:
    """Create a direct customer."""
    require_admin(actor)
    return record_create(actor=actor, model=Customer, data=fields)


def customer_update(*, actor, customer: Customer, **fields) -> Customer:
    """Change a customer's fields."""
    require_admin(actor)
    return record_update(actor=actor, instance=customer, data=fields)


def _distributor_fields(row: dict) -> dict:
    rep = cell_lookup(User, row.get("rep"), "rep", key="username") if cell_text(row.get("rep")) else None
    return {
        "name": cell_text(row.get("name")),
        "region": cell_lookup(Region, row.get("region"), "region"),
        "grade": cell_choice(row.get("grade"), DistributorGrade, "grade", DistributorGrade.B),
        "credit_limit": cell_decimal(row.get("credit_limit"), "credit_limit", default=Decimal(0)),
        "contact_name": cell_text(row.get("contact_name")),
        "contact_phone": cell_text(row.get("contact_phone")),
        "address": cell_text(row.get("address")),
        "status": cell_choice(row.get("status"), DistributorStatus, "status", DistributorStatus.CANDIDATE),
        "rep": rep,
    }


def distributor_import(*, actor, file) -> int:
    """Create or update distributors from an Excel file, matched by code. One bad row saves nothing."""
    require_admin(actor)
    return import_by_code(
        actor=actor,
        file=file,
        columns=DISTRIBUTOR_IMPORT_COLUMNS,
        model=Distributor,
        fields_from_row=_distributor_fields,
    )
