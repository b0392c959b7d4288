from django.contrib import admin

from wareview.reports.models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Report jobs, for operators watching the worker: read-only, since the worker owns their state."""

    list_display = ["pk", "review", "status", "progress", "attempts", "created_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["review__workload", "review__lens"]
    search_fields = ["review__workload__name", "error"]
    readonly_fields = [field.name for field in Report._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
