"""Writes for product categories and products, including the all-or-nothing Excel import."""

from django.utils.translation import gettext_lazy as _

from yingxiao.accounts.services import require_admin
from yingxiao.core.excel import ImportColumn, cell_bool, cell_decimal, cell_lookup, cell_text
from yingxiao.core.services import import_by_code, record_create, record_update

from .models import Product, ProductCategory

PRODUCT_IMPORT_COLUMNS = [
    ImportColumn("code", _("code"), example="P-001"),
    ImportColumn("name", _("name"), example="恒信净水器 A1"),
    ImportColumn("category", _("category code"), example="water"),
    ImportColumn("specification", _("specification"), required=False, example="400G"),
    ImportColumn("unit", _("unit"), example="台"),
    ImportColumn("list_price", _("list price"), example="1999.00"),
    ImportColumn("active", _("active"), required=False, example="1"),
]


def category_create(*, actor, **fields) -> ProductCategory:
    """Create a product category."""
    require_admin(actor)
    return record_create(actor=actor, model=ProductCategory, data=fields)


def category_update(*, actor, category: ProductCategory, **fields) -> ProductCategory:
    """Change a product category."""
    require_admin(actor)
    return record_update(actor=actor, instance=category, data=fields)


def product_create(*, actor, **fields) -> Product:
    """Create a product; code unique, price not negative."""
    require_admin(actor)
    return record_create(actor=actor, model=Product, data=fields)


def product_update(*, actor, product: Product, **fields) -> Product:
    """Change a product's fields."""
    require_admin(actor)
    return record_update(actor=actor, instance=product, data=fields)


def _product_fields(row: dict) -> dict:
    return {
        "name": cell_text(row.get("name")),
        "category": cell_lookup(ProductCategory, row.get("category"), "category"),
        "specification": cell_text(row.get("specification")),
        "unit": cell_text(row.get("unit")),
        "list_price": cell_decimal(row.get("list_price"), "list_price"),
        "active": cell_bool(row.get("active"), "active"),
    }


def product_import(*, actor, file) -> int:
    """Create or update products from an Excel file, matched by code. One bad row saves nothing."""
    require_admin(actor)
    return import_by_code(
        actor=actor, file=file, columns=PRODUCT_IMPORT_COLUMNS, model=Product, fields_from_row=_product_fields
    )
