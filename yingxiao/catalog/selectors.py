"""Reads of products and categories: every user with a role sees the catalogue."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from yingxiao.accounts.selectors import scope_of

from .models import Product, ProductCategory


def categories_for(user) -> QuerySet[ProductCategory]:
    """All categories for anyone holding a role; nothing for a user with no role."""
    return ProductCategory.objects.all() if scope_of(user).roles else ProductCategory.objects.none()


def products_for(user) -> QuerySet[Product]:
    """All products for anyone holding a role; nothing for a user with no role."""
    qs = Product.objects.select_related("category")
    return qs if scope_of(user).roles else qs.none()


def product_get(*, user, pk: int) -> Product:
    """One visible product, or 404."""
    return get_object_or_404(products_for(user), pk=pk)


def category_get(*, user, pk: int) -> ProductCategory:
    """One visible category, or 404."""
    return get_object_or_404(categories_for(user), pk=pk)
