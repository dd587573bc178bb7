"""Product representation; the category is referred to by code."""

from rest_framework import serializers

from ..models import Product, ProductCategory


class ProductSerializer(serializers.ModelSerializer):
    """A product; `category` is the category code."""

    category = serializers.SlugRelatedField(slug_field="code", queryset=ProductCategory.objects.all())
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "code",
            "name",
            "category",
            "category_name",
            "specification",
            "unit",
            "list_price",
            "active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
