"""Pages of the sales-history import: upload and past imports, one import's progress and errors, and the
template to fill in. Finance and administrators only.

Wire them into `yingxiao/sales/urls.py` with `urlpatterns += views_import.urlpatterns`.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingxiao.core.excel import template_workbook, xlsx_response
from yingxiao.core.pages import Page, add_service_error

from .choices import ImportStatus
from .imports import (
    COLUMNS,
    MAX_ROWS,
    can_import,
    error_text,
    error_total,
    sales_import_get,
    sales_import_start,
    sales_imports_for,
)

#: Past imports listed on the upload page.
RECENT = 50


class SalesImportForm(forms.Form):
    """The workbook to import."""

    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )


class SalesImportPage(Page):
    """Upload a workbook of sales history (checked and loaded in the background); the past imports."""

    title = gettext_lazy("Import sales history")
    allowed = staticmethod(can_import)

    def get(self, request):
        return self.show(request, SalesImportForm())

    def post(self, request):
        form = SalesImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                sales_import = sales_import_start(actor=request.user, file=form.cleaned_data["file"])
            except (ValidationError, PermissionDenied) as exc:
                add_service_error(form, exc)
            else:
                return redirect("sales:import_detail", pk=sales_import.pk)
        return self.show(request, form, status=400)

    def show(self, request, form, status: int = 200):
        context = {
            "title": self.title,
            "form": form,
            "columns": COLUMNS,
            "max_rows": MAX_ROWS,
            "imports": sales_imports_for(request.user)[:RECENT],
        }
        return render(request, "sales/import/list.html", context, status=status)


class SalesImportDetail(Page):
    """One import: its progress bar (polled every second by htmx while it runs), then its outcome and,
    when it failed, every error with its row."""

    allowed = staticmethod(can_import)

    def get(self, request, pk: int):
        sales_import = sales_import_get(user=request.user, pk=pk)
        running = sales_import.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
        context = {
            "title": _("Sales import #%(pk)d") % {"pk": sales_import.pk},
            "sales_import": sales_import,
            "running": running,
            "saving": sales_import.status == ImportStatus.RUNNING
            and sales_import.total_rows
            and sales_import.done_rows >= sales_import.total_rows,
            "errors": [(e.get("row"), error_text(e)) for e in sales_import.errors or []],
            "error_total": error_total(sales_import),
        }
        if request.htmx:
            return render(request, "sales/import/progress.html", context)
        return render(request, "sales/import/detail.html", context)


class SalesImportTemplate(Page):
    """The workbook to fill in: the headers and one example row."""

    allowed = staticmethod(can_import)

    def get(self, request):
        return xlsx_response(template_workbook(str(_("Sales history")), COLUMNS), "sales-import-template")


urlpatterns = [
    path("imports/", SalesImportPage.as_view(), name="import_list"),
    path("imports/template/", SalesImportTemplate.as_view(), name="import_template"),
    path("imports/<int:pk>/", SalesImportDetail.as_view(), name="import_detail"),
]
