"""Django admin for after-sales records (superusers; read mostly: writes go through the services)."""

from django.contrib import admin

from .models import ExchangeCase, ExchangeLine, Refund, RefundLine, ReturnCase, ReturnLine, ServiceTicket


class ExchangeLineInline(admin.TabularInline):
    model = ExchangeLine
    extra = 0
    raw_id_fields = ["sales_line"]


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    extra = 0
    raw_id_fields = ["sales_line"]


@admin.register(ExchangeCase)
class ExchangeCaseAdmin(admin.ModelAdmin):
    list_display = ["number", "status", "region", "distributor", "customer", "late", "cause", "created_at"]
    list_filter = ["status", "late", "cause", "region"]
    search_fields = ["number", "problem"]
    inlines = [ExchangeLineInline]
    readonly_fields = ["number", "status", "version", "created_by", "submitted_by"]


@admin.register(ReturnCase)
class ReturnCaseAdmin(admin.ModelAdmin):
    list_display = ["number", "status", "region", "distributor", "customer", "late", "cause", "created_at"]
    list_filter = ["status", "late", "cause", "region"]
    search_fields = ["number", "problem"]
    inlines = [ReturnLineInline]
    readonly_fields = ["number", "status", "version", "created_by", "submitted_by"]


class RefundLineInline(admin.TabularInline):
    model = RefundLine
    extra = 0


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ["number", "case", "amount", "method", "reference", "paid_by", "paid_at"]
    list_filter = ["method"]
    search_fields = ["number", "reference", "case__number"]
    inlines = [RefundLineInline]


@admin.register(ServiceTicket)
class ServiceTicketAdmin(admin.ModelAdmin):
    list_display = ["number", "status", "kind", "region", "distributor", "customer", "deadline"]
    list_filter = ["status", "kind", "region"]
    search_fields = ["number", "description", "contact"]
    readonly_fields = ["number", "status", "version", "created_by"]
