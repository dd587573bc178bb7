"""Forms (create/edit) and filters (lists and API) for distributors and customers."""

import django_filters
from django.utils.translation import gettext_lazy as _

from yingxiao.core.forms import ScopedModelForm, StyledFilterSet, scoped_choices
from yingxiao.org.forms import RegionChoiceFilter

from .choices import DistributorGrade, DistributorStatus
from .models import Customer, Distributor
from .selectors import distributors_for


class DistributorForm(ScopedModelForm):
    """Create or edit a distributor."""

    class Meta:
        model = Distributor
        fields = [
            "code",
            "name",
            "region",
            "grade",
            "credit_limit",
            "status",
            "rep",
            "contact_name",
            "contact_phone",
            "address",
        ]


class CustomerForm(ScopedModelForm):
    """Create or edit a direct customer."""

    class Meta:
        model = Customer
        fields = [
            "code",
            "name",
            "region",
            "distributor",
            "contact_name",
            "contact_phone",
            "address",
            "active",
        ]


class DistributorFilter(StyledFilterSet):
    """Filter distributors by region (code), grade and status."""

    region = RegionChoiceFilter()
    grade = django_filters.ChoiceFilter(
        choices=DistributorGrade.choices, label=_("grade"), empty_label=_("All grades")
    )
    status = django_filters.ChoiceFilter(
        choices=DistributorStatus.choices, label=_("status"), empty_label=_("All statuses")
    )

    class Meta:
        model = Distributor
        fields = ["region", "grade", "status"]


class CustomerFilter(StyledFilterSet):
    """Filter customers by region (code) and distributor (code)."""

    region = RegionChoiceFilter()
    distributor = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(distributors_for),
        to_field_name="code",
        label=_("distributor"),
        empty_label=_("All distributors"),
    )

    class Meta:
        model = Customer
        fields = ["region", "distributor"]
