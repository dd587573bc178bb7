"""Pages of the after-sales app: exchange and return cases (lists, documents, the filing form with the
buyer's ledger lines, PDFs), service tickets (overdue ones highlighted) and the quality report."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingxiao.accounts.choices import Role
from yingxiao.accounts.selectors import scope_of
from yingxiao.core.pages import Column, ListPage, Page, ServiceFormPage, add_service_error, anyone
from yingxiao.core.pdf import pdf_response
from yingxiao.partners.selectors import customers_for, distributors_for
from yingxiao.workflow.pages import DocumentPage, document_context

from . import selectors, services
from .choices import TicketStatus
from .forms import BuyerForm, CaseForm, ExchangeFilter, ReturnFilter, TicketFilter, TicketForm
from .workflow import EXCHANGE_FLOW, RETURN_FLOW, TICKET_FLOW

#: How far back the filing form lists a buyer's deliveries.
CLAIM_WINDOW_DAYS = 365
CLAIM_ROWS = 100


def files_cases(scope) -> bool:
    """The region's rep or manager files the customer's written report (seed 四.2.3)."""
    return scope.has_role(Role.REGIONAL_REP, Role.REGIONAL_MANAGER)


def opens_tickets(scope) -> bool:
    """Regional staff, customer service and a distributor's portal user open service tickets."""
    return scope.has_role(Role.REGIONAL_REP, Role.REGIONAL_MANAGER, Role.CUSTOMER_SERVICE, Role.DISTRIBUTOR)


def reads_quality(scope) -> bool:
    """Staff (company or regional) read the quality report; portal users do not."""
    return scope.is_company_wide or bool(scope.region_ids)


@dataclass(frozen=True)
class FlagColumn(Column):
    """A yes/no column whose "yes" is a warning: a red badge (as on the case page); "no" neutral; nothing
    before it is known (no finding yet)."""

    yes_class: str = "bg-red-lt"

    def display(self, obj):
        value = self.value(obj)
        if value == "":
            return ""
        if value:
            return format_html('<span class="badge {}">{}</span>', self.yes_class, _("Yes"))
        return format_html('<span class="badge bg-secondary-lt">{}</span>', _("No"))


#: A case list's columns; the cause (long labels) is in the export and on the case page, so the list fits
#: a laptop screen.
CASE_COLUMNS = [
    Column("number", gettext_lazy("number")),
    Column("status", gettext_lazy("status")),
    Column("region.name", gettext_lazy("region")),
    Column("buyer", gettext_lazy("buyer")),
    Column("delivered_on", gettext_lazy("delivered on")),
    FlagColumn("late", gettext_lazy("filed late"), yes_class="bg-yellow-lt"),
    FlagColumn("is_quality_problem", gettext_lazy("quality problem")),
    Column("created_by", gettext_lazy("created by")),
    Column("created_at", gettext_lazy("created at")),
]
CASE_EXPORT_COLUMNS = [*CASE_COLUMNS[:7], Column("cause", gettext_lazy("cause")), *CASE_COLUMNS[7:]]


class ExchangeList(ListPage):
    """换货 cases the user may see."""

    title = gettext_lazy("Exchanges")
    selector = staticmethod(selectors.exchanges_for)
    filterset_class = ExchangeFilter
    search_lookup = "number__icontains"
    search_placeholder = gettext_lazy("Number, e.g. HH-2026-000123")
    columns = CASE_COLUMNS
    export_columns = CASE_EXPORT_COLUMNS
    detail_url_name = "aftersales:exchange_detail"
    create_url_name = "aftersales:exchange_create"
    can_create = staticmethod(files_cases)
    export_name = "exchanges"


class ReturnList(ListPage):
    """退货 cases the user may see."""

    title = gettext_lazy("Returns")
    selector = staticmethod(selectors.returns_for)
    filterset_class = ReturnFilter
    search_lookup = "number__icontains"
    search_placeholder = gettext_lazy("Number, e.g. TH-2026-000123")
    columns = [*CASE_COLUMNS[:7], Column("refunded", gettext_lazy("refunded")), *CASE_COLUMNS[7:]]
    export_columns = [
        *CASE_EXPORT_COLUMNS[:8],
        Column("refunded", gettext_lazy("refunded")),
        *CASE_EXPORT_COLUMNS[8:],
    ]
    detail_url_name = "aftersales:return_detail"
    create_url_name = "aftersales:return_create"
    can_create = staticmethod(files_cases)
    export_name = "returns"

    def filtered(self, request):
        queryset, filterset = super().filtered(request)
        return queryset.prefetch_related("refunds"), filterset


