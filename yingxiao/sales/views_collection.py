"""Pages of receivables and collection (应收账款催收): the aging table, the collection-task list, and the
task page where the contact log and the buyer's promises are recorded (through the services)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingxiao.core.excel import build_workbook, xlsx_response
from yingxiao.core.pages import Column, ListPage, Page, add_service_error, staff_only
from yingxiao.core.templatetags.yx import money

from . import selectors, services
from .choices import CollectionStatus
from .forms_collection import AgingForm, CollectionNoteForm, CollectionPromiseForm, CollectionTaskFilter
from .receivables import (
    BUCKETS,
    GROUPINGS,
    aging,
    aging_sum,
    can_collect,
    collection_tasks_ordered,
    days_overdue,
    search_tasks,
)

#: Overdue buckets are tinted, darker the older the money.
BUCKET_CSS = {
    "days_1_30": "bg-yellow-lt",
    "days_31_60": "bg-orange-lt",
    "days_61_90": "bg-red-lt",
    "over_90": "bg-red-lt fw-bold",
}

#: The collection states in the order a task moves through them (for the state strip of the task page).
TASK_STATES = [
    CollectionStatus.OPEN,
    CollectionStatus.PROMISED,
    CollectionStatus.ESCALATED,
    CollectionStatus.CLOSED,
]


class AgingPage(Page):
    """账龄分析: open receivables per due-date bucket, by region, salesperson or distributor; Excel export."""

    title = gettext_lazy("Receivables aging")
    allowed = staticmethod(staff_only)
    template_name = "sales/collection/aging.html"

    def get(self, request):
        form = AgingForm(request.GET or None, user=request.user)
        group_by, region = "region", None
        if form.is_bound and form.is_valid():
            group_by = form.cleaned_data["group_by"] or "region"
            region = form.cleaned_data["region"]
        today = timezone.localdate()
        rows = aging(user=request.user, group_by=group_by, today=today, region=region)
        total = aging_sum(rows)
        grouping = GROUPINGS[group_by]
        if request.GET.get("export") == "xlsx":
            return self.export(rows, total, grouping)
        region_code = region.code if region else ""
        context = {
            "title": self.title,
            "form": form,
            "today": today,
            "group_by": group_by,
            "grouping": grouping,
            "region": region,
            "tabs": [
                {
                    "key": key,
                    "label": g.label,
                    "active": key == group_by,
                    "query": f"group_by={key}" + (f"&region={region_code}" if region_code else ""),
                }
                for key, g in GROUPINGS.items()
            ],
            "export_query": f"group_by={group_by}"
            + (f"&region={region_code}" if region_code else "")
            + "&export=xlsx",
            "buckets": BUCKETS,
            "bucket_css": {b.key: BUCKET_CSS.get(b.key, "") for b in BUCKETS},
            "rows": [self.table_row(row, group_by) for row in rows],
            "total": self.table_row(total, group_by),
            "summary": {
                "total": money(total["total"]),
                "overdue": money(total["overdue"]),
                "over_90": money(total["over_90"]),
                "invoices": total["invoices"],
            },
        }
        return render(request, self.template_name, context)

    @staticmethod
    def table_row(row: dict, group_by: str) -> dict:
        """A row as the template shows it: formatted cells, overdue ones tinted, a drill-down link."""
        drill = ""
        if group_by == "region" and row.get("code"):
            drill = f"?group_by=distributor&region={row['code']}"
        return {
            "name": row.get("name", ""),
            "parent": row.get("parent", ""),
            "code": row.get("code", ""),
            "invoices": row["invoices"],
            "drill": drill,
            "cells": [
                {
                    "key": b.key,
                    "value": money(row[b.key]),
                    "css": BUCKET_CSS.get(b.key, "") if row[b.key] > 0 else "",
                }
                for b in BUCKETS
            ],
            "total": money(row["total"]),
        }

    def export(self, rows: list[dict], total: dict, grouping):
        """The table as it is on screen (same selector and scope), numbers as numbers, a total row."""
        headers = [
            grouping.label,
            gettext_lazy("code"),
            gettext_lazy("invoices"),
            *[b.label for b in BUCKETS],
            gettext_lazy("total"),
        ]

        def line(row, name, code):
            return [name, code, row["invoices"], *[row[b.key] for b in BUCKETS], row["total"]]

        body = [line(row, row["name"], row["code"]) for row in rows]
        body.append(line(total, _("Total"), ""))
        return xlsx_response(build_workbook(str(self.title), headers, body), "receivables-aging")


class DaysOverdueColumn(Column):
    """Days past the invoice's due date."""

    def value(self, obj):
        return days_overdue(obj.invoice.due_date)


