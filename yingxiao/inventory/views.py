"""Pages of the inventory app: shortfalls, transfer requests, stock, movements, demand and stock checks."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingxiao.accounts.choices import REGIONAL_ROLES
from yingxiao.accounts.selectors import scope_of
from yingxiao.core.excel import validation_message
from yingxiao.core.pages import (
    Column,
    ListPage,
    Page,
    ServiceFormPage,
    document_form_response,
    staff_only,
)
from yingxiao.core.pdf import pdf_response
from yingxiao.org.models import Warehouse
from yingxiao.org.selectors import warehouses_for
from yingxiao.workflow.pages import DocumentPage, document_context

from . import selectors, services
from .choices import TransferStatus
from .forms import (
    CountLineFormSet,
    DemandFilter,
    DemandForm,
    LineFormSet,
    MovementFilter,
    ReceiptForm,
    SafetyStockForm,
    StockCheckFilter,
    StockCheckHeaderForm,
    StockLevelFilter,
    TransferFilter,
    TransferHeaderForm,
    lines_from,
)
from .models import StockLevel
from .workflow import STOCK_CHECK_FLOW, TRANSFER_FLOW


def requests_stock(scope) -> bool:
    """A regional rep: raises transfer requests (seed 四.1: 营销人员)."""
    return "regional_rep" in scope.roles


def regional(scope) -> bool:
    """Holds a regional role (may raise transfer requests and record demand)."""
    return any(role in scope.roles for role in REGIONAL_ROLES)


def keeps_stock(scope) -> bool:
    """Holds the warehouse role (anywhere)."""
    return "warehouse" in scope.roles


class TransferList(ListPage):
    """调货申请单 the user may see."""

    title = gettext_lazy("Transfer requests")
    allowed = staticmethod(staff_only)
    selector = staticmethod(selectors.transfer_requests_for)
    filterset_class = TransferFilter
    search_lookup = "number__icontains"
    search_placeholder = gettext_lazy("Number, e.g. DH-2026-000123")
    columns = [
        Column("number", gettext_lazy("number")),
        Column("status", gettext_lazy("status")),
        Column("region.name", gettext_lazy("region")),
        Column("source_warehouse.name", gettext_lazy("source warehouse")),
        Column("destination_warehouse.name", gettext_lazy("destination warehouse")),
        Column("wanted_by", gettext_lazy("wanted by")),
        Column("created_by", gettext_lazy("created by")),
        Column("order_number", gettext_lazy("warehouse order")),
    ]
    detail_url_name = "inventory:transfer_detail"
    create_url_name = "inventory:transfer_create"
    can_create = staticmethod(requests_stock)
    export_name = "transfer-requests"


class TransferDetail(DocumentPage):
    """One transfer request with its lines, source stock, timeline and flowchart."""

    flow = TRANSFER_FLOW
    allowed = staticmethod(staff_only)
    template_name = "inventory/transfer_detail.html"

    def extra_context(self, document) -> dict:
        lines = list(document.lines.select_related("product"))
        stock = {
            lv.product_id: lv
            for lv in StockLevel.objects.filter(
                warehouse=document.source_warehouse, product__in=[line.product_id for line in lines]
            )
        }
        editable = document.created_by_id == self.request.user.pk and document.status in (
            TransferStatus.DRAFT,
            TransferStatus.RECHECK,
        )
        return {
            "lines": [(line, stock.get(line.product_id)) for line in lines],
            "editable": editable,
            "needs_recheck": document.status == TransferStatus.RECHECK,
        }


def _transfer_form_page(request, transfer=None):
    initial = None
    if transfer is not None:
        initial = {
            "source_warehouse": transfer.source_warehouse,
            "note": transfer.note,
            "destination_warehouse": transfer.destination_warehouse,
            "wanted_by": transfer.wanted_by,
        }
    header = TransferHeaderForm(request.POST or None, user=request.user, initial=initial)
    lines_initial = (
        [{"product": ln.product, "quantity": ln.quantity, "reason": ln.reason} for ln in transfer.lines.all()]
        if transfer
        else None
    )
    formset = LineFormSet(request.POST or None, initial=lines_initial, prefix="lines")

    def save():
        fields = {**header.cleaned_data, "lines": lines_from(formset)}
        if transfer is None:
            return services.transfer_create(actor=request.user, **fields)
        return services.transfer_update(actor=request.user, transfer=transfer, **fields)

    return document_form_response(
        request,
        form=header,
        formset=formset,
        save=save,
        detail_url_name="inventory:transfer_detail",
        template_name="inventory/transfer_form.html",
        title=_("Edit %(number)s") % {"number": transfer.number} if transfer else _("New transfer request"),
        success_message=_("Saved. Submit it when it is complete."),
    )


class TransferCreate(Page):
    """Draft a transfer request for one's region."""

    allowed = staticmethod(requests_stock)

    def get(self, request):
        return _transfer_form_page(request)

    post = get


