"""Pages of the rebates app: policies (with tiers, speed bands and the simulation), calculation runs (with
progress, results and lines), statements (with the 对账单 and payout-notice PDFs), cross-region flags,
advances, and the rebate report."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from yingxiao.accounts.choices import Role
from yingxiao.accounts.selectors import Scope, scope_of
from yingxiao.core.excel import build_workbook, validation_message, xlsx_response
from yingxiao.core.exceptions import Conflict
from yingxiao.core.money import CENT
from yingxiao.core.pages import Column, ListPage, Page, ServiceFormPage, add_service_error
from yingxiao.core.pdf import pdf_response
from yingxiao.workflow.pages import DocumentPage, document_context

from . import selectors, services
from .choices import CalcStatus, PolicyStatus, RunStatus, StatementStatus
from .forms import (
    AdvanceFilter,
    AdvanceForm,
    BandFormSet,
    FlagFilter,
    FlagForm,
    LineFilter,
    PolicyFilter,
    PolicyForm,
    ResultFilter,
    RunFilter,
    RunStartForm,
    SimulationForm,
    StatementFilter,
    TierFormSet,
    bands_from,
    tiers_from,
)
from .models import RebatePolicy
from .workflow import POLICY_FLOW, RUN_FLOW, STATEMENT_FLOW


def is_staff(scope: Scope) -> bool:
    return selectors.is_staff(scope)


def drafts_policies(scope: Scope) -> bool:
    """The market department."""
    return scope.has_role(*services.DRAFTERS)


def reads_runs(scope: Scope) -> bool:
    return selectors.reads_all_rebates(scope)


def starts_runs(scope: Scope) -> bool:
    return Role.CUSTOMER_SERVICE in scope.roles


def is_finance(scope: Scope) -> bool:
    return Role.FINANCE in scope.roles


def flags_distributors(scope: Scope) -> bool:
    return Role.REGIONAL_MANAGER in scope.roles


def reads_statements(scope: Scope) -> bool:
    """Staff, and a distributor's portal user for its own statements."""
    return bool(scope.roles)


# --- policies --------------------------------------------------------------------------------------------


class PolicyList(ListPage):
    """Rebate policies, newest year first."""

    title = gettext_lazy("Rebate policies")
    allowed = staticmethod(is_staff)
    selector = staticmethod(selectors.policies_for)
    filterset_class = PolicyFilter
    search_lookup = "name__icontains"
    search_placeholder = gettext_lazy("Policy name")
    columns = [
        Column("number", gettext_lazy("number")),
        Column("status", gettext_lazy("status")),
        Column("year", gettext_lazy("year")),
        Column("name", gettext_lazy("name")),
        Column("revision", gettext_lazy("revision")),
        Column("scope", gettext_lazy("scope")),
        Column("tier_mode", gettext_lazy("tier mode")),
        Column("created_by", gettext_lazy("created by")),
    ]
    detail_url_name = "rebates:policy_detail"
    create_url_name = "rebates:policy_create"
    can_create = staticmethod(drafts_policies)
    export_name = "rebate-policies"


class PolicyDetail(DocumentPage):
    """A policy: scope, tiers, bands, revisions, the simulation, timeline and flowchart."""

    flow = POLICY_FLOW
    allowed = staticmethod(is_staff)
    template_name = "rebates/policy_detail.html"

    def extra_context(self, document) -> dict:
        scope = scope_of(self.request.user)
        drafter = drafts_policies(scope)
        last_year = timezone.localdate().year - 1
        return {
            "tiers": document.tiers.all(),
            "bands": document.speed_bands.all(),
            "regions": document.regions.all(),
            "distributors": document.distributors.all(),
            "categories": document.categories.all(),
            "revisions": document.revisions.all(),
            "editable": drafter and document.status == PolicyStatus.DRAFT,
            "revisable": drafter and document.status == PolicyStatus.ACTIVE,
            "can_start_run": starts_runs(scope) and document.status == PolicyStatus.ACTIVE,
            "simulation_year": document.year if document.year <= last_year else last_year,
            "overlaps": selectors.policy_overlaps(document),
        }


