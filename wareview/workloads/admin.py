from typing import cast

from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from wareview.audit.services import client_ip
from wareview.workloads.models import Workload, WorkloadTag
from wareview.workloads.services import workload_delete


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

    # Deleting here goes through the service, which records it in the audit log as the workload page's delete does.
    # Only signed-in staff reach the admin site: `request.user` is an account.
    def delete_model(self, request: HttpRequest, obj: Workload) -> None:
        workload_delete(workload=obj, by=cast(User, request.user), ip=client_ip(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Workload]) -> None:
        for workload in queryset:
            workload_delete(workload=workload, by=cast(User, request.user), ip=client_ip(request))
