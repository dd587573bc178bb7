"""Distributor and customer representations; regions and distributors are referred to by code."""

from rest_framework import serializers

from yingxiao.accounts.models import User
from yingxiao.org.models import Region

from ..models import Customer, Distributor


class DistributorSerializer(serializers.ModelSerializer):
    """A distributor; `region` is the region code, `rep` the rep's username."""

    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    region_name = serializers.CharField(source="region.name", read_only=True)
    rep = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)

    class Meta:
        model = Distributor
        fields = [
            "id",
            "code",
            "name",
            "region",
            "region_name",
            "grade",
            "grade_display",
            "credit_limit",
            "status",
            "status_display",
            "rep",
            "contact_name",
            "contact_phone",
            "address",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class CustomerSerializer(serializers.ModelSerializer):
    """A direct customer; `region` and `distributor` are codes."""

    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    region_name = serializers.CharField(source="region.name", read_only=True)
    distributor = serializers.SlugRelatedField(
        slug_field="code", queryset=Distributor.objects.all(), required=False, allow_null=True
    )
    distributor_name = serializers.CharField(source="distributor.name", read_only=True, default=None)

    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "name",
            "region",
            "region_name",
            "distributor",
            "distributor_name",
            "contact_name",
            "contact_phone",
            "address",
            "active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