class CaseDetail(DocumentPage):
    """An exchange or return: lines, quality's finding, goods back, timeline, attachments, flowchart."""

    allowed = staticmethod(anyone)
    template_name = "aftersales/case_detail.html"
    kind = "exchange"

    def extra_context(self, document) -> dict:
        lines = list(document.lines.select_related("product", "sales_line"))
        context = {
            "kind": self.kind,
            "lines": lines,
            "editable": document.created_by_id == self.request.user.pk and document.status == "draft",
            "approval_days": settings.AFTERSALES_APPROVAL_DAYS,
            "pdf_url_name": f"aftersales:{self.kind}_pdf",
            "edit_url_name": f"aftersales:{self.kind}_edit",
        }
        if self.kind == "return":
            context["refunds"] = document.refunds.select_related("paid_by")
            context["refundable"] = services.refundable(document)
            context["refunded"] = document.refunded
        return context


class ExchangeDetail(CaseDetail):
    flow = EXCHANGE_FLOW
    kind = "exchange"


class ReturnDetail(CaseDetail):
    flow = RETURN_FLOW
    kind = "return"


# --- filing a case -------------------------------------------------------------------------------------


def _buyer_from(request, case=None):
    """The buyer the form is for: the case's, or `?distributor=` / `?customer=` among the user's."""
    if case is not None:
        return case.distributor, case.customer
    data = request.GET if request.method == "GET" else request.POST
    distributor = customer = None
    if (pk := data.get("distributor", "")).isdigit():
        distributor = distributors_for(request.user).filter(pk=pk).first()
    elif (pk := data.get("customer", "")).isdigit():
        customer = customers_for(request.user).filter(pk=pk).first()
    return distributor, customer


def _case_form_page(request, kind: str, case=None):
    distributor, customer = _buyer_from(request, case)
    title = (
        _("Edit %(number)s") % {"number": case.number}
        if case
        else (_("New exchange case") if kind == "exchange" else _("New return case"))
    )
    if distributor is None and customer is None:
        buyer_form = BuyerForm(request.GET or None, user=request.user)
        return render(
            request, "aftersales/case_buyer.html", {"title": title, "form": buyer_form, "kind": kind}
        )
    since = timezone.localdate() - timedelta(days=CLAIM_WINDOW_DAYS)
    rows = selectors.claimable_lines_for(
        request.user,
        distributor_id=distributor.pk if distributor else None,
        customer_id=customer.pk if customer else None,
        since=since,
    )
    product = (request.GET.get("product") or request.POST.get("product") or "").strip()
    if product:
        rows = rows.filter(product__code__icontains=product)
    rows = list(rows[:CLAIM_ROWS])
    current = {}
    if case is not None:
        current = {line.sales_line_id: line for line in case.lines.select_related("sales_line__product")}
        shown = {r.pk for r in rows}
        rows = [line.sales_line for pk, line in current.items() if pk not in shown] + rows
    claimed = selectors.claimed_by_line([r.pk for r in rows])
    form = CaseForm(request.POST or None, initial={"problem": case.problem} if case else None)
    if request.method == "POST" and form.is_valid():
        lines, errors = [], []
        for row in rows:
            raw = request.POST.get(f"qty_{row.pk}", "").strip()
            if not raw:
                continue
            if not raw.isdigit():
                errors.append(
                    _("%(product)s: the quantity must be a whole number.") % {"product": row.product}
                )
                continue
            if int(raw) > 0:
                lines.append((row, int(raw), request.POST.get(f"batch_{row.pk}", "")))
        if errors:
            form.add_error(None, errors)
        else:
            try:
                if case is None:
                    create = services.exchange_create if kind == "exchange" else services.return_create
                    case = create(actor=request.user, problem=form.cleaned_data["problem"], lines=lines)
                else:
                    update = services.exchange_update if kind == "exchange" else services.return_update
                    case = update(
                        actor=request.user, case=case, problem=form.cleaned_data["problem"], lines=lines
                    )
            except (ValidationError, PermissionDenied) as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Saved. Attach photos, then submit it."))
                return redirect(f"aftersales:{kind}_detail", pk=case.pk)
    table = []
    for row in rows:
        mine = current.get(row.pk)
        left = row.quantity - claimed.get(row.pk, 0) + (mine.quantity if mine else 0)
        table.append(
            {
                "line": row,
                "left": left,
                "late": services.is_late(row.date),
                "qty": request.POST.get(f"qty_{row.pk}", mine.quantity if mine else ""),
                "batch": request.POST.get(f"batch_{row.pk}", mine.batch if mine else ""),
            }
        )
    context = {
        "title": title,
        "form": form,
        "kind": kind,
        "buyer": distributor or customer,
        "buyer_field": "distributor" if distributor else "customer",
        "rows": table,
        "product": product,
        "case": case,
        "window_days": CLAIM_WINDOW_DAYS,
        "approval_days": settings.AFTERSALES_APPROVAL_DAYS,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "aftersales/case_form.html", context, status=status)


class ExchangeCreate(Page):
    """File an exchange case: choose the buyer, then the delivered lines and the problem."""

    allowed = staticmethod(files_cases)

    def get(self, request):
        return _case_form_page(request, "exchange")

    post = get