class TransferEdit(Page):
    """Change a draft or a request sent back for recheck (the requester)."""

    allowed = staticmethod(staff_only)  # visibility (404) first, then "only the requester" (403)

    def get(self, request, pk: int):
        transfer = selectors.transfer_get(user=request.user, pk=pk)
        if transfer.created_by_id != request.user.pk:
            raise PermissionDenied(_("Only the requester can change this request."))
        return _transfer_form_page(request, transfer)

    post = get


class TransferPdf(Page):
    """The 调货申请单 as a PDF."""

    allowed = staticmethod(staff_only)

    def get(self, request, pk: int):
        transfer = selectors.transfer_get(user=request.user, pk=pk)
        html = render_to_string(
            "inventory/transfer_pdf.html",
            {
                "t": transfer,
                "lines": transfer.lines.select_related("product"),
                "events": document_context(TRANSFER_FLOW, transfer, request.user)["events"],
                "printed_at": timezone.localtime(),
            },
            request=request,
        )
        return pdf_response(html, f"{transfer.number}.pdf")


class ShortfallPage(Page):
    """需求与库存的确认: what the user's regional warehouses lack, and a button to request it."""

    allowed = staticmethod(staff_only)

    def get(self, request):
        rows = selectors.shortfalls_for(request.user)
        sources = warehouses_for(request.user).filter(
            pk__in=selectors.transfer_warehouses(), region__isnull=True
        )
        context = {
            "title": _("Shortfalls"),
            "rows": rows,
            "sources": sources,
            "can_request": requests_stock(scope_of(request.user)),
            "period": selectors.current_period(),
            "wanted_by": timezone.localdate() + timedelta(days=7),
        }
        return render(request, "inventory/shortfalls.html", context)

    def post(self, request):
        """Create a draft transfer request pre-filled with the chosen shortfalls for one warehouse."""
        if not requests_stock(scope_of(request.user)):
            raise PermissionDenied(_("Only regional reps raise transfer requests."))
        chosen = {s.level.pk: s for s in selectors.shortfalls_for(request.user)}
        picked = [
            chosen[int(pk)] for pk in request.POST.getlist("level") if pk.isdigit() and int(pk) in chosen
        ]
        if not picked:
            messages.error(request, _("Tick at least one product."))
            return redirect("inventory:shortfalls")
        destinations = {s.level.warehouse_id for s in picked}
        if len(destinations) > 1:
            messages.error(request, _("Tick products of one destination warehouse at a time."))
            return redirect("inventory:shortfalls")
        try:
            source = (
                warehouses_for(request.user)
                .filter(pk__in=selectors.transfer_warehouses())
                .get(pk=request.POST.get("source"))
            )
            transfer = services.transfer_create(
                actor=request.user,
                source_warehouse=source,
                destination_warehouse=picked[0].level.warehouse,
                wanted_by=timezone.localdate() + timedelta(days=7),
                lines=[
                    (
                        s.level.product,
                        s.suggested,
                        _("Shortfall: safety stock %(safety)d, demand %(demand)d, available %(available)d")
                        % {"safety": s.level.safety_stock, "demand": s.demand, "available": s.available},
                    )
                    for s in picked
                ],
            )
        except (Warehouse.DoesNotExist, ValueError):
            messages.error(request, _("Choose the source warehouse."))
            return redirect("inventory:shortfalls")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, validation_message(exc) if isinstance(exc, ValidationError) else str(exc))
            return redirect("inventory:shortfalls")
        messages.success(
            request,
            _("Draft %(number)s created from the shortfalls: check it and submit it.")
            % {"number": transfer.number},
        )
        return redirect("inventory:transfer_detail", pk=transfer.pk)


class StockLevelList(ListPage):
    """Stock per product and warehouse."""

    title = gettext_lazy("Stock")
    allowed = staticmethod(staff_only)
    selector = staticmethod(selectors.stock_levels_for)
    filterset_class = StockLevelFilter
    search_lookup = "product__search_text__contains"
    columns = [
        Column("warehouse.name", gettext_lazy("warehouse")),
        Column("product.code", gettext_lazy("product code")),
        Column("product.name", gettext_lazy("product")),
        Column("on_hand", gettext_lazy("on hand")),
        Column("reserved", gettext_lazy("reserved")),
        Column("available", gettext_lazy("available")),
        Column("in_transit", gettext_lazy("incoming in transit")),
        Column("safety_stock", gettext_lazy("safety stock")),
    ]
    export_name = "stock"
    detail_url_name = "inventory:safety_stock_edit"
    can_open = staticmethod(keeps_stock)


class SafetyStockEdit(ServiceFormPage):
    """Change the safety stock of a product in a warehouse (warehouse department)."""

    allowed = staticmethod(keeps_stock)
    success_message = gettext_lazy("Safety stock saved.")

    def make_form(self, request, data, pk: int):
        level = selectors.stock_level_get(user=request.user, pk=pk)
        return SafetyStockForm(data, initial={"safety_stock": level.safety_stock})

    def call_service(self, request, form, pk: int) -> str:
        level = selectors.stock_level_get(user=self.request.user, pk=pk)
        services.safety_stock_set(
            actor=request.user,
            product=level.product,
            warehouse=level.warehouse,
            safety_stock=form.cleaned_data["safety_stock"],
        )
        return reverse("inventory:stock_list")

    def title_for(self, pk: int) -> str:
        level = selectors.stock_level_get(user=self.request.user, pk=pk)
        return _("Safety stock: %(product)s in %(warehouse)s") % {
            "product": level.product,
            "warehouse": level.warehouse,
        }


