"""Forms and filters of the after-sales app: the flow's step forms (every field optional, with the usual
answer as default, so a step can also be taken from the API with just a comment), the case and ticket
forms, and the list filters."""

from typing import cast

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingxiao.catalog.models import Product
from yingxiao.core.forms import StyledFilterSet, StyledForm, YesNoFilter
from yingxiao.core.money import format_money
from yingxiao.org.choices import WarehouseKind
from yingxiao.org.forms import RegionChoiceFilter
from yingxiao.org.models import Warehouse
from yingxiao.partners.models import Customer, Distributor

from .choices import (
    ExchangeStatus,
    GoodsCondition,
    InformedBy,
    QualityCause,
    RefundMethod,
    ReturnStatus,
    ServiceKind,
    TicketStatus,
)
from .models import ExchangeCase, ReturnCase, ServiceTicket


def choice(form: forms.Form, name: str) -> forms.ModelChoiceField:
    """A form's model choice field, to narrow its queryset."""
    return cast(forms.ModelChoiceField, form.fields[name])


class StepForm(StyledForm):
    """A step's form: built for one document (`document=`)."""

    def __init__(self, *args, document=None, **kwargs):
        self.document = document
        super().__init__(*args, **kwargs)


# --- step forms --------------------------------------------------------------------------------------