class ReturnCreate(Page):
    """File a return case: choose the buyer, then the delivered lines and the problem."""

    allowed = staticmethod(files_cases)

    def get(self, request):
        return _case_form_page(request, "return")

    post = get


class ExchangeEdit(Page):
    """Change a draft exchange case (whoever filed it)."""

    allowed = staticmethod(files_cases)

    def get(self, request, pk: int):
        case = selectors.exchange_get(user=request.user, pk=pk)
        if case.created_by_id != request.user.pk:
            raise PermissionDenied(_("Only the person who filed this case can change it."))
        return _case_form_page(request, "exchange", case)

    post = get


class ReturnEdit(Page):
    """Change a draft return case (whoever filed it)."""

    allowed = staticmethod(files_cases)

    def get(self, request, pk: int):
        case = selectors.return_get(user=request.user, pk=pk)
        if case.created_by_id != request.user.pk:
            raise PermissionDenied(_("Only the person who filed this case can change it."))
        return _case_form_page(request, "return", case)

    post = get


class CasePdf(Page):
    """换货申请单 / 退货申请单 as a PDF."""

    kind = "exchange"

    def get(self, request, pk: int):
        flow = EXCHANGE_FLOW if self.kind == "exchange" else RETURN_FLOW
        case = flow.getter(user=request.user, pk=pk)
        html = render_to_string(
            "aftersales/case_pdf.html",
            {
                "c": case,
                "kind": self.kind,
                "lines": case.lines.select_related("product", "sales_line"),
                "refunds": case.refunds.select_related("paid_by") if self.kind == "return" else [],
                "events": document_context(flow, case, request.user)["events"],
                "printed_at": timezone.localtime(),
            },
            request=request,
        )
        return pdf_response(html, f"{case.number}.pdf")


class ExchangePdf(CasePdf):
    kind = "exchange"


class ReturnPdf(CasePdf):
    kind = "return"


# --- service tickets -------------------------------------------------------------------------------------


class TicketStatusColumn(Column):
    """The status, with a red "overdue" badge on tickets still open after their deadline (next to the
    status, so it shows on a phone too)."""

    def display(self, obj):
        value = super().display(obj)
        if obj.is_overdue:
            return format_html('{} <span class="badge bg-red text-white">{}</span>', value, _("Overdue"))
        return value


class DeadlineColumn(Column):
    """The deadline as Y-m-d, in red on tickets still open after it."""

    def display(self, obj):
        value = super().display(obj)
        if obj.is_overdue:
            return format_html('<span class="text-danger">{}</span>', value)
        return value


class TicketList(ListPage):
    """售后服务 tickets; overdue ones are highlighted. The export adds an overdue (是/否) column."""

    title = gettext_lazy("Service tickets")
    selector = staticmethod(selectors.tickets_for)
    filterset_class = TicketFilter
    search_lookup = "number__icontains"
    search_placeholder = gettext_lazy("Number, e.g. FW-2026-000123")
    columns = [
        Column("number", gettext_lazy("number")),
        TicketStatusColumn("status", gettext_lazy("status")),
        Column("kind", gettext_lazy("kind")),
        Column("region.name", gettext_lazy("region")),
        Column("buyer", gettext_lazy("buyer")),
        DeadlineColumn("deadline", gettext_lazy("deadline")),
        Column("created_by", gettext_lazy("created by")),
    ]
    export_columns = [*columns, Column("is_overdue", gettext_lazy("overdue"))]
    detail_url_name = "aftersales:ticket_detail"
    create_url_name = "aftersales:ticket_create"
    can_create = staticmethod(opens_tickets)
    export_name = "service-tickets"


class TicketDetail(DocumentPage):
    """A service ticket with its deadline, timeline and attachments."""

    flow = TICKET_FLOW
    allowed = staticmethod(anyone)
    template_name = "aftersales/ticket_detail.html"

    def extra_context(self, document) -> dict:
        return {"open_states": (TicketStatus.OPEN, TicketStatus.ESCALATED)}


class TicketCreate(ServiceFormPage):
    """Open a service ticket for a customer or distributor."""

    allowed = staticmethod(opens_tickets)
    title = gettext_lazy("New service ticket")
    success_message = gettext_lazy("Ticket opened.")

    def make_form(self, request, data, **kwargs):
        return TicketForm(data, user=request.user)

    def call_service(self, request, form, **kwargs) -> str:
        ticket = services.ticket_create(actor=request.user, **form.cleaned_data)
        return reverse("aftersales:ticket_detail", args=[ticket.pk])


def scope_label(user) -> str:
    scope = scope_of(user)
    if any(scope.holds_company_wide(role) for role in selectors.AFTERSALES_READERS):
        return _("Whole company")
    return "、".join(scope.region_names) or _("Your regions")
