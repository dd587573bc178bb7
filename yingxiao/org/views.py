"""Pages for regions, departments and warehouses."""

from django.utils.translation import gettext_lazy as _

from yingxiao.core.pages import Column, DetailPage, FormPage, ListPage, staff_only

from . import selectors, services
from .forms import DepartmentForm, RegionFilter, RegionForm, WarehouseFilter, WarehouseForm

REGION_COLUMNS = [
    Column("code", _("code")),
    Column("name", _("name")),
    Column("parent.name", _("parent region")),
    Column("active", _("active")),
]
DEPARTMENT_COLUMNS = [Column("code", _("code")), Column("name", _("name")), Column("head", _("head"))]
WAREHOUSE_COLUMNS = [
    Column("code", _("code")),
    Column("name", _("name")),
    Column("kind", _("kind")),
    Column("region.name", _("region")),
    Column("address", _("address")),
    Column("active", _("active")),
]


class RegionList(ListPage):
    """Regions and districts."""

    title = _("Regions")
    allowed = staticmethod(staff_only)
    selector = staticmethod(selectors.regions_for)
    filterset_class = RegionFilter
    columns = REGION_COLUMNS
    detail_url_name = "org:region_detail"
    create_url_name = "org:region_create"
    export_name = "regions"


class RegionDetail(DetailPage):
    """One region."""

    allowed = staticmethod(staff_only)
    getter = staticmethod(selectors.region_get)
    fields = REGION_COLUMNS
    edit_url_name = "org:region_edit"
    list_url_name = "org:region_list"


class RegionFormPage(FormPage):
    """Create or edit a region (administrators)."""

    form_class = RegionForm
    create_service = staticmethod(services.region_create)
    update_service = staticmethod(services.region_update)
    update_kwarg = "region"
    getter = staticmethod(selectors.region_get)
    detail_url_name = "org:region_detail"


class DepartmentList(ListPage):
    """Departments."""

    title = _("Departments")
    allowed = staticmethod(staff_only)
    selector = staticmethod(selectors.departments_for)
    columns = DEPARTMENT_COLUMNS
    detail_url_name = "org:department_detail"
    create_url_name = "org:department_create"
    export_name = "departments"


class DepartmentDetail(DetailPage):
    """One department."""

    allowed = staticmethod(staff_only)
    getter = staticmethod(selectors.department_get)
    fields = DEPARTMENT_COLUMNS
    edit_url_name = "org:department_edit"
    list_url_name = "org:department_list"


class DepartmentFormPage(FormPage):
    """Create or edit a department (administrators)."""

    form_class = DepartmentForm
    create_service = staticmethod(services.department_create)
    update_service = staticmethod(services.department_update)
    update_kwarg = "department"
    getter = staticmethod(selectors.department_get)
    detail_url_name = "org:department_detail"


class WarehouseList(ListPage):
    """Warehouses."""

    title = _("Warehouses")
    allowed = staticmethod(staff_only)
    selector = staticmethod(selectors.warehouses_for)
    filterset_class = WarehouseFilter
    columns = WAREHOUSE_COLUMNS
    detail_url_name = "org:warehouse_detail"
    create_url_name = "org:warehouse_create"
    export_name = "warehouses"


class WarehouseDetail(DetailPage):
    """One warehouse."""

    allowed = staticmethod(staff_only)
    getter = staticmethod(selectors.warehouse_get)
    fields = WAREHOUSE_COLUMNS
    edit_url_name = "org:warehouse_edit"
    list_url_name = "org:warehouse_list"


class WarehouseFormPage(FormPage):
    """Create or edit a warehouse (administrators)."""

    form_class = WarehouseForm
    create_service = staticmethod(services.warehouse_create)
    update_service = staticmethod(services.warehouse_update)
    update_kwarg = "warehouse"
    getter = staticmethod(selectors.warehouse_get)
    detail_url_name = "org:warehouse_detail"
