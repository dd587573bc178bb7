"""Forms and filters of the sales app."""

from decimal import Decimal

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingxiao.accounts.selectors import scope_of
from yingxiao.catalog.models import Product
from yingxiao.core.forms import StyledFilterSet, StyledForm, scoped_choices
from yingxiao.org.forms import RegionChoiceFilter
from yingxiao.org.selectors import sellable_warehouses
from yingxiao.partners.choices import DistributorStatus
from yingxiao.partners.models import Customer, Distributor
from yingxiao.partners.selectors import customers_for, distributors_for

from .choices import InvoiceStatus, LedgerSource, OrderStatus
from .models import Invoice, Payment, SalesLine, SalesOrder


class OrderHeaderForm(StyledForm):
    """Buyer (a distributor or a direct customer of the rep's region), date, terms, warehouse, note."""

    distributor = forms.ModelChoiceField(
        queryset=Distributor.objects.none(), required=False, label=_("distributor")
    )
    customer = forms.ModelChoiceField(queryset=Customer.objects.none(), required=False, label=_("customer"))
    order_date = forms.DateField(
        label=_("order date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    payment_terms_days = forms.IntegerField(
        label=_("payment terms (days)"), min_value=0, max_value=365, initial=30
    )
    warehouse = forms.ModelChoiceField(queryset=sellable_warehouses(), required=False, label=_("ship from"))
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        self.fields["distributor"].queryset = distributors_for(user).filter(
            status=DistributorStatus.ACTIVE, region__in=scope.region_ids
        )
        self.fields["customer"].queryset = customers_for(user).filter(
            active=True, region__in=scope.region_ids
        )

    def clean(self):
        data = super().clean()
        if bool(data.get("distributor")) == bool(data.get("customer")):
            raise forms.ValidationError(_("Choose a distributor or a direct customer (one of them)."))
        return data


class OrderLineForm(StyledForm):
    """One product line: product, quantity, unit price (defaults to the list price), discount %."""

    product = forms.ModelChoiceField(queryset=Product.objects.none(), required=False, label=_("product"))
    quantity = forms.IntegerField(min_value=1, max_value=2_147_483_647, required=False, label=_("quantity"))
    unit_price = forms.DecimalField(
        min_value=0, max_digits=14, decimal_places=2, required=False, label=_("unit price")
    )
    discount = forms.DecimalField(
        min_value=0, max_value=100, max_digits=5, decimal_places=2, required=False, label=_("discount %")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(active=True).order_by("code")

    def clean(self):
        data = super().clean()
        if data.get("product") and not data.get("quantity"):
            self.add_error("quantity", _("Give a quantity for this product."))
        return data

    def as_line(self):
        """(product, quantity, unit price, discount) with the list price when no price was given."""
        data = self.cleaned_data
        price = data.get("unit_price")
        return (
            data["product"],
            data["quantity"],
            data["product"].list_price if price is None else price,
            data.get("discount") or Decimal(0),
        )


OrderLineFormSet = forms.formset_factory(OrderLineForm, extra=3, max_num=200)


def order_lines_from(formset) -> list[tuple]:
    """The filled rows of a valid line formset."""
    return [form.as_line() for form in formset.forms if form.cleaned_data.get("product")]


class PaymentForm(StyledForm):
    """Money received from a buyer; it is allocated to the oldest open invoices first."""

    distributor = forms.ModelChoiceField(
        queryset=Distributor.objects.none(), required=False, label=_("distributor")
    )
    customer = forms.ModelChoiceField(queryset=Customer.objects.none(), required=False, label=_("customer"))
    received_on = forms.DateField(
        label=_("received on"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    amount = forms.DecimalField(label=_("amount"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2)
    method = forms.CharField(label=_("method"), required=False, max_length=32)
    reference = forms.CharField(label=_("reference"), required=False, max_length=64)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["distributor"].queryset = distributors_for(user)
        self.fields["customer"].queryset = customers_for(user)

    def clean(self):
        data = super().clean()
        if bool(data.get("distributor")) == bool(data.get("customer")):
            raise forms.ValidationError(_("Choose the distributor or the customer who paid."))
        return data


class MonthCloseForm(StyledForm):
    """Which month to close."""

    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("month"), min_value=1, max_value=12)


class OrderFilter(StyledFilterSet):
    """Filter orders by status, region and distributor."""

    status = django_filters.ChoiceFilter(
        choices=OrderStatus.choices, label=_("status"), empty_label=_("All statuses")
    )
    region = RegionChoiceFilter()
    distributor = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(distributors_for),
        to_field_name="code",
        label=_("distributor"),
        empty_label=_("All distributors"),
    )

    class Meta:
        model = SalesOrder
        fields = ["status", "region", "distributor"]


class InvoiceFilter(StyledFilterSet):
    """Filter invoices by status, region and distributor; overdue ones."""

    status = django_filters.ChoiceFilter(
        choices=InvoiceStatus.choices, label=_("status"), empty_label=_("All statuses")
    )
    region = RegionChoiceFilter()
    distributor = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(distributors_for),
        to_field_name="code",
        label=_("distributor"),
        empty_label=_("All distributors"),
    )

    class Meta:
        model = Invoice
        fields = ["status", "region", "distributor"]


class PaymentFilter(StyledFilterSet):
    """Filter payments by region and distributor."""

    region = RegionChoiceFilter()
    distributor = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(distributors_for),
        to_field_name="code",
        label=_("distributor"),
        empty_label=_("All distributors"),
    )

    class Meta:
        model = Payment
        fields = ["region", "distributor"]


class SalesLineFilter(StyledFilterSet):
    """The ledger by period, region, distributor, product and source."""

    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label=_("from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label=_("to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    year = django_filters.NumberFilter(label=_("year"))
    month = django_filters.NumberFilter(label=_("month"))
    region = RegionChoiceFilter()
    distributor = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(distributors_for),
        to_field_name="code",
        label=_("distributor"),
        empty_label=_("All distributors"),
    )
    product = django_filters.CharFilter(field_name="product__code", label=_("product code"))
    source = django_filters.ChoiceFilter(
        choices=LedgerSource.choices, label=_("source"), empty_label=_("All sources")
    )

    class Meta:
        model = SalesLine
        fields = ["date_from", "date_to", "year", "month", "region", "distributor", "product", "source"]
