"""Generic pages every master-data list uses: list (filters, search, pagination, Excel export),
detail (fields and change history), create/edit through services, and Excel import.

An app's views.py declares small subclasses naming its selector, columns, form and services.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from yingxiao.accounts.selectors import Scope, scope_of

from .excel import ImportRejected, build_workbook, template_workbook, xlsx_response
from .models import AuditEntry
from .search import search


@dataclass(frozen=True)
class Column:
    """A column of a list (and of its Excel export): `key` is an attribute path like `region.name`."""

    key: str
    label: Any
    link: bool = False

    def value(self, obj: Any) -> Any:
        """The cell value; `get_<field>_display` is used for choice fields."""
        target = obj
        parts = self.key.split(".")
        for part in parts[:-1]:
            target = getattr(target, part, None)
            if target is None:
                return ""
        last = parts[-1]
        display = getattr(target, f"get_{last}_display", None)
        value = display() if callable(display) else getattr(target, last, "")
        return "" if value is None else value

    def display(self, obj: Any) -> Any:
        """The cell as shown in a page: amounts with thousands separators, dates as 2026-11-26 and times
        as 2026-11-26 14:05 (local time), the same in every list."""
        value = self.value(obj)
        if isinstance(value, Decimal):
            return f"{value:,.2f}"
        if isinstance(value, datetime):
            return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime(
                "%Y-%m-%d %H:%M"
            )
        if isinstance(value, date):
            return value.strftime("%Y-%m-%d")
        return value

    def export_value(self, obj: Any) -> Any:
        """Excel-friendly value: numbers, dates and times stay themselves (`build_workbook` formats them),
        booleans become 是/否, the rest text."""
        value = self.value(obj)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, int | float | Decimal | date):
            return value
        return str(value)


def anyone(scope: Scope) -> bool:
    """Any user holding a role."""
    return bool(scope.roles)


def staff_only(scope: Scope) -> bool:
    """Company or regional staff; not distributor portal users."""
    return scope.is_company_wide or bool(scope.region_ids)


class Page(LoginRequiredMixin, View):
    """A page refused (403) to users whose scope fails `allowed`."""

    allowed = staticmethod(anyone)
    title: ClassVar[Any] = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not type(self).allowed(scope_of(request.user)):
            raise PermissionDenied(_("You may not open this page."))
        return super().dispatch(request, *args, **kwargs)


class ListPage(Page):
    """Filters, `?q=` pinyin search, pagination, and `?export=xlsx` of everything that matches."""

    template_name = "core/list.html"
    selector: ClassVar[Callable]
    filterset_class: ClassVar[Any] = None
    columns: ClassVar[list[Column]]
    export_columns: ClassVar[list[Column] | None] = None  # the Excel export's, when not `columns`
    detail_url_name: ClassVar[str] = ""
    create_url_name: ClassVar[str] = ""
    import_url_name: ClassVar[str] = ""
    export_name: ClassVar[str] = "export"
    paginate_by: ClassVar[int] = 25
    searchable: ClassVar[bool] = True
    can_create = staticmethod(lambda scope: scope.is_admin)
    can_open = staticmethod(lambda scope: True)  # whether rows link to `detail_url_name`
    search_lookup: ClassVar[str] = "search_text__contains"
    search_placeholder: ClassVar[Any] = gettext_lazy("Code, name or pinyin (e.g. bjhx)")

    def filtered(self, request):
        """The selector's rows narrowed by the filter form and the search box."""
        queryset = type(self).selector(request.user)
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(request.GET or None, queryset=queryset, request=request)
            queryset = filterset.qs
        if self.searchable:
            queryset = search(queryset, request.GET.get("q"), self.search_lookup)
        return queryset, filterset

    def get(self, request):
        queryset, filterset = self.filtered(request)
        if request.GET.get("export") == "xlsx":
            return self.export(queryset)
        page = Paginator(queryset, self.paginate_by).get_page(request.GET.get("page"))
        rows = [(obj, [c.display(obj) for c in self.columns]) for obj in page.object_list]
        scope = scope_of(request.user)
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "title": self.title,
            "columns": self.columns,
            "rows": rows,
            "page": page,
            "filter": filterset,
            "searchable": self.searchable,
            "search_placeholder": self.search_placeholder,
            "q": request.GET.get("q", ""),
            "query": query.urlencode(),
            "detail_url_name": self.detail_url_name if type(self).can_open(scope) else "",
            "create_url": reverse(self.create_url_name)
            if self.create_url_name and type(self).can_create(scope)
            else "",
            "import_url": reverse(self.import_url_name) if self.import_url_name and scope.is_admin else "",
        }
        template = "core/partials/list_results.html" if request.htmx else self.template_name
        return render(request, template, context)

    def export(self, queryset):
        """Every matching row (not just this page) as an Excel file, through the same selector."""
        columns = self.export_columns or self.columns
        workbook = build_workbook(
            str(self.title),
            [c.label for c in columns],
            ([c.export_value(o) for c in columns] for o in queryset.iterator()),
        )
        return xlsx_response(workbook, self.export_name)


