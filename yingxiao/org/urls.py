"""Region, department and warehouse pages."""

from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("regions/", views.RegionList.as_view(), name="region_list"),
    path("regions/new/", views.RegionFormPage.as_view(), name="region_create"),
    path("regions/<int:pk>/", views.RegionDetail.as_view(), name="region_detail"),
    path("regions/<int:pk>/edit/", views.RegionFormPage.as_view(), name="region_edit"),
    path("departments/", views.DepartmentList.as_view(), name="department_list"),
    path("departments/new/", views.DepartmentFormPage.as_view(), name="department_create"),
    path("departments/<int:pk>/", views.DepartmentDetail.as_view(), name="department_detail"),
    path("departments/<int:pk>/edit/", views.DepartmentFormPage.as_view(), name="department_edit"),
    path("warehouses/", views.WarehouseList.as_view(), name="warehouse_list"),
    path("warehouses/new/", views.WarehouseFormPage.as_view(), name="warehouse_create"),
    path("warehouses/<int:pk>/", views.WarehouseDetail.as_view(), name="warehouse_detail"),
    path("warehouses/<int:pk>/edit/", views.WarehouseFormPage.as_view(), name="warehouse_edit"),
]
