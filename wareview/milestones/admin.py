from django.contrib import admin
from django.http import HttpRequest

from wareview.milestones.models import Milestone, MilestoneAnswer


class MilestoneAnswerInline(admin.TabularInline):
    model = MilestoneAnswer
    readonly_fields = ["question", "risk", "selected", "practices_not_applicable", "not_applicable", "reason", "notes"]
    fields = tuple(readonly_fields)
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Milestone | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Milestone | None = None) -> bool:
        return False


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    """Milestones are snapshots: the admin shows them and never changes one."""

    list_display = ["name", "workload", "lens", "created_by", "created_at", "high_count", "medium_count"]
    list_select_related = ["workload", "lens", "created_by"]
    search_fields = ["name", "workload__name"]
    readonly_fields = [field.name for field in Milestone._meta.fields]
    inlines = [MilestoneAnswerInline]

    def has_add_permission(self, request: HttpRequest, obj: Milestone | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Milestone | None = None) -> bool:
        return False