class CollectionTaskList(ListPage):
    """催收任务 the user may see (reps: their region's), those needing attention first."""

    title = gettext_lazy("Collection tasks")
    allowed = staticmethod(staff_only)
    selector = staticmethod(collection_tasks_ordered)
    filterset_class = CollectionTaskFilter
    search_placeholder = gettext_lazy("Invoice number or buyer (name or pinyin)")
    columns = [
        Column("invoice.number", gettext_lazy("invoice")),
        Column("status", gettext_lazy("status")),
        Column("invoice.buyer", gettext_lazy("buyer")),
        Column("region.name", gettext_lazy("region")),
        Column("invoice.due_date", gettext_lazy("due date")),
        DaysOverdueColumn("invoice.due_date", gettext_lazy("days overdue")),
        Column("invoice.open_amount", gettext_lazy("open amount")),
        Column("assignee", gettext_lazy("assignee")),
        Column("promised_on", gettext_lazy("promised payment date")),
        Column("promised_amount", gettext_lazy("promised amount")),
        Column("escalated_to", gettext_lazy("escalated to")),
    ]
    detail_url_name = "sales:collection_task_detail"
    export_name = "collection-tasks"
    can_create = staticmethod(lambda scope: False)

    def filtered(self, request):
        queryset = type(self).selector(request.user)
        filterset = self.filterset_class(request.GET or None, queryset=queryset, request=request)
        return search_tasks(filterset.qs, request.GET.get("q")), filterset


class CollectionTaskDetail(Page):
    """One collection task: the invoice, the contact log, the promise and escalation state, and the forms
    to log a contact and record a promise (for the assignee, the region's manager and finance)."""

    allowed = staticmethod(staff_only)
    template_name = "sales/collection/task.html"

    def get(self, request, pk: int):
        task = selectors.collection_task_get(user=request.user, pk=pk)
        return self.show(request, task)

    def post(self, request, pk: int):
        task = selectors.collection_task_get(user=request.user, pk=pk)  # 404 when not visible
        which = request.POST.get("form")
        note_form = promise_form = None
        if which == "note":
            note_form = CollectionNoteForm(request.POST, prefix="note")
            if note_form.is_valid():
                try:
                    services.collection_note_add(
                        actor=request.user, task=task, text=note_form.cleaned_data["text"]
                    )
                except ValidationError as exc:
                    add_service_error(note_form, exc)
                else:
                    messages.success(request, _("Contact logged."))
                    return redirect("sales:collection_task_detail", pk=task.pk)
        elif which == "promise":
            promise_form = CollectionPromiseForm(request.POST, prefix="promise")
            if promise_form.is_valid():
                try:
                    services.collection_promise(actor=request.user, task=task, **promise_form.cleaned_data)
                except ValidationError as exc:
                    add_service_error(promise_form, exc)
                else:
                    messages.success(request, _("Promise recorded."))
                    return redirect("sales:collection_task_detail", pk=task.pk)
        else:
            messages.error(request, _("Nothing was saved: choose a form to send."))
        # (A refusal of who may act, PermissionDenied, is not caught: it is a 403, not a form error.)
        task = selectors.collection_task_get(user=request.user, pk=pk)  # as stored, not as the form left it
        return self.show(request, task, note_form=note_form, promise_form=promise_form, status=400)

    def show(self, request, task, note_form=None, promise_form=None, status: int = 200):
        today = timezone.localdate()
        invoice = task.invoice
        can_act = can_collect(request.user, task)
        closed = task.status == CollectionStatus.CLOSED
        if promise_form is None:
            promise_form = CollectionPromiseForm(
                prefix="promise", initial={"promised_amount": invoice.open_amount}
            )
        current = TASK_STATES.index(task.status) if task.status in TASK_STATES else 0
        context = {
            "title": _("Collection: %(invoice)s") % {"invoice": invoice.number},
            "task": task,
            "invoice": invoice,
            "days_overdue": days_overdue(invoice.due_date, today),
            "open_amount": money(invoice.open_amount),
            "amount": money(invoice.amount),
            "paid_amount": money(invoice.paid_amount),
            "promised_amount": money(task.promised_amount) if task.promised_amount is not None else "",
            "promise_broken": task.status == CollectionStatus.PROMISED
            and task.promised_on is not None
            and task.promised_on < today,
            "states": [
                {"label": state.label, "done": i < current, "current": i == current}
                for i, state in enumerate(TASK_STATES)
            ],
            "notes": task.notes.select_related("author"),
            "can_act": can_act and not closed,
            "can_note": can_act,
            "note_form": note_form or CollectionNoteForm(prefix="note"),
            "promise_form": promise_form,
            "order_url": reverse("sales:order_detail", args=[invoice.order_id]) if invoice.order_id else "",
            "list_url": reverse("sales:collection_task_list"),
        }
        return render(request, self.template_name, context, status=status)
