"""Product and category pages."""

from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("products/", views.ProductList.as_view(), name="product_list"),
    path("products/new/", views.ProductFormPage.as_view(), name="product_create"),
    path("products/import/", views.ProductImport.as_view(), name="product_import"),
    path("products/<int:pk>/", views.ProductDetail.as_view(), name="product_detail"),
    path("products/<int:pk>/edit/", views.ProductFormPage.as_view(), name="product_edit"),
    path("categories/", views.CategoryList.as_view(), name="category_list"),
    path("categories/new/", views.CategoryFormPage.as_view(), name="category_create"),
    path("categories/<int:pk>/", views.CategoryDetail.as_view(), name="category_detail"),
    path("categories/<int:pk>/edit/", views.CategoryFormPage.as_view(), name="category_edit"),
]
