"""API base: `?q=` search, JSON errors, and the viewset every master-data resource uses."""

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, mixins, permissions, viewsets
from rest_framework.filters import BaseFilterBackend
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from yingxiao.accounts.selectors import scope_of

from .exceptions import Conflict
from .search import search


class SearchQueryFilter(BaseFilterBackend):
    """`?q=` finds records by code, name and pinyin (full or initials)."""

    def filter_queryset(self, request, queryset, view):
        return search(queryset, request.query_params.get("q"))

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "q",
                "required": False,
                "in": "query",
                "description": "Search code, name and pinyin (e.g. bjhx or beijinghengxin for 北京恒信)",
                "schema": {"type": "string"},
            }
        ]


def _messages(value: Any) -> list[str]:
    """Readable messages from DRF's nested errors: `2. quantity: …` for the second line of a list."""
    if isinstance(value, dict):
        return [f"{key}: {message}" for key, sub in value.items() for message in _messages(sub)]
    if isinstance(value, list):
        if any(isinstance(item, dict | list) for item in value):
            return [
                f"{index}. {message}"
                for index, item in enumerate(value, start=1)
                for message in _messages(item)
            ]
        return [str(item) for item in value]
    return [str(value)]


def _field_errors(detail: Any) -> dict:
    if isinstance(detail, dict):
        return {key: _messages(value) for key, value in detail.items()}
    return {}


def exception_handler(exc, context):
    """Every error as JSON `{"code", "detail"}`, with `"fields"` for validation errors."""
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "message_dict") else {}
        if "__all__" in fields:
            fields["non_field_errors"] = fields.pop("__all__")
        exc = exceptions.ValidationError(fields or {"non_field_errors": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, Conflict):
        return Response({"code": exc.code, "detail": exc.detail}, status=409)
    response: Response | None = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = (
            _field_errors(exc.detail)
            if isinstance(exc.detail, dict)
            else {"non_field_errors": [str(m) for m in exc.detail]}
        )
        first = next(iter(fields.items()), ("", [""]))
        detail = f"{first[0]}: {first[1][0]}" if first[0] != "non_field_errors" else first[1][0]
        response.data = {"code": "invalid", "detail": detail, "fields": fields}
    else:
        code = getattr(exc, "default_code", "error")
        if isinstance(exc, exceptions.APIException) and isinstance(exc.detail, str | exceptions.ErrorDetail):
            code = getattr(exc.detail, "code", code)
        response.data = {"code": str(code), "detail": str(getattr(exc, "detail", exc))}
    return response


class HasAnyRole(permissions.BasePermission):
    """Authenticated and holding at least one role (deny by default)."""

    message = _("You have no role in the system; ask an administrator.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and scope_of(request.user).roles)


class AdminWrites(HasAnyRole):
    """Anyone with a role reads; only system administrators write."""

    message = _("Only a system administrator may change master data.")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return request.method in permissions.SAFE_METHODS or scope_of(request.user).is_admin


class MasterDataViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and update through the app's selector and services (no delete: audit)."""

    permission_classes = [AdminWrites]
    filter_backends = [SearchQueryFilter, DjangoFilterBackend]
    selector: ClassVar[Any]
    create_service: ClassVar[Any]
    update_service: ClassVar[Any]
    update_kwarg: ClassVar[str]

    def get_queryset(self):
        return type(self).selector(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = type(self).create_service(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        kwargs = {self.update_kwarg: serializer.instance}
        serializer.instance = type(self).update_service(
            actor=self.request.user, **kwargs, **serializer.validated_data
        )
