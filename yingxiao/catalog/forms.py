"""Forms and filters for products and categories."""

import django_filters
from django.utils.translation import gettext_lazy as _

from yingxiao.core.forms import ScopedModelForm, StyledFilterSet, YesNoFilter, scoped_choices

from .models import Product, ProductCategory
from .selectors import categories_for


class CategoryForm(ScopedModelForm):
    """Create or edit a product category."""

    class Meta:
        model = ProductCategory
        fields = ["code", "name"]


class ProductForm(ScopedModelForm):
    """Create or edit a product."""

    class Meta:
        model = Product
        fields = ["code", "name", "category", "specification", "unit", "list_price", "active"]


class ProductFilter(StyledFilterSet):
    """Filter products by category (code) and whether they are active."""

    category = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(categories_for),
        to_field_name="code",
        label=_("category"),
        empty_label=_("All categories"),
    )
    active = YesNoFilter(label=_("active"))

    class Meta:
        model = Product
        fields = ["category", "active"]
