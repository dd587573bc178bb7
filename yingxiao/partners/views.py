"""Pages for distributors and customers."""

from django.utils.translation import gettext_lazy as _

from yingxiao.core.pages import Column, DetailPage, FormPage, ImportPage, ListPage, staff_only

from . import selectors, services
from .forms import CustomerFilter, CustomerForm, DistributorFilter, DistributorForm

DISTRIBUTOR_COLUMNS = [
    Column("code", _("code")),
    Column("name", _("name")),
    Column("region.name", _("region")),
    Column("grade", _("grade")),
    Column("status", _("status")),
    Column("credit_limit", _("credit limit")),
    Column("rep", _("responsible rep")),
    Column("contact_name", _("contact")),
    Column("contact_phone", _("contact phone")),
]

CUSTOMER_COLUMNS = [
    Column("code", _("code")),
    Column("name", _("name")),
    Column("region.name", _("region")),
    Column("distributor.name", _("distributor")),
    Column("contact_name", _("contact")),
    Column("contact_phone", _("contact phone")),
    Column("active", _("active")),
]


class DistributorList(ListPage):
    """Distributors the user may see."""

    title = _("Distributors")
    selector = staticmethod(selectors.distributors_for)
    filterset_class = DistributorFilter
    columns = DISTRIBUTOR_COLUMNS
    detail_url_name = "partners:distributor_detail"
    create_url_name = "partners:distributor_create"
    import_url_name = "partners:distributor_import"
    export_name = "distributors"


class DistributorDetail(DetailPage):
    """A distributor with its customers."""

    getter = staticmethod(selectors.distributor_get)
    fields = [*DISTRIBUTOR_COLUMNS, Column("address", _("address"))]
    edit_url_name = "partners:distributor_edit"
    list_url_name = "partners:distributor_list"
    template_name = "partners/distributor_detail.html"

    def extra_context(self, obj) -> dict:
        customers = selectors.customers_for(self.request.user).filter(distributor=obj)
        return {"customers": customers[:50]}


class DistributorFormPage(FormPage):
    """Create or edit a distributor (administrators)."""

    form_class = DistributorForm
    create_service = staticmethod(services.distributor_create)
    update_service = staticmethod(services.distributor_update)
    update_kwarg = "distributor"
    getter = staticmethod(selectors.distributor_get)
    detail_url_name = "partners:distributor_detail"


class DistributorImport(ImportPage):
    """Excel import of distributors (administrators)."""

    title = _("Import distributors")
    columns = services.DISTRIBUTOR_IMPORT_COLUMNS
    service = staticmethod(services.distributor_import)
    list_url_name = "partners:distributor_list"
    template_name_xlsx = "distributors-template"


class CustomerList(ListPage):
    """Direct customers the user may see."""

    title = _("Customers")
    allowed = staticmethod(staff_only)
    selector = staticmethod(selectors.customers_for)
    filterset_class = CustomerFilter
    columns = CUSTOMER_COLUMNS
    detail_url_name = "partners:customer_detail"
    create_url_name = "partners:customer_create"
    export_name = "customers"


class CustomerDetail(DetailPage):
    """One customer."""

    allowed = staticmethod(staff_only)
    getter = staticmethod(selectors.customer_get)
    fields = [*CUSTOMER_COLUMNS, Column("address", _("address"))]
    edit_url_name = "partners:customer_edit"
    list_url_name = "partners:customer_list"


class CustomerFormPage(FormPage):
    """Create or edit a customer (administrators)."""

    form_class = CustomerForm
    create_service = staticmethod(services.customer_create)
    update_service = staticmethod(services.customer_update)
    update_kwarg = "customer"
    getter = staticmethod(selectors.customer_get)
    detail_url_name = "partners:customer_detail"