class DetailPage(Page):
    """A record's fields and its change history; an edit button for administrators."""

    template_name = "core/detail.html"
    getter: ClassVar[Callable]
    fields: ClassVar[list[Column]]
    edit_url_name: ClassVar[str] = ""
    list_url_name: ClassVar[str] = ""

    def extra_context(self, obj) -> dict:
        """Related lists and the like, for subclasses."""
        return {}

    def get(self, request, pk: int):
        obj = type(self).getter(user=request.user, pk=pk)
        scope = scope_of(request.user)
        history = (
            AuditEntry.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
                "actor"
            )[:50]
            if scope.is_admin
            else []
        )
        context = {
            "title": str(obj),
            "kind": obj._meta.verbose_name,
            "object": obj,
            "fields": [(c.label, c.display(obj)) for c in self.fields],
            "edit_url": reverse(self.edit_url_name, args=[obj.pk])
            if self.edit_url_name and scope.is_admin
            else "",
            "list_url": reverse(self.list_url_name) if self.list_url_name else "",
            "history": history,
            **self.extra_context(obj),
        }
        return render(request, self.template_name, context)


def add_service_error(form, exc: ValidationError | PermissionDenied) -> None:
    """Show a service's refusal on the form: on the field it names when the form has it, else on top."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc))
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ServiceFormPage(Page):
    """A form whose valid data goes to one service; the service's refusals show on the form (400)."""

    template_name = "core/form.html"
    success_message: ClassVar[Any] = gettext_lazy("Saved.")

    def make_form(self, request, data, **kwargs):
        """The unbound (data=None) or bound form."""
        raise NotImplementedError

    def call_service(self, request, form, **kwargs) -> str:
        """Write through the service; return the URL to go to afterwards."""
        raise NotImplementedError

    def title_for(self, **kwargs) -> str:
        """The page title."""
        return str(self.title)

    def get(self, request, **kwargs):
        form = self.make_form(request, request.POST if request.method == "POST" else None, **kwargs)
        if request.method == "POST" and form.is_valid():
            try:
                url = self.call_service(request, form, **kwargs)
            except (ValidationError, PermissionDenied) as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, str(self.success_message))
                return redirect(url)
        context = {"title": self.title_for(**kwargs), "form": form}
        return render(request, self.template_name, context, status=400 if form.errors else 200)

    def post(self, request, **kwargs):
        return self.get(request, **kwargs)


def document_form_response(
    request,
    *,
    form,
    formset,
    save: Callable[[], Any],
    detail_url_name: str,
    template_name: str,
    title: str,
    success_message: str,
):
    """A document's header form and line formset: when both are valid, `save()` writes through the
    service and the user goes to the document; a refusal shows on the form (400)."""
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            document = save()
        except (ValidationError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, success_message)
            return redirect(detail_url_name, pk=document.pk)
    context = {"title": title, "form": form, "formset": formset}
    return render(request, template_name, context, status=400 if request.method == "POST" else 200)


class FormPage(ServiceFormPage):
    """Create (no pk) or edit (pk) a record: the model form validates, the service writes."""

    form_class: ClassVar[Any]
    create_service: ClassVar[Callable]
    update_service: ClassVar[Callable]
    update_kwarg: ClassVar[str]
    getter: ClassVar[Callable]
    detail_url_name: ClassVar[str]
    allowed = staticmethod(lambda scope: scope.is_admin)

    def make_form(self, request, data, **kwargs):
        pk = kwargs.get("pk")
        instance = type(self).getter(user=request.user, pk=pk) if pk else None
        return self.form_class(data=data, instance=instance, user=request.user)

    def call_service(self, request, form, **kwargs) -> str:
        pk = kwargs.get("pk")
        if pk is None:
            saved = type(self).create_service(actor=request.user, **form.cleaned_data)
        else:
            fresh = type(self).getter(user=request.user, pk=pk)  # validation changed the form's instance
            saved = type(self).update_service(
                actor=request.user, **{self.update_kwarg: fresh}, **form.cleaned_data
            )
        return reverse(self.detail_url_name, args=[saved.pk])

    def title_for(self, **kwargs) -> str:
        pk = kwargs.get("pk")
        model = self.form_class._meta.model
        if pk:
            return _("Edit %(thing)s") % {"thing": model._default_manager.get(pk=pk)}
        return _("New %(thing)s") % {"thing": model._meta.verbose_name}


class ImportPage(Page):
    """Upload an Excel file; either every row is saved or none, with every bad row listed."""

    template_name = "core/import.html"
    columns: ClassVar[list]
    service: ClassVar[Callable]
    list_url_name: ClassVar[str]
    template_name_xlsx: ClassVar[str] = "template"
    allowed = staticmethod(lambda scope: scope.is_admin)

    def get(self, request):
        if request.GET.get("template"):
            return xlsx_response(template_workbook(str(self.title), self.columns), self.template_name_xlsx)
        return self.show(request)

    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            return self.show(request, errors=[(0, _("Choose an Excel file to upload."))], status=400)
        try:
            count = type(self).service(actor=request.user, file=upload)
        except ImportRejected as exc:
            return self.show(request, errors=[(e.row, e.message) for e in exc.errors], status=400)
        messages.success(
            request, ngettext("%(count)d row imported.", "%(count)d rows imported.", count) % {"count": count}
        )
        return redirect(self.list_url_name)

    def show(self, request, errors=None, status: int = 200):
        context = {
            "title": self.title,
            "columns": self.columns,
            "errors": errors or [],
            "list_url": reverse(self.list_url_name),
        }
        return render(request, self.template_name, context, status=status)
