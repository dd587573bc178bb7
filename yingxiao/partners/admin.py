"""Django admin for distributors and customers (superusers)."""

from django.contrib import admin

from .models import Customer, Distributor


@admin.register(Distributor)
class DistributorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "grade", "status", "credit_limit"]
    list_filter = ["region", "grade", "status"]
    search_fields = ["code", "name", "search_text"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "distributor", "active"]
    list_filter = ["region", "active"]
    search_fields = ["code", "name", "search_text"]