class FindingForm(StepForm):
    """质量部's finding: a quality problem or not, the cause category, the batch, a note."""

    is_quality_problem = forms.BooleanField(label=_("It is a quality problem of ours"), required=False)
    cause = forms.ChoiceField(label=_("cause"), choices=QualityCause.choices, required=False)
    batch = forms.CharField(label=_("batch"), max_length=40, required=False)
    note = forms.CharField(label=_("quality note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.document
        if case is not None:
            first = case.lines.exclude(batch="").first()
            self.initial.setdefault("batch", case.finding_batch or (first.batch if first else ""))
            self.initial.setdefault("cause", case.cause or QualityCause.UNDETERMINED)
            self.initial.setdefault("is_quality_problem", bool(case.is_quality_problem))
            self.initial.setdefault("note", case.finding_note)


class RejectForm(StepForm):
    """A rejection: the reason is the comment; how the customer was told is recorded."""

    informed_by = forms.ChoiceField(
        label=_("customer informed by"), choices=InformedBy.choices, required=False, initial=InformedBy.PHONE
    )


class ReceiveForm(StepForm):
    """Goods back: the quantity received of each line (`qty_<line id>`, default all) and their condition."""

    condition = forms.ChoiceField(
        label=_("condition"),
        choices=GoodsCondition.choices,
        required=False,
        initial=GoodsCondition.AS_REPORTED,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for line in self.document.lines.select_related("product") if self.document else []:
            self.fields[f"qty_{line.pk}"] = forms.IntegerField(
                label=_("%(code)s %(name)s received")
                % {"code": line.product.code, "name": line.product.name},
                min_value=0,
                max_value=line.quantity,
                initial=line.quantity,
                required=False,
                widget=forms.NumberInput(attrs={"class": "form-control"}),
            )


class ReplacementForm(StepForm):
    """The rep's replacement request (the comment is the written request); optionally another warehouse."""

    ship_warehouse = forms.ModelChoiceField(
        label=_("replacement ships from"), queryset=Warehouse.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice(self, "ship_warehouse").queryset = Warehouse.objects.filter(active=True).exclude(
            kind=WarehouseKind.QUARANTINE
        )
        if self.document is not None:
            self.initial.setdefault("ship_warehouse", self.document.ship_warehouse_id)


class FeedbackForm(StepForm):
    """换货信息反馈: how satisfied the customer is (1–5, blank if they would not say) and how the goods do."""

    satisfaction = forms.TypedChoiceField(
        label=_("satisfaction (1–5)"),
        choices=[("", "—"), *[(str(n), "★" * n) for n in range(1, 6)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    usage_notes = forms.CharField(
        label=_("usage notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RefundForm(StepForm):
    """Finance's refund: amount (default: all that may still be refunded), method, reference."""

    amount = forms.DecimalField(
        label=_("amount"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    method = forms.ChoiceField(
        label=_("method"), choices=RefundMethod.choices, required=False, initial=RefundMethod.BANK
    )
    reference = forms.CharField(label=_("reference"), max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.document is not None:
            from .services import refundable

            left = refundable(self.document)
            self.initial.setdefault("amount", left)
            self.fields["amount"].help_text = _("At most %(left)s.") % {"left": format_money(left)}


# --- case and ticket forms ---------------------------------------------------------------------------


class BuyerForm(StyledForm):
    """Step one of a new case: whose purchase it concerns (a distributor or a direct customer)."""

    distributor = forms.ModelChoiceField(
        label=_("distributor"), queryset=Distributor.objects.none(), required=False
    )
    customer = forms.ModelChoiceField(label=_("customer"), queryset=Customer.objects.none(), required=False)
    product = forms.CharField(label=_("product code"), required=False, max_length=32)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from yingxiao.partners.selectors import customers_for, distributors_for

        choice(self, "distributor").queryset = distributors_for(user).order_by("code")
        choice(self, "customer").queryset = customers_for(user).order_by("code")

    def clean(self):
        data = super().clean() or {}
        if bool(data.get("distributor")) == bool(data.get("customer")):
            raise forms.ValidationError(_("Choose a distributor or a direct customer (one of them)."))
        return data


class CaseForm(StyledForm):
    """The problem as the customer reported it; the lines come from the ledger table on the same page."""

    problem = forms.CharField(label=_("problem"), widget=forms.Textarea(attrs={"rows": 4}))


class TicketForm(StyledForm):
    """A customer's service request."""

    kind = forms.ChoiceField(label=_("kind"), choices=ServiceKind.choices)
    distributor = forms.ModelChoiceField(
        label=_("distributor"), queryset=Distributor.objects.none(), required=False
    )
    customer = forms.ModelChoiceField(label=_("customer"), queryset=Customer.objects.none(), required=False)
    product = forms.ModelChoiceField(
        label=_("product"), queryset=Product.objects.filter(active=True).order_by("code"), required=False
    )
    contact = forms.CharField(label=_("contact"), max_length=100, required=False)
    description = forms.CharField(label=_("request"), widget=forms.Textarea(attrs={"rows": 4}))
    working_days = forms.IntegerField(
        label=_("working days to resolve"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_("Blank: 5 for installation and repair, 2 for a usage question."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from yingxiao.partners.selectors import customers_for, distributors_for

        choice(self, "distributor").queryset = distributors_for(user).order_by("code")
        choice(self, "customer").queryset = customers_for(user).order_by("code")
        choice(self, "product").queryset = Product.objects.filter(active=True).order_by("code")


# --- filters -----------------------------------------------------------------------------------------


class ExchangeFilter(StyledFilterSet):
    """Filter exchange cases by status, region and lateness."""

    status = django_filters.ChoiceFilter(
        choices=ExchangeStatus.choices, label=_("status"), empty_label=_("All statuses")
    )
    region = RegionChoiceFilter()
    late = YesNoFilter(label=_("filed late"))

    class Meta:
        model = ExchangeCase
        fields = ["status", "region", "late"]


class ReturnFilter(StyledFilterSet):
    """Filter return cases by status, region and lateness."""

    status = django_filters.ChoiceFilter(
        choices=ReturnStatus.choices, label=_("status"), empty_label=_("All statuses")
    )
    region = RegionChoiceFilter()
    late = YesNoFilter(label=_("filed late"))

    class Meta:
        model = ReturnCase
        fields = ["status", "region", "late"]


class TicketFilter(StyledFilterSet):
    """Filter tickets by status, kind, region and whether they are overdue."""

    status = django_filters.ChoiceFilter(
        choices=TicketStatus.choices, label=_("status"), empty_label=_("All statuses")
    )
    kind = django_filters.ChoiceFilter(
        choices=ServiceKind.choices, label=_("kind"), empty_label=_("All kinds")
    )
    region = RegionChoiceFilter()
    overdue = YesNoFilter(method="filter_overdue", label=_("overdue"))

    class Meta:
        model = ServiceTicket
        fields = ["status", "kind", "region", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.filter(
            status__in=[TicketStatus.OPEN, TicketStatus.ESCALATED], deadline__lt=timezone.localdate()
        )
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))
