"""Serializers for the current user and their memberships."""

from rest_framework import serializers

from ..models import Membership, User
from ..selectors import scope_of


class MembershipSerializer(serializers.ModelSerializer):
    """A role with its scope: `scope` is company / region / distributor / warehouse."""

    role_display = serializers.CharField(source="get_role_display", read_only=True)
    scope = serializers.CharField(source="scope_kind", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    distributor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    warehouse = serializers.SlugRelatedField(slug_field="code", read_only=True)
    scope_label = serializers.CharField(read_only=True)

    class Meta:
        model = Membership
        fields = ["role", "role_display", "scope", "scope_label", "region", "distributor", "warehouse"]


class MeSerializer(serializers.ModelSerializer):
    """The caller: name, roles and scopes."""

    roles = serializers.SerializerMethodField()
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "phone", "roles", "memberships"]

    def get_roles(self, obj) -> list[str]:
        return sorted(scope_of(obj).roles)
