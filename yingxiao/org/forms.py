"""Forms and filters for regions, departments and warehouses."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingxiao.core.forms import ScopedModelForm, StyledFilterSet, scoped_choices

from .choices import WarehouseKind
from .models import Department, Region, Warehouse
from .selectors import regions_for


class RegionForm(ScopedModelForm):
    """Create or edit a region or district."""

    class Meta:
        model = Region
        fields = ["code", "name", "parent", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        parent.queryset = Region.objects.filter(parent__isnull=True)
        parent.help_text = _("Leave empty for a region (大区); choose one to make a district (片区).")


class DepartmentForm(ScopedModelForm):
    """Create or edit a department."""

    class Meta:
        model = Department
        fields = ["code", "name", "head"]


class WarehouseForm(ScopedModelForm):
    """Create or edit a warehouse."""

    class Meta:
        model = Warehouse
        fields = ["code", "name", "kind", "region", "address", "active"]


class RegionChoiceFilter(django_filters.ModelChoiceFilter):
    """Filter by a region (code) the user may see; choosing a 大区 also keeps the rows of its 片区."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", scoped_choices(regions_for))
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("label", _("region"))
        kwargs.setdefault("empty_label", _("All regions"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        name = self.field_name
        return qs.filter(Q(**{name: value}) | Q(**{f"{name}__parent": value}))


class RegionFilter(StyledFilterSet):
    """Top-level regions or districts."""

    parent = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(regions_for),
        to_field_name="code",
        label=_("parent region"),
        empty_label=_("All parents"),
    )

    class Meta:
        model = Region
        fields = ["parent"]


class WarehouseFilter(StyledFilterSet):
    """Filter warehouses by kind and region (code)."""

    kind = django_filters.ChoiceFilter(
        choices=WarehouseKind.choices, label=_("kind"), empty_label=_("All kinds")
    )
    region = RegionChoiceFilter()

    class Meta:
        model = Warehouse
        fields = ["kind", "region"]
