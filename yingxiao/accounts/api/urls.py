"""Auth and current-user endpoints."""

from django.urls import path

from .views import MeView, TokenView

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("users/me/", MeView.as_view(), name="api-me"),
]