class ReceiptCreate(ServiceFormPage):
    """Goods in: book stock arriving from production or purchase (warehouse department)."""

    allowed = staticmethod(keeps_stock)
    title = gettext_lazy("Goods in")
    success_message = gettext_lazy("Goods received.")

    def make_form(self, request, data):
        return ReceiptForm(data, user=request.user)

    def call_service(self, request, form) -> str:
        services.stock_receive(actor=request.user, **form.cleaned_data)
        return reverse("inventory:movement_list")


class MovementList(ListPage):
    """The stock movement ledger."""

    title = gettext_lazy("Stock movements")
    allowed = staticmethod(staff_only)
    selector = staticmethod(selectors.movements_for)
    filterset_class = MovementFilter
    search_lookup = "product__search_text__contains"
    columns = [
        Column("at", gettext_lazy("time")),
        Column("warehouse.name", gettext_lazy("warehouse")),
        Column("product.code", gettext_lazy("product code")),
        Column("product.name", gettext_lazy("product")),
        Column("kind", gettext_lazy("kind")),
        Column("on_hand_delta", gettext_lazy("on hand change")),
        Column("reserved_delta", gettext_lazy("reserved change")),
        Column("in_transit_delta", gettext_lazy("in transit change")),
        Column("reference", gettext_lazy("reference")),
        Column("actor", gettext_lazy("by")),
    ]
    export_name = "stock-movements"
    create_url_name = "inventory:receipt_create"
    can_create = staticmethod(keeps_stock)


class DemandList(ListPage):
    """Expected market demand per region, product and month."""

    title = gettext_lazy("Market demand")
    allowed = staticmethod(staff_only)
    selector = staticmethod(selectors.demands_for)
    filterset_class = DemandFilter
    search_lookup = "product__search_text__contains"
    columns = [
        Column("period", gettext_lazy("month")),
        Column("region.name", gettext_lazy("region")),
        Column("product.code", gettext_lazy("product code")),
        Column("product.name", gettext_lazy("product")),
        Column("quantity", gettext_lazy("quantity")),
        Column("note", gettext_lazy("note")),
        Column("created_by", gettext_lazy("recorded by")),
    ]
    create_url_name = "inventory:demand_create"
    can_create = staticmethod(regional)
    export_name = "demand"


class DemandCreate(ServiceFormPage):
    """Record (or correct) a month's expected demand."""

    allowed = staticmethod(regional)
    title = gettext_lazy("Record demand")
    success_message = gettext_lazy("Demand recorded.")

    def make_form(self, request, data):
        initial = {"period": selectors.current_period().strftime("%Y-%m")}
        return DemandForm(data, user=request.user, initial=initial)

    def call_service(self, request, form) -> str:
        services.demand_record(actor=request.user, **form.cleaned_data)
        return reverse("inventory:demand_list")


class StockCheckList(ListPage):
    """库存清查 the user may see."""

    title = gettext_lazy("Stock checks")
    allowed = staticmethod(staff_only)
    selector = staticmethod(selectors.stock_checks_for)
    filterset_class = StockCheckFilter
    search_lookup = "number__icontains"
    search_placeholder = gettext_lazy("Number, e.g. PD-2026-000012")
    columns = [
        Column("number", gettext_lazy("number")),
        Column("status", gettext_lazy("status")),
        Column("warehouse.name", gettext_lazy("warehouse")),
        Column("counted_on", gettext_lazy("counted on")),
        Column("created_by", gettext_lazy("created by")),
    ]
    detail_url_name = "inventory:stock_check_detail"
    create_url_name = "inventory:stock_check_create"
    can_create = staticmethod(staff_only)
    export_name = "stock-checks"


class StockCheckCreate(Page):
    """Record counted quantities of a warehouse."""

    allowed = staticmethod(staff_only)

    def get(self, request):
        header = StockCheckHeaderForm(request.POST or None, user=request.user)
        formset = CountLineFormSet(request.POST or None, prefix="lines")

        def save():
            lines = [
                (f.cleaned_data["product"], f.cleaned_data["counted"])
                for f in formset.forms
                if f.cleaned_data.get("product")
            ]
            return services.stock_check_create(actor=request.user, lines=lines, **header.cleaned_data)

        return document_form_response(
            request,
            form=header,
            formset=formset,
            save=save,
            detail_url_name="inventory:stock_check_detail",
            template_name="inventory/stock_check_form.html",
            title=_("New stock check"),
            success_message=_("Saved. Submit it for approval by the warehouse department."),
        )

    post = get


class StockCheckDetail(DocumentPage):
    """One stock check with counted and book quantities."""

    flow = STOCK_CHECK_FLOW
    allowed = staticmethod(staff_only)
    template_name = "inventory/stock_check_detail.html"

    def extra_context(self, document) -> dict:
        return {"lines": document.lines.select_related("product")}
