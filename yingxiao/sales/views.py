"""Pages of the sales app: orders, deliveries, invoices, payments, the sales ledger and month closing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingxiao.accounts.choices import Role
from yingxiao.accounts.selectors import scope_of
from yingxiao.core.pages import (
    Column,
    ListPage,
    Page,
    ServiceFormPage,
    add_service_error,
    document_form_response,
    staff_only,
)
from yingxiao.workflow.pages import DocumentPage

from . import selectors, services
from .choices import OrderStatus
from .forms import (
    InvoiceFilter,
    MonthCloseForm,
    OrderFilter,
    OrderHeaderForm,
    OrderLineFormSet,
    PaymentFilter,
    PaymentForm,
    SalesLineFilter,
    order_lines_from,
)
from .models import ClosedMonth, Delivery
from .workflow import ORDER_FLOW


def takes_orders(scope) -> bool:
    """A regional rep (takes orders for the region's distributors and customers)."""
    return Role.REGIONAL_REP in scope.roles


def is_finance(scope) -> bool:
    """The finance department."""
    return Role.FINANCE in scope.roles


def reads_sales(scope) -> bool:
    """Staff, and a distributor's portal user for its own documents."""
    return bool(scope.roles)


class OrderList(ListPage):
    """Sales orders the user may see."""

    title = gettext_lazy("Sales orders")
    allowed = staticmethod(reads_sales)
    selector = staticmethod(selectors.orders_for)
    filterset_class = OrderFilter
    search_lookup = "number__icontains"
    search_placeholder = gettext_lazy("Number, e.g. XS-2026-000123")
    columns = [
        Column("number", gettext_lazy("number")),
        Column("status", gettext_lazy("status")),
        Column("order_date", gettext_lazy("order date")),
        Column("region.name", gettext_lazy("region")),
        Column("buyer", gettext_lazy("buyer")),
        Column("salesperson", gettext_lazy("salesperson")),
        Column("total", gettext_lazy("total")),
    ]
    detail_url_name = "sales:order_detail"
    create_url_name = "sales:order_create"
    can_create = staticmethod(takes_orders)
    export_name = "sales-orders"


class OrderDetail(DocumentPage):
    """One order: lines, credit position, delivery and invoice, timeline and flowchart."""

    flow = ORDER_FLOW
    allowed = staticmethod(reads_sales)
    template_name = "sales/order_detail.html"

    def extra_context(self, document) -> dict:
        delivery = Delivery.objects.filter(order=document).first()
        invoice = getattr(document, "invoice", None)  # None until finance invoices the order
        return {
            "lines": document.lines.select_related("product"),
            "credit": services.credit_position(document),
            "delivery": delivery,
            "invoice": invoice,
            "editable": document.created_by_id == self.request.user.pk
            and document.status == OrderStatus.DRAFT,
        }


def _order_form_page(request, order=None):
    initial = None
    if order is not None:
        initial = {
            "distributor": order.distributor,
            "customer": order.customer,
            "order_date": order.order_date,
            "payment_terms_days": order.payment_terms_days,
            "warehouse": order.warehouse,
            "note": order.note,
        }
    header = OrderHeaderForm(request.POST or None, user=request.user, initial=initial)
    lines_initial = (
        [
            {
                "product": ln.product,
                "quantity": ln.quantity,
                "unit_price": ln.unit_price,
                "discount": ln.discount,
            }
            for ln in order.lines.all()
        ]
        if order
        else None
    )
    formset = OrderLineFormSet(request.POST or None, initial=lines_initial, prefix="lines")

    def save():
        data, lines = header.cleaned_data, order_lines_from(formset)
        if order is None:
            return services.order_create(actor=request.user, lines=lines, **data)
        return services.order_update(
            actor=request.user,
            order=order,
            lines=lines,
            order_date=data["order_date"],
            payment_terms_days=data["payment_terms_days"],
            warehouse=data["warehouse"],
            note=data["note"],
        )

    return document_form_response(
        request,
        form=header,
        formset=formset,
        save=save,
        detail_url_name="sales:order_detail",
        template_name="sales/order_form.html",
        title=_("Edit %(number)s") % {"number": order.number} if order else _("New sales order"),
        success_message=_("Saved. Submit it when it is complete."),
    )


class OrderCreate(Page):
    """Draft a sales order."""

    allowed = staticmethod(takes_orders)

    def get(self, request):
        return _order_form_page(request)

    post = get


class OrderEdit(Page):
    """Change a draft order (its writer)."""

    allowed = staticmethod(staff_only)

    def get(self, request, pk: int):
        order = selectors.order_get(user=request.user, pk=pk)
        if order.created_by_id != request.user.pk:
            raise PermissionDenied(_("Only the rep who wrote this order can change it."))
        return _order_form_page(request, order)

    post = get


class DeliveryList(ListPage):
    """Deliveries (发货单) of visible orders."""

    title = gettext_lazy("Deliveries")
    allowed = staticmethod(staff_only)
    selector = staticmethod(
        lambda user: Delivery.objects.filter(order__in=selectors.orders_for(user)).select_related(
            "order", "warehouse", "created_by"
        )
    )
    search_lookup = "number__icontains"
    search_placeholder = gettext_lazy("Number")
    columns = [
        Column("number", gettext_lazy("number")),
        Column("order.number", gettext_lazy("order")),
        Column("warehouse.name", gettext_lazy("warehouse")),
        Column("delivered_on", gettext_lazy("delivered on")),
        Column("created_by", gettext_lazy("by")),
    ]
    export_name = "deliveries"


class InvoiceList(ListPage):
    """Invoices and what is still open on them."""

    title = gettext_lazy("Invoices")
    allowed = staticmethod(reads_sales)
    selector = staticmethod(selectors.invoices_for)
    filterset_class = InvoiceFilter
    search_lookup = "number__icontains"
    search_placeholder = gettext_lazy("Number, e.g. FP-2026-000123")
    columns = [
        Column("number", gettext_lazy("number")),
        Column("status", gettext_lazy("status")),
        Column("buyer", gettext_lazy("buyer")),
        Column("region.name", gettext_lazy("region")),
        Column("issued_on", gettext_lazy("issued on")),
        Column("due_date", gettext_lazy("due date")),
        Column("amount", gettext_lazy("amount")),
        Column("open_amount", gettext_lazy("open amount")),
    ]
    export_name = "invoices"


class PaymentList(ListPage):
    """Payments received."""

    title = gettext_lazy("Payments")
    allowed = staticmethod(reads_sales)
    selector = staticmethod(selectors.payments_for)
    filterset_class = PaymentFilter
    search_lookup = "number__icontains"
    search_placeholder = gettext_lazy("Number or reference")
    columns = [
        Column("number", gettext_lazy("number")),
        Column("received_on", gettext_lazy("received on")),
        Column("distributor", gettext_lazy("distributor")),
        Column("customer", gettext_lazy("customer")),
        Column("amount", gettext_lazy("amount")),
        Column("method", gettext_lazy("method")),
        Column("reference", gettext_lazy("reference")),
        Column("recorded_by", gettext_lazy("recorded by")),
    ]
    create_url_name = "sales:payment_create"
    can_create = staticmethod(is_finance)
    export_name = "payments"


class PaymentCreate(ServiceFormPage):
    """Record a payment (finance); it settles the buyer's oldest open invoices first."""

    allowed = staticmethod(is_finance)
    title = gettext_lazy("Record a payment")
    success_message = gettext_lazy("Payment recorded.")

    def make_form(self, request, data, **kwargs):
        return PaymentForm(data, user=request.user)

    def call_service(self, request, form, **kwargs) -> str:
        services.payment_record(actor=request.user, **form.cleaned_data)
        return reverse("sales:payment_list")


class SalesLineList(ListPage):
    """The sales ledger (read-only): one row per delivered, imported or returned line."""

    title = gettext_lazy("Sales ledger")
    allowed = staticmethod(staff_only)
    selector = staticmethod(selectors.sales_lines_for)
    filterset_class = SalesLineFilter
    search_lookup = "product__search_text__contains"
    search_placeholder = gettext_lazy("Product code, name or pinyin")
    columns = [
        Column("date", gettext_lazy("date")),
        Column("region.name", gettext_lazy("region")),
        Column("salesperson", gettext_lazy("salesperson")),
        Column("distributor.name", gettext_lazy("distributor")),
        Column("customer.name", gettext_lazy("customer")),
        Column("product.code", gettext_lazy("product code")),
        Column("product.name", gettext_lazy("product")),
        Column("category.name", gettext_lazy("category")),
        Column("quantity", gettext_lazy("quantity")),
        Column("amount", gettext_lazy("amount")),
        Column("source", gettext_lazy("source")),
        Column("reference", gettext_lazy("reference")),
    ]
    export_name = "sales-ledger"


class MonthClosing(Page):
    """Closed months, and closing one (finance)."""

    allowed = staticmethod(staff_only)

    def get(self, request):
        form = MonthCloseForm(request.POST or None)
        finance = is_finance(scope_of(request.user))
        if request.method == "POST":
            if not finance:
                raise PermissionDenied(_("Only finance can close a month."))
            if form.is_valid():
                try:
                    services.month_close(actor=request.user, **form.cleaned_data)
                except (ValidationError, PermissionDenied) as exc:
                    add_service_error(form, exc)
                else:
                    messages.success(request, _("Month closed."))
                    return redirect("sales:month_closing")
        context = {
            "title": _("Month closing"),
            "form": form if finance else None,
            "closed": ClosedMonth.objects.select_related("closed_by")[:36],
        }
        return render(request, "sales/month_closing.html", context, status=400 if form.errors else 200)

    post = get
