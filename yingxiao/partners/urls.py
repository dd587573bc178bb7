"""Distributor and customer pages."""

from django.urls import path

from . import views

app_name = "partners"
urlpatterns = [
    path("distributors/", views.DistributorList.as_view(), name="distributor_list"),
    path("distributors/new/", views.DistributorFormPage.as_view(), name="distributor_create"),
    path("distributors/import/", views.DistributorImport.as_view(), name="distributor_import"),
    path("distributors/<int:pk>/", views.DistributorDetail.as_view(), name="distributor_detail"),
    path("distributors/<int:pk>/edit/", views.DistributorFormPage.as_view(), name="distributor_edit"),
    path("customers/", views.CustomerList.as_view(), name="customer_list"),
    path("customers/new/", views.CustomerFormPage.as_view(), name="customer_create"),
    path("customers/<int:pk>/", views.CustomerDetail.as_view(), name="customer_detail"),
    path("customers/<int:pk>/edit/", views.CustomerFormPage.as_view(), name="customer_edit"),
]
