"""Forms and filters of the inventory app."""

import django_filters
from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingxiao.accounts.selectors import scope_of
from yingxiao.catalog.models import Product
from yingxiao.core.forms import StyledFilterSet, StyledForm, YesNoFilter, scoped_choices
from yingxiao.org.forms import RegionChoiceFilter
from yingxiao.org.models import Warehouse
from yingxiao.org.selectors import regions_for, warehouses_for

from .choices import MovementKind, StockCheckStatus, TransferStatus
from .models import Demand, StockCheck, StockLevel, StockMovement, TransferRequest
from .selectors import transfer_warehouses


def _active_products():
    return Product.objects.filter(active=True).order_by("code")


class TransferHeaderForm(StyledForm):
    """Source, destination (one of the user's region's warehouses), wanted-by date and note; never a
    quarantine warehouse."""

    source_warehouse = forms.ModelChoiceField(queryset=transfer_warehouses(), label=_("source warehouse"))
    destination_warehouse = forms.ModelChoiceField(
        queryset=Warehouse.objects.none(), label=_("destination warehouse")
    )
    wanted_by = forms.DateField(label=_("wanted by"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        self.fields["source_warehouse"].queryset = transfer_warehouses()
        self.fields["destination_warehouse"].queryset = transfer_warehouses().filter(
            region__in=scope.region_ids
        )


class LineForm(StyledForm):
    """One product line: product, quantity, reason."""

    product = forms.ModelChoiceField(queryset=_active_products(), label=_("product"), required=False)
    quantity = forms.IntegerField(label=_("quantity"), min_value=1, required=False)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = _active_products()

    def clean(self):
        data = super().clean()
        if data.get("product") and not data.get("quantity"):
            self.add_error("quantity", _("Give a quantity for this product."))
        if data.get("quantity") and not data.get("product"):
            self.add_error("product", _("Choose the product."))
        return data


LineFormSet = forms.formset_factory(LineForm, extra=3, max_num=100)


def lines_from(formset) -> list[tuple]:
    """(product, quantity, reason) of the filled rows of a valid line formset."""
    return [
        (f.cleaned_data["product"], f.cleaned_data["quantity"], f.cleaned_data.get("reason", ""))
        for f in formset.forms
        if f.cleaned_data.get("product")
    ]


class CountLineForm(StyledForm):
    """One counted product."""

    product = forms.ModelChoiceField(queryset=_active_products(), label=_("product"), required=False)
    counted = forms.IntegerField(label=_("counted"), min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = _active_products()

    def clean(self):
        data = super().clean()
        if data.get("product") and data.get("counted") is None:
            self.add_error("counted", _("Give the counted quantity."))
        return data


CountLineFormSet = forms.formset_factory(CountLineForm, extra=5, max_num=200)


class StockCheckHeaderForm(StyledForm):
    """Which warehouse was counted, and when."""

    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none(), label=_("warehouse"))
    counted_on = forms.DateField(
        label=_("counted on"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    note = forms.CharField(label=_("note"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = warehouses_for(user).filter(active=True)


class DemandForm(StyledForm):
    """Expected demand of a product in a region for a month."""

    region = forms.ModelChoiceField(queryset=None, label=_("region"))
    product = forms.ModelChoiceField(queryset=_active_products(), label=_("product"))
    period = forms.DateField(
        label=_("month"), widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m", "%Y-%m-%d"]
    )
    quantity = forms.IntegerField(label=_("quantity"), min_value=0)
    note = forms.CharField(label=_("note"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(user).filter(parent__isnull=True)
        self.fields["product"].queryset = _active_products()

    def clean_period(self):
        return self.cleaned_data["period"].replace(day=1)


class TransferFilter(StyledFilterSet):
    """Filter transfer requests by status, region and warehouse."""

    status = django_filters.ChoiceFilter(
        choices=TransferStatus.choices, label=_("status"), empty_label=_("All statuses")
    )
    region = RegionChoiceFilter()
    destination_warehouse = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(warehouses_for),
        to_field_name="code",
        label=_("destination warehouse"),
        empty_label=_("All destinations"),
    )

    class Meta:
        model = TransferRequest
        fields = ["status", "region", "destination_warehouse"]


class StockCheckFilter(StyledFilterSet):
    """Filter stock checks by status and warehouse."""

    status = django_filters.ChoiceFilter(
        choices=StockCheckStatus.choices, label=_("status"), empty_label=_("All statuses")
    )
    warehouse = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(warehouses_for),
        to_field_name="code",
        label=_("warehouse"),
        empty_label=_("All warehouses"),
    )

    class Meta:
        model = StockCheck
        fields = ["status", "warehouse"]


class StockLevelFilter(StyledFilterSet):
    """Filter stock by warehouse, product and whether it is below safety stock."""

    warehouse = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(warehouses_for),
        to_field_name="code",
        label=_("warehouse"),
        empty_label=_("All warehouses"),
    )
    product = django_filters.CharFilter(field_name="product__code", label=_("product code"))
    below_safety = YesNoFilter(method="filter_below_safety", label=_("below safety stock"))

    class Meta:
        model = StockLevel
        fields = ["warehouse", "product", "below_safety"]

    def filter_below_safety(self, queryset, name, value):
        below = queryset.filter(on_hand__lt=F("reserved") + F("safety_stock"))
        return below if value else queryset.exclude(pk__in=below.values("pk"))


class MovementFilter(StyledFilterSet):
    """Filter the ledger by warehouse, kind, product and reference."""

    warehouse = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(warehouses_for),
        to_field_name="code",
        label=_("warehouse"),
        empty_label=_("All warehouses"),
    )
    kind = django_filters.ChoiceFilter(
        choices=MovementKind.choices, label=_("kind"), empty_label=_("All kinds")
    )
    product = django_filters.CharFilter(field_name="product__code", label=_("product code"))
    reference = django_filters.CharFilter(
        field_name="reference", lookup_expr="icontains", label=_("reference")
    )

    class Meta:
        model = StockMovement
        fields = ["warehouse", "kind", "product", "reference"]


class DemandFilter(StyledFilterSet):
    """Filter demand by region and month."""

    region = RegionChoiceFilter()
    period = django_filters.DateFilter(label=_("month"), widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Demand
        fields = ["region", "period"]


class SafetyStockForm(StyledForm):
    """The safety stock of one product in one warehouse."""

    safety_stock = forms.IntegerField(label=_("safety stock"), min_value=0)


class ReceiptForm(StyledForm):
    """Goods in: production or purchase arriving at a warehouse."""

    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none(), label=_("warehouse"))
    product = forms.ModelChoiceField(queryset=_active_products(), label=_("product"))
    quantity = forms.IntegerField(label=_("quantity"), min_value=1)
    reference = forms.CharField(label=_("reference"), max_length=40, required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = warehouses_for(user).filter(active=True)
        self.fields["product"].queryset = _active_products()
