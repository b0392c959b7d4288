from django.contrib import admin

from wareview.workloads.models import Workload, WorkloadTag


class WorkloadTagInline(admin.TabularInline):
    model = WorkloadTag
    extra = 0


@admin.register(Workload)
class WorkloadAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "environment", "review_owner", "updated_at"]
    list_filter = ["environment"]
    list_select_related = ["team"]
    search_fields = ["name", "team__name", "review_owner"]
    inlines = [WorkloadTagInline]
