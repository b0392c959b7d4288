from django.contrib import admin
from django.http import HttpRequest

from wareview.reports.models import PdfJob, PortfolioReport, Report


class PdfJobAdmin(admin.ModelAdmin):
    """PDF jobs, for operators watching the worker: read-only, since the worker owns their state."""

    list_filter = ["status"]

    def get_readonly_fields(self, request: HttpRequest, obj: PdfJob | None = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: PdfJob | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PdfJob | None = None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(PdfJobAdmin):
    list_display = ["pk", "review", "status", "progress", "attempts", "created_at", "finished_at"]
    list_select_related = ["review__workload", "review__lens"]
    search_fields = ["review__workload__name", "error"]


@admin.register(PortfolioReport)
class PortfolioReportAdmin(PdfJobAdmin):
    list_display = ["pk", "kind", "requested_by", "workload_count", "status", "progress", "attempts", "created_at"]
    list_select_related = ["requested_by"]
    search_fields = ["requested_by__username", "error"]
