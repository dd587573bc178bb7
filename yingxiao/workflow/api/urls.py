"""Engine API routes."""

from django.urls import path

from .views import InboxView

urlpatterns = [path("inbox/", InboxView.as_view(), name="api-inbox")]
