"""Pages for products and categories."""

from django.utils.translation import gettext_lazy as _

from yingxiao.core.pages import Column, DetailPage, FormPage, ImportPage, ListPage, staff_only

from . import selectors, services
from .forms import CategoryForm, ProductFilter, ProductForm

PRODUCT_COLUMNS = [
    Column("code", _("code")),
    Column("name", _("name")),
    Column("category.name", _("category")),
    Column("specification", _("specification")),
    Column("unit", _("unit")),
    Column("list_price", _("list price")),
    Column("active", _("active")),
]
CATEGORY_COLUMNS = [Column("code", _("code")), Column("name", _("name"))]


class ProductList(ListPage):
    """The product catalogue."""

    title = _("Products")
    selector = staticmethod(selectors.products_for)
    filterset_class = ProductFilter
    columns = PRODUCT_COLUMNS
    detail_url_name = "catalog:product_detail"
    create_url_name = "catalog:product_create"
    import_url_name = "catalog:product_import"
    export_name = "products"


class ProductDetail(DetailPage):
    """One product."""

    getter = staticmethod(selectors.product_get)
    fields = PRODUCT_COLUMNS
    edit_url_name = "catalog:product_edit"
    list_url_name = "catalog:product_list"


class ProductFormPage(FormPage):
    """Create or edit a product (administrators)."""

    form_class = ProductForm
    create_service = staticmethod(services.product_create)
    update_service = staticmethod(services.product_update)
    update_kwarg = "product"
    getter = staticmethod(selectors.product_get)
    detail_url_name = "catalog:product_detail"


class ProductImport(ImportPage):
    """Excel import of products (administrators)."""

    title = _("Import products")
    columns = services.PRODUCT_IMPORT_COLUMNS
    service = staticmethod(services.product_import)
    list_url_name = "catalog:product_list"
    template_name_xlsx = "products-template"


class CategoryList(ListPage):
    """Product categories."""

    title = _("Product categories")
    allowed = staticmethod(staff_only)
    selector = staticmethod(selectors.categories_for)
    columns = CATEGORY_COLUMNS
    detail_url_name = "catalog:category_detail"
    create_url_name = "catalog:category_create"
    export_name = "product-categories"


class CategoryDetail(DetailPage):
    """One category."""

    allowed = staticmethod(staff_only)
    getter = staticmethod(selectors.category_get)
    fields = CATEGORY_COLUMNS
    edit_url_name = "catalog:category_edit"
    list_url_name = "catalog:category_list"


class CategoryFormPage(FormPage):
    """Create or edit a category (administrators)."""

    form_class = CategoryForm
    create_service = staticmethod(services.category_create)
    update_service = staticmethod(services.category_update)
    update_kwarg = "category"
    getter = staticmethod(selectors.category_get)
    detail_url_name = "catalog:category_detail"
