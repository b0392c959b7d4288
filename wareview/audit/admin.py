from django.contrib import admin
from django.http import HttpRequest

from wareview.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Every team's entries, and those of no team (sign-ins, lenses), for staff: read-only, as the log is
    append-only."""

    list_display = ["when", "actor_name", "action", "team", "target", "ip_address"]
    list_filter = ["action", "when"]
    list_select_related = ["team"]
    search_fields = ["actor_name", "target", "team__name", "ip_address"]
    date_hierarchy = "when"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
