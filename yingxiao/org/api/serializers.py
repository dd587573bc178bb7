"""Region and warehouse representations; regions are referred to by code."""

from rest_framework import serializers

from ..models import Region, Warehouse


class RegionSerializer(serializers.ModelSerializer):
    """A region (大区) or district (片区, with `parent`)."""

    parent = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.filter(parent__isnull=True),
        required=False,
        allow_null=True,
    )

    class Meta:
        model = Region
        fields = ["id", "code", "name", "parent", "active", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class WarehouseSerializer(serializers.ModelSerializer):
    """A headquarters or regional warehouse."""

    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Warehouse
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_display",
            "region",
            "address",
            "active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