def _policy_form_page(request, policy: RebatePolicy | None = None):
    initial = PolicyForm.initial_of(policy) if policy else {"year": timezone.localdate().year}
    data = request.POST if request.method == "POST" else None
    form = PolicyForm(data, user=request.user, initial=initial)
    # Bound formsets get no initial rows: rows equal to their initial values would count as unchanged (empty).
    tiers = TierFormSet(
        data,
        prefix="tiers",
        initial=[
            {"threshold": t.threshold, "rate": (t.rate * 100).quantize(CENT)} for t in policy.tiers.all()
        ]
        if policy and data is None
        else None,
    )
    bands = BandFormSet(
        data,
        prefix="bands",
        initial=[
            {"max_days": b.max_days, "factor": (b.factor * 100).quantize(CENT)}
            for b in policy.speed_bands.all()
        ]
        if policy and data is None
        else None,
    )
    if data is not None and form.is_valid() and tiers.is_valid() and bands.is_valid():
        values = {**form.cleaned_data, "tiers": tiers_from(tiers), "speed_bands": bands_from(bands)}
        try:
            if policy is None:
                saved = services.policy_create(actor=request.user, **values)
            else:
                saved = services.policy_update(actor=request.user, policy=policy, **values)
        except (ValidationError, PermissionDenied) as exc:
            add_service_error(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Saved. Submit it when it is complete."))
            return redirect("rebates:policy_detail", pk=saved.pk)
    title = _("Edit %(number)s") % {"number": policy.number} if policy else _("New rebate policy")
    context = {"title": title, "form": form, "tiers": tiers, "bands": bands}
    return render(request, "rebates/policy_form.html", context, status=400 if data is not None else 200)


class PolicyCreate(Page):
    """Draft a rebate policy (the market department)."""

    allowed = staticmethod(drafts_policies)

    def get(self, request):
        return _policy_form_page(request)

    post = get


class PolicyEdit(Page):
    """Change a draft policy."""

    allowed = staticmethod(drafts_policies)

    def get(self, request, pk: int):
        policy = selectors.policy_get(user=request.user, pk=pk)
        if policy.status != PolicyStatus.DRAFT:
            messages.error(request, _("Only a draft can be changed: make a new revision instead."))
            return redirect("rebates:policy_detail", pk=pk)
        return _policy_form_page(request, policy)

    post = get


class PolicyRevise(Page):
    """POST: a new draft revision of an active policy."""

    allowed = staticmethod(drafts_policies)

    def post(self, request, pk: int):
        policy = selectors.policy_get(user=request.user, pk=pk)
        try:
            revision = services.policy_revise(actor=request.user, policy=policy)
        except (Conflict, PermissionDenied) as exc:
            messages.error(request, str(exc))
            return redirect("rebates:policy_detail", pk=pk)
        messages.success(
            request, _("Revision %(n)d drafted: change it, then submit it.") % {"n": revision.revision}
        )
        return redirect("rebates:policy_edit", pk=revision.pk)


def simulation_context(policy: RebatePolicy, year: int) -> dict[str, Any]:
    """The policy run over a year's ledger (nothing written), with distributor names."""
    from yingxiao.partners.models import Distributor

    from .calculation import simulate

    result = simulate(policy, year)
    names = {
        d.pk: d
        for d in Distributor.objects.filter(pk__in=[r.distributor_id for r in result.rows]).select_related(
            "region"
        )
    }
    rows = sorted(result.rows, key=lambda r: -r.earned)
    return {
        "simulation": result,
        "ratio_percent": result.ratio * 100 if result.ratio is not None else None,
        "rows": [(names.get(r.distributor_id), r) for r in rows],
        "year": year,
    }


class PolicySimulation(Page):
    """The simulation (模拟测算) partial: `?year=` (last year by default)."""

    allowed = staticmethod(is_staff)

    def get(self, request, pk: int):
        policy = selectors.policy_get(user=request.user, pk=pk)
        form = SimulationForm(request.GET or {"year": timezone.localdate().year - 1})
        if not form.is_valid():
            return render(
                request, "rebates/partials/simulation.html", {"form": form, "policy": policy}, status=400
            )
        context = {"form": form, "policy": policy, **simulation_context(policy, form.cleaned_data["year"])}
        return render(request, "rebates/partials/simulation.html", context)


# --- runs ------------------------------------------------------------------------------------------------


class RunList(ListPage):
    """Calculation runs."""

    title = gettext_lazy("Rebate calculations")
    allowed = staticmethod(reads_runs)
    selector = staticmethod(selectors.runs_for)
    filterset_class = RunFilter
    search_lookup = "number__icontains"
    search_placeholder = gettext_lazy("Number, e.g. FLJS-2026-000001")
    columns = [
        Column("number", gettext_lazy("number")),
        Column("status", gettext_lazy("status")),
        Column("year", gettext_lazy("year")),
        Column("policy", gettext_lazy("policy")),
        Column("calc_status", gettext_lazy("computation")),
        Column("distributor_count", gettext_lazy("distributors")),
        Column("total_amount", gettext_lazy("total rebate")),
        Column("previous.number", gettext_lazy("recalculation of")),
    ]
    detail_url_name = "rebates:run_detail"
    create_url_name = "rebates:run_start"
    can_create = staticmethod(starts_runs)
    export_name = "rebate-runs"


class RunStart(ServiceFormPage):
    """Customer service starts the calculation of an active policy."""

    allowed = staticmethod(starts_runs)
    title = gettext_lazy("Start a rebate calculation")
    success_message = gettext_lazy("Calculation started.")

    def make_form(self, request, data, **kwargs):
        initial = {"policy": request.GET.get("policy")} if request.GET.get("policy") else None
        return RunStartForm(data, initial=initial)

    def call_service(self, request, form, **kwargs) -> str:
        try:
            run = services.run_start(actor=request.user, policy=form.cleaned_data["policy"])
        except Conflict as exc:
            raise ValidationError(exc.detail) from None
        return reverse("rebates:run_detail", args=[run.pk])


class RunDetail(DocumentPage):
    """A run: progress while it computes, totals, the largest results, disputed lines, the timeline."""

    flow = RUN_FLOW
    allowed = staticmethod(reads_runs)
    template_name = "rebates/run_detail.html"

    def extra_context(self, document) -> dict:
        scope = scope_of(self.request.user)
        results = selectors.run_results_for(self.request.user, document).order_by("-amount")[:20]
        return {
            "run": document,
            "computing": document.calc_status in (CalcStatus.QUEUED, CalcStatus.RUNNING),
            "top_results": results,
            "statement_count": document.statements.count(),
            "recalculations": document.recalculations.all(),
            "can_recalculate": starts_runs(scope)
            and document.status == RunStatus.RETURNED
            and not document.recalculations.exists(),
        }


class RunProgress(Page):
    """The progress partial the run page polls while the computation runs (htmx)."""

    allowed = staticmethod(reads_runs)

    def get(self, request, pk: int):
        run = selectors.run_get(user=request.user, pk=pk)
        computing = run.calc_status in (CalcStatus.QUEUED, CalcStatus.RUNNING)
        response = render(request, "rebates/partials/run_progress.html", {"run": run, "computing": computing})
        if not computing and request.GET.get("poll"):
            response["HX-Refresh"] = "true"  # done: reload the page with the results and buttons
        return response


class RunRecalculate(Page):
    """POST: a new run for a run that was sent back."""

    allowed = staticmethod(starts_runs)

    def post(self, request, pk: int):
        run = selectors.run_get(user=request.user, pk=pk)
        try:
            new = services.run_recalculate(actor=request.user, run=run)
        except (Conflict, PermissionDenied) as exc:
            messages.error(request, str(exc))
            return redirect("rebates:run_detail", pk=pk)
        except ValidationError as exc:
            messages.error(request, validation_message(exc))
            return redirect("rebates:run_detail", pk=pk)
        messages.success(request, _("Recalculation %(number)s started.") % {"number": new.number})
        return redirect("rebates:run_detail", pk=new.pk)


class _RunRows(ListPage):
    """Rows of one run (results or lines), filtered, paginated and exported through the run's selector."""

    allowed = staticmethod(reads_runs)
    searchable = False
    rows_of: Any = None

    def get(self, request, pk: int):  # type: ignore[override]
        self.run = selectors.run_get(user=request.user, pk=pk)
        return super().get(request)

    def filtered(self, request):
        queryset = type(self).rows_of(request.user, self.run)
        filterset = self.filterset_class(request.GET or None, queryset=queryset, request=request)
        return filterset.qs, filterset


class RunResults(_RunRows):
    """Per-distributor results of a run."""

    title = gettext_lazy("Rebate results")
    filterset_class = ResultFilter
    rows_of = staticmethod(selectors.run_results_for)
    columns = [
        Column("distributor.code", gettext_lazy("code")),
        Column("distributor.name", gettext_lazy("distributor")),
        Column("region.name", gettext_lazy("region")),
        Column("line_count", gettext_lazy("purchase lines")),
        Column("sales", gettext_lazy("net purchases")),
        Column("gross_base", gettext_lazy("purchases (base)")),
        Column("returns_base", gettext_lazy("returns (base)")),
        Column("base", gettext_lazy("net base")),
        Column("tier_threshold", gettext_lazy("tier reached")),
        Column("rate", gettext_lazy("rate")),
        Column("rebate", gettext_lazy("rebate by tiers")),
        Column("avg_days_to_pay", gettext_lazy("average days to pay")),
        Column("speed_factor", gettext_lazy("payment-speed factor")),
        Column("forfeited", gettext_lazy("forfeited (cross-region selling)")),
        Column("earned", gettext_lazy("rebate earned")),
        Column("advanced", gettext_lazy("already advanced")),
        Column("amount", gettext_lazy("amount owed")),
    ]
    export_name = "rebate-results"


class RunLines(_RunRows):
    """Per-purchase lines of a run."""

    title = gettext_lazy("Rebate lines")
    filterset_class = LineFilter
    rows_of = staticmethod(selectors.run_lines_for)
    paginate_by = 50
    columns = [
        Column("distributor.code", gettext_lazy("distributor")),
        Column("sales_line.date", gettext_lazy("date")),
        Column("sales_line.product.code", gettext_lazy("product code")),
        Column("sales_line.product.name", gettext_lazy("product")),
        Column("sales_line.quantity", gettext_lazy("quantity")),
        Column("sales_line.amount", gettext_lazy("amount")),
        Column("sales_line.source", gettext_lazy("source")),
        Column("base", gettext_lazy("base")),
        Column("rebate", gettext_lazy("rebate")),
    ]
    export_name = "rebate-lines"


# --- statements ------------------------------------------------------------------------------------------


class StatementList(ListPage):
    """Statements (对账单): a distributor's portal user sees only its own."""

    title = gettext_lazy("Rebate statements")
    allowed = staticmethod(reads_statements)
    selector = staticmethod(selectors.statements_for)
    filterset_class = StatementFilter
    search_lookup = "number__icontains"
    search_placeholder = gettext_lazy("Number, e.g. DZD-2026-000001")
    columns = [
        Column("number", gettext_lazy("number")),
        Column("status", gettext_lazy("status")),
        Column("year", gettext_lazy("year")),
        Column("distributor.name", gettext_lazy("distributor")),
        Column("region.name", gettext_lazy("region")),
        Column("amount", gettext_lazy("amount")),
        Column("disputed_amount", gettext_lazy("amount claimed by the distributor")),
        Column("run.number", gettext_lazy("run")),
    ]
    detail_url_name = "rebates:statement_detail"
    export_name = "rebate-statements"


class StatementDetail(DocumentPage):
    """A statement: the distributor's figures, dispute, payout, PDFs, timeline."""

    flow = STATEMENT_FLOW
    allowed = staticmethod(reads_statements)
    template_name = "rebates/statement_detail.html"

    lines_per_page = 25

    def get(self, request, pk: int):
        if request.GET.get("export") == "xlsx":
            statement = selectors.statement_get(user=request.user, pk=pk)
            lines = selectors.statement_lines_for(request.user, statement)
            return xlsx_response(_statement_lines_workbook(statement, lines), f"{statement.number}-lines")
        return super().get(request, pk)

    def extra_context(self, document) -> dict:
        lines = selectors.statement_lines_for(self.request.user, document)
        return {
            "statement": document,
            "result": document.result,
            "basis": document.run.policy.basis,
            "payout": getattr(document, "payout", None),
            "lines": Paginator(lines, self.lines_per_page).get_page(self.request.GET.get("page")),
        }


def _statement_lines_workbook(statement, lines):
    """Every purchase line behind a statement, one row each."""
    headers = [
        _("date"),
        _("product code"),
        _("product"),
        _("quantity"),
        _("amount"),
        _("base"),
        _("rebate"),
    ]
    rows = (
        [
            line.sales_line.date,
            line.sales_line.product.code,
            line.sales_line.product.name,
            line.sales_line.quantity,
            line.sales_line.amount,
            line.base,
            line.rebate,
        ]
        for line in lines.iterator(chunk_size=2000)
    )
    return build_workbook(str(_("Purchase lines")), headers, rows)


def _statement_pdf_context(request, statement) -> dict:
    return {
        "s": statement,
        "r": statement.result,
        "policy": statement.run.policy,
        "payout": getattr(statement, "payout", None),
        "events": document_context(STATEMENT_FLOW, statement, request.user)["events"],
        "printed_at": timezone.localtime(),
    }


class StatementPdf(Page):
    """The 对账单 as a PDF: the figures, the amount in capitals, signature boxes."""

    allowed = staticmethod(reads_statements)

    def get(self, request, pk: int):
        statement = selectors.statement_get(user=request.user, pk=pk)
        html = render_to_string(
            "rebates/statement_pdf.html", _statement_pdf_context(request, statement), request=request
        )
        return pdf_response(html, f"{statement.number}.pdf")


class PayoutPdf(Page):
    """The payout notice (返利支付通知单) of a paid statement."""

    allowed = staticmethod(reads_statements)

    def get(self, request, pk: int):
        statement = selectors.statement_get(user=request.user, pk=pk)
        if statement.status != StatementStatus.PAID:
            raise Http404
        html = render_to_string(
            "rebates/payout_pdf.html", _statement_pdf_context(request, statement), request=request
        )
        return pdf_response(html, f"{statement.number}-payout.pdf")


# --- flags and advances ----------------------------------------------------------------------------------


class FlagList(ListPage):
    """Cross-region selling flags (窜货)."""

    title = gettext_lazy("Cross-region selling flags")
    allowed = staticmethod(is_staff)
    selector = staticmethod(selectors.cross_region_flags_for)
    filterset_class = FlagFilter
    searchable = False
    columns = [
        Column("distributor.code", gettext_lazy("code")),
        Column("distributor.name", gettext_lazy("distributor")),
        Column("year", gettext_lazy("year")),
        Column("evidence", gettext_lazy("evidence")),
        Column("flagged_by", gettext_lazy("flagged by")),
        Column("created_at", gettext_lazy("created at")),
        Column("lifted_at", gettext_lazy("lifted at")),
        Column("lifted_by", gettext_lazy("lifted by")),
    ]
    detail_url_name = "rebates:flag_detail"
    create_url_name = "rebates:flag_create"
    can_create = staticmethod(flags_distributors)
    export_name = "cross-region-flags"


class FlagDetail(Page):
    """One flag with its evidence; its region's manager (or the director) may lift it."""

    allowed = staticmethod(is_staff)

    def get(self, request, pk: int):
        flag = selectors.cross_region_flag_get(user=request.user, pk=pk)
        scope = scope_of(request.user)
        can_lift = flag.lifted_at is None and (
            scope.role_reaches(Role.REGIONAL_MANAGER, region_id=flag.distributor.region_id)
            or scope.holds_company_wide(Role.MARKETING_DIRECTOR)
        )
        context = {"title": str(flag), "flag": flag, "can_lift": can_lift}
        return render(request, "rebates/flag_detail.html", context)

    def post(self, request, pk: int):
        flag = selectors.cross_region_flag_get(user=request.user, pk=pk)
        try:
            services.cross_region_flag_lift(actor=request.user, flag=flag)
        except (PermissionDenied, Conflict) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Flag lifted."))
        return redirect("rebates:flag_detail", pk=pk)


class FlagCreate(ServiceFormPage):
    """A regional manager flags a distributor of the region, with evidence."""

    allowed = staticmethod(flags_distributors)
    title = gettext_lazy("Flag cross-region selling")
    success_message = gettext_lazy("Flag recorded.")

    def make_form(self, request, data, **kwargs):
        return FlagForm(data, user=request.user)

    def call_service(self, request, form, **kwargs) -> str:
        services.cross_region_flag(actor=request.user, **form.cleaned_data)
        return reverse("rebates:flag_list")


class AdvanceList(ListPage):
    """Rebate advances paid during the year."""

    title = gettext_lazy("Rebate advances")
    allowed = staticmethod(is_staff)
    selector = staticmethod(selectors.advances_for)
    filterset_class = AdvanceFilter
    searchable = False
    columns = [
        Column("distributor.code", gettext_lazy("code")),
        Column("distributor.name", gettext_lazy("distributor")),
        Column("year", gettext_lazy("year")),
        Column("amount", gettext_lazy("amount")),
        Column("paid_on", gettext_lazy("paid on")),
        Column("reference", gettext_lazy("reference")),
        Column("recorded_by", gettext_lazy("recorded by")),
    ]
    create_url_name = "rebates:advance_create"
    can_create = staticmethod(is_finance)
    export_name = "rebate-advances"


class AdvanceCreate(ServiceFormPage):
    """Finance records a rebate advance."""

    allowed = staticmethod(is_finance)
    title = gettext_lazy("Record a rebate advance")
    success_message = gettext_lazy("Advance recorded.")

    def make_form(self, request, data, **kwargs):
        return AdvanceForm(data)

    def call_service(self, request, form, **kwargs) -> str:
        services.advance_record(actor=request.user, **form.cleaned_data)
        return reverse("rebates:advance_list")


# --- report ----------------------------------------------------------------------------------------------


def _report_year(raw) -> int:
    default = timezone.localdate().year - 1
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


def _report_workbook(report: dict) -> Workbook:
    wb = Workbook()
    figures = ["owed", "paid", "open", "sales", "ratio"]
    figure_labels = [_("owed"), _("paid out"), _("outstanding"), _("sales"), _("rebate / sales %")]
    sheets = [
        (
            _("By region"),
            [_("region"), _("statements"), *figure_labels],
            [[r["name"], r["statements"], *(r[k] for k in figures)] for r in report["by_region"]],
        ),
        (
            _("By distributor"),
            [_("code"), _("distributor"), _("region"), *figure_labels],
            [
                [r["distributor__code"], r["distributor__name"], r["region__name"], *(r[k] for k in figures)]
                for r in report["by_distributor"]
            ],
        ),
        (
            _("Year over year"),
            [_("year"), _("statements"), *figure_labels],
            [[r["year"], r["statements"], *(r[k] for k in figures)] for r in report["years"]],
        ),
    ]
    for index, (title, headers, rows) in enumerate(sheets):
        ws = wb.active if index == 0 else wb.create_sheet()
        ws.title = str(title)[:31]
        ws.append([str(h) for h in headers])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(row)
        ws.freeze_panes = "A2"
    return wb


class ReportPage(Page):
    """Owed against paid by region and distributor, rebate cost as a share of sales, year over year."""

    allowed = staticmethod(is_staff)

    def get(self, request):
        year = _report_year(request.GET.get("year"))
        report = selectors.rebate_report(request.user, year)
        if request.GET.get("export") == "xlsx":
            return xlsx_response(_report_workbook(report), f"rebates-{year}")
        charts = {
            "regions": {
                "names": [r["name"] for r in report["by_region"]],
                "owed": [str(r["owed"]) for r in report["by_region"]],
                "paid": [str(r["paid"]) for r in report["by_region"]],
            },
            "years": {
                "names": [str(r["year"]) for r in report["years"]],
                "owed": [str(r["owed"]) for r in report["years"]],
                "ratio": [str(r["ratio"] or 0) for r in report["years"]],
            },
            "labels": {"owed": _("owed"), "paid": _("paid out"), "ratio": _("rebate / sales %")},
        }
        context = {
            "title": _("Rebate report %(year)s") % {"year": year},
            "year": year,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
            "report": report,
            "charts": charts,
        }
        return render(request, "rebates/report.html", context)
