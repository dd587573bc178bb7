"""Django admin for regions, departments and warehouses (superusers)."""

from django.contrib import admin

from .models import Department, Region, Warehouse


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "active"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "head"]
    search_fields = ["code", "name"]


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region", "active"]
    list_filter = ["kind", "region"]
    search_fields = ["code", "name"]
