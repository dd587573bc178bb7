"""Django admin for rebates (superusers): read-only, since every write goes through the services and
the workflow engine."""

from django.contrib import admin

from .models import CrossRegionFlag, RebateAdvance, RebatePayout, RebatePolicy, RebateRun, Statement


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RebatePolicy)
class RebatePolicyAdmin(ReadOnly):
    list_display = ["number", "year", "name", "revision", "scope_key", "status"]
    list_filter = ["status", "year"]
    search_fields = ["number", "name"]


@admin.register(RebateRun)
class RebateRunAdmin(ReadOnly):
    list_display = ["number", "policy", "year", "status", "calc_status", "total_amount"]
    list_filter = ["status", "calc_status", "year"]
    search_fields = ["number"]


@admin.register(Statement)
class StatementAdmin(ReadOnly):
    list_display = ["number", "distributor", "year", "amount", "status"]
    list_filter = ["status", "year"]
    search_fields = ["number", "distributor__code", "distributor__name"]


@admin.register(RebatePayout)
class RebatePayoutAdmin(ReadOnly):
    list_display = ["statement", "distributor", "amount", "method", "paid_on"]


@admin.register(CrossRegionFlag)
class CrossRegionFlagAdmin(ReadOnly):
    list_display = ["distributor", "year", "flagged_by", "lifted_at"]


@admin.register(RebateAdvance)
class RebateAdvanceAdmin(ReadOnly):
    list_display = ["distributor", "year", "amount", "paid_on"]
