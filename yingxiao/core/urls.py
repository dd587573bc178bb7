"""Home and audit log."""

from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.AuditList.as_view(), name="audit_list"),
]
